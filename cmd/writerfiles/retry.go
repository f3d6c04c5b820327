package main

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"io"
	"strings"
	"text/tabwriter"
	"time"

	"github.com/writerfiles/writer-go/writer"
)

// cmdRetry: writerfiles retry ID... sends one POST /v1/files/retry with the ids. With
// --fake it shows the files before and after, once Writer accepted the ids.
func cmdRetry(ctx context.Context, a *app, args []string) error {
	ids, err := parseFlags(a.flagSet(), args)
	if err != nil {
		return err
	}
	if len(ids) == 0 {
		return a.usageErr("needs at least one file id")
	}
	if err := a.connect(); err != nil {
		return err
	}
	var before bytes.Buffer
	if a.fake != nil && !a.global.json {
		a.showFake(&before, "before", ids)
	}
	if err := a.client.Files.Retry(ctx, ids); err != nil {
		return a.flagError(nil, err)
	}
	if a.global.json {
		return json.NewEncoder(a.out).Encode(jsonRetried{FileIDs: ids, Accepted: distinctIDs(ids)})
	}
	_, _ = before.WriteTo(a.out)
	fmt.Fprintf(a.out, "Writer accepted the retry of %d file(s); processing is asynchronous.\n", distinctIDs(ids))
	if a.fake != nil {
		a.showFake(a.out, "after", ids)
	}
	return nil
}

// jsonRetried is the --json form of an accepted retry: the ids given, and how many distinct
// files they name.
type jsonRetried struct {
	FileIDs  []string `json:"file_ids"`
	Accepted int      `json:"accepted"`
}

// showFake prints to w the fake's view of the given files.
func (a *app) showFake(w io.Writer, when string, ids []string) {
	fmt.Fprintf(w, "\nFiles %s:\n", when)
	tw := tabwriter.NewWriter(w, 2, 4, 2, ' ', 0)
	fmt.Fprintln(tw, "  ID\tNAME\tSTATUS")
	for _, id := range ids {
		f, ok := a.fake.File(id)
		if !ok {
			fmt.Fprintf(tw, "  %s\t(unknown)\t\n", id)
			continue
		}
		fmt.Fprintf(tw, "  %s\t%s\t%s\n", f.ID, f.Name, f.Status)
	}
	_ = tw.Flush()
}

// cmdDemo: writerfiles --fake demo runs the whole workflow against the fake: list the
// failed files, retry them all, wait until processed, list every file again. Each step is
// introduced by its command line, or with --json by {"type":"command","command":...}.
func cmdDemo(ctx context.Context, a *app, args []string) error {
	rest, err := parseFlags(a.flagSet(), args)
	if err != nil {
		return err
	}
	if len(rest) > 0 {
		return a.usageErr("takes no arguments")
	}
	if !a.global.fake {
		return usageError{"demo runs only against the local fake: writerfiles --fake demo"}
	}
	if err := a.connect(); err != nil {
		return err
	}
	steps := []struct {
		line string
		run  func() error
	}{
		{"writerfiles list --status failed", func() error {
			_, err := a.printFiles(ctx, &writer.ListOptions{Status: writer.StatusFailed})
			return err
		}},
		{"writerfiles retry-failed --wait", func() error {
			return a.retryFailed(ctx, retryFailedFlags{batch: 100, rpm: 400, wait: true, interval: 200 * time.Millisecond})
		}},
		{"writerfiles list", func() error {
			_, err := a.printFiles(ctx, nil)
			return err
		}},
	}
	for i, step := range steps {
		switch {
		case a.global.json:
			_ = json.NewEncoder(a.out).Encode(jsonCommand{Type: "command", Command: step.line})
		case i > 0:
			fmt.Fprintf(a.out, "\n$ %s\n", step.line)
		default:
			fmt.Fprintf(a.out, "$ %s\n", step.line)
		}
		if err := step.run(); err != nil {
			return err
		}
	}
	return nil
}

// jsonCommand is the --json line that introduces a step of the demo.
type jsonCommand struct {
	Type    string `json:"type"` // "command"
	Command string `json:"command"`
}

// distinctIDs counts ids as Files.Retry sends them: a repeat, in any letter case, once.
func distinctIDs(ids []string) int {
	seen := make(map[string]bool, len(ids))
	for _, id := range ids {
		seen[strings.ToLower(id)] = true
	}
	return len(seen)
}
