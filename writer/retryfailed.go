package writer

import (
	"cmp"
	"context"
	"errors"
	"fmt"
	"slices"
	"time"

	"github.com/google/uuid"
)

// Defaults of RetryFailedOptions, the most ids and errors a report keeps, and the bounds of
// the listing from one end and of the wait's reads of a graph.
const (
	defaultBatchSize    = 100 // ids per POST /v1/files/retry
	defaultConcurrency  = 8   // requests in flight when the Client is paced
	defaultPollInterval = 2 * time.Second
	maxKeptIDs          = 100 // RetryFailedReport.SkippedIDs, FailedAgainIDs
	maxBatchErrors      = 10  // RetryFailedReport.Errors
	oneEndPages         = 20  // pages the oldest-first listing reads alone
	graphReads          = 64  // most reads of a graph's file_status between two listings
)

// RetryFailedOptions configure RetryFailed and RetryFailedAndWait. A nil *RetryFailedOptions
// is the zero value: every failed file, 100 ids per retry request, 8 requests in flight (1
// when the Client is unpaced), at the Client's pace (WithRequestsPerMinute, WithLimiter).
type RetryFailedOptions struct {
	// GraphID limits the run to files in this Knowledge Graph, a UUID (list query graph_id).
	GraphID string
	// FileTypes limits the run to these extensions, without the dot, such as {"pdf",
	// "docx"} (list query file_types).
	FileTypes []string
	// BatchSize is the number of ids per POST /v1/files/retry. 0 means 100 (Writer documents
	// no maximum).
	BatchSize int
	// Concurrency is the most requests of the run in flight at once, list pages and status
	// reads included. 0 means 8, or 1 when the Client is not paced (NoRateLimit).
	Concurrency int
	// PollInterval is, in RetryFailedAndWait, the time from the start of one round of
	// status reads to the start of the next. 0 means 2 s.
	PollInterval time.Duration
	// Progress, when set, is called after each list page, retry request and step of the
	// wait, on the goroutine that called the run, one call at a time. Keep it quick.
	Progress func(RetryFailedProgress)
}

// RetryFailedProgress is given to RetryFailedOptions.Progress: the report so far, and what
// the call is about. Its slices are valid only during the call.
type RetryFailedProgress struct {
	RetryFailedReport
	// ListingDone reports that the last list page was read: Found is final.
	ListingDone bool
	// Batch holds the ids of the retry request just answered, and BatchErr its error (nil:
	// accepted); both are empty in other calls.
	Batch    []string
	BatchErr error
	// Waiting reports that RetryFailedAndWait is waiting for the accepted files, and
	// JustFailedAgain the files found failed again since the previous call (over the calls,
	// every one).
	Waiting         bool
	JustFailedAgain []string
}

// RetryFailedReport is what a run did. Its size does not grow with the number of files.
type RetryFailedReport struct {
	// Pages is the number of list pages of failed files read, and Found the failed files
	// found in them that matched the filters, each counted once, Skipped included.
	Pages, Found int
	// Retried is the number of files in retry requests Writer accepted; Batches the retry
	// requests sent, and FailedBatches those that failed.
	Retried, Batches, FailedBatches int
	// Skipped is the number of failed files whose id is not a UUID, which POST
	// /v1/files/retry does not take (retry_files_request.file_ids, format uuid).
	// SkippedIDs holds the first 100 of them, in the order found.
	Skipped    int
	SkippedIDs []string
	// OutsideGraph is the number of failed files listed for a run with a GraphID whose own
	// graph_ids do not hold that graph (a server that ignored graph_id): neither retried nor
	// counted in Found.
	OutsideGraph int
	// Errors are the first 10 retry requests that failed (Progress sees every one).
	Errors []BatchError
	// RetryFailedAndWait only: of the Retried files, Completed left in_progress and are not
	// failed (or are gone), FailedAgain are failed again, and InProgress are those whose
	// outcome was not read when the wait stopped early. FailedAgainIDs holds only the first
	// 100 failed again; Progress sees every one (RetryFailedProgress.JustFailedAgain).
	Completed, FailedAgain, InProgress int
	FailedAgainIDs                     []string
}

// BatchError is a retry request of a RetryFailed run that failed: the ids it carried, as
// UUIDs in canonical lower case, and its error, an *Error as returned by Retry.
type BatchError struct {
	FileIDs []string
	Err     error
}

// RetryFailed asks Writer to process again every failed file that matches opts (nil: every
// failed file) and reports what it did. It lists the failed files (GET /v1/files,
// gatewayGetFiles: status=failed and the filters of opts, 100 a page, oldest first; past 20
// pages with Concurrency above 1, newest first as well) and sends each full batch at once
// (POST /v1/files/retry, gatewayRetryFailedFiles), up to opts.Concurrency requests in
// flight at the Client's pace. Each file is retried at most once per run. Only the
// Client's call loop retries the run's calls, with its outage policy (docs/workflow.md).
//
// Errors: bad options are an *InputError (ErrInvalidInput) before any request. A list
// page that fails ends the run with its *Error (ErrInvalidResponse for a cursor that goes
// back or comes again). A failed retry request (400, 404 and 422 at once, others after
// their retries) is counted and the run goes on, except on ErrUnauthorized, ErrForbidden
// or the end of ctx; the error then says how many failed and wraps the first.
// The report is always valid and counts what was sent.
func (s *FilesService) RetryFailed(ctx context.Context, opts *RetryFailedOptions) (RetryFailedReport, error) {
	r, err := s.newRun(opts, false)
	if err != nil {
		return RetryFailedReport{}, err
	}
	return r.rep, r.result(ctx, drive(withJob(ctx), r.concurrency, r.produce))
}

// job is a RetryFailed or RetryFailedAndWait run; the goroutine that called it owns it.
type job struct {
	s                      *FilesService
	q                      listQuery
	batchSize, concurrency int
	poll                   time.Duration
	progress               func(RetryFailedProgress) // nil: none
	rep                    RetryFailedReport
	listingDone            bool
	counts                 bool        // the wait reads the run's graph's file_status
	keep                   bool        // RetryFailedAndWait: keep the accepted ids
	accepted               []uuid.UUID // in the order accepted
	w                      *waitSet    // once RetryFailedAndWait waits
}

// newRun checks opts (nil is the zero value) and returns a run ready to start, that keeps
// the ids Writer accepted when keep is true.
func (s *FilesService) newRun(opts *RetryFailedOptions, keep bool) (*job, error) {
	opts = cmp.Or(opts, &RetryFailedOptions{})
	q, err := s.client.key.checkListOptions("RetryFailedOptions", &ListOptions{Status: StatusFailed,
		GraphID: opts.GraphID, FileTypes: opts.FileTypes, Order: OrderAsc, Limit: maxPageSize})
	n, poll, perr := s.pollOptions("RetryFailedOptions", "PollInterval", opts.Concurrency, opts.PollInterval)
	switch {
	case err != nil:
		return nil, err
	case opts.BatchSize < 0:
		return nil, inputErr("RetryFailedOptions.BatchSize", -1, fmt.Sprint(opts.BatchSize), "is negative")
	case perr != nil:
		return nil, perr
	}
	return &job{s: s, q: q, batchSize: cmp.Or(opts.BatchSize, defaultBatchSize), concurrency: n, poll: poll,
		progress: opts.Progress, keep: keep, counts: q.params.GraphId != nil}, nil
}

// pollOptions checks the options of.Concurrency (n) and of.field, an interval (d), and
// returns them with their defaults: 8 requests in flight (1 when the Client is unpaced), 2 s.
func (s *FilesService) pollOptions(of, field string, n int, d time.Duration) (int, time.Duration, error) {
	switch {
	case d < 0:
		return 0, 0, inputErr(of+"."+field, -1, d.String(), "is negative")
	case n < 0:
		return 0, 0, inputErr(of+".Concurrency", -1, fmt.Sprint(n), "is negative")
	case n == 0 && s.client.pace == nil:
		n = 1
	}
	return cmp.Or(n, defaultConcurrency), cmp.Or(d, defaultPollInterval), nil
}

// produce lists the failed files and sends a retry request for each full batch as soon as
// the page that filled it answered, then that listing's next page; past oneEndPages pages
// with more than one request in flight, a newest-first listing reads beside it.
func (r *job) produce(ctx context.Context, start start) {
	asc := newLister(r.s, r.q, false)
	got := make(chan *lister, 2) // one per listing: a page's result never blocks
	var queue []uuid.UUID
	for next, reading, pages, listed := []*lister{asc}, 0, 0, false; reading+len(next) > 0; {
		for _, l := range next {
			if !start(r.readPage(ctx, l, got)) {
				return
			}
			reading++
		}
		var l *lister
		select {
		case l = <-got:
		case <-ctx.Done(): // a result ended the run, or a take panicked
		}
		if reading, pages, next = reading-1, pages+1, nil; l == nil {
			return
		}
		queue, listed = append(queue, l.gave...), listed || l.met
		if !listed && !l.done {
			next = append(next, l)
		}
		if pages == oneEndPages && !listed && r.concurrency > 1 {
			desc := newLister(r.s, r.q, true)
			next, desc.other, asc.other = append(next, desc), asc, desc
		}
		last := reading+len(next) == 0
		if last { // the cursor files held back
			queue = append(append(queue, asc.held...), asc.other.held...)
		}
		for len(queue) >= r.batchSize || (last && len(queue) > 0) {
			batch := slices.Clone(queue[:min(r.batchSize, len(queue))])
			queue = queue[len(batch):]
			if !start(func() func() error {
				err := r.s.retry(ctx, uuidStrings(batch))
				return func() error { return r.takeBatch(ctx, batch, err) }
			}) {
				return
			}
		}
	}
}

// readPage is the request of l's next page; its result takes and counts the page on the
// run's goroutine and hands l to got, or nil when the page ended the run.
func (r *job) readPage(ctx context.Context, l *lister, got chan<- *lister) func() func() error {
	return func() func() error {
		page, err := l.fetch(ctx)
		return func() error {
			p := &listed{}
			if err == nil {
				p, err = l.take(page)
				r.rep.Pages, r.rep.Found = r.rep.Pages+1, r.rep.Found+p.found
				r.rep.Skipped, r.rep.OutsideGraph = r.rep.Skipped+len(p.skipped), r.rep.OutsideGraph+p.outside
				r.rep.SkippedIDs = appendUpTo(r.rep.SkippedIDs, maxKeptIDs, p.skipped...)
				r.listingDone = r.listingDone || l.met || l.other.met
				r.report(RetryFailedProgress{})
			}
			// Set aside, its files held (docs/workflow.md): a failed newest-first page, or any
			// once the other listing is complete.
			if err != nil && (l.desc || l.other.met) {
				l.done, err = true, nil
				p.ids, l.held = nil, append(l.held, p.ids...)
			}
			if l.gave = p.ids; err != nil {
				l = nil
			}
			got <- l
			return err
		}
	}
}

// takeBatch counts a retry request's outcome err. It returns the error that ends the run:
// a 401 or 403, one not sent, or one that met the end of ctx.
func (r *job) takeBatch(ctx context.Context, ids []uuid.UUID, err error) error {
	if e := (*Error)(nil); errors.As(err, &e) && e.Attempts == 0 {
		return err // not sent: the run's context ended first
	}
	batch := uuidStrings(ids)
	r.rep.Batches++
	if err != nil {
		r.rep.FailedBatches++
		r.rep.Errors = appendUpTo(r.rep.Errors, maxBatchErrors, BatchError{FileIDs: batch, Err: err})
	} else if r.rep.Retried += len(batch); r.keep {
		r.accepted = append(r.accepted, ids...)
	}
	r.report(RetryFailedProgress{Batch: batch, BatchErr: err})
	if errors.Is(err, ErrUnauthorized) || errors.Is(err, ErrForbidden) || (err != nil && ctx.Err() != nil) {
		return err
	}
	return nil
}

// report calls Progress, if any, with p and the report so far; during the wait, with the
// files found failed again since the previous call.
func (r *job) report(p RetryFailedProgress) {
	if r.w != nil {
		r.rep.InProgress = r.w.n[stPending] + r.w.n[stLeft]
		p.Waiting, p.JustFailedAgain = true, r.w.failed
		defer func() { r.w.failed = r.w.failed[:0] }()
	}
	if r.progress != nil {
		p.RetryFailedReport, p.ListingDone = r.rep, r.listingDone
		r.progress(p)
	}
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
		return fmt.Errorf("writer: %d of %d retry requests failed; the first: %w",
			r.rep.FailedBatches, r.rep.Batches, r.rep.Errors[0].Err)
	}
	return nil
}

func appendUpTo[T any](s []T, most int, v ...T) []T {
	return append(s, v[:max(0, min(len(v), most-len(s)))]...)
}
