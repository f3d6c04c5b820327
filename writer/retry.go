package writer

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"math/rand/v2"
	"net"
	"net/http"
	"net/url"
	"strconv"
	"strings"
	"time"
)

// call is the state of one library call shared between package writer and the retry loop
// through the request context: which operation it is, whether it may be replayed, and what
// the loop did.
type call struct {
	op   string
	auth *authTransport // set by Client.send: redacts the API key from what servers send
	// unsafe marks a request that must not be sent twice once it may have been processed (a
	// POST upload): it is retried only when it cannot have been, or the server says so.
	unsafe bool

	attempts     int
	retryAfter   time.Duration // the server's wait hint on the last response
	waitExceeded bool          // the call stopped because the hint was too long
	// stop says why the last response was returned although its status is retryable (a rule
	// stopped the loop, or the caller's context ended during backoff); nil otherwise.
	stop error
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
	logger         *slog.Logger     // nil: silent
	hook           func(RetryEvent) // nil: none
}

// Do sends req, retrying as the policy allows. It returns the last response (the caller
// reads its status; c.stop says why a retryable one was returned) or the last transport
// error; an HTTP status is never an error here.
func (d *retryDoer) Do(req *http.Request) (*http.Response, error) {
	ctx := req.Context()
	c := callFrom(ctx)
	r := req
	for attempt := 1; ; attempt++ {
		c.attempts = attempt
		start := time.Now()
		resp, err := d.send(r)
		wait, retry := d.decide(c, r, resp, err, attempt)
		d.log(ctx, r, resp, err, attempt, wait, time.Since(start), retry)
		if !retry {
			if err != nil && c.stop != nil {
				err = fmt.Errorf("%w: %w", c.stop, err)
			}
			return resp, err
		}
		// Keep the body (bounded) for the error the call returns if the wait is cut
		// short; reading it also frees the connection for the next attempt.
		resp = keepBody(resp)
		if d.hook != nil {
			ev := RetryEvent{Operation: c.op, Method: r.Method, Path: r.URL.Path, Attempt: attempt, Wait: wait}
			if resp != nil {
				ev.StatusCode = resp.StatusCode
			} else {
				ev.Err = redactErr(c.auth, err)
			}
			d.hook(ev)
		}
		if stop := sleep(ctx, wait); stop != nil {
			if resp != nil {
				c.stop = stop
				return resp, nil
			}
			return nil, fmt.Errorf("%w; last attempt: %w", stop, err)
		}
		if r, err = rewind(req); err != nil {
			return nil, err
		}
	}
}

// send makes one attempt. With a request timeout, the attempt's context is cancelled if the
// response headers do not arrive in time; after they arrive, closing the body releases it,
// so the timeout never cuts the reading of a body.
func (d *retryDoer) send(req *http.Request) (*http.Response, error) {
	if d.requestTimeout <= 0 || deadlineWithin(req.Context(), d.requestTimeout) {
		// No per-attempt bound, or the caller's deadline comes first and bounds the
		// attempt: no timer and no context of the attempt's own.
		return d.hc.Do(req)
	}
	ctx, cancel := context.WithCancelCause(req.Context())
	timer := time.AfterFunc(d.requestTimeout, func() { cancel(ErrAttemptTimeout) })
	resp, err := d.hc.Do(req.WithContext(ctx))
	if timer.Stop() {
		if err != nil {
			cancel(nil)
			return nil, err
		}
		resp.Body = &cancelOnClose{ReadCloser: resp.Body, cancel: cancel}
		return resp, nil
	}
	// The timer fired: whatever arrived is cut off.
	drain(resp)
	cancel(nil)
	if req.Context().Err() != nil {
		if err == nil {
			err = req.Context().Err()
		}
		return nil, err
	}
	return nil, &url.Error{Op: req.Method, URL: req.URL.Redacted(), Err: ErrAttemptTimeout}
}

// decide reports whether the outcome of an attempt is retried and after what wait, and
// records on c what the caller's error needs.
func (d *retryDoer) decide(c *call, req *http.Request, resp *http.Response, err error, attempt int) (time.Duration, bool) {
	ctx := req.Context()
	c.retryAfter, c.waitExceeded, c.stop = 0, false, nil
	if ctx.Err() != nil {
		return 0, false
	}
	if resp != nil {
		c.retryAfter = retryAfter(resp.Header, time.Now())
	}
	if !d.retryable(c, resp, err) {
		return 0, false
	}
	if attempt > d.maxRetries {
		return 0, false
	}
	if req.Body != nil && req.Body != http.NoBody && req.GetBody == nil {
		c.stop = errors.New("not retried: the request body cannot be replayed (it is not an io.ReaderAt and io.Seeker)")
		return 0, false
	}
	wait := d.backoff(attempt)
	if c.retryAfter > 0 {
		wait = c.retryAfter
	}
	if c.retryAfter > d.policy.MaxRetryAfter {
		c.waitExceeded = true
		c.stop = fmt.Errorf("not retried: the wait is longer than the %s allowed", d.policy.MaxRetryAfter)
		return 0, false
	}
	if deadline, ok := ctx.Deadline(); ok && time.Until(deadline) < wait {
		c.waitExceeded = c.retryAfter > 0
		c.stop = fmt.Errorf("not retried: the next attempt, %s away, would start after the context's deadline", wait.Round(time.Millisecond))
		return 0, false
	}
	return wait, true
}

// retryable is the retry rule for one outcome: connection errors and timeouts, and the
// statuses 408, 409, 429 and 5xx, with x-should-retry: true|false on an error status
// overriding the status rule. An unsafe request (an upload) is retried only when it cannot
// have been processed: the connection failed before it was sent, the status is 429, or the
// server says x-should-retry: true.
func (d *retryDoer) retryable(c *call, resp *http.Response, err error) bool {
	if err != nil {
		if c.unsafe && !notSent(err) {
			c.stop = errors.New("not retried: the upload may have reached the server")
			return false
		}
		return true
	}
	code := resp.StatusCode
	if code < 400 {
		return false
	}
	switch strings.ToLower(strings.TrimSpace(resp.Header.Get("X-Should-Retry"))) {
	case "true":
		return true
	case "false":
		return false
	}
	if c.unsafe && retryableStatus(code) && code != http.StatusTooManyRequests {
		c.stop = errors.New("not retried: the upload may have been processed")
		return false
	}
	return retryableStatus(code)
}

// retryableStatus is the status rule: 408, 409, 429 and every 5xx.
func retryableStatus(code int) bool {
	return code == http.StatusRequestTimeout || code == http.StatusConflict ||
		code == http.StatusTooManyRequests || code >= http.StatusInternalServerError
}

// notSent reports whether err shows that a request never left this machine: the connection
// to the server (or to its proxy) could not be made.
func notSent(err error) bool {
	var op *net.OpError
	return errors.As(err, &op) && (op.Op == "dial" || op.Op == "proxyconnect")
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
	return step - time.Duration(rand.Float64()*0.25*float64(step)) //nolint:gosec // G404: jitter needs no cryptographic randomness
}

// retryAfter returns the wait a response asks for: retry-after-ms (milliseconds), else
// Retry-After as seconds (fractions allowed) or an HTTP date. It returns 0 when there is no
// usable hint; a value too large for a time.Duration counts as the longest one.
func retryAfter(h http.Header, now time.Time) time.Duration {
	if v := strings.TrimSpace(h.Get("Retry-After-Ms")); v != "" {
		if d, ok := scaled(v, time.Millisecond); ok {
			return d
		}
	}
	v := strings.TrimSpace(h.Get("Retry-After"))
	if v == "" {
		return 0
	}
	if d, ok := scaled(v, time.Second); ok {
		return d
	}
	if t, err := http.ParseTime(v); err == nil {
		return max(t.Sub(now), 0)
	}
	return 0
}

// scaled parses a non-negative decimal number of units.
func scaled(v string, unit time.Duration) (time.Duration, bool) {
	if v == "" || !strings.ContainsFunc(v, isDigit) || strings.ContainsFunc(v, func(r rune) bool { return !isDigit(r) && r != '.' }) {
		return 0, false
	}
	f, err := strconv.ParseFloat(v, 64)
	if err != nil && !errors.Is(err, strconv.ErrRange) {
		return 0, false
	}
	if f*float64(unit) >= float64(1<<63-1) {
		return time.Duration(1<<63 - 1), true
	}
	return time.Duration(f * float64(unit)), true
}

func isDigit(r rune) bool { return '0' <= r && r <= '9' }

// rewind returns a copy of req with a fresh body from GetBody, for the next attempt.
func rewind(req *http.Request) (*http.Request, error) {
	if req.GetBody == nil {
		return req, nil
	}
	body, err := req.GetBody()
	if err != nil {
		return nil, fmt.Errorf("replay request body: %w", err)
	}
	r := req.WithContext(req.Context())
	r.Body = body
	return r, nil
}

// keepBody replaces a discarded response's body by a copy of its first maxErrorBody bytes,
// closing the original so that its connection can be reused.
func keepBody(resp *http.Response) *http.Response {
	if resp == nil {
		return nil
	}
	body, _ := io.ReadAll(io.LimitReader(resp.Body, maxErrorBody))
	_ = resp.Body.Close()
	resp.Body = io.NopCloser(bytes.NewReader(body))
	return resp
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

// sleep waits d, or until ctx is done, whichever is first. It returns nil after a full
// wait, else the context's error (Canceled or DeadlineExceeded, with its cause when the
// context was cancelled with one).
func sleep(ctx context.Context, d time.Duration) error {
	t := time.NewTimer(d)
	defer t.Stop()
	select {
	case <-t.C:
		return nil
	case <-ctx.Done():
	}
	err := fmt.Errorf("%w while waiting %s to retry", ctx.Err(), d.Round(time.Millisecond))
	if cause := context.Cause(ctx); !errors.Is(cause, ctx.Err()) {
		err = fmt.Errorf("%w (%w)", err, cause)
	}
	return err
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
func (d *retryDoer) log(ctx context.Context, req *http.Request, resp *http.Response, err error, attempt int, wait, took time.Duration, retry bool) {
	if d.logger == nil || !d.logger.Enabled(ctx, slog.LevelDebug) {
		return
	}
	attrs := []slog.Attr{
		slog.String("method", req.Method),
		slog.String("path", req.URL.Path),
		slog.Int("status", 0),
		slog.Int("attempt", attempt),
		slog.Bool("retry", retry),
		slog.Duration("wait", wait),
		slog.Duration("duration", took),
	}
	if resp != nil {
		attrs[2] = slog.Int("status", resp.StatusCode)
	}
	if err != nil {
		attrs = append(attrs, slog.String("error", callFrom(ctx).auth.redact(err.Error())))
	}
	d.logger.LogAttrs(ctx, slog.LevelDebug, "writer: http attempt", attrs...)
}

// deadlineWithin reports whether ctx ends within d from now.
func deadlineWithin(ctx context.Context, d time.Duration) bool {
	deadline, ok := ctx.Deadline()
	return ok && time.Until(deadline) <= d
}
