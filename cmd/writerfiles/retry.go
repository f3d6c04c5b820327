package main

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
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
	for i, id := range ids {
		if !isUUID(id) {
			return usageError{fmt.Sprintf("retry: file id %d (%q) is not a UUID (8-4-4-4-12 hexadecimal digits)", i+1, id)}
		}
	}
	if err := a.connect(); err != nil {
		return err
	}
	var before bytes.Buffer
	if a.fake != nil && !a.global.json {
		a.showFake(&before, "before", ids)
	}
	if err := a.client.Files.Retry(ctx, ids); err != nil {
		return err
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
	fs := a.flagSet()
	var f retryFailedFlags
	fs.StringVar(&f.graph, "graph", "", "only files in this Knowledge Graph (UUID)")
	fs.StringVar(&f.types, "types", "", "only files with these extensions, comma-separated (pdf,docx)")
	fs.IntVar(&f.batch, "batch", 100, "file ids per retry request")
	fs.IntVar(&f.rpm, "rpm", 400, "requests per minute; 0 = unpaced")
	fs.BoolVar(&f.wait, "wait", false, "then wait until the retried files are processed")
	fs.DurationVar(&f.interval, "interval", 2*time.Second, "with --wait: pause between polls, more than 0")
	rest, err := parseFlags(fs, args)
	if err != nil {
		return err
	}
	if len(rest) > 0 {
		return a.usageErr("takes no arguments, only flags")
	}
	if err := f.check(); err != nil {
		return err
	}
	if err := a.connect(); err != nil {
		return err
	}
	return a.retryFailed(ctx, f)
}

// check refuses bad flags before anything is sent: the library would refuse some only
// after the retries (--interval) or name its own options instead of the flags.
func (f retryFailedFlags) check() error {
	switch {
	case f.batch < 1:
		return usageError{fmt.Sprintf("retry-failed: --batch %d is not a number of file ids per request (1 or more)", f.batch)}
	case f.rpm < 0:
		return usageError{fmt.Sprintf("retry-failed: --rpm %d is negative; give requests per minute, or 0 for no pacing", f.rpm)}
	case f.wait && f.interval <= 0:
		// Refused rather than taken as the library's default: 0 would read as "no pause".
		return usageError{fmt.Sprintf("retry-failed: --interval %s is not a pause between polls (more than 0, such as 2s)", f.interval)}
	}
	if err := checkTypes("retry-failed", f.types); err != nil {
		return err
	}
	return checkGraph("retry-failed", f.graph)
}

// retryFailed runs RetryFailed and, with f.wait, WaitProcessed, with flags that check accepted.
func (a *app) retryFailed(ctx context.Context, f retryFailedFlags) error {
	rpm := f.rpm
	if rpm == 0 {
		rpm = writer.NoRateLimit
	}
	prog := newProgress(a.out, a.errOut)
	var accepted []string // kept only for --wait, which needs them
	rep, err := a.client.Files.RetryFailed(ctx, &writer.RetryFailedOptions{
		GraphID: f.graph, FileTypes: splitTypes(f.types), BatchSize: f.batch, RequestsPerMinute: rpm,
		Progress: func(p writer.RetryFailedProgress) {
			if f.wait && p.Batch != nil && p.BatchErr == nil {
				accepted = append(accepted, p.Batch...)
			}
			prog.update(p)
		},
	})
	prog.done()
	if errors.Is(err, writer.ErrInvalidInput) {
		return err
	}
	if rep.Found == 0 && err == nil {
		fmt.Fprintln(a.out, "No failed files found.")
		return nil
	}
	fmt.Fprintf(a.out, "Found %d failed file(s) in %d page(s); Writer accepted the retry of %d in %d request(s)", rep.Found, rep.Pages, rep.Retried, rep.Batches)
	if rep.FailedBatches > 0 {
		fmt.Fprintf(a.out, "; %d request(s) failed", rep.FailedBatches)
	}
	if rep.Skipped > 0 {
		fmt.Fprintf(a.out, "; %d skipped (ids that are not UUIDs)", rep.Skipped)
	}
	if rep.SlowDowns > 0 {
		fmt.Fprintf(a.out, "; slowed down %d time(s) after 429", rep.SlowDowns)
	}
	fmt.Fprintln(a.out, ".")
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

// progress shows a RetryFailed run as it goes: one line rewritten in place on a terminal;
// otherwise plain lines, one per retry request and one when the listing ends. Each failed
// retry request is also reported on errOut, with its first id and its error.
type progress struct {
	w, errOut io.Writer
	terminal  bool
	shown     bool // a line is on screen without its newline
}

func newProgress(w, errOut io.Writer) *progress {
	return &progress{w: w, errOut: errOut, terminal: isTerminal(w)}
}

func (p *progress) update(r writer.RetryFailedProgress) {
	if r.BatchErr != nil {
		p.done()
		fmt.Fprintf(p.errOut, "writerfiles: retry of %d file(s) starting %s failed: %v\n", len(r.Batch), r.Batch[0], r.BatchErr)
	}
	soFar := " so far"
	if r.ListingDone {
		soFar = ""
	}
	if p.terminal {
		fmt.Fprintf(p.w, "\r\033[KFound %d failed file(s) in %d page(s)%s; %d accepted in %d request(s)",
			r.Found, r.Pages, soFar, r.Retried, r.Batches)
		if r.FailedBatches > 0 {
			fmt.Fprintf(p.w, ", %d failed", r.FailedBatches)
		}
		p.shown = true
		return
	}
	switch {
	case r.Batch != nil && r.BatchErr == nil:
		fmt.Fprintf(p.w, "Request %d: %d file(s) accepted; %d retried of %d found%s.\n", r.Batches, len(r.Batch), r.Retried, r.Found, soFar)
	case r.Batch != nil:
		fmt.Fprintf(p.w, "Request %d: %d file(s) not accepted.\n", r.Batches, len(r.Batch))
	case r.ListingDone:
		fmt.Fprintf(p.w, "Listing done: %d failed file(s) in %d page(s).\n", r.Found, r.Pages)
	}
}

// done ends the progress line.
func (p *progress) done() {
	if p.shown {
		fmt.Fprintln(p.w)
		p.shown = false
	}
}

// cmdDemo: writerfiles --fake demo runs the whole workflow against the fake: list the
// failed files, retry them all, wait until processed, list every file again.
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
	if a.global.json {
		return usageError{"demo shows the commands as a person reads them; --json is for the commands themselves"}
	}
	if err := a.connect(); err != nil {
		return err
	}
	fmt.Fprintln(a.out, "$ writerfiles list --status failed")
	if _, err := a.printFiles(ctx, &writer.ListOptions{Status: writer.StatusFailed}); err != nil {
		return err
	}
	fmt.Fprintln(a.out, "\n$ writerfiles retry-failed --wait")
	if err := a.retryFailed(ctx, retryFailedFlags{batch: 100, rpm: 400, wait: true, interval: 200 * time.Millisecond}); err != nil {
		return err
	}
	fmt.Fprintln(a.out, "\n$ writerfiles list")
	_, err = a.printFiles(ctx, nil)
	return err
}

// distinctIDs counts ids as Files.Retry sends them: a repeat, in any letter case, once.
func distinctIDs(ids []string) int {
	seen := make(map[string]bool, len(ids))
	for _, id := range ids {
		seen[strings.ToLower(id)] = true
	}
	return len(seen)
}
