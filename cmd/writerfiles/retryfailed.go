package main

import (
	"context"
	"encoding/json"
	"errors"
	"flag"
	"fmt"
	"io"
	"time"

	"github.com/writerfiles/writer-go/writer"
)

// retryFailedFlags are the options of retry-failed.
type retryFailedFlags struct {
	graph, types string
	batch, rpm   int
	concurrency  int
	wait         bool
	interval     time.Duration
}

// cmdRetryFailed: writerfiles retry-failed [flags] retries every failed file, with progress
// on stderr, a summary and, with --wait, the outcome of processing. --rpm paces the client.
func cmdRetryFailed(ctx context.Context, a *app, args []string) error {
	fs := a.flagSet()
	var f retryFailedFlags
	fs.StringVar(&f.graph, "graph", "", "only files in this Knowledge Graph (`ID`, a UUID)")
	fs.StringVar(&f.types, "types", "", "only files with these extensions, comma-separated (`pdf,docx`)")
	fs.IntVar(&f.batch, "batch", 100, "`N` file ids per retry request, 1 or more")
	fs.IntVar(&f.rpm, "rpm", 400, "`N` requests per minute; 0 = unpaced")
	fs.IntVar(&f.concurrency, "concurrency", 0, "`N` requests in flight at once; 0 = 8, or 1 when unpaced")
	fs.BoolVar(&f.wait, "wait", false, "then wait until the retried files are processed (Ctrl-C: the counts so far, exit 130)")
	fs.DurationVar(&f.interval, "interval", 2*time.Second, "with --wait: the pause `D` between two rounds of status reads, more than 0")
	if err := a.flagsOnly(fs, args); err != nil {
		return err
	}
	if err := f.check(fs); err != nil {
		return err
	}
	rpm := f.rpm
	if rpm == 0 {
		rpm = writer.NoRateLimit
	}
	if err := a.connect(writer.WithRequestsPerMinute(rpm)); err != nil {
		return err
	}
	return a.flagError(fs, a.retryFailed(ctx, f))
}

// check refuses flag values whose meaning in the command differs from the library's: a
// --batch under 1 and a --interval of 0 with --wait, where the library would take 0 for its
// default, and a negative --rpm, where -1 would turn pacing off. Other values are checked by
// the library before any request (see flagError). fs holds the flags as given.
func (f retryFailedFlags) check(fs *flag.FlagSet) error {
	switch {
	case f.batch < 1:
		return usageError{fmt.Sprintf("retry-failed: %s is not a number of file ids per request (1 or more)", flagText(fs, "batch"))}
	case f.rpm < 0:
		return usageError{fmt.Sprintf("retry-failed: %s is negative; give requests per minute, or 0 for no pacing", flagText(fs, "rpm"))}
	case f.wait && f.interval == 0:
		// Refused rather than taken as the library's default: 0 would read as "no pause".
		return usageError{fmt.Sprintf("retry-failed: %s is not a pause between polls (more than 0, such as 2s)", flagText(fs, "interval"))}
	}
	return nil
}

// retryFailed runs RetryFailed, or with f.wait RetryFailedAndWait, with flags that check
// accepted, on the client connect built. Progress goes to stderr; stdout carries the summary
// of a run that succeeded, or with --json the JSON lines, whose summary carries the error of
// a run that did not. A run that fails reports on stderr how far it got, then its error.
func (a *app) retryFailed(ctx context.Context, f retryFailedFlags) error {
	out := &runOutput{w: a.out, json: a.global.json, prog: newProgress(a.errOut)}
	opts := &writer.RetryFailedOptions{
		GraphID: f.graph, FileTypes: splitTypes(f.types), BatchSize: f.batch,
		Concurrency: f.concurrency, PollInterval: f.interval, Progress: out.update,
	}
	run := a.client.Files.RetryFailed
	if f.wait {
		run = a.client.Files.RetryFailedAndWait
	}
	rep, err := run(ctx, opts)
	if errors.Is(err, writer.ErrInvalidInput) || errors.Is(err, errNoKey) {
		return err
	}
	out.finish(rep, f.wait, err)
	return err
}

// runOutput prints a retry-failed run: its progress as it goes (on stderr, or with --json
// its events on stdout), and its summary at the end.
type runOutput struct {
	w           io.Writer // stdout; the progress goes to prog.w, stderr
	json        bool
	prog        *progress
	waiting     bool      // the wait has started
	lastWait    time.Time // when the last wait line was printed (not on a terminal)
	lastLine    string
	failedAgain []string // every file found failed again, for the summary
}

// jsonEvent is a JSON line of retry-failed: a request that failed, a file that failed again,
// or the summary that ends the output (with the run's error, if it failed).
type jsonEvent struct {
	Type   string   `json:"type"`              // "request_failed", "failed_again" or "summary"
	FileID string   `json:"file_id,omitempty"` // failed_again
	IDs    []string `json:"file_ids,omitempty"`
	Error  string   `json:"error,omitempty"`
	*jsonSummary
}

// jsonSummary is the summary object: the report's counts, and with --wait the outcome.
type jsonSummary struct {
	Found          int      `json:"found"`
	Pages          int      `json:"pages"`
	Retried        int      `json:"retried"`
	Requests       int      `json:"requests"`
	FailedRequests int      `json:"failed_requests"`
	Skipped        int      `json:"skipped"`
	OutsideGraph   int      `json:"outside_graph,omitempty"`
	Completed      *int     `json:"completed,omitempty"`
	FailedAgain    *int     `json:"failed_again,omitempty"`
	InProgress     *int     `json:"still_in_progress,omitempty"`
	FailedAgainIDs []string `json:"failed_again_ids,omitempty"` // the report's first 100
	Interrupted    bool     `json:"interrupted,omitempty"`
}

func (o *runOutput) emit(e jsonEvent) { _ = json.NewEncoder(o.w).Encode(e) }

// update is the run's Progress callback.
func (o *runOutput) update(p writer.RetryFailedProgress) {
	if o.json {
		if p.BatchErr != nil {
			o.emit(jsonEvent{Type: "request_failed", IDs: p.Batch, Error: p.BatchErr.Error()})
		}
		for _, id := range p.JustFailedAgain {
			o.emit(jsonEvent{Type: "failed_again", FileID: id})
		}
		return
	}
	if !p.Waiting {
		o.prog.update(p)
		return
	}
	w := o.prog.w
	if !o.waiting {
		o.waiting = true
		o.prog.done()
		fmt.Fprintf(w, "Waiting for %d file(s) to be processed...\n", p.Retried)
	}
	for _, id := range p.JustFailedAgain {
		o.prog.done()
		fmt.Fprintf(w, "Failed again: %s\n", shown(id))
		o.failedAgain = append(o.failedAgain, id)
	}
	line := fmt.Sprintf("%d completed, %d failed again, %d still in progress", p.Completed, p.FailedAgain, p.InProgress)
	switch {
	case line == o.lastLine:
	case o.prog.terminal:
		fmt.Fprintf(w, "\r\033[K%s", line)
		o.prog.shown = true
	case time.Since(o.lastWait) >= time.Second:
		fmt.Fprintln(w, line+".")
		o.lastWait = time.Now()
	}
	o.lastLine = line
}

// finish prints the end of a run that ended with err (nil, or why it stopped): with --json
// the summary line (with the outcome of the wait when wait, --wait, is set); otherwise on
// stdout the summary of a run that succeeded, or on stderr how far a run that failed got
// (its error follows, printed by fail).
func (o *runOutput) finish(rep writer.RetryFailedReport, wait bool, err error) {
	interrupted := errors.Is(err, context.Canceled)
	if o.json {
		s := &jsonSummary{Found: rep.Found, Pages: rep.Pages, Retried: rep.Retried, Requests: rep.Batches, FailedRequests: rep.FailedBatches,
			Skipped: rep.Skipped, OutsideGraph: rep.OutsideGraph, Interrupted: interrupted}
		if wait {
			s.Completed, s.FailedAgain, s.InProgress, s.FailedAgainIDs = &rep.Completed, &rep.FailedAgain, &rep.InProgress, rep.FailedAgainIDs
		}
		e := jsonEvent{Type: "summary", jsonSummary: s}
		if err != nil {
			e.Error = err.Error()
		}
		o.emit(e)
		return
	}
	o.prog.done()
	switch {
	case interrupted:
		fmt.Fprintf(o.prog.w, "Interrupted: %s.\n", o.counts(rep))
	case err != nil && (rep.Pages > 0 || rep.Batches > 0):
		fmt.Fprintf(o.prog.w, "writerfiles: retry-failed stopped after: %s.\n", o.counts(rep))
	case err != nil:
		// Nothing done: the error says it all.
	case rep.Found == 0:
		fmt.Fprintln(o.w, "No failed files found.")
	default:
		fmt.Fprintf(o.w, "Found %d failed file(s) in %d page(s); Writer accepted the retry of %d in %d request(s)", rep.Found, rep.Pages, rep.Retried, rep.Batches)
		if rep.Skipped > 0 {
			fmt.Fprintf(o.w, "; %d skipped (ids that are not UUIDs)", rep.Skipped)
		}
		if rep.OutsideGraph > 0 {
			fmt.Fprintf(o.w, "; %d listed without --graph in their graph_ids, not retried", rep.OutsideGraph)
		}
		fmt.Fprintln(o.w, ".")
		if o.waiting {
			for _, id := range o.failedAgain {
				fmt.Fprintf(o.w, "Failed again: %s\n", shown(id))
			}
			fmt.Fprintf(o.w, "Processed: %d completed, %d failed again.\n", rep.Completed, rep.FailedAgain)
		}
	}
}

// counts is what a run that stopped early had done, for the report on stderr.
func (o *runOutput) counts(rep writer.RetryFailedReport) string {
	s := fmt.Sprintf("%d found, %d accepted in %d request(s), %d request(s) failed", rep.Found, rep.Retried, rep.Batches, rep.FailedBatches)
	if o.waiting {
		s += fmt.Sprintf("; %d completed, %d failed again, %d still in progress", rep.Completed, rep.FailedAgain, rep.InProgress)
	}
	return s
}

// progress shows a RetryFailed run as it goes, on stderr: one line rewritten in place on a
// terminal; otherwise plain lines, one per retry request and one when the listing ends. Each
// failed retry request is also reported on a line of its own, with its first id and its error.
type progress struct {
	w        io.Writer
	terminal bool
	shown    bool // a line is on screen without its newline
}

func newProgress(w io.Writer) *progress {
	return &progress{w: w, terminal: isTerminal(w)}
}

func (p *progress) update(r writer.RetryFailedProgress) {
	if r.BatchErr != nil {
		p.done()
		fmt.Fprintf(p.w, "writerfiles: retry of %d file(s) starting %s failed: %s\n", len(r.Batch), shown(r.Batch[0]), shown(r.BatchErr.Error()))
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
