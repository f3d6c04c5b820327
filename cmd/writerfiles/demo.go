package main

import (
	"context"
	"encoding/json"
	"fmt"
	"time"

	"github.com/writerfiles/writer-go/writer"
)

// cmdDemo: writerfiles --fake demo runs the whole workflow against the fake: list the
// failed files, retry them all, wait until processed, list every file again. Each step is
// introduced by its command line, or with --json by {"type":"command","command":...}.
func cmdDemo(ctx context.Context, a *app, args []string) error {
	if err := a.flagsOnly(a.flagSet(), args); err != nil {
		return err
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
			return a.retryFailed(ctx, retryFailedFlags{batch: 100, wait: true, interval: 200 * time.Millisecond})
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
