package main

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"maps"
	"slices"
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
	order := fs.String("order", "", "the order, `asc|desc`: oldest or newest first (default desc)")
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

// printFile prints one file: a line of the table, or with --json the file as JSON.
func (a *app) printFile(f writer.File) {
	if a.global.json {
		_ = json.NewEncoder(a.out).Encode(jsonFile(f))
		return
	}
	fmt.Fprintf(a.out, "%-36s  %-11s  %-20s  %s\n", shown(f.ID), shown(string(f.Status)), f.CreatedAt.UTC().Format(time.DateTime), shown(f.Name))
}

// jsonFile is the --json form of a file: the spec's file_response, followed by the
// properties that the spec does not declare and the server sent (writer.File's Extra), by
// name, with their values as the server sent them.
type jsonFile writer.File

func (f jsonFile) MarshalJSON() ([]byte, error) {
	b, err := json.Marshal(fileResponse(writer.File(f)))
	if err != nil || len(f.Extra) == 0 {
		return b, err
	}
	b = b[:len(b)-1] // the closing brace
	for _, name := range slices.Sorted(maps.Keys(f.Extra)) {
		key, err := json.Marshal(name)
		if err != nil {
			return nil, err
		}
		b = append(append(append(append(b, ','), key...), ':'), f.Extra[name]...)
	}
	return append(b, '}'), nil
}

// fileResponse is f as the spec's file_response.
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

// cmdGet: writerfiles get ID, or get - for the ids on stdin.
func cmdGet(ctx context.Context, a *app, args []string) error {
	return a.eachID(ctx, args, func(c *writer.Client, id string) (func(), error) {
		f, err := c.Files.Get(ctx, id)
		return func() { a.showFile(f) }, err
	})
}

// showFile prints one file in full: a block of lines, after a blank line from the one
// before, or with --json a JSON line.
func (a *app) showFile(f writer.File) {
	if a.global.json {
		a.printFile(f)
		return
	}
	if a.shownFiles++; a.shownFiles > 1 {
		fmt.Fprintln(a.out)
	}
	graphs := make([]string, len(f.GraphIDs))
	for i, g := range f.GraphIDs {
		graphs[i] = shown(g)
	}
	if len(graphs) == 0 {
		graphs = []string{"none"}
	}
	fmt.Fprintf(a.out, "ID:       %s\nName:     %s\nStatus:   %s\nCreated:  %s\nGraphs:   %s\n",
		shown(f.ID), shown(f.Name), shown(string(f.Status)), f.CreatedAt.UTC().Format(time.RFC3339), strings.Join(graphs, ", "))
	label := "Extra:"
	for _, name := range slices.Sorted(maps.Keys(f.Extra)) {
		fmt.Fprintf(a.out, "%-10s%s: %s\n", label, shown(name), extraText(f.Extra[name]))
		label = ""
	}
}

// extraText is the value of an undeclared property as get shows it: a JSON string as its
// text, any other value as compact JSON, escaped as all server text is (shown).
func extraText(raw json.RawMessage) string {
	var s string
	if json.Unmarshal(raw, &s) == nil {
		return shown(s)
	}
	var b bytes.Buffer
	if json.Compact(&b, raw) == nil {
		return shown(b.String())
	}
	return shown(string(raw))
}

// cmdDelete: writerfiles delete ID, or delete - for the ids on stdin.
func cmdDelete(ctx context.Context, a *app, args []string) error {
	return a.eachID(ctx, args, func(c *writer.Client, id string) (func(), error) {
		return func() {
			if a.global.json {
				deleted := true
				_ = json.NewEncoder(a.out).Encode(api.DeleteFileResponse{Id: id, Deleted: &deleted})
				return
			}
			fmt.Fprintf(a.out, "Deleted %s\n", shown(id))
		}, c.Files.Delete(ctx, id)
	})
}
