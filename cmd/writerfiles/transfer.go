package main

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"os"
	"path/filepath"

	"github.com/writerfiles/writer-go/writer"
)

// cmdUpload: writerfiles upload PATH [--graph ID] [--type MIME] [--name NAME].
func cmdUpload(ctx context.Context, a *app, args []string) error {
	fs := a.flagSet()
	graph := fs.String("graph", "", "add the file to this Knowledge Graph (`ID`, a UUID)")
	ctype := fs.String("type", "", "the file's media type, `MIME` (default: from the name's extension, else from its first 512 bytes)")
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
	f, err := os.Open(path)
	if err != nil {
		return usageError{fmt.Sprintf("upload: %v", err)}
	}
	defer f.Close()
	if err := a.connect(); err != nil {
		return err
	}
	// A regular file is measured, streamed, and may be replayed.
	file, err := a.client.Files.Upload(ctx, writer.UploadParams{Name: *name, ContentType: *ctype, Body: f, GraphID: *graph})
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
	fmt.Fprintf(a.out, "Saved %d bytes (%s) to %s\n", n, shown(d.ContentType), shown(path))
	return nil
}

// jsonSaved is the --json form of a download saved to a file.
type jsonSaved struct {
	ID          string `json:"id"`
	Path        string `json:"path"`
	Bytes       int64  `json:"bytes"`
	ContentType string `json:"content_type"`
}
