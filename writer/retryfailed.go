package writer

import (
	"context"
	"errors"
	"fmt"
	"slices"
	"time"

	"github.com/google/uuid"
)

// Defaults of RetryFailedOptions.
const (
	defaultBatchSize    = 100 // ids per POST /v1/files/retry
	defaultConcurrency  = 8   // requests in flight at once when the Client is paced
	defaultPollInterval = 2 * time.Second
)

// What a RetryFailedReport keeps of things that could be as many as the files.
const (
	maxSkippedIDs     = 100 // RetryFailedReport.SkippedIDs
	maxBatchErrors    = 10  // RetryFailedReport.Errors
	maxFailedAgainIDs = 100 // RetryFailedReport.FailedAgainIDs
)

// RetryFailedOptions configure RetryFailed and RetryFailedAndWait. A nil *RetryFailedOptions
// is the zero value: every failed file, 100 ids per retry request, 8 requests in flight.
// Requests go at the Client's pace (WithRequestsPerMinute, WithLimiter).
type RetryFailedOptions struct {
	// GraphID limits the run to files in this Knowledge Graph, a UUID (list query graph_id).
	GraphID string
	// FileTypes limits the run to files with these extensions, without the dot, such as
	// {"pdf", "docx"} (list query file_types).
	FileTypes []string
	// BatchSize is the number of file ids per POST /v1/files/retry. 0 means 100. Writer
	// does not document a maximum.
	BatchSize int
	// Concurrency is the most requests of the run in flight at once, list pages and status
	// reads included. 0 means 8, or 1 when the Client is not paced (NoRateLimit).
	Concurrency int
	// PollInterval is, in RetryFailedAndWait, the time from the start of one round of
	// status reads to the start of the next. 0 means 2 s.
	PollInterval time.Duration
	// Progress, when set, is called after each list page, each retry request and each round
	// of the wait, on the goroutine that called the run, one call at a time. Keep it quick.
	Progress func(RetryFailedProgress)
}

// RetryFailedProgress is given to RetryFailedOptions.Progress: the report so far, and what
// the call is about.
type RetryFailedProgress struct {
	RetryFailedReport
	// ListingDone reports that the last list page was read: Found is final.
	ListingDone bool
	// Batch holds the ids of the retry request just answered (UUIDs in canonical lower
	// case), and BatchErr its error (nil: accepted). Both are empty in other calls. Batch
	// is valid only during the call.
	Batch    []string
	BatchErr error
	// Waiting reports that RetryFailedAndWait is waiting for the accepted files.
	Waiting bool
	// JustFailedAgain are the files found failed again since the previous call: over the
	// calls, every one. Valid only during the call.
	JustFailedAgain []string
}

// RetryFailedReport is what a run did. Its size does not grow with the number of files: it
// keeps counts, at most 100 SkippedIDs, 100 FailedAgainIDs and 10 Errors.
type RetryFailedReport struct {
	// Pages is the number of list pages of failed files read.
	Pages int
	// Found is the number of failed files found that matched the filters, each counted
	// once (see RetryFailed), Skipped included.
	Found int
	// Retried is the number of files in retry requests Writer accepted.
	Retried int
	// Batches is the number of retry requests sent, and FailedBatches the number of them
	// that failed.
	Batches, FailedBatches int
	// Skipped is the number of failed files whose id is not a UUID: POST /v1/files/retry
	// takes only UUIDs (retry_files_request.file_ids, format uuid), so they were not
	// retried. SkippedIDs holds the first 100 of them, in the order found.
	Skipped    int
	SkippedIDs []string
	// Errors are the first 10 retry requests that failed, with their ids (Progress sees
	// every one).
	Errors []BatchError
	// RetryFailedAndWait only: of the Retried files, Completed left in_progress and are not
	// failed (or are gone), FailedAgain are failed again, and InProgress are those whose
	// outcome was not read when the wait stopped early. FailedAgainIDs holds the first 100
	// failed again; Progress sees every one (RetryFailedProgress.JustFailedAgain).
	Completed, FailedAgain, InProgress int
	FailedAgainIDs                     []string
}

// BatchError is a retry request of a RetryFailed run that failed.
type BatchError struct {
	// FileIDs are the ids the request carried, as UUIDs in canonical lower case.
	FileIDs []string
	// Err is the request's error, an *Error as returned by Retry.
	Err error
}

// RetryFailed asks Writer to process again every failed file that matches opts (nil: every
// failed file), and reports what it did. One lister reads the failed files a page at a
// time, and batches of them go to retry requests as soon as they are full, while the next
// page is read:
//
//   - GET /v1/files (gatewayGetFiles) with status=failed, the filters of opts, order=asc and
//     limit=100, paging with after set to the last file id of the previous page until a page
//     says has_more is false or comes back empty;
//   - POST /v1/files/retry (gatewayRetryFailedFiles) with opts.BatchSize ids (default 100).
//
// Up to opts.Concurrency requests (default 8) are in flight, each at the Client's pace. Each
// file is retried at most once per run, whatever the server repeats. The run's calls are
// retried by the Client's call loop with the outage policy (at least 8 retries, waits
// growing to 60 s; see docs/retries.md), and by nothing else. docs/workflow.md gives costs.
//
// Errors: options are checked before any request (ErrInvalidInput naming the field). A list
// page that fails ends the run with its *Error; one whose cursor would go back or come
// again ends it with ErrInvalidResponse. A failed retry request (400, 404 and 422 at once,
// others after their retries) is counted and the run goes on, except on ErrUnauthorized,
// ErrForbidden or the end of ctx; the error then says how many failed and wraps the first.
// The report is always valid and counts what was sent.
func (s *FilesService) RetryFailed(ctx context.Context, opts *RetryFailedOptions) (RetryFailedReport, error) {
	r, err := s.newRun(opts)
	if err != nil {
		return RetryFailedReport{}, err
	}
	return r.rep, r.result(ctx, r.retryAll(ctx))
}

// job is one RetryFailed, RetryFailedAndWait or WaitProcessed run with checked options. Its
// report is owned by the goroutine that called the run.
type job struct {
	s           *FilesService
	q           listQuery
	batchSize   int
	concurrency int
	poll        time.Duration
	progress    func(RetryFailedProgress) // nil: none

	rep         RetryFailedReport
	listingDone bool
	keep        bool        // RetryFailedAndWait: keep the accepted ids
	accepted    []uuid.UUID // in the order accepted
}

// newRun checks opts (nil is the zero value) and returns a run ready to start.
func (s *FilesService) newRun(opts *RetryFailedOptions) (*job, error) {
	if opts == nil {
		opts = &RetryFailedOptions{}
	}
	q, err := checkListOptions("RetryFailedOptions", &ListOptions{
		Status: StatusFailed, GraphID: opts.GraphID, FileTypes: opts.FileTypes, Order: OrderAsc, Limit: maxPageSize,
	})
	if err != nil {
		return nil, err
	}
	switch {
	case opts.BatchSize < 0:
		return nil, inputErr("RetryFailedOptions.BatchSize", -1, fmt.Sprint(opts.BatchSize), "is negative")
	case opts.PollInterval < 0:
		return nil, inputErr("RetryFailedOptions.PollInterval", -1, opts.PollInterval.String(), "is negative")
	}
	n, err := s.concurrency("RetryFailedOptions", opts.Concurrency)
	if err != nil {
		return nil, err
	}
	return &job{s: s, q: q, batchSize: cmpOr(opts.BatchSize, defaultBatchSize), concurrency: n,
		poll: cmpOr(opts.PollInterval, defaultPollInterval), progress: opts.Progress}, nil
}

// concurrency checks the Concurrency option n of the options of: 0 takes 8, or 1 when the
// Client is not paced.
func (s *FilesService) concurrency(of string, n int) (int, error) {
	switch {
	case n < 0:
		return 0, inputErr(of+".Concurrency", -1, fmt.Sprint(n), "is negative")
	case n > 0:
		return n, nil
	case s.client.pace == nil:
		return 1, nil
	}
	return defaultConcurrency, nil
}

func cmpOr[T int | time.Duration](v, def T) T {
	if v != 0 {
		return v
	}
	return def
}

// step is the result of one request of the retry phase: a list page (batch nil; page nil
// when it could not be read) or a retry request.
type step struct {
	page  *listed
	batch []uuid.UUID
	err   error
}

// retryAll runs the retry phase: a producer lists pages and starts retry requests, and this
// goroutine takes their results as they complete. It returns the error that ended the run
// early, if any.
func (r *job) retryAll(ctx context.Context) error {
	ctx = withJob(ctx)
	return drive(ctx, r.concurrency, r.produce, func(st step) error { return r.take(ctx, st) })
}

// produce reads the pages in order and starts a retry request for each full batch, and for
// the rest once the listing is done, each in a slot of p.
func (r *job) produce(ctx context.Context, p *pool[step]) {
	l := newLister(r.s, r.q)
	var queue []uuid.UUID
	for !l.done {
		if !p.acquire(ctx) {
			return
		}
		page, err := l.next(ctx)
		p.put(step{page: page, err: err})
		if err != nil {
			return
		}
		queue = append(queue, page.ids...)
		for len(queue) >= r.batchSize || (l.done && len(queue) > 0) {
			n := min(r.batchSize, len(queue))
			batch := slices.Clone(queue[:n])
			queue = queue[n:]
			if !p.acquire(ctx) {
				return
			}
			p.goSend(func() step { return step{batch: batch, err: r.s.retry(ctx, uuidStrings(batch))} })
		}
	}
}

// take counts one result in the report and calls Progress. It returns the error that ends
// the run: a list page's, a retry request's 401 or 403, one that was not sent, or one that
// met the end of ctx.
func (r *job) take(ctx context.Context, st step) error {
	if st.batch == nil {
		if st.page != nil {
			r.rep.Pages++
			r.rep.Found += st.page.found
			r.rep.Skipped += len(st.page.skipped)
			r.rep.SkippedIDs = appendUpTo(r.rep.SkippedIDs, maxSkippedIDs, st.page.skipped...)
			r.listingDone = st.page.last
			r.report(RetryFailedProgress{})
		}
		return st.err
	}
	var e *Error
	if errors.As(st.err, &e) && e.Attempts == 0 {
		return st.err // not sent: the run's context ended first
	}
	batch := uuidStrings(st.batch)
	r.rep.Batches++
	if st.err == nil {
		r.rep.Retried += len(batch)
		if r.keep {
			r.accepted = append(r.accepted, st.batch...)
		}
	} else {
		r.rep.FailedBatches++
		if len(r.rep.Errors) < maxBatchErrors {
			r.rep.Errors = append(r.rep.Errors, BatchError{FileIDs: batch, Err: st.err})
		}
	}
	r.report(RetryFailedProgress{Batch: batch, BatchErr: st.err})
	if errors.Is(st.err, ErrUnauthorized) || errors.Is(st.err, ErrForbidden) || (st.err != nil && ctx.Err() != nil) {
		return st.err
	}
	return nil
}

// report calls Progress, if any, with the report so far and p's own fields.
func (r *job) report(p RetryFailedProgress) {
	if r.progress == nil {
		return
	}
	p.RetryFailedReport, p.ListingDone = r.rep, r.listingDone
	r.progress(p)
}

// result is the run's error: stop (what ended it early), else the end of ctx, else how many
// retry requests failed, wrapping the first one's error.
func (r *job) result(ctx context.Context, stop error) error {
	switch {
	case stop != nil:
		return stop
	case ctx.Err() != nil:
		return context.Cause(ctx)
	case r.rep.FailedBatches > 0:
		return fmt.Errorf("writer: %d of %d retry requests failed; the first: %w", r.rep.FailedBatches, r.rep.Batches, r.rep.Errors[0].Err)
	}
	return nil
}

// jobKey marks a context whose calls are the workflow's, retried with the outage policy.
type jobKey struct{}

func withJob(ctx context.Context) context.Context { return context.WithValue(ctx, jobKey{}, true) }

func isJob(ctx context.Context) bool { return ctx.Value(jobKey{}) != nil }

func appendUpTo[T any](s []T, most int, v ...T) []T {
	return append(s, v[:max(0, min(len(v), most-len(s)))]...)
}

func uuidStrings(ids []uuid.UUID) []string {
	out := make([]string, len(ids))
	for i, u := range ids {
		out[i] = u.String()
	}
	return out
}
