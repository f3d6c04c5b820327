package writer

import (
	"context"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"math/rand/v2"
	"net/http"
	"net/http/httptrace"
	"strconv"
	"strings"
	"sync/atomic"
	"time"
)

// call is the state of one library call shared between package writer and the retry loop
// through the request context: which operation it is, whether it may be replayed, and what
// the loop did.
type call struct {
	op string
	// unsafe marks a request that must not be sent twice once it may have been processed (a
	// POST upload): it is retried only when it cannot have been, or the server says so.
	unsafe bool

	attempts      int
	retryAfter    time.Duration // the server's wait hint on the last response
	waitExceeded  bool          // the call stopped because the hint was too long
	notRetriedWhy string        // why a retryable failure was not retried, if a rule stopped it
}

type callKey struct{}

func withCall(ctx context.Context, c *call) context.Context {
	return context.WithValue(ctx, callKey{}, c)
}

func callFrom(ctx context.Context) *call {
	if c, ok := ctx.Value(callKey{}).(*call); ok {
		return c
	}
	return &call{}
}

// errAttemptTimeout is the cause of an attempt that outlived the per-attempt timeout.
var errAttemptTimeout = errors.New("attempt timed out waiting for response headers")

// maxDrain bounds how much of a discarded response body is read so its connection can be
// reused; a longer body is closed instead.
const maxDrain = 64 << 10

// retryDoer is the api.HttpRequestDoer: the one retry loop. It sends each attempt through
// hc (whose transport adds authentication), classifies the outcome, waits with backoff or the
// server's hint, and replays the body through GetBody.
type retryDoer struct {
	hc             *http.Client
	maxRetries     int
	policy         RetryPolicy // defaults filled in
	requestTimeout time.Duration
	logger         *slog.Logger // nil: silent

	// sleep waits d or until ctx is done; a seam for tests.
	sleep func(ctx context.Context, d time.Duration) error
}

// Do sends req, retrying as the policy allows. It returns the last response (the caller
// reads its status) or the last transport error; an HTTP status is never an error here.
func (d *retryDoer) Do(req *http.Request) (*http.Response, error) {
	ctx := req.Context()
	c := callFrom(ctx)
	for attempt := 1; ; attempt++ {
		c.attempts = attempt
		r := req
		if attempt > 1 {
			var err error
			if r, err = rewind(req); err != nil {
				return nil, err
			}
		}
		start := time.Now()
		resp, wrote, err := d.send(r, c.unsafe)
		retry, wait := d.decide(c, r, resp, err, wrote, attempt)
		d.log(ctx, r, resp, attempt, wait, time.Since(start), retry)
		if !retry {
			return resp, err
		}
		drain(resp)
		if err := d.sleep(ctx, wait); err != nil {
			return nil, err
		}
	}
}

// send makes one attempt. wrote reports whether any of the request may have reached the
// server (tracked only for unsafe requests; otherwise true).
func (d *retryDoer) send(req *http.Request, unsafe bool) (resp *http.Response, wrote bool, err error) {
	ctx := req.Context()
	var sent *atomic.Bool // nil when not tracked: the request counts as written
	if unsafe {
		sent = new(atomic.Bool)
		ctx = httptrace.WithClientTrace(ctx, &httptrace.ClientTrace{
			WroteHeaderField: func(string, []string) { sent.Store(true) },
		})
	}
	written := func() bool { return sent == nil || sent.Load() }
	if d.requestTimeout <= 0 || deadlineWithin(ctx, d.requestTimeout) {
		// No per-attempt bound, or the caller's deadline comes first and bounds the attempt:
		// no timer and no context of the attempt's own.
		if ctx != req.Context() {
			req = req.WithContext(ctx)
		}
		resp, err = d.hc.Do(req)
		return resp, written(), err
	}
	actx, cancel := context.WithCancelCause(ctx)
	timer := time.AfterFunc(d.requestTimeout, func() { cancel(errAttemptTimeout) })
	resp, err = d.hc.Do(req.WithContext(actx))
	fired := !timer.Stop()
	switch {
	case err != nil:
		cancel(nil)
		if fired && req.Context().Err() == nil {
			err = fmt.Errorf("%w after %s: %w", errAttemptTimeout, d.requestTimeout, err)
		}
		return nil, written(), err
	case fired:
		// The timer fired as the headers arrived: the body is already cancelled.
		drain(resp)
		cancel(nil)
		return nil, written(), fmt.Errorf("%w after %s", errAttemptTimeout, d.requestTimeout)
	}
	resp.Body = &cancelOnClose{ReadCloser: resp.Body, cancel: cancel}
	return resp, written(), nil
}

// deadlineWithin reports whether ctx ends within d from now.
func deadlineWithin(ctx context.Context, d time.Duration) bool {
	deadline, ok := ctx.Deadline()
	return ok && time.Until(deadline) <= d
}

// decide reports whether the outcome of an attempt is retried and after what wait, and
// records on c what the caller's error needs.
func (d *retryDoer) decide(c *call, req *http.Request, resp *http.Response, err error, wrote bool, attempt int) (bool, time.Duration) {
	ctx := req.Context()
	c.retryAfter, c.waitExceeded, c.notRetriedWhy = 0, false, ""
	if ctx.Err() != nil {
		return false, 0
	}
	var retryable bool
	if err != nil {
		retryable = !c.unsafe || !wrote
		if !retryable {
			c.notRetriedWhy = "not retried: the upload may have reached the server"
		}
	} else {
		c.retryAfter = retryAfter(resp.Header, time.Now())
		retryable = retryableStatus(resp.StatusCode)
		if c.unsafe && resp.StatusCode != http.StatusTooManyRequests {
			retryable = false
		}
		switch strings.ToLower(resp.Header.Get("X-Should-Retry")) {
		case "true":
			retryable = true
		case "false":
			retryable = false
		}
		if !retryable && c.unsafe && retryableStatus(resp.StatusCode) {
			c.notRetriedWhy = "not retried: the upload may have been processed"
		}
	}
	if !retryable || attempt > d.maxRetries {
		return false, 0
	}
	if req.Body != nil && req.Body != http.NoBody && req.GetBody == nil {
		c.notRetriedWhy = "not retried: the request body cannot be replayed (it is not an io.ReaderAt and io.Seeker)"
		return false, 0
	}
	wait := d.backoff(attempt)
	if c.retryAfter > 0 {
		wait = c.retryAfter
	}
	if c.retryAfter > d.policy.MaxRetryAfter {
		c.waitExceeded = true
		return false, 0
	}
	if deadline, ok := ctx.Deadline(); ok && time.Until(deadline) < wait {
		c.waitExceeded = c.retryAfter > 0
		return false, 0
	}
	return true, wait
}

// retryableStatus is the status rule: 408, 409, 429 and every 5xx.
func retryableStatus(code int) bool {
	return code == http.StatusRequestTimeout || code == http.StatusConflict ||
		code == http.StatusTooManyRequests || code >= http.StatusInternalServerError
}

// backoff is the wait before retry number attempt (1-based): BaseDelay*2^(attempt-1), capped
// at MaxDelay, less up to 25% jitter.
func (d *retryDoer) backoff(attempt int) time.Duration {
	step := d.policy.MaxDelay
	if shift := attempt - 1; shift < 32 {
		if s := d.policy.BaseDelay << shift; s > 0 && s < step {
			step = s
		}
	}
	return step - time.Duration(rand.Float64()*0.25*float64(step))
}

// retryAfter returns the wait a response asks for: retry-after-ms (milliseconds), else
// Retry-After as seconds (fractions allowed) or an HTTP date. It returns 0 when there is no
// usable hint.
func retryAfter(h http.Header, now time.Time) time.Duration {
	if v := strings.TrimSpace(h.Get("Retry-After-Ms")); v != "" {
		if ms, err := strconv.ParseFloat(v, 64); err == nil && ms > 0 && ms < float64(1<<62)/float64(time.Millisecond) {
			return time.Duration(ms * float64(time.Millisecond))
		}
	}
	v := strings.TrimSpace(h.Get("Retry-After"))
	if v == "" {
		return 0
	}
	if s, err := strconv.ParseFloat(v, 64); err == nil {
		if s > 0 && s < float64(1<<62)/float64(time.Second) {
			return time.Duration(s * float64(time.Second))
		}
		return 0
	}
	if t, err := http.ParseTime(v); err == nil {
		if d := t.Sub(now); d > 0 {
			return d
		}
	}
	return 0
}

// rewind returns a copy of req with a fresh body from GetBody.
func rewind(req *http.Request) (*http.Request, error) {
	r := req.Clone(req.Context())
	if req.GetBody != nil {
		body, err := req.GetBody()
		if err != nil {
			return nil, fmt.Errorf("replay request body: %w", err)
		}
		r.Body = body
	}
	return r, nil
}

// drain reads a bounded part of a discarded body and closes it, so that the connection can
// be reused.
func drain(resp *http.Response) {
	if resp == nil || resp.Body == nil {
		return
	}
	_, _ = io.CopyN(io.Discard, resp.Body, maxDrain)
	_ = resp.Body.Close()
}

// sleepCtx waits d, or until ctx is done, whichever is first.
func sleepCtx(ctx context.Context, d time.Duration) error {
	t := time.NewTimer(d)
	defer t.Stop()
	select {
	case <-t.C:
		return nil
	case <-ctx.Done():
		return context.Cause(ctx)
	}
}

// cancelOnClose releases an attempt's context when the response body is closed, so the
// per-attempt timeout covers the headers but not the reading of the body.
type cancelOnClose struct {
	io.ReadCloser
	cancel context.CancelCauseFunc
}

func (b *cancelOnClose) Close() error {
	err := b.ReadCloser.Close()
	b.cancel(nil)
	return err
}

// log writes one Debug record per attempt: metadata only, never header values or bodies.
func (d *retryDoer) log(ctx context.Context, req *http.Request, resp *http.Response, attempt int, wait, took time.Duration, retry bool) {
	if d.logger == nil || !d.logger.Enabled(ctx, slog.LevelDebug) {
		return
	}
	status := 0
	if resp != nil {
		status = resp.StatusCode
	}
	d.logger.LogAttrs(ctx, slog.LevelDebug, "writer: http attempt",
		slog.String("method", req.Method),
		slog.String("path", req.URL.Path),
		slog.Int("status", status),
		slog.Int("attempt", attempt),
		slog.Bool("retry", retry),
		slog.Duration("wait", wait),
		slog.Duration("duration", took),
	)
}
