package writer

import (
	"context"
	"errors"
	"fmt"
	"net/http"
	"sync"
	"time"

	"golang.org/x/time/rate"
)

// NoRateLimit is the RequestsPerMinute that turns off the client-side pacing of RetryFailed,
// RetryFailedAndWait and WaitProcessed.
const NoRateLimit = -1

// Defaults of the workflow options, and how a run slows down on 429.
const (
	defaultRequestsPerMinute = 400             // Writer's documented limit per account
	defaultConcurrency       = 8               // requests in flight at once when paced
	maxSlowDowns             = 8               // 429 answers in a row to one call before it fails
	slowDownPause            = time.Second     // wait after a 429 that carries no wait hint
	minPace                  = rate.Limit(0.1) // requests per second a slow-down stops at (or the configured pace, if lower)
)

// Limiter paces the requests of a workflow run: Wait returns when one request may be sent,
// or an error (ctx's, when it ended). A *rate.Limiter (golang.org/x/time/rate) is one; a
// limiter backed by a shared store lets several processes share one account's limit.
type Limiter interface {
	Wait(ctx context.Context) error
}

// pacer spaces the HTTP calls of a workflow run, which may be in flight together, and slows
// the run down when Writer answers 429: it halves its own limiter's pace after a 429 and adds
// back a twentieth of the configured pace after each call that was not refused (additive
// increase, multiplicative decrease). With a Limiter of the caller's, whose pace it cannot
// change, a 429 holds every request of the run back for the server's wait instead.
type pacer struct {
	lim  *rate.Limiter // the run's own limiter; nil when pacing is off or ext is set
	ext  Limiter       // the caller's limiter, or nil
	pace rate.Limit    // the configured pace of lim

	mu        sync.Mutex
	slowDowns int
	slowedAt  time.Time // when a 429 last halved lim's pace
	holdUntil time.Time // after a 429 with ext: no request before this time
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

// runPace is the RequestsPerMinute of a run whose options give rpm and lim: the client's
// (WithRequestsPerMinute) when they set neither.
func (c *Client) runPace(rpm int, lim Limiter) int {
	if rpm == 0 && lim == nil {
		return c.pace
	}
	return rpm
}

// newRunPacer is the pacer of a run with options of struct of: lim when set (rpm must then
// be 0), else rpm as newPacer takes it.
func newRunPacer(of string, rpm int, lim Limiter) (*pacer, error) {
	if lim == nil {
		return newPacer(of+".RequestsPerMinute", rpm)
	}
	if rpm != 0 {
		return nil, inputErr(of+".RequestsPerMinute", -1, fmt.Sprint(rpm), "is set together with Limiter; set one of the two")
	}
	return &pacer{ext: lim}, nil
}

// off reports whether pacing is off.
func (p *pacer) off() bool { return p.lim == nil && p.ext == nil }

// concurrency is the number of requests a run keeps in flight: n when set, else 8 when paced
// and 1 when pacing is off.
func (p *pacer) concurrency(n int) int {
	switch {
	case n > 0:
		return n
	case p.off():
		return 1
	}
	return defaultConcurrency
}

// interval is the time between two tokens of the run's own limiter at its current pace; 0
// for a caller's Limiter or no pacing.
func (p *pacer) interval() time.Duration {
	if p.lim == nil {
		return 0
	}
	return time.Duration(float64(time.Second) / float64(p.lim.Limit()))
}

// slowed returns how many times the run slowed down after a 429.
func (p *pacer) slowed() int {
	p.mu.Lock()
	defer p.mu.Unlock()
	return p.slowDowns
}

// do calls fn when the limiter allows, and again while fn ends with 429 (see RetryFailed).
// When ctx ends before fn is called again after a 429, it returns that 429's *Error with
// ctx's error joined to its cause.
func (p *pacer) do(ctx context.Context, fn func() error) error {
	if err := p.wait(ctx); err != nil {
		return err
	}
	return p.call(ctx, fn)
}

// call calls fn at once, and again while it ends with 429, waiting for the limiter before
// each new call: do without the first wait.
func (p *pacer) call(ctx context.Context, fn func() error) error {
	for n := 0; ; n++ {
		sent := time.Now()
		err := fn()
		var e *Error
		if !errors.As(err, &e) || e.StatusCode != http.StatusTooManyRequests {
			p.recover()
			return err
		}
		if e.waitExceeded || n >= maxSlowDowns {
			return err
		}
		pause := e.RetryAfter
		if pause <= 0 {
			pause = slowDownPause
		}
		p.slowDown(sent, pause)
		if err := sleep(ctx, pause); err != nil {
			return stopped(e, err)
		}
		if err := p.wait(ctx); err != nil {
			return stopped(e, err)
		}
	}
}

// slowDown records a 429 to a request sent at sent, whose wait is pause. It halves the pace
// once per burst: a 429 to a request sent before the last halving was asked at the old pace.
func (p *pacer) slowDown(sent time.Time, pause time.Duration) {
	p.mu.Lock()
	defer p.mu.Unlock()
	p.slowDowns++
	if p.lim != nil && sent.After(p.slowedAt) {
		p.lim.SetLimit(max(p.lim.Limit()/2, min(minPace, p.pace)))
		p.slowedAt = time.Now()
	}
	if until := time.Now().Add(pause); p.ext != nil && until.After(p.holdUntil) {
		p.holdUntil = until
	}
}

// recover gives back a twentieth of the configured pace after a call that was not refused.
func (p *pacer) recover() {
	if p.lim == nil {
		return
	}
	p.mu.Lock()
	defer p.mu.Unlock()
	if l := p.lim.Limit(); l < p.pace {
		p.lim.SetLimit(min(l+p.pace/20, p.pace))
	}
}

// stopped is pacer.do's error when ctx ended (err) while it waited to call fn: err itself
// before the first call; after a 429, that call's *Error with err joined to its cause.
func stopped(last *Error, err error) error {
	if last == nil {
		return err
	}
	last.Err = errors.Join(last.Err, err)
	return last
}

// errDueAfterDeadline: the limiter's next token comes after ctx's deadline, so no request
// can be sent in time; the error also matches context.DeadlineExceeded.
var errDueAfterDeadline = errors.New("writer: the next request is due after the context's deadline")

// wait waits for the limiter's next token, or until ctx ends.
func (p *pacer) wait(ctx context.Context) error {
	switch {
	case p.ext != nil:
		p.mu.Lock()
		hold := time.Until(p.holdUntil)
		p.mu.Unlock()
		if hold > 0 {
			if err := sleep(ctx, hold); err != nil {
				return err
			}
		}
		if err := p.ext.Wait(ctx); err != nil {
			if ctx.Err() != nil {
				return context.Cause(ctx)
			}
			return fmt.Errorf("writer: the run's Limiter refused: %w", err)
		}
		return nil
	case p.lim == nil:
		return ctx.Err()
	}
	if err := p.lim.Wait(ctx); err != nil {
		if ctx.Err() != nil {
			return context.Cause(ctx)
		}
		// The limiter refuses a wait that would outlast ctx's deadline.
		return fmt.Errorf("%w: %w", errDueAfterDeadline, context.DeadlineExceeded)
	}
	return nil
}
