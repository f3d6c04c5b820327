package writer

import (
	"cmp"
	"context"
	"errors"
	"fmt"
	"net/http"
	"sync"
	"time"

	"golang.org/x/time/rate"
)

// NoRateLimit is the WithRequestsPerMinute value that turns the client's pacing off.
const NoRateLimit = -1

// How the Client's pace is set and how it slows down on 429.
const (
	defaultRequestsPerMinute = 400             // Writer's documented limit per account
	minPace                  = rate.Limit(0.1) // requests per second a slow-down stops at (or the configured pace, if lower)
	slowDownPause            = time.Second     // a caller's Limiter: the hold after a 429 without a wait hint
)

// Limiter paces a Client's requests: Wait returns when one request may be sent, or an error
// (ctx's, when it ended). A *rate.Limiter (golang.org/x/time/rate) is one; a limiter backed
// by a shared store lets several processes share one account's limit (WithLimiter).
type Limiter interface {
	Wait(ctx context.Context) error
}

// pace spaces every attempt of every call of a Client. With its own limiter it halves the
// pace after a 429 (once per burst: a 429 to a request sent before the last halving was
// asked at the old pace) and gives back a twentieth of the configured pace after each
// answer that is not 429. With a caller's Limiter, whose pace it cannot change, a 429
// holds every attempt back for the server's wait instead. A nil *pace does not pace.
type pace struct {
	lim  *rate.Limiter // the Client's own; nil with ext
	ext  Limiter       // the caller's
	full rate.Limit    // the configured pace of lim

	mu        sync.Mutex
	slowedAt  time.Time // when a 429 last halved lim's pace
	holdUntil time.Time // with ext: no attempt before this time
}

// newPace returns the pace of rpm requests per minute (0: the default, NoRateLimit: nil),
// or of lim when it is not nil.
func newPace(rpm int, lim Limiter) *pace {
	switch {
	case lim != nil:
		return &pace{ext: lim}
	case rpm == NoRateLimit:
		return nil
	case rpm == 0:
		rpm = defaultRequestsPerMinute
	}
	full := rate.Limit(float64(rpm) / 60)
	return &pace{lim: rate.NewLimiter(full, 1), full: full}
}

// errDueAfterDeadline: the pace's next slot comes after ctx's deadline, so no request can
// be sent in time; the error also matches context.DeadlineExceeded.
var errDueAfterDeadline = fmt.Errorf("writer: the next request is due after the context's deadline: %w", context.DeadlineExceeded)

// wait returns when the next attempt may be sent, or with the reason it may not: ctx's
// end (matching ctx.Err() and its cause), or errDueAfterDeadline.
func (p *pace) wait(ctx context.Context) error {
	if p == nil {
		return nil
	}
	if p.ext == nil {
		if err := p.lim.Wait(ctx); err != nil {
			if ctx.Err() != nil {
				return ended(ctx)
			}
			return errDueAfterDeadline // the limiter refuses a wait that would outlast ctx
		}
		return nil
	}
	p.mu.Lock()
	hold := time.Until(p.holdUntil)
	p.mu.Unlock()
	if hold > 0 {
		if deadlineWithin(ctx, hold) {
			return errDueAfterDeadline
		}
		t := time.NewTimer(hold)
		defer t.Stop()
		select {
		case <-t.C:
		case <-ctx.Done():
			return ended(ctx)
		}
	}
	if err := p.ext.Wait(ctx); err != nil {
		if ctx.Err() != nil {
			return ended(ctx)
		}
		return fmt.Errorf("writer: the client's Limiter refused: %w", err)
	}
	return nil
}

// ended is the error of a wait that ctx ended: ctx.Err(), with its cause when it has one.
func ended(ctx context.Context) error {
	if cause := context.Cause(ctx); !errors.Is(cause, ctx.Err()) {
		return fmt.Errorf("%w (%w)", ctx.Err(), cause)
	}
	return ctx.Err()
}

// answered records the status of an attempt sent at sent, whose wait hint is retryAfter
// (capped by the caller at the longest wait it honours).
func (p *pace) answered(status int, sent time.Time, retryAfter time.Duration) {
	if p == nil || status == 0 {
		return
	}
	p.mu.Lock()
	defer p.mu.Unlock()
	switch {
	case status != http.StatusTooManyRequests && p.lim != nil:
		if l := p.lim.Limit(); l < p.full {
			p.lim.SetLimit(min(l+p.full/20, p.full))
		}
	case status != http.StatusTooManyRequests:
	case p.lim != nil && sent.After(p.slowedAt):
		p.lim.SetLimit(max(p.lim.Limit()/2, min(minPace, p.full)))
		p.slowedAt = time.Now()
	case p.ext != nil:
		if until := time.Now().Add(cmp.Or(retryAfter, slowDownPause)); until.After(p.holdUntil) {
			p.holdUntil = until
		}
	}
}
