package writer

import (
	"bytes"
	"context"
	"errors"
	"slices"
	"time"

	"github.com/google/uuid"
)

// probesPerInterval is how many reads of the newest retried file the wait makes per
// PollInterval before its first round.
const probesPerInterval = 4

// RetryFailedAndWait is the whole job: it retries every failed file as RetryFailed does,
// then waits until the files Writer accepted have left in_progress, and reports how many
// completed and which failed again (the first 100 in the report, every one through
// opts.Progress).
//
// The wait reads the file accepted last by GET /v1/files/{file_id} every PollInterval/4
// (default 0.5 s) until it has left in_progress; then, every PollInterval, a round reads
// the list pages of GET /v1/files with status=in_progress and the run's filters (100 files
// a request) until every waiting file was seen or the listing ended: a waiting file not
// listed has left in_progress. One pass over the status=failed pages then tells the failed
// again from the completed. A listing that costs as many pages as a GET per waiting file
// (other files of the account in progress), or whose cursor Writer refuses, gives way to a
// GET per file for the rest of the wait. For n failed files that all settle, the job costs
// about 2*ceil(n/100) requests and a few more (docs/workflow.md).
//
// It keeps 17 bytes per retried file. Errors are those of RetryFailed, and: a status read
// that fails ends the run with its *Error (an answer about another file with
// ErrInvalidResponse), as does the end of ctx. The report is valid in every case;
// InProgress counts the files whose outcome was not read.
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
	stPending   fileState = iota // in_progress when last seen
	stSeen                       // seen in_progress in the round under way
	stLeft                       // left in_progress; outcome not read yet
	stCompleted                  // left in_progress and is not failed
	stFailed                     // failed again
)

// waitSet is the files a wait waits for, ordered by id, with the state of each.
type waitSet struct {
	ids           []uuid.UUID
	st            []fileState
	pending, left int  // files in stPending, stLeft
	byGet         bool // a listing cost as much as a GET per file: read statuses by GET
}

// find returns the position of the file with id, when the run retried it.
func (w *waitSet) find(id string) (int, bool) {
	u, ok := parseUUID(id)
	if !ok {
		return 0, false
	}
	return slices.BinarySearchFunc(w.ids, u, func(a, b uuid.UUID) int { return bytes.Compare(a[:], b[:]) })
}

// positions returns the positions of the files in state st.
func (w *waitSet) positions(st fileState) []int {
	var out []int
	for i, s := range w.st {
		if s == st {
			out = append(out, i)
		}
	}
	return out
}

// wait waits for the accepted files (see RetryFailedAndWait).
func (r *job) wait(ctx context.Context) error {
	newest := r.accepted[len(r.accepted)-1]
	slices.SortFunc(r.accepted, func(a, b uuid.UUID) int { return bytes.Compare(a[:], b[:]) })
	w := &waitSet{ids: r.accepted, st: make([]fileState, len(r.accepted)), pending: len(r.accepted)}
	r.accepted = nil
	r.reportWait(w, nil)
	i, _ := w.find(newest.String())
	for w.st[i] == stPending {
		if err := sleep(ctx, r.poll/probesPerInterval); err != nil {
			return err
		}
		if err := r.getStatuses(ctx, w, []int{i}); err != nil {
			return err
		}
	}
	for w.pending > 0 {
		start := time.Now()
		if err := r.round(ctx, w); err != nil {
			return err
		}
		if w.pending > 0 {
			if err := sleep(ctx, time.Until(start.Add(r.poll))); err != nil {
				return err
			}
		}
	}
	return r.outcomes(ctx, w)
}

// round reads the status of every pending file, from the in_progress listing unless the
// wait reads by GET.
func (r *job) round(ctx context.Context, w *waitSet) error {
	if !w.byGet {
		seen := 0
		done, err := r.scan(ctx, w, StatusInProgress, w.pending, func(i int) bool {
			if w.st[i] == stPending {
				w.st[i] = stSeen
				seen++
			}
			return seen == w.pending
		})
		if err != nil {
			return err
		}
		for i, st := range w.st {
			switch {
			case st == stSeen:
				w.st[i] = stPending
			case st == stPending && done:
				w.st[i] = stLeft
				w.pending--
				w.left++
			}
		}
		if done {
			r.reportWait(w, nil)
			return nil
		}
	}
	return r.getStatuses(ctx, w, w.positions(stPending))
}

// outcomes reads whether the files that left in_progress unseen completed or failed: from
// the failed listing unless the wait reads by GET.
func (r *job) outcomes(ctx context.Context, w *waitSet) error {
	if w.left == 0 {
		return nil
	}
	if !w.byGet {
		var failed []string
		done, err := r.scan(ctx, w, StatusFailed, w.left, func(i int) bool {
			if w.st[i] == stLeft {
				failed = r.settle(w, i, StatusFailed, failed)
			}
			return w.left == 0
		})
		if err != nil {
			return err
		}
		if done {
			for _, i := range w.positions(stLeft) {
				r.settle(w, i, StatusCompleted, nil)
			}
			r.reportWait(w, failed)
			return nil
		}
		r.reportWait(w, failed)
	}
	return r.getStatuses(ctx, w, w.positions(stLeft))
}

// errCursorRefused: a list page with a cursor was answered 400, as Writer may answer a
// cursor whose file has left the filter.
var errCursorRefused = errors.New("writer: a list cursor was refused")

// scan pages through the files with status st and the run's filters, giving see the
// position of each of the run's files listed in st, until see returns true or the listing
// ends (true), or it has cost most pages or a cursor was refused (false: the wait reads by
// GET from then on).
func (r *job) scan(ctx context.Context, w *waitSet, st Status, most int, see func(i int) bool) (bool, error) {
	q := withStatus(r.q, st)
	after, cursors := "", map[string]struct{}{}
	for n := 1; ; n++ {
		page, err := r.s.listPage(ctx, q, Cursor{After: after})
		switch {
		case err != nil && after != "" && errors.Is(err, ErrBadRequest):
			w.byGet = true
			return false, nil
		case err != nil:
			return false, err
		}
		for _, f := range page.Files {
			if i, ok := w.find(f.ID); ok && f.Status == st && see(i) {
				return true, nil
			}
		}
		switch {
		case !page.HasMore || len(page.Files) == 0:
			return true, nil
		case n >= most:
			w.byGet = true
			return false, nil
		}
		if after, err = nextCursor(page, after, cursors); err != nil {
			return false, err
		}
	}
}

// getStatuses reads the files at positions by GET. A file that is gone (404, 410) counts as
// completed; any other error ends the wait.
func (r *job) getStatuses(ctx context.Context, w *waitSet, positions []int) error {
	ids := make([]string, len(positions))
	for k, i := range positions {
		ids[k] = w.ids[i].String()
	}
	var failed []string
	err := r.s.getEach(ctx, ids, r.concurrency, func(k int, f File, err error) error {
		switch {
		case errors.Is(err, ErrNotFound) || errors.Is(err, ErrGone):
			f.Status = StatusCompleted
		case err != nil:
			return err
		}
		if f.Status != StatusInProgress {
			failed = r.settle(w, positions[k], f.Status, failed)
		}
		return nil
	})
	r.reportWait(w, failed)
	return err
}

// settle records that the file at position i left in_progress with status, and returns
// failed with its id added when it failed again.
func (r *job) settle(w *waitSet, i int, status Status, failed []string) []string {
	switch w.st[i] {
	case stPending:
		w.pending--
	case stLeft:
		w.left--
	default:
		return failed
	}
	if status != StatusFailed {
		w.st[i] = stCompleted
		r.rep.Completed++
		return failed
	}
	w.st[i] = stFailed
	r.rep.FailedAgain++
	id := w.ids[i].String()
	r.rep.FailedAgainIDs = appendUpTo(r.rep.FailedAgainIDs, maxFailedAgainIDs, id)
	return append(failed, id)
}

// reportWait calls Progress, if any, with the wait's counts and the ids found failed
// again since the last call.
func (r *job) reportWait(w *waitSet, failed []string) {
	r.rep.InProgress = w.pending + w.left
	r.report(RetryFailedProgress{Waiting: true, JustFailedAgain: failed})
}
