package writer

import (
	"bytes"
	"context"
	"errors"
	"slices"
	"time"

	"github.com/google/uuid"
)

// RetryFailedAndWait is the whole job: it retries every failed file as RetryFailed does,
// waits until the files Writer accepted have left in_progress, and reports how many
// completed and which failed again (the first 100 in the report, every one through
// opts.Progress). The wait reads the file accepted last (GET /v1/files/{file_id}) every
// PollInterval/4 until it has left in_progress; then every PollInterval a round pages
// through GET /v1/files with status=in_progress and the run's filters until every waiting
// file was seen or the listing ended (a waiting file not listed has left in_progress); one
// pass over the status=failed pages then tells the failed again from the completed. Where
// a listing costs as many pages as a GET per waiting file, or Writer refuses its cursor,
// the rest of the wait reads by GET. n failed files that all settle cost about
// 2*ceil(n/100) requests and a few more; it keeps 17 bytes per retried file.
//
// Errors are those of RetryFailed, and: a status read that fails ends the run with its
// *Error (an answer about another file with ErrInvalidResponse), as does the end of ctx.
// The report is valid in every case; InProgress counts the files whose outcome was not read.
func (s *FilesService) RetryFailedAndWait(ctx context.Context, opts *RetryFailedOptions) (RetryFailedReport, error) {
	r, err := s.newRun(opts)
	if err != nil {
		return RetryFailedReport{}, err
	}
	r.keep = true
	err = r.retryAll(ctx)
	if err == nil && len(r.accepted) > 0 {
		err = r.wait(withJob(ctx))
	}
	return r.rep, r.result(ctx, err)
}

// fileState is what the wait knows of one file it retried.
type fileState uint8

const (
	stPending fileState = iota // in_progress when last seen
	stLeft                     // left in_progress; outcome not read yet
	stDone                     // outcome read
	stListed                   // listed in the listing under way
)

// waitSet is the files a wait waits for, ordered by id, with the state of each.
type waitSet struct {
	ids           []uuid.UUID
	st            []fileState
	pending, left int      // files in stPending, stLeft
	byGet         bool     // a listing cost as much as a GET per file: read statuses by GET
	failed        []string // found failed again since the last Progress call
}

// find returns the position of the file with id, when the run retried it.
func (w *waitSet) find(id string) (int, bool) {
	u, ok := parseUUID(id)
	if !ok {
		return 0, false
	}
	return slices.BinarySearchFunc(w.ids, u, func(a, b uuid.UUID) int { return bytes.Compare(a[:], b[:]) })
}

// wait waits for the accepted files (see RetryFailedAndWait).
func (r *job) wait(ctx context.Context) error {
	newest := r.accepted[len(r.accepted)-1].String()
	slices.SortFunc(r.accepted, func(a, b uuid.UUID) int { return bytes.Compare(a[:], b[:]) })
	w := &waitSet{ids: r.accepted, st: make([]fileState, len(r.accepted)), pending: len(r.accepted)}
	r.accepted = nil
	r.reportWait(w)
	for i, _ := w.find(newest); w.st[i] == stPending; {
		if err := sleep(ctx, r.poll/4); err != nil {
			return err
		}
		if err := r.getStatuses(ctx, w, []int{i}); err != nil {
			return err
		}
	}
	for w.pending > 0 {
		start := time.Now()
		err := r.sweep(ctx, w, StatusInProgress, stPending, func(int) {}, func(i int) {
			w.st[i], w.pending, w.left = stLeft, w.pending-1, w.left+1
		})
		if err == nil && w.pending > 0 {
			err = sleep(ctx, time.Until(start.Add(r.poll)))
		}
		if err != nil {
			return err
		}
	}
	if w.left == 0 {
		return nil
	}
	return r.sweep(ctx, w, StatusFailed, stLeft, func(i int) { r.settle(w, i, StatusFailed) },
		func(i int) { r.settle(w, i, StatusCompleted) })
}

// sweep learns which files in state from are listed with status st (and the run's
// filters), paging until the listing ends or has shown them all, and then calls listed or
// unlisted for each. Where the listing costs as many pages as a GET per file, or Writer
// refuses its cursor (as it may once the cursor file left the filter), it reads each file
// by GET instead, and so does the rest of the wait.
func (r *job) sweep(ctx context.Context, w *waitSet, st Status, from fileState, listed, unlisted func(i int)) error {
	want, seen := w.pending, 0
	if from == stLeft {
		want = w.left
	}
	defer func() { // a file marked listed is in from again, unless listed moved it on
		for i, s := range w.st {
			if s == stListed {
				w.st[i] = from
			}
		}
	}()
	q, after, cursors := withStatus(r.q, st), "", map[string]struct{}{}
	for n := 1; !w.byGet; n++ {
		page, err := r.s.listPage(ctx, q, Cursor{After: after})
		if err != nil && !(after != "" && errors.Is(err, ErrBadRequest)) {
			return err
		}
		for _, f := range page.Files {
			if i, ok := w.find(f.ID); ok && f.Status == st && w.st[i] == from {
				w.st[i], seen = stListed, seen+1
			}
		}
		if err == nil && (seen == want || !page.HasMore || len(page.Files) == 0) {
			for i, s := range w.st {
				switch s {
				case stListed:
					listed(i)
				case from:
					unlisted(i)
				}
			}
			r.reportWait(w)
			return nil
		}
		if w.byGet = err != nil || n >= want; !w.byGet {
			if after, err = nextCursor(page, after, cursors); err != nil {
				return err
			}
		}
	}
	var positions []int
	for i, s := range w.st {
		if s == from || s == stListed {
			w.st[i] = from
			positions = append(positions, i)
		}
	}
	return r.getStatuses(ctx, w, positions)
}

// getStatuses reads the files at positions by GET. A file that is gone (404, 410) counts as
// completed; any other error ends the wait.
func (r *job) getStatuses(ctx context.Context, w *waitSet, positions []int) error {
	ids := make([]string, len(positions))
	for k, i := range positions {
		ids[k] = w.ids[i].String()
	}
	err := r.s.getEach(ctx, ids, r.concurrency, func(k int, f File, err error) error {
		switch {
		case errors.Is(err, ErrNotFound) || errors.Is(err, ErrGone):
			f.Status = StatusCompleted
		case err != nil:
			return err
		}
		if f.Status != StatusInProgress {
			r.settle(w, positions[k], f.Status)
		}
		return nil
	})
	r.reportWait(w)
	return err
}

// settle records that the file at position i, pending or left, has status (not in_progress).
func (r *job) settle(w *waitSet, i int, status Status) {
	if w.st[i] == stPending {
		w.pending--
	} else {
		w.left--
	}
	if w.st[i] = stDone; status != StatusFailed {
		r.rep.Completed++
		return
	}
	r.rep.FailedAgain++
	id := w.ids[i].String()
	r.rep.FailedAgainIDs = appendUpTo(r.rep.FailedAgainIDs, maxKeptIDs, id)
	w.failed = append(w.failed, id)
}

// reportWait calls Progress, if any, with the wait's counts and the files found failed
// again since the last call.
func (r *job) reportWait(w *waitSet) {
	r.rep.InProgress = w.pending + w.left
	r.report(RetryFailedProgress{Waiting: true, JustFailedAgain: w.failed})
	w.failed = w.failed[:0]
}
