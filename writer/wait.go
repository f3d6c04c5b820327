package writer

import (
	"context"
	"errors"
	"time"
)

// defaultPollInterval is the time between the starts of two rounds of status reads.
const defaultPollInterval = 2 * time.Second

// WaitOptions configure WaitProcessed. A nil *WaitOptions is the zero value.
type WaitOptions struct {
	// Interval is the time from the start of one round of polling to the start of the
	// next. 0 means 2 s.
	Interval time.Duration
	// RequestsPerMinute, Limiter and Concurrency pace the GET requests as in
	// RetryFailedOptions: 0 means the client's pace (WithRequestsPerMinute, default 400 per
	// minute) and 8 in flight; NoRateLimit turns pacing off (and then sends one request at a
	// time).
	RequestsPerMinute int
	Limiter           Limiter
	Concurrency       int
}

// WaitProcessed polls the given files until none is in_progress, and returns each one as
// last seen, in the order of fileIDs (a repeated id appears once).
//
// Each round sends one GET /v1/files/{file_id} (operationId gatewayGetFile) per file still
// in_progress, up to opts.Concurrency at once through one pacer (default 400 per minute,
// slowing down on 429 as RetryFailed does). A file whose status is anything but
// StatusInProgress is settled and not polled again. Waiting for n files thus costs n
// requests per round; RetryFailedAndWait waits with list pages instead, 100 files each.
//
// The ids are checked as in Get before any request (ErrInvalidInput naming fileIDs and
// the position); no ids returns nil at once. A failed GET (for example ErrNotFound for a
// deleted file) ends the wait with its *Error, an answer about another file id with an
// *Error matching ErrInvalidResponse, and the end of ctx with ctx's error; the files are
// then returned as last seen, with only ID set for those not read yet. The id polled is
// always the one given, whatever a server answered.
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
	cfg, err := checkRunConfig("WaitOptions", s.client.runPace(opts.RequestsPerMinute, opts.Limiter), opts.Limiter, opts.Concurrency, NoResend, 0)
	if err != nil {
		return nil, err
	}
	pending := make([]int, len(files))
	for i := range pending {
		pending[i] = i
	}
	for len(pending) > 0 {
		start := time.Now()
		if pending, err = s.pollRound(ctx, cfg, files, pending); err != nil || len(pending) == 0 {
			return files, err
		}
		if err := sleep(ctx, time.Until(start.Add(interval))); err != nil {
			return files, err
		}
	}
	return files, nil
}

// pollRound reads the status of files[i] for each i in pending, and returns those still
// in_progress, in the same order.
func (s *FilesService) pollRound(ctx context.Context, cfg runConfig, files []File, pending []int) ([]int, error) {
	f := newFlight(ctx, cfg.p, cfg.concurrency)
	defer f.close()
	var first error
	var still []int
	for _, i := range pending {
		if f.full() {
			f.receive(nil)
		}
		if first != nil || f.ctx.Err() != nil {
			break
		}
		var got File
		err := f.send(func(ctx context.Context) (err error) {
			got, err = s.Get(ctx, files[i].ID)
			return err
		}, func(err error) bool { return err != nil }, func(err error) {
			switch {
			case err != nil:
				if first == nil && !f.stopped(err) {
					first = err
				}
			case got.Status == StatusInProgress:
				files[i] = got
				still = append(still, i)
			default:
				files[i] = got
			}
		})
		if err != nil && !errors.Is(err, errRunStopped) && first == nil {
			first = err
		}
	}
	f.drain()
	if first == nil && ctx.Err() != nil {
		first = context.Cause(ctx)
	}
	return still, first
}
