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
	defaultBatchSize  = 100             // ids per POST /v1/files/retry
	defaultResends    = 4               // re-sends of a request that failed retryably
	defaultResendWait = 5 * time.Second // wait before the first re-send; doubles for each next one
	maxResendWait     = 5 * time.Minute // ResendWait at most
)

// NoResend is the RetryFailedOptions.Resends that turns re-sending off.
const NoResend = -1

// What a RetryFailedReport keeps of things that could be as many as the files.
const (
	maxSkippedIDs  = 100 // RetryFailedReport.SkippedIDs
	maxBatchErrors = 10  // RetryFailedReport.Errors
)

// RetryFailedOptions configure RetryFailed and RetryFailedAndWait. A nil *RetryFailedOptions
// is the zero value: every failed file, 100 ids per retry request, 400 requests per minute,
// 8 requests in flight, 4 re-sends after an outage.
type RetryFailedOptions struct {
	// GraphID limits the run to files in this Knowledge Graph, a UUID (list query graph_id).
	GraphID string
	// FileTypes limits the run to files with these extensions, without the dot, such as
	// {"pdf", "docx"} (list query file_types).
	FileTypes []string
	// BatchSize is the number of file ids per POST /v1/files/retry. 0 means 100. Writer
	// does not document a maximum.
	BatchSize int
	// RequestsPerMinute paces every HTTP call of the run with a token bucket of burst 1
	// (golang.org/x/time/rate). 0 means the client's (WithRequestsPerMinute), by default 400,
	// Writer's documented limit per account; other clients of the account share it.
	// NoRateLimit turns pacing off.
	RequestsPerMinute int
	// Limiter, when set, paces the run instead of RequestsPerMinute (which must then be 0):
	// one Wait per request. Use it to share one account's limit between processes.
	Limiter Limiter
	// Concurrency is the most requests in flight at once, all through the one pacer. 0
	// means 8, or 1 when pacing is off (NoRateLimit).
	Concurrency int
	// Resends is how many times a request that the client retried and that still failed
	// with a retryable status (408, 409, 429, 5xx) or a transport error is sent again later,
	// before it counts as failed. 0 means 4; NoResend turns re-sending off.
	Resends int
	// ResendWait is the wait before the first re-send of a request; it doubles for each
	// next one. 0 means 5 s, so 4 re-sends span 75 s (a Writer outage can last 30 s+).
	ResendWait time.Duration
	// PollInterval is, in RetryFailedAndWait, the time from the start of one round of
	// status reads to the start of the next. 0 means 2 s.
	PollInterval time.Duration
	// Progress, when set, is called after each request's answer was counted, in the order
	// the requests were sent, on the goroutine that called RetryFailed. Keep it quick.
	Progress func(RetryFailedProgress)
}

// RetryFailedProgress is a snapshot of a run, given to RetryFailedOptions.Progress. The
// counts are those of RetryFailedReport so far.
type RetryFailedProgress struct {
	// Pages is the number of list pages of failed files read so far.
	Pages int
	// Found is the number of failed files found so far, Skipped included.
	Found int
	// Skipped is the number of failed files found so far whose id is not a UUID.
	Skipped int
	// Retried is the number of files in retry requests that Writer accepted so far.
	Retried int
	// Batches is the number of retry requests sent so far, and FailedBatches the number of
	// them that failed.
	Batches, FailedBatches int
	// Resent is the number of requests queued again after a retryable failure so far, and
	// SlowDowns the number of times the run slowed down after a 429.
	Resent, SlowDowns int
	// ListingDone reports that the last list page was read: Found is final, and the calls
	// still to come are for the retry requests of the files found but not yet sent.
	ListingDone bool
	// Batch holds the ids of the retry request just answered (UUIDs in canonical lower
	// case), and BatchErr its outcome (nil: accepted). Both are empty in other calls.
	// Batch is valid only during the call.
	Batch    []string
	BatchErr error
	// Waiting reports that RetryFailedAndWait is waiting for the accepted files. Completed,
	// FailedAgain and InProgress count them so far; Settled counts those that left
	// in_progress whose outcome is read at the end of the wait.
	Waiting                                     bool
	Completed, FailedAgain, InProgress, Settled int
	// FailedAgainIDs are the files found failed again since the previous call. Valid only
	// during the call.
	FailedAgainIDs []string
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
	// Batches is the number of retry requests sent (a re-send counted once), and
	// FailedBatches the number of them that failed.
	Batches, FailedBatches int
	// Resent is the number of requests (list pages, retry requests, status reads) sent
	// again after a retryable failure.
	Resent int
	// Skipped is the number of failed files whose id is not a UUID: POST /v1/files/retry
	// takes only UUIDs (retry_files_request.file_ids, format uuid), so they were not
	// retried. SkippedIDs holds the first 100 of them, in the order found.
	Skipped    int
	SkippedIDs []string
	// Errors are the first 10 retry requests that failed, with their ids (Progress sees
	// every one).
	Errors []BatchError
	// SlowDowns is the number of times the run slowed down after Writer answered 429.
	SlowDowns int
	// RetryFailedAndWait only: of the Retried files, Completed left in_progress and are not
	// failed (or are gone), FailedAgain are failed again (FailedAgainIDs: the first 100;
	// Progress sees every one). When the wait stopped early, InProgress were in_progress
	// when last seen and Settled had left it without their outcome read.
	Completed, FailedAgain, InProgress, Settled int
	FailedAgainIDs                              []string
	// Rounds, StatusPages and StatusGets are the wait's rounds, the list pages
	// (status=in_progress or failed) and the GET /v1/files/{file_id} requests they cost.
	Rounds, StatusPages, StatusGets int
}

// BatchError is a retry request of a RetryFailed run that failed.
type BatchError struct {
	// FileIDs are the ids the request carried, as UUIDs in canonical lower case.
	FileIDs []string
	// Err is the request's error, an *Error as returned by Retry.
	Err error
}

// RetryFailed asks Writer to process again every failed file that matches opts (nil: every
// failed file), and reports what it did. It reads the failed files a page at a time and
// retries them as it goes:
//
//   - GET /v1/files (gatewayGetFiles) with status=failed, the filters of opts, order=asc and
//     limit=100, paging with after set to the last file id of the previous page until a page
//     says has_more is false or comes back empty;
//   - POST /v1/files/retry (gatewayRetryFailedFiles) with opts.BatchSize ids (default 100),
//     sent as soon as that many are found, while the next page is read.
//
// Requests go through one pacer (default 400 per minute), up to opts.Concurrency (default 8)
// in flight. Each file is retried at most once per run, whatever the server repeats;
// docs/workflow.md gives costs and rules.
//
// Errors: options are checked before any request (ErrInvalidInput naming the field). A list
// page that fails (after its re-sends) ends the run with its *Error; one whose cursor would
// go back or come again ends it with ErrInvalidResponse. A failed retry request is counted
// and the run goes on, except on ErrUnauthorized, ErrForbidden, or the end of ctx; the
// error then says how many failed and wraps the first. The report is always valid and
// counts what was sent (not a request held back because ctx would end first).
func (s *FilesService) RetryFailed(ctx context.Context, opts *RetryFailedOptions) (RetryFailedReport, error) {
	r, err := s.newFailedRun(opts)
	if err != nil {
		return RetryFailedReport{}, err
	}
	err = r.run(ctx)
	return r.finish(err)
}

// runConfig is the part of RetryFailedOptions that every request of a run uses.
type runConfig struct {
	p           *pacer
	concurrency int
	resends     int
	resendWait  time.Duration
}

// checkRunConfig checks the pacing and re-send options of a run, named as fields of of.
func checkRunConfig(of string, rpm int, lim Limiter, concurrency, resends int, resendWait time.Duration) (runConfig, error) {
	var c runConfig
	p, err := newRunPacer(of, rpm, lim)
	if err != nil {
		return c, err
	}
	switch {
	case concurrency < 0:
		return c, inputErr(of+".Concurrency", -1, fmt.Sprint(concurrency), "is negative")
	case resends < NoResend:
		return c, inputErr(of+".Resends", -1, fmt.Sprint(resends), "is negative (use writer.NoResend to turn re-sending off)")
	case resendWait < 0 || resendWait > maxResendWait:
		return c, inputErr(of+".ResendWait", -1, resendWait.String(), "is outside 0..5m")
	}
	c.p, c.concurrency, c.resends, c.resendWait = p, p.concurrency(concurrency), resends, resendWait
	switch resends {
	case 0:
		c.resends = defaultResends
	case NoResend:
		c.resends = 0
	}
	if c.resendWait == 0 {
		c.resendWait = defaultResendWait
	}
	return c, nil
}

// resendAfter is the wait before re-send number try (1-based) of a request, or false when
// err is not worth a re-send: the client retried the request (Attempts > 1) and it still
// ended with a retryable status or a transport failure, ctx has not ended, and tries are
// left.
func (c runConfig) resendAfter(ctx context.Context, err error, try int) (time.Duration, bool) {
	var e *Error
	if try > c.resends || ctx.Err() != nil || !errors.As(err, &e) || e.Attempts < 2 || e.waitExceeded ||
		errors.Is(err, errDueAfterDeadline) {
		return 0, false
	}
	if e.StatusCode != 0 && !retryableStatus(e.StatusCode) {
		return 0, false
	}
	return c.resendWait << (try - 1), true
}

// failedRun is the state of one RetryFailed run with checked options.
type failedRun struct {
	s         *FilesService
	q         listQuery
	batchSize int
	cfg       runConfig
	poll      time.Duration             // RetryFailedAndWait's PollInterval, 0 for the default
	progress  func(RetryFailedProgress) // nil: none
	accepted  func([]uuid.UUID)         // nil: none; called with each accepted batch

	f   *flight
	rep RetryFailedReport
	err error // the first error that ends the run

	chains   []*chain           // the listing's ends: oldest first, then newest first
	taken    map[string]takenAt // ids taken that may still come back (see prune)
	listDone bool

	queue   []uuid.UUID   // found, not yet sent
	resends []resendBatch // retry requests waiting to be re-sent
}

// takenAt is when a taken file was created, and the number of the page it was taken from.
type takenAt struct {
	at   time.Time
	page int
}

// resendBatch is a retry request that waits to be re-sent, and the error of its last sending.
type resendBatch struct {
	ids []uuid.UUID
	due time.Time
	try int
	err error
}

// newFailedRun checks opts (nil is the zero value) and returns a run ready to start.
func (s *FilesService) newFailedRun(opts *RetryFailedOptions) (*failedRun, error) {
	if opts == nil {
		opts = &RetryFailedOptions{}
	}
	q, err := checkListOptions("RetryFailedOptions", &ListOptions{
		Status: StatusFailed, GraphID: opts.GraphID, FileTypes: opts.FileTypes, Order: OrderAsc, Limit: maxPageSize,
	})
	if err != nil {
		return nil, err
	}
	batchSize := opts.BatchSize
	switch {
	case batchSize < 0:
		return nil, inputErr("RetryFailedOptions.BatchSize", -1, fmt.Sprint(batchSize), "is negative")
	case batchSize == 0:
		batchSize = defaultBatchSize
	}
	rpm := s.client.runPace(opts.RequestsPerMinute, opts.Limiter)
	cfg, err := checkRunConfig("RetryFailedOptions", rpm, opts.Limiter, opts.Concurrency, opts.Resends, opts.ResendWait)
	if err != nil {
		return nil, err
	}
	if opts.PollInterval < 0 {
		return nil, inputErr("RetryFailedOptions.PollInterval", -1, opts.PollInterval.String(), "is negative")
	}
	return &failedRun{s: s, q: q, batchSize: batchSize, cfg: cfg, poll: opts.PollInterval, progress: opts.Progress,
		chains: []*chain{newChain(q, false)}, taken: map[string]takenAt{}}, nil
}

// finish completes the report and the run's error.
func (r *failedRun) finish(err error) (RetryFailedReport, error) {
	r.rep.SlowDowns = r.cfg.p.slowed()
	if err == nil && r.rep.FailedBatches > 0 {
		err = fmt.Errorf("writer: %d of %d retry requests failed; the first: %w", r.rep.FailedBatches, r.rep.Batches, r.rep.Errors[0].Err)
	}
	return r.rep, err
}

// run pages through the failed files and sends each full batch while the next page is read
// (see RetryFailed). It returns once every request sent has answered.
func (r *failedRun) run(ctx context.Context) error {
	r.f = newFlight(ctx, r.cfg.p, r.cfg.concurrency)
	defer r.f.close()
	for r.err == nil && r.f.ctx.Err() == nil {
		// With one request at a time the order does not change the run's time: pages and
		// batches keep their plain order.
		far := r.cfg.concurrency > 1 && r.chains[0].far(r.cfg.p.interval(), 1)
		if r.f.full() || (!far && r.f.inflight > 0) {
			r.f.receive(nil)
			continue
		}
		if ready, due := r.readyChain(time.Now()); ready == nil && !r.batchReady() && !r.resendDue() {
			if r.f.inflight == 0 && len(r.resends) == 0 && r.listDone {
				return nil
			}
			if len(r.resends) > 0 && (due.IsZero() || r.resends[0].due.Before(due)) {
				due = r.resends[0].due
			}
			r.f.idle(due)
			continue
		}
		// A token first, then the request that matters most by then: a page of a far
		// server first (it waits for nothing but a token, and holds back the chain of
		// pages otherwise), then a full batch, a batch due to be re-sent, a page.
		err := r.f.acquire()
		ready, _ := r.readyChain(time.Now())
		switch {
		case err != nil:
		case r.err != nil || r.f.ctx.Err() != nil:
		case ready != nil && far:
			r.readPage(ready)
		case r.batchReady():
			n := min(r.batchSize, len(r.queue))
			batch := slices.Clone(r.queue[:n])
			r.queue = append(r.queue[:0], r.queue[n:]...)
			r.send(batch, 0)
		case r.resendDue():
			b := r.resends[0]
			r.resends = r.resends[1:]
			r.rep.Resent++
			r.send(b.ids, b.try)
		case ready != nil:
			r.readPage(ready)
		}
		if err != nil && !errors.Is(err, errRunStopped) {
			r.setErr(err)
		}
	}
	r.f.drain()
	if r.err == nil && ctx.Err() != nil {
		r.err = context.Cause(ctx)
	}
	for _, b := range r.resends { // sent, and failed; the run ended before the re-send
		r.count(b.ids, uuidStrings(b.ids), b.err)
	}
	r.resends = nil
	return r.err
}

// batchReady reports whether a batch is to be sent: a full one, or the rest once the
// listing is done.
func (r *failedRun) batchReady() bool {
	return len(r.queue) >= r.batchSize || (r.listDone && len(r.queue) > 0)
}

// resendDue reports whether a retry request waiting to be re-sent is due.
func (r *failedRun) resendDue() bool {
	return len(r.resends) > 0 && !r.resends[0].due.After(time.Now())
}

// readyChain returns a chain whose next page may be sent now, if any, and otherwise when
// the earliest page waiting to be re-sent is due (zero: none waits).
func (r *failedRun) readyChain(now time.Time) (*chain, time.Time) {
	var due time.Time
	if r.listDone {
		return nil, due
	}
	for _, c := range r.chains {
		switch {
		case !c.listing || (!c.due.IsZero() && !c.due.After(now)):
			return c, due
		case !c.due.IsZero() && (due.IsZero() || c.due.Before(due)):
			due = c.due
		}
	}
	return nil, due
}

// setErr records the error that ends the run, if none was recorded yet and err is not
// only the consequence of an earlier stop.
func (r *failedRun) setErr(err error) {
	if err == nil || r.f.stopped(err) {
		return
	}
	if r.err == nil {
		r.err = err
		r.f.cancel(errRunStopped)
	}
}

// errCursorBack: a page's last file lies behind the cursor file (created before it with
// order=asc, after it with order=desc).
var errCursorBack = errors.New("page's last file lies behind the cursor file in the listing's order: paging would not advance")

// take returns the id of f to retry, or false when f is not failed, is a repeat (created
// before the cursor file, or taken before and remembered), or has an id that is not a UUID
// (counted and kept in the report).
func (r *failedRun) take(f File) (uuid.UUID, bool) {
	// The filter is the server's; a file it lets through in another status is not retried.
	if f.Status != StatusFailed || r.passed(f.CreatedAt) {
		return uuid.UUID{}, false
	}
	if _, dup := r.taken[f.ID]; dup {
		return uuid.UUID{}, false
	}
	r.taken[f.ID] = takenAt{at: f.CreatedAt, page: r.rep.Pages}
	r.rep.Found++
	id, ok := parseUUID(f.ID)
	if !ok {
		r.rep.Skipped++
		if len(r.rep.SkippedIDs) < maxSkippedIDs {
			r.rep.SkippedIDs = append(r.rep.SkippedIDs, f.ID)
		}
	}
	return id, ok
}

// send sends one retry request with ids (re-send number try, 0 for the first sending), the
// pacer's token taken, and records its outcome.
func (r *failedRun) send(ids []uuid.UUID, try int) {
	batch := uuidStrings(ids)
	r.f.launch(func(ctx context.Context) error {
		return r.s.retry(ctx, batch)
	}, func(err error) bool {
		return errors.Is(err, ErrUnauthorized) || errors.Is(err, ErrForbidden)
	}, func(err error) {
		if err != nil {
			if wait, ok := r.cfg.resendAfter(r.f.ctx, err, try+1); ok {
				r.resends = append(r.resends, resendBatch{ids: ids, due: time.Now().Add(wait), try: try + 1, err: err})
				slices.SortStableFunc(r.resends, func(a, b resendBatch) int { return a.due.Compare(b.due) })
				return
			}
		}
		r.count(ids, batch, err)
		if err != nil && (r.f.ctx.Err() != nil || errors.Is(err, errDueAfterDeadline) || errors.Is(err, ErrUnauthorized) || errors.Is(err, ErrForbidden)) {
			r.setErr(err)
		}
	})
}

// count records the outcome err of the retry request with ids (batch: as strings).
func (r *failedRun) count(ids []uuid.UUID, batch []string, err error) {
	r.rep.Batches++
	if err == nil {
		r.rep.Retried += len(ids)
		if r.accepted != nil {
			r.accepted(ids)
		}
	} else {
		r.rep.FailedBatches++
		if len(r.rep.Errors) < maxBatchErrors {
			r.rep.Errors = append(r.rep.Errors, BatchError{FileIDs: slices.Clone(batch), Err: err})
		}
	}
	r.report(batch, err)
}

// report calls the Progress callback, if any, with the counts so far.
func (r *failedRun) report(batch []string, batchErr error) {
	if r.progress == nil {
		return
	}
	r.progress(RetryFailedProgress{
		Pages: r.rep.Pages, Found: r.rep.Found, Skipped: r.rep.Skipped, Retried: r.rep.Retried,
		Batches: r.rep.Batches, FailedBatches: r.rep.FailedBatches, Resent: r.rep.Resent, SlowDowns: r.cfg.p.slowed(),
		ListingDone: r.listDone, Batch: batch, BatchErr: batchErr,
	})
}

func uuidStrings(ids []uuid.UUID) []string {
	out := make([]string, len(ids))
	for i, u := range ids {
		out[i] = u.String()
	}
	return out
}
