package writer

import (
	"context"
	"fmt"
	"net/http"
	"time"

	"github.com/google/uuid"

	"github.com/writerfiles/writer-go/api"
)

// chain is one end of a RetryFailed run's listing of the failed files: oldest first
// (order=asc), and, when pages take so long to answer that one chain of them cannot keep
// the pace busy, newest first (order=desc) as well; the two meet in the middle.
type chain struct {
	q       listQuery
	desc    bool
	after   string              // the cursor: the last file id of the chain's previous page
	at      time.Time           // the cursor file's created_at, once started
	started bool                // a page moved the cursor
	cursors map[string]struct{} // every cursor of the chain
	held    uuid.UUID           // the cursor file, retried once the next page answered
	holding bool
	listing bool // a page is in flight or waits to be re-sent
	try     int  // re-sends of that page
	due     time.Time
	rtt     time.Duration // the least time a page of the chain took to answer: the latency
	pages   int           // pages of the chain answered
}

// farPages is the latency from which a run whose pace it does not know (a caller's
// Limiter, or no pacing) treats the server as far. A run with its own pace treats it as far
// when the latency exceeds the pace's interval (latency x pace > 1). Far, the run keeps
// several requests in flight and sends the next page before the batch, and from two
// intervals on it starts the second chain; near, requests go one at a time, in order: a
// batch as soon as it is full, before the next page.
const farPages = 60 * time.Millisecond

// farAfter is the number of pages a chain reads before it may be found far: the first, which
// opens the connection, is slower than the others.
const farAfter = 2

// far reports whether the chain's pages take more than n of the pace's intervals (iv) to
// answer, or, with iv 0 (unknown), at least farPages.
func (c *chain) far(iv time.Duration, n int) bool {
	if iv == 0 {
		return c.pages >= farAfter && c.rtt >= farPages
	}
	return c.pages >= farAfter && c.rtt > time.Duration(n)*iv
}

func newChain(q listQuery, desc bool) *chain {
	if desc {
		o := api.GatewayGetFilesParamsOrder(OrderDesc)
		q.params.Order = &o
	}
	return &chain{q: q, desc: desc, cursors: map[string]struct{}{}}
}

// behind reports whether a file created at t lies on the side of the cursor that the chain
// has passed.
func (c *chain) behind(t time.Time) bool {
	switch {
	case !c.started:
		return false
	case c.desc:
		return t.After(c.at)
	}
	return t.Before(c.at)
}

// crossed reports whether the chain's cursor has passed o's.
func (c *chain) crossed(o *chain) bool {
	if !c.started || !o.started {
		return false
	}
	if c.desc {
		return c.at.Before(o.at)
	}
	return c.at.After(o.at)
}

// advance moves the cursor to the last file of page, refusing a cursor that goes back or
// comes again.
func (c *chain) advance(page Page) error {
	after, err := nextCursor(page, c.after, c.cursors)
	if err != nil {
		return err
	}
	last := page.Files[len(page.Files)-1]
	if c.behind(last.CreatedAt) {
		return &Error{Operation: opList, StatusCode: http.StatusOK, Err: fmt.Errorf("%w: %w", ErrInvalidResponse, errCursorBack)}
	}
	c.after, c.at, c.started = after, last.CreatedAt, true
	return nil
}

// readPage sends the request for the chain's next page, the pacer's token taken.
func (r *failedRun) readPage(c *chain) {
	if c.try > 0 {
		r.rep.Resent++
	}
	c.listing, c.due = true, time.Time{}
	var page Page
	var took time.Duration
	cur := Cursor{After: c.after}
	r.f.launch(func(ctx context.Context) (err error) {
		start := time.Now()
		page, err = r.s.listPage(ctx, c.q, cur)
		took = time.Since(start)
		return err
	}, nil, func(err error) {
		if c.pages++; c.pages == 1 || took < c.rtt {
			c.rtt = took
		}
		if err != nil {
			c.try++
			if wait, ok := r.cfg.resendAfter(r.f.ctx, err, c.try); ok {
				c.due = time.Now().Add(wait)
				return
			}
			r.setErr(err)
			return
		}
		c.listing, c.try = false, 0
		r.takePage(c, page)
	})
}

// takePage queues the files of a page of chain c, moves its cursor, and ends the listing
// when the chain reached the end or passed the other chain's cursor. It starts the second
// chain when c's pages are far (see farPages).
func (r *failedRun) takePage(c *chain, page Page) {
	r.rep.Pages++
	r.release(c)
	end := r.listDone || !page.HasMore || len(page.Files) == 0
	for i, f := range page.Files {
		id, ok := r.take(f)
		switch {
		case !ok:
		case i == len(page.Files)-1 && !end:
			c.held, c.holding = id, true
		default:
			r.queue = append(r.queue, id)
		}
	}
	if !end {
		if err := c.advance(page); err != nil {
			r.setErr(err)
		}
		for _, o := range r.chains {
			end = end || (o != c && c.crossed(o))
		}
		r.prune()
	}
	if end && !r.listDone {
		r.listDone = true
		for _, o := range r.chains {
			r.release(o)
		}
	}
	if iv := r.cfg.p.interval(); !r.listDone && len(r.chains) == 1 && r.f.n > 2 && iv > 0 && c.far(iv, 2) {
		r.chains = append(r.chains, newChain(r.q, true))
	}
	r.report(nil, nil)
}

// release queues c's held cursor file.
func (r *failedRun) release(c *chain) {
	if c.holding {
		r.queue, c.holding = append(r.queue, c.held), false
	}
}

// prune forgets the taken ids that no page can bring back without being refused: those
// behind a chain's cursor, unless taken from the page just read.
func (r *failedRun) prune() {
	for id, t := range r.taken {
		if t.page < r.rep.Pages && r.passed(t.at) {
			delete(r.taken, id)
		}
	}
}

// passed reports whether a file created at t lies behind the cursor of a chain.
func (r *failedRun) passed(t time.Time) bool {
	for _, c := range r.chains {
		if c.behind(t) {
			return true
		}
	}
	return false
}
