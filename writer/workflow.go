package writer

import (
	"bytes"
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
	minPace                  = rate.Limit(0.1) // requests per second the pace never drops below
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
	// does not document a maximum.
	BatchSize int
	// RequestsPerMinute paces every HTTP call of the run, list pages and retry requests
	// alike, with a token bucket of burst 1 (golang.org/x/time/rate). 0 means 400, Writer's
	// documented limit per account (other clients of the account share it: set less if they
	// are busy). NoRateLimit turns pacing off.
	RequestsPerMinute int
	// Progress, when set, is called after each list page and each retry request, on the
	// goroutine that called RetryFailed.
	Progress func(RetryFailedProgress)
}

// RetryFailedProgress is a snapshot of a RetryFailed run, given to
// RetryFailedOptions.Progress.
type RetryFailedProgress struct {
	// Listing is true while the failed files are being listed, false once retrying began.
	Listing bool
	// Listed is the number of failed files read from list pages so far (a file that a page
	// repeats counts twice).
	Listed int
	// Found is the number of distinct failed files to retry; known once Listing is false.
	Found int
	// Retried is the number of files in retry requests that Writer accepted so far.
	Retried int
	// Batches is the number of retry requests sent so far, of BatchesTotal.
	Batches, BatchesTotal int
	// FailedBatches is the number of retry requests that failed so far.
	FailedBatches int
	// Batch holds the ids of the retry request just sent, and BatchErr its outcome (nil:
	// accepted). Both are empty during listing. Batch is valid only during the call.
	Batch    []string
	BatchErr error
}

// RetryFailedReport is what a RetryFailed run did.
type RetryFailedReport struct {
	// Found is the number of distinct failed files found that matched the filters.
	Found int
	// Retried is the number of files in retry requests Writer accepted.
	Retried int
	// Batches is the number of retry requests sent.
	Batches int
	// Skipped are failed files whose id is not a UUID: POST /v1/files/retry takes only
	// UUIDs (retry_files_request.file_ids, format uuid), so they were not retried.
	Skipped []string
	// Errors are the retry requests that failed, with their ids.
	Errors []BatchError
	// SlowDowns is the number of times the run slowed down after Writer answered 429.
	SlowDowns int
}

// BatchError is a retry request of a RetryFailed run that failed.
type BatchError struct {
	// FileIDs are the ids the request carried.
	FileIDs []string
	// Err is the request's error, an *Error as returned by Retry.
	Err error
}

// RetryFailed asks Writer to process again every failed file that matches opts (nil: every
// failed file), and reports what it did. It runs in two phases:
//
//  1. It lists the failed files: GET /v1/files (operationId gatewayGetFiles) with
//     status=failed, the filters of opts, order=asc and limit=100, paging with after set to
//     each page's last id, and collects their ids.
//  2. It sends the distinct ids, in batches of opts.BatchSize, to POST /v1/files/retry
//     (operationId gatewayRetryFailedFiles).
//
// Listing everything before retrying anything is what makes every id retried at most once
// per run, and no file skipped because of the run's own retries: a retried file leaves the
// status=failed filter (it becomes
// in_progress, and may fail again at once), so retrying while paging would change the very
// result set the cursor walks, and depending on how the server resolves a cursor that left
// the filter, pages could skip files or start over and repeat them. Here the run's own
// retries cannot move the listing, and an id that a page repeats is retried once. Files
// that become failed, or are retried by someone else, while the listing runs may or may not
// be found: run RetryFailed again to catch them.
//
// Memory: the run keeps 16 bytes per failed file listed (its UUID), plus the slack of a
// growing slice (at most 40 bytes per file in all), one list page and one batch; it never
// holds the files' other fields. One million failed files take about 16 MB.
//
// Pacing: every HTTP call waits for a token of a limiter at opts.RequestsPerMinute (default
// 400, Writer's limit per account). Each call is retried by the client's retry policy
// (Retry-After honoured). When a call still ends with 429, the run halves its pace (never
// below 6 requests per minute), waits the server's Retry-After (1 s without one) and sends
// the call again, up to 8 times in a row; a server asking to wait longer than the policy's
// MaxRetryAfter ends that call. Each call that is not refused gives back a twentieth of the
// configured pace, up to the configured pace.
//
// Errors: options are checked before any request (ErrInvalidInput naming the field). A
// failed list page ends the run with its *Error. A failed retry request is recorded in the
// report's Errors and the run goes on, except on ErrUnauthorized or ErrForbidden, or when
// ctx ends, which stop it with that error. When any batch failed, the returned error says
// how many and wraps the first one. The report is valid in every case.
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
	progress := func(RetryFailedProgress) {}
	if opts.Progress != nil {
		progress = opts.Progress
	}
	var rep RetryFailedReport
	err = s.retryFailed(ctx, q, batchSize, p, progress, &rep)
	rep.SlowDowns = p.slowDowns
	return rep, err
}

// retryFailed runs the two phases of RetryFailed with checked options, filling in rep.
func (s *FilesService) retryFailed(ctx context.Context, q listQuery, batchSize int, p *pacer, progress func(RetryFailedProgress), rep *RetryFailedReport) error {
	ids, skipped, listed, err := s.listFailed(ctx, q, p, func(listed int) {
		progress(RetryFailedProgress{Listing: true, Listed: listed})
	})
	rep.Skipped = skipped
	if err != nil {
		return err
	}
	rep.Found = len(ids)

	pr := RetryFailedProgress{Listed: listed, Found: len(ids), BatchesTotal: (len(ids) + batchSize - 1) / batchSize}
	for start := 0; start < len(ids); start += batchSize {
		batch := ids[start:min(start+batchSize, len(ids))]
		err := p.do(ctx, func() error { return s.retry(ctx, batch) })
		rep.Batches++
		pr.Batches++
		pr.Batch, pr.BatchErr = uuidStrings(batch), err
		if err == nil {
			rep.Retried += len(batch)
			pr.Retried += len(batch)
		} else {
			rep.Errors = append(rep.Errors, BatchError{FileIDs: pr.Batch, Err: err})
			pr.FailedBatches++
		}
		progress(pr)
		if err != nil && (ctx.Err() != nil || errors.Is(err, ErrUnauthorized) || errors.Is(err, ErrForbidden)) {
			return err
		}
	}
	if len(rep.Errors) > 0 {
		return fmt.Errorf("writer: %d of %d retry requests failed; the first: %w", len(rep.Errors), rep.Batches, rep.Errors[0].Err)
	}
	return nil
}

// listFailed pages through the failed files of q and returns the distinct UUID ids, sorted,
// the ids that are not UUIDs, and how many failed files the pages held.
func (s *FilesService) listFailed(ctx context.Context, q listQuery, p *pacer, progress func(listed int)) (ids []uuid.UUID, skipped []string, listed int, err error) {
	seenSkipped := map[string]bool{}
	var after string
	for {
		var page Page
		err := p.do(ctx, func() (err error) {
			page, err = s.listPage(ctx, q, Cursor{After: after})
			return err
		})
		if err != nil {
			return nil, skipped, listed, err
		}
		for _, f := range page.Files {
			// The filter is the server's; a file it lets through in another status is not
			// retried.
			if f.Status != StatusFailed {
				continue
			}
			listed++
			if u, ok := parseUUID(f.ID); ok {
				ids = append(ids, u)
			} else if !seenSkipped[f.ID] {
				seenSkipped[f.ID] = true
				skipped = append(skipped, f.ID)
			}
		}
		progress(listed)
		if !page.HasMore || len(page.Files) == 0 {
			break
		}
		if after, err = nextCursor(page, after); err != nil {
			return nil, skipped, listed, err
		}
	}
	slices.SortFunc(ids, func(a, b uuid.UUID) int { return bytes.Compare(a[:], b[:]) })
	return slices.Compact(ids), skipped, listed, nil
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
func (p *pacer) do(ctx context.Context, fn func() error) error {
	for n := 0; ; n++ {
		if err := p.wait(ctx); err != nil {
			return err
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
			p.lim.SetLimit(max(p.lim.Limit()/2, minPace))
		}
		pause := e.RetryAfter
		if pause <= 0 {
			pause = slowDownPause
		}
		if err := sleep(ctx, pause); err != nil {
			return err
		}
	}
}

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
		return fmt.Errorf("writer: the next request is due after the context's deadline: %w", context.DeadlineExceeded)
	}
	return nil
}
