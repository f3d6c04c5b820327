package main

import (
	"context"
	"flag"
	"fmt"
	"io"
	"text/tabwriter"
	"time"

	"github.com/writerfiles/writer-go/writer"
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

// retryFailedFlags are the options of retry-failed.
type retryFailedFlags struct {
	graph, types string
	batch, rpm   int
	wait         bool
	interval     time.Duration
}

// cmdRetryFailed: writerfiles retry-failed [flags] retries every failed file, with a
// progress line, a summary and, with --wait, the outcome of processing.
func cmdRetryFailed(ctx context.Context, a *app, args []string) error {
	fs := flag.NewFlagSet("retry-failed", flag.ContinueOnError)
	var f retryFailedFlags
	fs.StringVar(&f.graph, "graph", "", "only files in this Knowledge Graph (UUID)")
	fs.StringVar(&f.types, "types", "", "only files with these extensions, comma-separated (pdf,docx)")
	fs.IntVar(&f.batch, "batch", 0, "file ids per retry request (default 100)")
	fs.IntVar(&f.rpm, "rpm", 400, "requests per minute; 0 = unpaced")
	fs.BoolVar(&f.wait, "wait", false, "then wait until the retried files are processed")
	fs.DurationVar(&f.interval, "interval", 2*time.Second, "with --wait: pause between polls")
	rest, err := parseFlags(fs, args)
	if err != nil {
		return err
	}
	if len(rest) > 0 {
		return usageError{"retry-failed takes no arguments, only flags"}
	}
	return a.retryFailed(ctx, f)
}

func (a *app) retryFailed(ctx context.Context, f retryFailedFlags) error {
	rpm := f.rpm
	if rpm == 0 {
		rpm = writer.NoRateLimit
	}
	prog := newProgress(a.out)
	var accepted []string
	rep, err := a.client.Files.RetryFailed(ctx, &writer.RetryFailedOptions{
		GraphID: f.graph, FileTypes: splitTypes(f.types), BatchSize: f.batch, RequestsPerMinute: rpm,
		Progress: func(p writer.RetryFailedProgress) {
			if p.Batches > 0 && p.BatchErr == nil {
				accepted = append(accepted, p.Batch...)
			}
			prog.update(p)
		},
	})
	prog.done()
	if rep.Found == 0 && err == nil {
		fmt.Fprintln(a.out, "No failed files found.")
		return nil
	}
	fmt.Fprintf(a.out, "Found %d failed file(s); Writer accepted the retry of %d in %d request(s)", rep.Found, rep.Retried, rep.Batches)
	if n := len(rep.Errors); n > 0 {
		fmt.Fprintf(a.out, "; %d request(s) failed", n)
	}
	if n := len(rep.Skipped); n > 0 {
		fmt.Fprintf(a.out, "; %d skipped (ids that are not UUIDs)", n)
	}
	if rep.SlowDowns > 0 {
		fmt.Fprintf(a.out, "; slowed down %d time(s) after 429", rep.SlowDowns)
	}
	fmt.Fprintln(a.out, ".")
	for _, e := range rep.Errors {
		fmt.Fprintf(a.errOut, "writerfiles: retry of %d file(s) starting %s failed: %v\n", len(e.FileIDs), e.FileIDs[0], e.Err)
	}
	if err != nil || !f.wait || len(accepted) == 0 {
		return err
	}
	fmt.Fprintf(a.out, "Waiting for %d file(s) to be processed...\n", len(accepted))
	files, err := a.client.Files.WaitProcessed(ctx, accepted, &writer.WaitOptions{Interval: f.interval, RequestsPerMinute: rpm})
	counts := map[writer.Status]int{}
	for _, file := range files {
		counts[file.Status]++
	}
	if err != nil {
		return err
	}
	fmt.Fprintf(a.out, "Processed: %d completed, %d failed again", counts[writer.StatusCompleted], counts[writer.StatusFailed])
	if other := len(files) - counts[writer.StatusCompleted] - counts[writer.StatusFailed]; other > 0 {
		fmt.Fprintf(a.out, ", %d in another status", other)
	}
	fmt.Fprintln(a.out, ".")
	return nil
}

// progress shows a RetryFailed run: one line rewritten in place on a terminal, plain lines
// (one when listing ends, one per retry request) otherwise.
type progress struct {
	w        io.Writer
	terminal bool
	listed   bool // the end of listing was reported
	shown    bool // a line is on screen without its newline
}

func newProgress(w io.Writer) *progress { return &progress{w: w, terminal: isTerminal(w)} }

func (p *progress) update(r writer.RetryFailedProgress) {
	if p.terminal {
		if r.Listing {
			fmt.Fprintf(p.w, "\r\033[KListing failed files: %d", r.Listed)
		} else {
			fmt.Fprintf(p.w, "\r\033[KRetrying: request %d/%d, %d/%d files accepted", r.Batches, r.BatchesTotal, r.Retried, r.Found)
		}
		p.shown = true
		return
	}
	if r.Listing {
		return
	}
	if !p.listed {
		p.listed = true
		fmt.Fprintf(p.w, "Listed %d failed file(s); retrying in %d request(s).\n", r.Found, r.BatchesTotal)
	}
	outcome := "accepted"
	if r.BatchErr != nil {
		outcome = "failed"
	}
	fmt.Fprintf(p.w, "Request %d/%d: %d file(s) %s.\n", r.Batches, r.BatchesTotal, len(r.Batch), outcome)
}

// done ends the progress line.
func (p *progress) done() {
	if p.shown {
		fmt.Fprintln(p.w)
	}
}

// cmdDemo: writerfiles --fake demo runs the whole workflow against the fake: list the
// failed files, retry them all, wait until processed, list every file again.
func cmdDemo(ctx context.Context, a *app, args []string) error {
	if a.fake == nil {
		return usageError{"demo runs only against the local fake: writerfiles --fake demo"}
	}
	if len(args) > 0 {
		return usageError{"demo takes no arguments"}
	}
	fmt.Fprintln(a.out, "$ writerfiles list --status failed")
	if _, err := a.printFiles(ctx, &writer.ListOptions{Status: writer.StatusFailed}); err != nil {
		return err
	}
	fmt.Fprintln(a.out, "\n$ writerfiles retry-failed --wait")
	if err := a.retryFailed(ctx, retryFailedFlags{rpm: 400, wait: true, interval: 200 * time.Millisecond}); err != nil {
		return err
	}
	fmt.Fprintln(a.out, "\n$ writerfiles list")
	_, err := a.printFiles(ctx, nil)
	return err
}
