package main

import (
	"context"
	"fmt"
	"text/tabwriter"

	"github.com/writerfiles/writer-go/writertest"
)

// cmdRetry: writerfiles retry ID... sends one POST /v1/files/retry with the ids.
func cmdRetry(ctx context.Context, a *app, args []string) error {
	if len(args) == 0 {
		return usageError{"retry needs at least one file id: writerfiles retry ID..."}
	}
	if a.fake != nil {
		a.showFake("before", args)
	}
	if err := a.client.Files.Retry(ctx, args); err != nil {
		return err
	}
	fmt.Fprintf(a.out, "Writer accepted the retry of %d file(s); processing is asynchronous.\n", len(args))
	if a.fake != nil {
		a.showFake("after", args)
	}
	return nil
}

// cmdDemo: writerfiles --fake demo retries the fake's failed sample files and shows their
// status before, just after, and once processed.
func cmdDemo(ctx context.Context, a *app, args []string) error {
	if a.fake == nil {
		return usageError{"demo runs only against the local fake: writerfiles --fake demo"}
	}
	if len(args) > 0 {
		return usageError{"demo takes no arguments"}
	}
	var all, failed []string
	for _, f := range sampleFiles {
		all = append(all, f.ID)
		if f.Status == writertest.StatusFailed {
			failed = append(failed, f.ID)
		}
	}
	a.showFake("before", all)
	fmt.Fprintf(a.out, "\nRetrying the %d failed file(s)...\n", len(failed))
	if err := a.client.Files.Retry(ctx, failed); err != nil {
		return err
	}
	fmt.Fprintln(a.out, "Writer accepted the retry.")
	a.showFake("just after", all)
	if err := a.fake.waitSettled(ctx, failed); err != nil {
		return err
	}
	a.showFake("once processed", all)
	return nil
}

// showFake prints the fake's view of the given files.
func (a *app) showFake(when string, ids []string) {
	fmt.Fprintf(a.out, "\nFiles %s:\n", when)
	tw := tabwriter.NewWriter(a.out, 2, 4, 2, ' ', 0)
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
