package writer

import (
	"cmp"
	"context"
	"errors"
	"time"

	"github.com/google/uuid"

	"github.com/writerfiles/writer-go/api"
)

// maxFailedAgainIDs bounds RetryFailedReport.FailedAgainIDs.
const maxFailedAgainIDs = 100

// probesPerInterval is how many single-file status reads a wait makes per PollInterval
// while the newest file it retried is still in_progress.
const probesPerInterval = 4

// RetryFailedAndWait is the whole job: it retries every failed file as RetryFailed does,
// then waits until the files Writer accepted have left in_progress, and reports how many
// completed and which failed again (the first 100 in the report, every one through
// opts.Progress). Defaults: 400 requests per minute, 8 in flight, 100 ids per retry request.
//
// The wait reads a few retried files one by one (GET /v1/files/{file_id}) to learn how long
// processing takes, then the newest waiting file every PollInterval/4 (default 0.5 s). Once
// that one has settled, a round reads every waiting file, at the cheaper of two costs, chosen
// from the last round: list pages of GET /v1/files with status=in_progress and the run's
// filters (100 files per request; other files in progress cost pages, nothing more), or one
// GET per waiting file. One pass over status=failed pages (or a GET per file, when cheaper)
// then tells the failed again from the completed. For n failed files that all settle, the
// job costs about 2*ceil(n/100) requests and a few more (docs/workflow.md).
//
// It keeps 21 bytes per retried file. Errors are those of RetryFailed, and: a status read that
// fails after its re-sends ends the run with its *Error (an answer about another file with
// ErrInvalidResponse), as does the end of ctx. The report is valid in every case; InProgress
// and Settled count the files whose outcome was not read.
func (s *FilesService) RetryFailedAndWait(ctx context.Context, opts *RetryFailedOptions) (RetryFailedReport, error) {
	r, err := s.newFailedRun(opts)
	if err != nil {
		return RetryFailedReport{}, err
	}
	var o owned
	var marks []acceptMark
	r.accepted = func(ids []uuid.UUID) {
		o.add(ids)
		marks = append(marks, acceptMark{end: o.n, at: time.Now()})
	}
	err = r.run(ctx)
	if err == nil && r.rep.Retried > 0 {
		tick := cmp.Or(r.poll, defaultPollInterval)
		w := &waitRun{failedRun: r, o: &o, marks: marks, tick: tick / probesPerInterval}
		w.qProgress = withStatus(r.q, StatusInProgress)
		w.pending = o.index()
		err = w.run(ctx)
		w.count()
	}
	return r.finish(err)
}

// waitRun is the wait of a RetryFailedAndWait run, after its retry requests.
type waitRun struct {
	*failedRun
	o         *owned
	tick      time.Duration
	qProgress listQuery // status=in_progress with the run's filters

	pending   int  // files in_progress when last seen
	settled   int  // files that left in_progress, outcome not read
	completed int  // files that left in_progress and are not failed
	again     int  // files failed again
	others    int  // files not the run's in the last in_progress listing
	noList    bool // a cursor page was refused: status reads by GET only
	failed    []string
	marks     []acceptMark // the accepted batches, in order
}

// acceptMark is when the retry request whose files end before position end was accepted.
type acceptMark struct {
	end int
	at  time.Time
}

// run waits until no file is pending, then reads the outcome of the settled ones. It first
// learns how long processing takes, and so when the newest file should be done, from a few
// single reads (see learnDelay); from then on it reads the newest pending file every tick,
// and every file in a round once that one has settled.
func (w *waitRun) run(ctx context.Context) error {
	next, learned, err := w.learnDelay(ctx)
	for err == nil && w.pending > 0 {
		if err = sleep(ctx, time.Until(next)); err != nil {
			break
		}
		next = time.Now().Add(w.tick)
		if !learned { // the newest waiting file first: a round only once it has settled
			i := w.newestPending()
			if err = w.getEach(ctx, []int{i}); err != nil || w.o.st[i] == stPending || w.pending == 0 {
				continue
			}
		}
		learned = false
		w.rep.Rounds++
		err = w.round(ctx)
	}
	if err != nil {
		return err
	}
	return w.classify(ctx)
}

// learnDelay reads the last file of a few accepted batches, halving the range between the
// newest batch known settled and the oldest known pending; the least time from a batch's
// acceptance to a read that found it settled bounds the processing delay, and it returns
// when the newest file should have settled by then, and true. With no settled batch, or
// none pending, it returns now and false.
func (w *waitRun) learnDelay(ctx context.Context) (time.Time, bool, error) {
	hi := len(w.marks) - 1 // the newest batch: pending, once probed; batch lo below is settled
	delay := time.Duration(1<<63 - 1)
	probe := func(b int) (bool, error) {
		i := w.marks[b].end - 1
		if err := w.getEach(ctx, []int{i}); err != nil {
			return false, err
		}
		settled := w.o.st[i] != stPending
		if settled {
			delay = min(delay, time.Since(w.marks[b].at))
		}
		return settled, nil
	}
	if settled, err := probe(hi); err != nil || settled || hi == 0 {
		return time.Now(), false, err
	}
	if settled, err := probe(0); err != nil || !settled {
		return time.Now(), false, err
	}
	lo := 0
	for hi-lo > 1 {
		mid := (lo + hi) / 2
		settled, err := probe(mid)
		if err != nil {
			return time.Now(), false, err
		}
		if settled {
			lo = mid
		} else {
			hi = mid
		}
	}
	return w.marks[len(w.marks)-1].at.Add(delay), true, nil
}

// newestPending is the position of the file accepted last that is still pending.
func (w *waitRun) newestPending() int {
	for i := w.o.n - 1; i >= 0; i-- {
		if w.o.st[i] == stPending {
			return i
		}
	}
	return 0
}

// round reads the status of every pending file, by list pages when that costs less than a
// GET per file.
func (w *waitRun) round(ctx context.Context) error {
	if pages := (w.pending + w.others + maxPageSize - 1) / maxPageSize; !w.noList && pages < w.pending {
		err := w.listRound(ctx)
		switch {
		case errors.Is(err, errCursorRefused):
			w.noList = true
		case !errors.Is(err, errPagesCostly):
			return err
		}
	}
	return w.getEach(ctx, w.positions(stPending))
}

// errCursorRefused: a list page with a cursor was answered 400, as Writer may answer a
// cursor whose file has left the filter; the wait then reads statuses by GET.
var errCursorRefused = errors.New("writer: a list cursor was refused")

// errPagesCostly: a listing went on for as many pages as a GET per file would have cost;
// the wait then reads those files by GET.
var errPagesCostly = errors.New("writer: the listing costs more than a GET per file")

// listRound pages through the in_progress files; the pending ones not seen have settled.
func (w *waitRun) listRound(ctx context.Context) error {
	seen, others := 0, 0
	err := w.pages(ctx, w.qProgress, w.pending, func(page Page) bool {
		for _, f := range page.Files {
			if f.Status != StatusInProgress {
				continue
			}
			i, ok := w.lookup(f.ID)
			switch {
			case !ok:
				others++
			case w.o.st[i] == stPending:
				w.o.st[i] = stSeen
				seen++
			}
		}
		return seen < w.pending
	})
	for i, st := range w.o.st {
		switch {
		case st == stSeen:
			w.o.st[i] = stPending
		case st == stPending && err == nil:
			w.o.st[i] = stSettled
			w.pending--
			w.settled++
		}
	}
	w.others = others // after errPagesCostly, enough that the next round reads by GET
	w.report(nil)
	return err
}

// withStatus returns q with its status filter set to st.
func withStatus(q listQuery, st Status) listQuery {
	s := api.GatewayGetFilesParamsStatus(st)
	q.params.Status = &s
	return q
}

// lookup returns the position of the file with id, when the run retried it.
func (w *waitRun) lookup(id string) (int, bool) {
	u, ok := parseUUID(id)
	if !ok {
		return 0, false
	}
	return w.o.find(u)
}

// pages reads the pages of q from the first on, one at a time, giving each to fn, until the
// last page or until fn returns false. A page that fails retryably is sent again as
// RetryFailed does; a refused cursor returns errCursorRefused, and more than most pages
// errPagesCostly.
func (w *waitRun) pages(ctx context.Context, q listQuery, most int, fn func(Page) bool) error {
	after := ""
	cursors := map[string]struct{}{}
	for n := 1; ; n++ {
		var page Page
		err := w.resending(ctx, func() (err error) {
			w.rep.StatusPages++
			page, err = w.s.listPage(ctx, q, Cursor{After: after})
			return err
		})
		switch {
		case err != nil && after != "" && errors.Is(err, ErrBadRequest):
			return errCursorRefused
		case err != nil:
			return err
		}
		if !fn(page) || !page.HasMore || len(page.Files) == 0 {
			return nil
		}
		if n >= most {
			return errPagesCostly
		}
		if after, err = nextCursor(page, after, cursors); err != nil {
			return err
		}
	}
}

// resending calls fn through the pacer, and again after a wait while it fails retryably.
func (w *waitRun) resending(ctx context.Context, fn func() error) error {
	for try := 1; ; try++ {
		err := w.cfg.p.do(ctx, fn)
		wait, ok := w.cfg.resendAfter(ctx, err, try)
		if !ok {
			return err
		}
		if err := sleep(ctx, wait); err != nil {
			return err
		}
		w.rep.Resent++
	}
}

// positions returns the positions of the files in state st.
func (w *waitRun) positions(st fileState) []int {
	var out []int
	for i, s := range w.o.st {
		if s == st {
			out = append(out, i)
		}
	}
	return out
}

// getEach reads the status of the files at positions by GET, several at once. A GET that
// fails retryably leaves its file as it was (and counts as re-sent); a file that is gone
// (404, 410) counts as settled and not failed.
func (w *waitRun) getEach(ctx context.Context, positions []int) error {
	f := newFlight(ctx, w.cfg.p, w.cfg.concurrency)
	defer f.close()
	var first error
	for _, i := range positions {
		if f.full() {
			f.receive(nil)
		}
		if first != nil || f.ctx.Err() != nil {
			break
		}
		id := w.o.at(i).String()
		var got File
		w.rep.StatusGets++
		err := f.send(func(ctx context.Context) (err error) {
			got, err = w.s.Get(ctx, id)
			return err
		}, nil, func(err error) {
			if _, ok := w.cfg.resendAfter(f.ctx, err, 1); ok {
				w.rep.Resent++
				return
			}
			switch {
			case errors.Is(err, ErrNotFound) || errors.Is(err, ErrGone):
				w.settle(i, StatusCompleted)
			case err != nil:
				if first == nil {
					first = err
					f.cancel(errRunStopped)
				}
			default:
				w.settle(i, got.Status)
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
	w.report(w.failed)
	w.failed = w.failed[:0]
	return first
}

// settle records the status read for the file at position i.
func (w *waitRun) settle(i int, status Status) {
	if status == StatusInProgress {
		return
	}
	switch w.o.st[i] {
	case stPending:
		w.pending--
	case stSettled:
		w.settled--
	default:
		return
	}
	w.o.st[i] = stCompleted
	w.completed++
	if status == StatusFailed {
		w.o.st[i] = stFailed
		w.completed--
		w.again++
		w.failed = append(w.failed, w.o.at(i).String())
		if len(w.rep.FailedAgainIDs) < maxFailedAgainIDs {
			w.rep.FailedAgainIDs = append(w.rep.FailedAgainIDs, w.o.at(i).String())
		}
	}
}

// classify reads the outcome of the settled files: one pass over the failed files when
// that costs fewer requests than a GET per settled file.
func (w *waitRun) classify(ctx context.Context) error {
	if w.settled == 0 {
		return nil
	}
	otherFailed := w.rep.Found - w.rep.Retried
	if pages := (w.settled + otherFailed + maxPageSize - 1) / maxPageSize; !w.noList && pages < w.settled {
		q := withStatus(w.q, StatusFailed)
		err := w.pages(ctx, q, w.settled, func(page Page) bool {
			for _, f := range page.Files {
				if i, ok := w.lookup(f.ID); ok && f.Status == StatusFailed && w.o.st[i] == stSettled {
					w.settle(i, StatusFailed)
				}
			}
			w.report(w.failed)
			w.failed = w.failed[:0]
			return w.settled > 0
		})
		switch {
		case err == nil:
			for i, st := range w.o.st {
				if st == stSettled {
					w.settle(i, StatusCompleted)
				}
			}
			w.report(nil)
			return nil
		case !errors.Is(err, errCursorRefused) && !errors.Is(err, errPagesCostly):
			return err
		}
	}
	return w.getEach(ctx, w.positions(stSettled))
}

// count puts the wait's counts in the report.
func (w *waitRun) count() {
	w.rep.Completed, w.rep.FailedAgain = w.completed, w.again
	w.rep.InProgress, w.rep.Settled = w.pending, w.settled
}

// report calls Progress, if any, with the wait's counts and the ids found failed again
// since the last call.
func (w *waitRun) report(failedAgain []string) {
	if w.progress == nil {
		return
	}
	w.count()
	w.progress(RetryFailedProgress{
		Pages: w.rep.Pages, Found: w.rep.Found, Skipped: w.rep.Skipped, Retried: w.rep.Retried,
		Batches: w.rep.Batches, FailedBatches: w.rep.FailedBatches, Resent: w.rep.Resent, SlowDowns: w.cfg.p.slowed(), ListingDone: true,
		Waiting: true, Completed: w.rep.Completed, FailedAgain: w.rep.FailedAgain, InProgress: w.pending, Settled: w.settled,
		FailedAgainIDs: failedAgain,
	})
}
