package main

import (
	"context"
	"encoding/json"
	"fmt"
	"strings"
	"time"

	"github.com/google/uuid"

	"github.com/writerfiles/writer-go/api"
	"github.com/writerfiles/writer-go/writer"
)

// cmdList: writerfiles list [filters] prints every matching file, one per line.
func cmdList(ctx context.Context, a *app, args []string) error {
	fs := a.flagSet()
	status := fs.String("status", "", "only files with this status `S`: in_progress, completed or failed")
	graph := fs.String("graph", "", "only files in this Knowledge Graph (`ID`, a UUID)")
	types := fs.String("types", "", "only files with these extensions, comma-separated (`pdf,docx`)")
	order := fs.String("order", "", "`asc` (oldest first) or desc (newest first, the default)")
	pageSize := fs.Int("page-size", 0, "`N` files per request, 1..100; 0: the server's default, 50")
	if err := a.flagsOnly(fs, args); err != nil {
		return err
	}
	if err := a.connect(); err != nil {
		return err
	}
	opts := &writer.ListOptions{Status: writer.Status(*status), GraphID: *graph, FileTypes: splitTypes(*types),
		Order: writer.Order(*order), Limit: *pageSize}
	n, err := a.printFiles(ctx, opts)
	if err != nil {
		return a.flagError(fs, err)
	}
	if !a.global.json {
		fmt.Fprintf(a.out, "%d file(s)\n", n)
	}
	return nil
}

// printFiles prints every file of a listing and returns how many there were.
func (a *app) printFiles(ctx context.Context, opts *writer.ListOptions) (int, error) {
	n := 0
	for f, err := range a.client.Files.List(ctx, opts) {
		if err != nil {
			return n, err
		}
		if n == 0 && !a.global.json {
			fmt.Fprintf(a.out, "%-36s  %-11s  %-20s  %s\n", "ID", "STATUS", "CREATED", "NAME")
		}
		n++
		a.printFile(f)
	}
	return n, nil
}

// printFile prints one file: a line of the table, or with --json the spec's file_response.
func (a *app) printFile(f writer.File) {
	if a.global.json {
		_ = json.NewEncoder(a.out).Encode(fileResponse(f))
		return
	}
	fmt.Fprintf(a.out, "%-36s  %-11s  %-20s  %s\n", f.ID, f.Status, f.CreatedAt.UTC().Format(time.DateTime), f.Name)
}

// fileResponse is f as the spec's file_response: the --json form of a file.
func fileResponse(f writer.File) api.FileResponse {
	graphs := make([]uuid.UUID, 0, len(f.GraphIDs))
	for _, g := range f.GraphIDs {
		if u, err := uuid.Parse(g); err == nil { // always: the library parsed them as UUIDs
			graphs = append(graphs, u)
		}
	}
	return api.FileResponse{Id: f.ID, Name: f.Name, CreatedAt: f.CreatedAt, GraphIds: graphs, Status: string(f.Status)}
}

// splitTypes splits a comma-separated list of extensions; "" is no filter.
func splitTypes(s string) []string {
	if s == "" {
		return nil
	}
	return strings.Split(s, ",")
}

// cmdGet: writerfiles get ID.
func cmdGet(ctx context.Context, a *app, args []string) error {
	id, err := a.idAndConnect(args)
	if err != nil {
		return err
	}
	f, err := a.client.Files.Get(ctx, id)
	if err != nil {
		return a.flagError(nil, err)
	}
	a.showFile(f)
	return nil
}

// showFile prints one file in full.
func (a *app) showFile(f writer.File) {
	if a.global.json {
		a.printFile(f)
		return
	}
	graphs := strings.Join(f.GraphIDs, ", ")
	if graphs == "" {
		graphs = "none"
	}
	fmt.Fprintf(a.out, "ID:       %s\nName:     %s\nStatus:   %s\nCreated:  %s\nGraphs:   %s\n",
		f.ID, f.Name, f.Status, f.CreatedAt.UTC().Format(time.RFC3339), graphs)
}

// cmdDelete: writerfiles delete ID.
func cmdDelete(ctx context.Context, a *app, args []string) error {
	id, err := a.idAndConnect(args)
	if err != nil {
		return err
	}
	if err := a.client.Files.Delete(ctx, id); err != nil {
		return a.flagError(nil, err)
	}
	if a.global.json {
		deleted := true
		return json.NewEncoder(a.out).Encode(api.DeleteFileResponse{Id: id, Deleted: &deleted})
	}
	fmt.Fprintf(a.out, "Deleted %s\n", id)
	return nil
}
