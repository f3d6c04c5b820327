package writer

import (
	"cmp"
	"context"
	"slices"
	"time"
)

// WaitOptions configure WaitProcessed. A nil *WaitOptions is the zero value.
type WaitOptions struct {
	// Interval is the time from the start of one round of polling to the start of the
	// next. 0 means 2 s.
	Interval time.Duration
	// Concurrency is the most GET requests in flight at once, each at the Client's pace.
	// 0 means 8, or 1 when the Client is not paced (NoRateLimit).
	Concurrency int
}

// WaitProcessed polls the given files until none is in_progress, and returns each one as
// last seen, in the order of fileIDs (a repeated id once). Each round sends one GET
// /v1/files/{file_id} (gatewayGetFile) per file still in_progress, up to opts.Concurrency
// at once, at the Client's pace, retried with the outage policy of RetryFailed's calls.
//
// Errors: the ids are checked as in Get before any request (an *InputError naming fileIDs
// and the position); no ids returns nil at once. A failed GET ends the wait with its
// *Error (ErrNotFound for a deleted file; ErrInvalidResponse for an answer about another
// file), and the end of ctx with ctx's error; the files are then returned as last seen,
// only ID set for those not read.
func (s *FilesService) WaitProcessed(ctx context.Context, fileIDs []string, opts *WaitOptions) ([]File, error) {
	opts = cmp.Or(opts, &WaitOptions{})
	var files []File
	var pending []int // positions in files of those still in_progress
	seen := make(map[string]bool, len(fileIDs))
	for i, id := range fileIDs {
		if err := s.client.key.checkFileID("fileIDs", i, id); err != nil {
			return nil, err
		}
		if !seen[id] {
			seen[id], pending = true, append(pending, len(files))
			files = append(files, File{ID: id})
		}
	}
	n, interval, err := s.pollOptions("WaitOptions", "Interval", opts.Concurrency, opts.Interval)
	if err != nil {
		return nil, err
	}
	id := func(i int) string { return files[i].ID }
	for ctx := withJob(ctx); len(pending) > 0; {
		start := time.Now()
		err := s.getEach(ctx, pending, n, id, func(i int, f File, err error) error {
			if err == nil {
				files[i] = f
			}
			return err
		})
		pending = slices.DeleteFunc(pending, func(i int) bool { return files[i].Status != StatusInProgress })
		if err == nil && len(pending) > 0 {
			err = sleep(ctx, time.Until(start.Add(interval)))
		}
		if err != nil {
			return files, err
		}
	}
	return files, nil
}

// getEach reads by GET the file id(i) of each position i, at most n at once, and gives each
// answer to got on this goroutine as they complete. The first error got returns ends the
// round and is returned; so is ctx's, when it ended before every GET was sent.
func (s *FilesService) getEach(ctx context.Context, positions []int, n int, id func(int) string,
	got func(i int, f File, err error) error) error {
	err := drive(ctx, n, func(ctx context.Context, start start) {
		for _, i := range positions {
			if !start(func() func() error {
				f, err := s.Get(ctx, id(i))
				return func() error { return got(i, f, err) }
			}) {
				return
			}
		}
	})
	if err == nil && ctx.Err() != nil {
		return context.Cause(ctx)
	}
	return err
}
