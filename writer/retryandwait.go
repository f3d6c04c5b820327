package writer

import (
	"context"
	"errors"
	"slices"
	"time"

	"github.com/google/uuid"
)

// RetryFailedAndWait is the whole job: it retries every failed file as RetryFailed does,
// waits until the files Writer accepted have left in_progress, and reports how many
// completed and which failed again (the first 100 in the report, every one through
// opts.Progress). It reads the file accepted last (GET /v1/files/{file_id}, gatewayGetFile)
// at once and every PollInterval/4 until it has left in_progress; then, every PollInterval,
// the list pages of in_progress files, and at the end those of failed files (GET /v1/files,
// gatewayGetFiles, the run's filters), or a GET per file where that costs less or Writer
// refuses a cursor. With a GraphID, a round is instead one read of the graph's file_status
// (GET /v1/graphs/{graph_id}, findGraphWithFileStatus). n files that all settle cost about
// 2*ceil(n/100) requests, and the wait keeps 17 bytes per file (docs/workflow.md).
//
// Errors are those of RetryFailed, and a status read that fails ends the run with its
// *Error (ErrInvalidResponse for an answer about another file), as does the end of ctx.
// The report is valid in every case; InProgress counts the files whose outcome was not read.
func (s *FilesService) RetryFailedAndWait(ctx context.Context, opts *RetryFailedOptions) (RetryFailedReport, error) {
	r, err := s.newRun(opts, true)
	if err != nil {
		return RetryFailedReport{}, err
	}
	err = drive(withJob(ctx), r.concurrency, r.produce)
	if r.rep.InProgress = len(r.accepted); err == nil && len(r.accepted) > 0 {
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
	stListed                   // listed in the listing under way (not counted in n)
)

// waitSet is the files a wait waits for, ordered by id, with the state of each.
type waitSet struct {
	ids    []uuid.UUID
	st     []fileState
	n      [stListed]int // files in each state
	byGet  bool          // a listing cost as much as a GET per file: read statuses by GET
	failed []string      // found failed again since the last Progress call
}

// set moves the file at position i to state st.
func (w *waitSet) set(i int, st fileState) {
	w.n[w.st[i]], w.n[st], w.st[i] = w.n[w.st[i]]-1, w.n[st]+1, st
}

// find returns the position of the file with id, when the run retried it.
func (w *waitSet) find(id string) (int, bool) {
	u, ok := parseUUID(id)
	i, found := slices.BinarySearchFunc(w.ids, u, compareUUIDs)
	return i, ok && found
}

// wait waits for the accepted files (see RetryFailedAndWait).
func (r *job) wait(ctx context.Context) error {
	newest := r.accepted[len(r.accepted)-1].String()
	slices.SortFunc(r.accepted, compareUUIDs)
	w := &waitSet{ids: slices.Compact(r.accepted)} // a server can repeat a file under a new time
	w.st, w.n[stPending] = make([]fileState, len(w.ids)), len(w.ids)
	r.w, r.accepted = w, nil
	r.report(RetryFailedProgress{})
	for i, _ := w.find(newest); !r.counts && w.st[i] == stPending; {
		err := r.getStatuses(ctx, []int{i})
		if err == nil && w.st[i] == stPending {
			err = sleep(ctx, r.poll/4)
		}
		if err != nil {
			return err
		}
	}
	// Rounds until every file's outcome is read: a GET of the last pass can find a file in_progress.
	for round := 0; w.n[stPending]+w.n[stLeft] > 0; round++ {
		start, err := time.Now(), r.graphRounds(ctx, round == 0)
		if err == nil {
			err = r.sweep(ctx)
		}
		if err == nil && w.n[stPending] > 0 && !r.counts { // graphRounds paces its own reads
			err = sleep(ctx, time.Until(start.Add(r.poll)))
		}
		if err != nil {
			return err
		}
	}
	return nil
}

// graphRounds reads, in a run limited to a graph, the graph's file_status every PollInterval
// until the counts say the run's files may have left in_progress, by the rules of
// docs/workflow.md ("In one graph"); the listing that follows has the last word. Without a
// graph, once it is not found, or with no file pending, it returns at once. first: the
// wait's first round.
func (r *job) graphRounds(ctx context.Context, first bool) error {
	var since GraphFileStatus // the counts read at once after the previous listing
	for n := 0; r.counts && r.w.n[stPending] > 0; n++ {
		start := time.Now()
		g, err := r.s.client.Graphs.Get(ctx, r.q.params.GraphId.String())
		if errors.Is(err, ErrNotFound) {
			r.counts = false // the listing alone tells
			return nil
		} else if err != nil {
			return err
		}
		r.report(RetryFailedProgress{})
		switch c, p := g.FileStatus, r.w.n[stPending]; {
		case n == 0 && first && c.InProgress < p: // some of the run's files were done before the wait
			return nil
		case n == 0:
			since = c
		case c.InProgress <= 0 || c.Completed+c.Failed-since.Completed-since.Failed >= p || n+1 >= graphReads:
			return nil
		}
		if err := sleep(ctx, time.Until(start.Add(r.poll))); err != nil {
			return err
		}
	}
	return nil
}

// sweep pages through the in_progress listing for the pending files (those not listed
// have left), or, with none pending, the failed one for the files that left (listed:
// failed again; others: completed), until it ends or has shown them all. Where Writer
// refuses its cursor, or the listing costs as much as a GET per file, it reads them by GET.
func (r *job) sweep(ctx context.Context) error {
	w, from, st := r.w, stPending, StatusInProgress
	if w.n[stPending] == 0 {
		from, st = stLeft, StatusFailed
	}
	seen, want := 0, w.n[from]
	q, after, cursors, listed := withStatus(r.q, st), "", map[string]struct{}{}, false
	for n := 1; !w.byGet; n++ {
		page, err := r.s.listPage(ctx, q, Cursor{After: after})
		if after != "" && errors.Is(err, ErrBadRequest) {
			break // a refused cursor: this round reads by GET, the next lists again
		} else if err != nil {
			return err
		}
		for _, f := range page.Files {
			if i, ok := w.find(f.ID); ok && f.Status == st && w.st[i] == from {
				w.st[i], seen = stListed, seen+1
			}
		}
		listed = seen == want || !page.HasMore || len(page.Files) == 0
		if w.byGet = !listed && n >= want; listed || w.byGet {
			break
		}
		if after, err = nextCursor(page, after, cursors); err != nil {
			return err
		}
	}
	var positions []int // to read by GET when the listing did not show them all
	for i, s := range w.st {
		if s != from && s != stListed {
			continue
		}
		switch w.st[i] = from; {
		case !listed:
			positions = append(positions, i)
		case from == stLeft:
			r.settle(i, s == stListed)
		case s == from:
			w.set(i, stLeft)
		}
	}
	if !listed {
		return r.getStatuses(ctx, positions)
	}
	r.report(RetryFailedProgress{})
	return nil
}

// getStatuses reads the files at positions by GET. A file that is gone (404, 410) counts as
// completed; any other error ends the wait.
func (r *job) getStatuses(ctx context.Context, positions []int) error {
	id := func(i int) string { return r.w.ids[i].String() }
	err := r.s.getEach(ctx, positions, r.concurrency, id, func(i int, f File, err error) error {
		switch {
		case err != nil && !errors.Is(err, ErrNotFound) && !errors.Is(err, ErrGone):
			return err
		case f.Status != StatusInProgress: // a file that is gone has no status: completed
			r.settle(i, f.Status == StatusFailed)
		case r.w.st[i] == stLeft: // the listing did not show it: it is back in progress
			r.w.set(i, stPending)
		}
		return nil
	})
	r.report(RetryFailedProgress{})
	return err
}

// settle records that the file at position i, pending or left, has left in_progress:
// failed again, or completed.
func (r *job) settle(i int, failed bool) {
	if r.w.set(i, stDone); !failed {
		r.rep.Completed++
		return
	}
	r.rep.FailedAgain++
	id := r.w.ids[i].String()
	r.rep.FailedAgainIDs = appendUpTo(r.rep.FailedAgainIDs, maxKeptIDs, id)
	r.w.failed = append(r.w.failed, id)
}
