package writer

import (
	"context"
	"errors"
	"fmt"
	"net/http"
	"slices"
	"time"

	"github.com/google/uuid"
	"golang.org/x/time/rate"
)

// NoRateLimit is the RequestsPerMinute that turns off the client-side pacing of RetryFailed
// and WaitProcessed.
const NoRateLimit = -1

// Defaults of RetryFailedOptions and WaitOptions, and how a run slows down on 429.
const (
	defaultBatchSize         = 100             // ids per POST /v1/files/retry
	defaultRequestsPerMinute = 400             // Writer's documented limit per account
	defaultPollInterval      = 2 * time.Second // between rounds of WaitProcessed
	maxSlowDowns             = 8               // 429 answers in a row to one call before it fails
	slowDownPause            = time.Second     // wait after a 429 that carries no wait hint
	minPace                  = rate.Limit(0.1) // requests per second a slow-down stops at (or the configured pace, if lower)
)

// What a RetryFailedReport keeps of things that could be as many as the files.
const (
	maxSkippedIDs  = 100 // RetryFailedReport.SkippedIDs
	maxBatchErrors = 10  // RetryFailedReport.Errors
)

// RetryFailedOptions configure RetryFailed. A nil *RetryFailedOptions is the zero value:
// every failed file, 100 ids per retry request, 400 requests per minute.
type RetryFailedOptions struct {
	// GraphID limits the run to files in this Knowledge Graph, a UUID (list query graph_id).
	GraphID string
	// FileTypes limits the run to files with these extensions, without the dot, such as
	// {"pdf", "docx"} (list query file_types).
	FileTypes []string
	// BatchSize is the number of file ids per POST /v1/files/retry. 0 means 100. Writer
	// does not document a maximum. The run holds up to BatchSize+100 ids at a time.
	BatchSize int
	// RequestsPerMinute paces every HTTP call of the run, list pages and retry requests
	// alike, with a token bucket of burst 1 (golang.org/x/time/rate). 0 means 400, Writer's
	// documented limit per account (other clients of the account share it: set less if they
	// are busy). NoRateLimit turns pacing off.
	RequestsPerMinute int
	// Progress, when set, is called after each list page and after each retry request, on
	// the goroutine that called RetryFailed.
	Progress func(RetryFailedProgress)
}

// RetryFailedProgress is a snapshot of a RetryFailed run, given to
// RetryFailedOptions.Progress. The counts are those of RetryFailedReport so far.
type RetryFailedProgress struct {
	// Pages is the number of list pages read so far.
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
	// ListingDone reports that the last list page was read: Found is final, and the calls
	// still to come are for the retry requests of the files found but not yet sent.
	ListingDone bool
	// Batch holds the ids of the retry request just sent (UUIDs in canonical lower case),
	// and BatchErr its outcome (nil: accepted). Both are empty in a call made after a list
	// page. Batch is valid only during the call.
	Batch    []string
	BatchErr error
}

// RetryFailedReport is what a RetryFailed run did. Its size does not grow with the number
// of files: it keeps counts, at most 100 SkippedIDs and at most 10 Errors.
type RetryFailedReport struct {
	// Pages is the number of list pages read.
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
	// SlowDowns is the number of times the run slowed down after Writer answered 429.
	SlowDowns int
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
//   - GET /v1/files (operationId gatewayGetFiles) with status=failed, the filters of opts,
//     order=asc (oldest first) and limit=100, paging with after set to the last file id of
//     the previous page until a page says has_more is false or comes back empty;
//   - POST /v1/files/retry (operationId gatewayRetryFailedFiles) with opts.BatchSize ids
//     (default 100), sent as soon as that many are found, before the next page is read;
//     the remainder is sent when the listing ends.
//
// The cursor file is held back: the last file of a page, which the next page request names
// in after, is retried only once that request has answered. Writer does not document how
// it resolves an after cursor whose file has left the status=failed filter (UNKNOWN): by
// the file's place among all files, or only among the files that match (refusing the
// cursor otherwise). Held back, the cursor file is still failed when the server resolves
// it, so paging is the same either way.
//
// Each file is retried at most once per run. With order=asc each page holds files created
// after the cursor file, and a file this run retried keeps its place (its created_at)
// behind the cursor, even when it fails again at once, so later pages do not show it. This
// assumes that retrying a file does not change its created_at. Against a server that
// repeats files anyway, a file is not retried again when its created_at is before the
// cursor file's or its id was on the same or the previous page; the run keeps no other
// record of the files it retried.
//
// A file is found when it is failed at the moment its page is read. A file that becomes
// failed behind the cursor during the run (retried by someone else and failed again, say)
// is not found; run RetryFailed again to catch it. One that becomes failed ahead of the
// cursor is found.
//
// Memory stays the same whatever the number of files: one list page (100 files as Writer
// sends them), the ids of that page and the previous one, at most opts.BatchSize+100 ids
// waiting to be sent (16 bytes each), and the report's capped lists. With the default batch
// size the live heap grew by 15 to 110 KB during runs over 5,000 and over 50,000 files
// (writer_test TestRetryFailedMemoryDoesNotGrowWithFiles).
//
// Pacing: every HTTP call waits for a token of a limiter at opts.RequestsPerMinute (default
// 400, Writer's limit per account). Each call is retried by the client's retry policy
// (Retry-After honoured). When a call still ends with 429, the run halves its pace (never
// below 6 requests per minute, or the configured pace if that is lower), waits the server's
// Retry-After (1 s without one) and sends the call again, up to 8 times in a row; a server
// asking to wait longer than the policy's MaxRetryAfter ends that call. Each call that is not
// refused gives back a twentieth of the configured pace, up to the configured pace.
//
// Errors: options are checked before any request (ErrInvalidInput naming the field). A
// failed list page ends the run with its *Error (ErrBadRequest, for example, if someone
// else retried the cursor file and Writer refuses such a cursor); files found but not yet
// sent are then not retried. A page whose last file would move the cursor back (an empty
// id, the cursor's own id, or a file created before the cursor file) ends the run with an
// *Error matching ErrInvalidResponse, as paging would not advance. A failed retry request
// is counted in the report, and the run goes on, except on ErrUnauthorized or
// ErrForbidden, or when ctx ends, which stop it with that error. A request not sent because
// ctx ended first, or because the limiter's next token comes after ctx's deadline, is not
// counted: the run stops with an error matching context.Canceled or
// context.DeadlineExceeded. When any retry request
// failed, the returned error says how many and wraps the first one. The report is valid in
// every case.
func (s *FilesService) RetryFailed(ctx context.Context, opts *RetryFailedOptions) (RetryFailedReport, error) {
	if opts == nil {
		opts = &RetryFailedOptions{}
	}
	q, err := checkListOptions("RetryFailedOptions", &ListOptions{
		Status: StatusFailed, GraphID: opts.GraphID, FileTypes: opts.FileTypes, Order: OrderAsc, Limit: maxPageSize,
	})
	if err != nil {
		return RetryFailedReport{}, err
	}
	batchSize := opts.BatchSize
	switch {
	case batchSize < 0:
		return RetryFailedReport{}, inputErr("RetryFailedOptions.BatchSize", -1, fmt.Sprint(batchSize), "is negative")
	case batchSize == 0:
		batchSize = defaultBatchSize
	}
	p, err := newPacer("RetryFailedOptions.RequestsPerMinute", opts.RequestsPerMinute)
	if err != nil {
		return RetryFailedReport{}, err
	}
	r := &failedRun{s: s, q: q, batchSize: batchSize, p: p, progress: opts.Progress,
		pageIDs: map[string]struct{}{}, prevIDs: map[string]struct{}{}}
	err = r.run(ctx)
	r.rep.SlowDowns = p.slowDowns
	if err == nil && r.rep.FailedBatches > 0 {
		err = fmt.Errorf("writer: %d of %d retry requests failed; the first: %w", r.rep.FailedBatches, r.rep.Batches, r.rep.Errors[0].Err)
	}
	return r.rep, err
}

// failedRun is the state of one RetryFailed run with checked options.
type failedRun struct {
	s         *FilesService
	q         listQuery
	batchSize int
	p         *pacer
	progress  func(RetryFailedProgress) // nil: none

	rep     RetryFailedReport
	queue   []uuid.UUID         // found, not yet sent
	pageIDs map[string]struct{} // ids taken from the current page
	prevIDs map[string]struct{} // ids taken from the previous page
}

// run pages through the failed files, queueing them, and sends every full batch before
// reading the next page (see RetryFailed).
func (r *failedRun) run(ctx context.Context) error {
	var (
		after   string    // the cursor: the previous page's last file id
		afterAt time.Time // its created_at
		held    uuid.UUID // the cursor file, to retry once the next page is read
		holding bool
	)
	for {
		var page Page
		err := r.p.do(ctx, func() (err error) {
			page, err = r.s.listPage(ctx, r.q, Cursor{After: after})
			return err
		})
		if err != nil {
			return err
		}
		r.rep.Pages++
		if holding {
			r.queue, holding = append(r.queue, held), false
		}
		r.pageIDs, r.prevIDs = r.prevIDs, r.pageIDs
		clear(r.pageIDs)
		done := !page.HasMore || len(page.Files) == 0
		for i, f := range page.Files {
			id, ok := r.take(f, afterAt)
			switch {
			case !ok:
			case i == len(page.Files)-1 && !done:
				held, holding = id, true
			default:
				r.queue = append(r.queue, id)
			}
		}
		r.report(nil, nil, done)
		for len(r.queue) >= r.batchSize || (done && len(r.queue) > 0) {
			n := min(r.batchSize, len(r.queue))
			if err := r.send(ctx, r.queue[:n], done); err != nil {
				return err
			}
			r.queue = append(r.queue[:0], r.queue[n:]...)
		}
		if done {
			return nil
		}
		if after, err = nextCursor(page, after); err != nil {
			return err
		}
		last := page.Files[len(page.Files)-1]
		if last.CreatedAt.Before(afterAt) {
			return &Error{Operation: opList, StatusCode: http.StatusOK, Err: fmt.Errorf("%w: %w", ErrInvalidResponse, errCursorBack)}
		}
		afterAt = last.CreatedAt
	}
}

// errCursorBack: with order=asc, a page's last file was created before the cursor file.
var errCursorBack = errors.New("page's last file was created before the cursor file (order=asc): paging would not advance")

// take returns the id of f to retry, or false when f is not failed, is a repeat (created
// before the cursor file, which was created at afterAt, or already taken from this page or
// the previous one), or has an id that is not a UUID (counted and kept in the report).
func (r *failedRun) take(f File, afterAt time.Time) (uuid.UUID, bool) {
	// The filter is the server's; a file it lets through in another status is not retried.
	if f.Status != StatusFailed || f.CreatedAt.Before(afterAt) {
		return uuid.UUID{}, false
	}
	if _, dup := r.prevIDs[f.ID]; dup {
		return uuid.UUID{}, false
	}
	if _, dup := r.pageIDs[f.ID]; dup {
		return uuid.UUID{}, false
	}
	r.pageIDs[f.ID] = struct{}{}
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

// send sends one retry request with ids and records its outcome. It returns an error
// only when the run must stop: ErrUnauthorized, ErrForbidden, the end of ctx, or a next
// request due after ctx's deadline. A request that ctx ended before it was sent is not
// counted.
func (r *failedRun) send(ctx context.Context, ids []uuid.UUID, listingDone bool) error {
	batch := uuidStrings(ids)
	sent := false
	err := r.p.do(ctx, func() error {
		sent = true
		return r.s.retry(ctx, batch)
	})
	if !sent { // ctx ended, or would end, before the limiter let the request go
		return err
	}
	r.rep.Batches++
	if err == nil {
		r.rep.Retried += len(ids)
	} else {
		r.rep.FailedBatches++
		if len(r.rep.Errors) < maxBatchErrors {
			r.rep.Errors = append(r.rep.Errors, BatchError{FileIDs: slices.Clone(batch), Err: err})
		}
	}
	r.report(batch, err, listingDone)
	if err != nil && (ctx.Err() != nil || errors.Is(err, errDueAfterDeadline) || errors.Is(err, ErrUnauthorized) || errors.Is(err, ErrForbidden)) {
		return err
	}
	return nil
}

// report calls the Progress callback, if any, with the counts so far.
func (r *failedRun) report(batch []string, batchErr error, listingDone bool) {
	if r.progress == nil {
		return
	}
	r.progress(RetryFailedProgress{
		Pages: r.rep.Pages, Found: r.rep.Found, Skipped: r.rep.Skipped, Retried: r.rep.Retried,
		Batches: r.rep.Batches, FailedBatches: r.rep.FailedBatches, ListingDone: listingDone,
		Batch: batch, BatchErr: batchErr,
	})
}

func uuidStrings(ids []uuid.UUID) []string {
	out := make([]string, len(ids))
	for i, u := range ids {
		out[i] = u.String()
	}
	return out
}

// WaitOptions configure WaitProcessed. A nil *WaitOptions is the zero value.
type WaitOptions struct {
	// Interval is the pause between two rounds of polling. 0 means 2 s.
	Interval time.Duration
	// RequestsPerMinute paces the GET requests as in RetryFailedOptions: 0 means 400,
	// NoRateLimit turns pacing off.
	RequestsPerMinute int
}

// WaitProcessed polls the given files until none is in_progress, and returns each one as
// last seen, in the order of fileIDs (a repeated id appears once).
//
// Each round sends one GET /v1/files/{file_id} (operationId gatewayGetFile) per file still
// in_progress, paced as opts.RequestsPerMinute says (default 400 per minute, with the same
// slowing down on 429 as RetryFailed), then pauses opts.Interval (default 2 s). A file
// whose status is anything but StatusInProgress (completed, failed, or a status Writer adds
// later) is settled and not polled again. Waiting for n files thus costs at least n
// requests: at 400 per minute, 10,000 files take 25 minutes per round.
//
// The ids are checked as in Get before any request (ErrInvalidInput naming fileIDs and
// the position); no ids returns nil at once. A failed GET (for example ErrNotFound for a
// deleted file) ends the wait with its *Error, and the end of ctx with ctx's error; the
// files are then returned as last seen, with only ID set for those not read yet.
func (s *FilesService) WaitProcessed(ctx context.Context, fileIDs []string, opts *WaitOptions) ([]File, error) {
	if opts == nil {
		opts = &WaitOptions{}
	}
	var files []File
	seen := make(map[string]bool, len(fileIDs))
	for i, id := range fileIDs {
		if err := checkFileID("fileIDs", i, id); err != nil {
			return nil, err
		}
		if !seen[id] {
			seen[id] = true
			files = append(files, File{ID: id})
		}
	}
	interval := opts.Interval
	switch {
	case interval < 0:
		return nil, inputErr("WaitOptions.Interval", -1, interval.String(), "is negative")
	case interval == 0:
		interval = defaultPollInterval
	}
	p, err := newPacer("WaitOptions.RequestsPerMinute", opts.RequestsPerMinute)
	if err != nil {
		return nil, err
	}
	pending := make([]int, len(files))
	for i := range pending {
		pending[i] = i
	}
	for len(pending) > 0 {
		still := pending[:0]
		for _, i := range pending {
			var f File
			err := p.do(ctx, func() (err error) {
				f, err = s.Get(ctx, files[i].ID)
				return err
			})
			if err != nil {
				return files, err
			}
			files[i] = f
			if f.Status == StatusInProgress {
				still = append(still, i)
			}
		}
		if pending = still; len(pending) == 0 {
			break
		}
		if err := sleep(ctx, interval); err != nil {
			return files, err
		}
	}
	return files, nil
}

// pacer spaces the HTTP calls of a workflow run and slows it down when Writer answers 429:
// it halves the pace after a 429 and adds back a twentieth of the configured pace after
// each call that was not refused (additive increase, multiplicative decrease).
type pacer struct {
	lim       *rate.Limiter // nil: pacing off
	pace      rate.Limit    // the configured pace
	slowDowns int
}

// newPacer returns a pacer for rpm requests per minute (0: the default, NoRateLimit: off).
func newPacer(field string, rpm int) (*pacer, error) {
	switch {
	case rpm == NoRateLimit:
		return &pacer{}, nil
	case rpm < 0:
		return nil, inputErr(field, -1, fmt.Sprint(rpm), "is negative (use writer.NoRateLimit to turn pacing off)")
	case rpm == 0:
		rpm = defaultRequestsPerMinute
	}
	pace := rate.Limit(float64(rpm) / 60)
	return &pacer{lim: rate.NewLimiter(pace, 1), pace: pace}, nil
}

// do calls fn when the limiter allows, and again while fn ends with 429 (see RetryFailed).
// When ctx ends before fn is called again after a 429, it returns that 429's *Error with
// ctx's error joined to its cause.
func (p *pacer) do(ctx context.Context, fn func() error) error {
	var last *Error // fn's last 429, while fn is to be called again
	for n := 0; ; n++ {
		if err := p.wait(ctx); err != nil {
			return stopped(last, err)
		}
		err := fn()
		var e *Error
		if !errors.As(err, &e) || e.StatusCode != http.StatusTooManyRequests {
			if p.lim != nil && p.lim.Limit() < p.pace {
				p.lim.SetLimit(min(p.lim.Limit()+p.pace/20, p.pace))
			}
			return err
		}
		if e.waitExceeded || n >= maxSlowDowns {
			return err
		}
		p.slowDowns++
		if p.lim != nil {
			p.lim.SetLimit(max(p.lim.Limit()/2, min(minPace, p.pace)))
		}
		pause := e.RetryAfter
		if pause <= 0 {
			pause = slowDownPause
		}
		if err := sleep(ctx, pause); err != nil {
			return stopped(e, err)
		}
		last = e
	}
}

// stopped is pacer.do's error when ctx ended (err) while it waited to call fn: err itself
// before the first call; after a 429, that call's *Error with err joined to its cause.
func stopped(last *Error, err error) error {
	if last == nil {
		return err
	}
	last.Err = errors.Join(last.Err, err)
	return last
}

// errDueAfterDeadline: the limiter's next token comes after ctx's deadline, so no request
// can be sent in time; the error also matches context.DeadlineExceeded.
var errDueAfterDeadline = errors.New("writer: the next request is due after the context's deadline")

// wait waits for the limiter's next token, or until ctx ends.
func (p *pacer) wait(ctx context.Context) error {
	if p.lim == nil {
		return ctx.Err()
	}
	if err := p.lim.Wait(ctx); err != nil {
		if ctx.Err() != nil {
			return context.Cause(ctx)
		}
		// The limiter refuses a wait that would outlast ctx's deadline.
		return fmt.Errorf("%w: %w", errDueAfterDeadline, context.DeadlineExceeded)
	}
	return nil
}
