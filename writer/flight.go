package writer

import (
	"context"
	"errors"
	"fmt"
	"time"
)

// flight sends the requests of a workflow run through its pacer, each on a goroutine of
// its own, up to n at a time, and hands their outcomes back to the run's goroutine in the
// order the requests were sent, so that the run's state and its Progress calls stay on that
// goroutine and in a fixed order. With n = 1 each send returns after its outcome was handled.
type flight struct {
	p      *pacer
	n      int
	ctx    context.Context // the run's: cancelled when a request's outcome stops the run
	cancel context.CancelCauseFunc

	results  chan result
	issued   int            // requests sent
	handled  int            // outcomes handed back, in order
	early    map[int]result // outcomes that arrived before an earlier one
	inflight int
}

// result is the outcome of request seq; then handles it on the run's goroutine.
type result struct {
	seq  int
	err  error
	then func(error)
}

// errRunStopped is the cause of the run context's end when an outcome stopped the run.
var errRunStopped = errors.New("writer: the run stopped")

func newFlight(ctx context.Context, p *pacer, n int) *flight {
	ctx, cancel := context.WithCancelCause(ctx)
	return &flight{p: p, n: n, ctx: ctx, cancel: cancel, results: make(chan result, n), early: map[int]result{}}
}

// stopped reports whether err is only the end of a request that an earlier outcome's stop
// cancelled.
func (f *flight) stopped(err error) bool {
	return errors.Is(context.Cause(f.ctx), errRunStopped) && errors.Is(err, context.Canceled)
}

// full reports whether n requests are in flight.
func (f *flight) full() bool { return f.inflight >= f.n }

// send waits for the pacer, then sends call (429 answers handled as pacer.call does) and,
// once it answered, calls then with its error. When stop reports true for that error, the
// run's context is cancelled at once, so that no further request leaves. send returns the
// pacer's error when the request was not sent.
func (f *flight) send(call func(context.Context) error, stop func(error) bool, then func(error)) error {
	if err := f.acquire(); err != nil {
		return err
	}
	f.launch(call, stop, then)
	return nil
}

// acquire waits for the pacer's next token. With the run's own limiter, outcomes that
// arrive meanwhile are handed back at once, so that the caller can choose, token in hand,
// the request that matters most by then.
func (f *flight) acquire() error {
	lim := f.p.lim
	if lim == nil {
		return f.p.wait(f.ctx)
	}
	now := time.Now()
	res := lim.ReserveN(now, 1)
	wait := res.DelayFrom(now)
	if deadline, ok := f.ctx.Deadline(); ok && now.Add(wait).After(deadline) {
		res.CancelAt(now)
		return fmt.Errorf("%w: %w", errDueAfterDeadline, context.DeadlineExceeded)
	}
	t := time.NewTimer(wait)
	defer t.Stop()
	for {
		select {
		case <-t.C:
			return nil
		case <-f.ctx.Done():
			res.Cancel()
			return context.Cause(f.ctx)
		case r := <-f.results:
			f.handle(r)
		}
	}
}

// launch sends call at once (the token taken), as send does.
func (f *flight) launch(call func(context.Context) error, stop func(error) bool, then func(error)) {
	seq := f.issued
	f.issued++
	f.inflight++
	go func() {
		err := f.p.call(f.ctx, func() error { return call(f.ctx) })
		if stop != nil && stop(err) {
			f.cancel(errRunStopped)
		}
		f.results <- result{seq: seq, err: err, then: then}
	}()
	if f.n == 1 {
		f.receive(nil)
	}
}

// receive waits for the next outcome, or until wake fires (nil: no timer), and hands back
// every outcome that is due in order.
func (f *flight) receive(wake <-chan time.Time) {
	select {
	case r := <-f.results:
		f.handle(r)
	case <-wake:
	}
}

// handle keeps outcome r and hands back, in order, every outcome that is due.
func (f *flight) handle(r result) {
	f.early[r.seq] = r
	for {
		r, ok := f.early[f.handled]
		if !ok {
			return
		}
		delete(f.early, f.handled)
		f.handled++
		f.inflight--
		r.then(r.err)
	}
}

// drain waits until every request sent has answered and its outcome was handled.
func (f *flight) drain() {
	for f.inflight > 0 {
		f.receive(nil)
	}
}

// idle waits until the earliest of: an outcome, the time at (when not zero), ctx's end.
// With nothing in flight it only sleeps until at.
func (f *flight) idle(at time.Time) {
	var wake <-chan time.Time
	if !at.IsZero() {
		t := time.NewTimer(time.Until(at))
		defer t.Stop()
		wake = t.C
	}
	if f.inflight > 0 {
		f.receive(wake)
		return
	}
	if wake == nil {
		return
	}
	select {
	case <-wake:
	case <-f.ctx.Done():
	}
}

// close releases the run's context; call it after drain.
func (f *flight) close() { f.cancel(nil) }
