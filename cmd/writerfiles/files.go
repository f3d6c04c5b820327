package main

import (
	"context"
	"encoding/json"
	"errors"
	"flag"
	"fmt"
	"io"
	"mime"
	"os"
	"path/filepath"
	"strings"
	"time"

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
	rest, err := parseFlags(fs, args)
	if err != nil {
		return err
	}
	if len(rest) > 0 {
		return a.usageErr("takes no arguments, only flags")
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

// printFile prints one file: a line of the table, or a JSON object with --json.
func (a *app) printFile(f writer.File) {
	if a.global.json {
		_ = json.NewEncoder(a.out).Encode(jsonFile{ID: f.ID, Name: f.Name, CreatedAt: f.CreatedAt, GraphIDs: f.GraphIDs, Status: string(f.Status)})
		return
	}
	fmt.Fprintf(a.out, "%-36s  %-11s  %-20s  %s\n", f.ID, f.Status, f.CreatedAt.UTC().Format(time.DateTime), f.Name)
}

// jsonFile is the --json form of a file: the spec's file_response.
type jsonFile struct {
	ID        string    `json:"id"`
	Name      string    `json:"name"`
	CreatedAt time.Time `json:"created_at"`
	GraphIDs  []string  `json:"graph_ids"`
	Status    string    `json:"status"`
}

// jsonSaved is the --json form of a download saved to a file.
type jsonSaved struct {
	ID          string `json:"id"`
	Path        string `json:"path"`
	Bytes       int64  `json:"bytes"`
	ContentType string `json:"content_type"`
}

// jsonDeleted is the --json form of a deletion: the spec's delete_file_response.
type jsonDeleted struct {
	ID      string `json:"id"`
	Deleted bool   `json:"deleted"`
}

// splitTypes splits a comma-separated list of extensions; "" is no filter.
func splitTypes(s string) []string {
	if s == "" {
		return nil
	}
	return strings.Split(s, ",")
}

// oneID parses the command's flags and returns its one positional argument, a file id.
func (a *app) oneID(fs *flag.FlagSet, args []string) (string, error) {
	rest, err := parseFlags(fs, args)
	if err != nil {
		return "", err
	}
	if len(rest) != 1 {
		return "", a.usageErr("takes one file id")
	}
	return rest[0], nil
}

// cmdGet: writerfiles get ID.
func cmdGet(ctx context.Context, a *app, args []string) error {
	id, err := a.oneID(a.flagSet(), args)
	if err != nil {
		return err
	}
	if err := a.connect(); err != nil {
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
	id, err := a.oneID(a.flagSet(), args)
	if err != nil {
		return err
	}
	if err := a.connect(); err != nil {
		return err
	}
	if err := a.client.Files.Delete(ctx, id); err != nil {
		return a.flagError(nil, err)
	}
	if a.global.json {
		return json.NewEncoder(a.out).Encode(jsonDeleted{ID: id, Deleted: true})
	}
	fmt.Fprintf(a.out, "Deleted %s\n", id)
	return nil
}

// mediaTypes are the types Writer's upload accepts, by extension: Go's built-in table
// lacks several of them.
var mediaTypes = map[string]string{
	".txt":  "text/plain",
	".doc":  "application/msword",
	".docx": "application/vnd.openxmlformats-officedocument.wordprocessingml.document",
	".ppt":  "application/vnd.ms-powerpoint",
	".pptx": "application/vnd.openxmlformats-officedocument.presentationml.presentation",
	".jpg":  "image/jpeg",
	".jpeg": "image/jpeg",
	".png":  "image/png",
	".eml":  "message/rfc822",
	".html": "text/html",
	".htm":  "text/html",
	".pdf":  "application/pdf",
	".srt":  "application/x-subrip",
	".csv":  "text/csv",
	".xls":  "application/vnd.ms-excel",
	".xlsx": "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
	".mp3":  "audio/mpeg",
	".mp4":  "video/mp4",
}

// cmdUpload: writerfiles upload PATH [--graph ID] [--type MIME] [--name NAME].
func cmdUpload(ctx context.Context, a *app, args []string) error {
	fs := a.flagSet()
	graph := fs.String("graph", "", "add the file to this Knowledge Graph (`ID`, a UUID)")
	ctype := fs.String("type", "", "the file's media type, `MIME` (default: from its extension)")
	name := fs.String("name", "", "the `NAME` to give the file (default: the base name of PATH)")
	rest, err := parseFlags(fs, args)
	if err != nil {
		return err
	}
	if len(rest) != 1 {
		return a.usageErr("takes one path")
	}
	path := rest[0]
	// Stat before opening: opening a named pipe would block.
	fi, err := os.Stat(path)
	if err != nil {
		return usageError{fmt.Sprintf("upload: %v", err)}
	}
	switch {
	case fi.IsDir():
		return usageError{fmt.Sprintf("upload: %s is a directory; give the path of a file", path)}
	case !fi.Mode().IsRegular():
		return usageError{fmt.Sprintf("upload: %s is not a regular file", path)}
	}
	if *name == "" {
		*name = filepath.Base(path)
	}
	if *ctype == "" {
		ext := strings.ToLower(filepath.Ext(path))
		if *ctype = mediaTypes[ext]; *ctype == "" {
			*ctype = mime.TypeByExtension(ext)
		}
		if *ctype == "" {
			return usageError{fmt.Sprintf("upload: no media type known for %q: pass --type", ext)}
		}
	}
	f, err := os.Open(path)
	if err != nil {
		return usageError{fmt.Sprintf("upload: %v", err)}
	}
	defer f.Close()
	if err := a.connect(); err != nil {
		return err
	}
	// An *os.File is an io.ReaderAt and io.Seeker: its size is found by seeking, it is
	// streamed, and the upload may be replayed.
	file, err := a.client.Files.Upload(ctx, *name, *ctype, f, -1, &writer.UploadOptions{GraphID: *graph})
	if err != nil {
		return a.flagError(fs, err)
	}
	a.showFile(file)
	return nil
}

// cmdDownload: writerfiles download ID [--output PATH].
func cmdDownload(ctx context.Context, a *app, args []string) error {
	fs := a.flagSet()
	outPath := fs.String("output", "", "save to this file, `PATH` (default: stdout, unless it is a terminal)")
	fs.StringVar(outPath, "o", "", "short for --output")
	id, err := a.oneID(fs, args)
	if err != nil {
		return err
	}
	if *outPath != "" && *outPath != "-" {
		return a.saveDownload(ctx, id, *outPath)
	}
	switch {
	case a.global.json:
		return usageError{"download: --json needs --output PATH (a file's content is not JSON)"}
	case isTerminal(a.out):
		return usageError{"download: stdout is a terminal; pass --output PATH"}
	}
	if err := a.connect(); err != nil {
		return err
	}
	d, err := a.client.Files.Download(ctx, id)
	if err != nil {
		return a.flagError(nil, err)
	}
	defer d.Body.Close()
	_, err = io.Copy(a.out, d.Body)
	return err
}

// saveDownload saves a file's content to path, whole or not at all: into a temporary file
// next to path, renamed once the body was read to its end. The temporary file is created
// before the request, so a path that cannot be written is refused before anything is sent.
// A path that is a directory is refused too. An existing file keeps its permissions, and a
// symbolic link to one is followed: the file it names is replaced.
func (a *app) saveDownload(ctx context.Context, id, path string) (err error) {
	target, mode := path, os.FileMode(0o644) // 0644: what os.Create gives under the usual umask 022
	if resolved, err := filepath.EvalSymlinks(path); err == nil {
		target = resolved
	}
	if fi, err := os.Stat(target); err == nil {
		if fi.IsDir() {
			return usageError{fmt.Sprintf("download: --output %s is a directory; give the path of a file", path)}
		}
		mode = fi.Mode().Perm()
	}
	tmp, err := os.CreateTemp(filepath.Dir(target), ".writerfiles-*")
	if err != nil {
		var pe *os.PathError
		if errors.As(err, &pe) {
			err = pe.Err // the temporary file's name would only confuse
		}
		return usageError{fmt.Sprintf("download: cannot create --output %s: %v", path, err)}
	}
	defer func() {
		if err != nil {
			tmp.Close()
			os.Remove(tmp.Name())
		}
	}()
	if err = a.connect(); err != nil {
		return err
	}
	d, err := a.client.Files.Download(ctx, id)
	if err != nil {
		return a.flagError(nil, err)
	}
	defer d.Body.Close()
	n, err := io.Copy(tmp, d.Body)
	if err != nil {
		return err
	}
	if err = tmp.Chmod(mode); err != nil { // CreateTemp made it 0600
		return err
	}
	if err = tmp.Close(); err != nil {
		return err
	}
	if err = os.Rename(tmp.Name(), target); err != nil {
		return err
	}
	if a.global.json {
		return json.NewEncoder(a.out).Encode(jsonSaved{ID: id, Path: path, Bytes: n, ContentType: d.ContentType})
	}
	fmt.Fprintf(a.out, "Saved %d bytes (%s) to %s\n", n, d.ContentType, path)
	return nil
}
