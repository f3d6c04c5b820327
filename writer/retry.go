package writer

import (
	"context"
	"crypto/tls"
	"crypto/x509"
	"errors"
	"fmt"
	"math/rand/v2"
	"net"
	"net/http"
	"strconv"
	"strings"
	"time"
)

// verdict is the retry rule's decision on one attempt's outcome.
type verdict struct {
	retry        bool
	wait         time.Duration // before the next attempt, when retry
	retryAfter   time.Duration // the server's wait hint on the response, if any
	waitExceeded bool          // not retried because the hint is longer than allowed
	// reason says why an outcome that is otherwise retried was not (a rule, the caller's
	// context ending during the wait); nil otherwise.
	reason error
}

// decide applies the retry rules to attempt number attempt of op, which ended with resp or
// err (see docs/retries.md).
func (c *Client) decide(ctx context.Context, op *operation, resp *http.Response, err error, attempt int) verdict {
	var v verdict
	if ctx.Err() != nil {
		return v
	}
	if resp != nil {
		v.retryAfter = retryAfter(resp.Header, time.Now())
	}
	retry, reason := retryable(op, resp, err)
	if !retry {
		v.reason = reason
		return v
	}
	switch {
	case attempt > c.retries(ctx):
		return v
	case op.once:
		v.reason = errors.New("not retried: the request body cannot be replayed (it is not an io.ReaderAt and io.Seeker)")
		return v
	}
	wait := c.backoff(isJob(ctx), attempt)
	if v.retryAfter > 0 {
		wait = v.retryAfter
	}
	if v.retryAfter > c.policy.MaxRetryAfter {
		v.waitExceeded = true
		v.reason = fmt.Errorf("not retried: the wait is longer than the %s allowed", c.policy.MaxRetryAfter)
		return v
	}
	if deadline, ok := ctx.Deadline(); ok && time.Until(deadline) < wait {
		v.waitExceeded = v.retryAfter > 0
		v.reason = fmt.Errorf("not retried: the next attempt, %s away, would start after the context's deadline", wait.Round(time.Millisecond))
		return v
	}
	cost := retryCost
	switch {
	case resp != nil && resp.StatusCode == http.StatusTooManyRequests:
		cost = 0 // the pace halves instead
	case err != nil && isTimeout(err):
		cost = timeoutRetryCost
	}
	if !c.budget.take(cost) {
		v.reason = errNoBudget
		return v
	}
	v.retry, v.wait = true, wait
	return v
}

// errNoBudget is the reason a retry was not made when the retry budget is spent.
var errNoBudget = fmt.Errorf("not retried: %w", ErrRetryBudgetExhausted)

// The outage policy of the workflow's calls: a Writer outage can last 30 s and more, so
// they make at least jobMaxRetries retries, whose backoff steps grow to MaxRetryAfter
// (default 60 s) rather than MaxDelay: 0.5 s doubling to 60 s spans about 2 minutes.
const jobMaxRetries = 8

// jobKey marks a context whose calls are the workflow's, retried with the outage policy.
type jobKey struct{}

func withJob(ctx context.Context) context.Context { return context.WithValue(ctx, jobKey{}, true) }

func isJob(ctx context.Context) bool { return ctx.Value(jobKey{}) != nil }

// retries is how many times a call with ctx may be retried: the client's WithMaxRetries,
// at least jobMaxRetries for a workflow call unless retries are off.
func (c *Client) retries(ctx context.Context) int {
	if isJob(ctx) && c.maxRetries > 0 {
		return max(c.maxRetries, jobMaxRetries)
	}
	return c.maxRetries
}

// retryable is the retry rule for one outcome, with the reason when a rule, not the status,
// says no: transport errors that are not permanent, and the statuses 408, 409, 429 and 5xx,
// with x-should-retry: true|false on an error status overriding the status rule. An unsafe
// operation (an upload) is retried only when it cannot have been processed: the connection
// failed before it was sent, the status is 429, or the server says x-should-retry: true.
func retryable(op *operation, resp *http.Response, err error) (bool, error) {
	if err != nil {
		if reason := permanent(err); reason != nil {
			return false, reason
		}
		if op.unsafe && !notSent(err) {
			return false, errors.New("not retried: the upload may have reached the server")
		}
		return true, nil
	}
	code := resp.StatusCode
	if code < 400 {
		return false, nil
	}
	switch strings.ToLower(strings.TrimSpace(resp.Header.Get("X-Should-Retry"))) {
	case "true":
		return true, nil
	case "false":
		return false, nil
	}
	if op.unsafe && retryableStatus(code) && code != http.StatusTooManyRequests {
		return false, errors.New("not retried: the upload may have been processed")
	}
	return retryableStatus(code), nil
}

// retryableStatus is the status rule: 408, 409, 429 and every 5xx.
func retryableStatus(code int) bool {
	return code == http.StatusRequestTimeout || code == http.StatusConflict ||
		code == http.StatusTooManyRequests || code >= http.StatusInternalServerError
}

// permanent returns why a transport error cannot succeed on another attempt, or nil: a
// host name that does not resolve, a redirect chain that does not end, a certificate that
// does not verify, a TLS handshake with a server that does not speak TLS, or a URL scheme
// the transport does not support.
func permanent(err error) error {
	var (
		dns      *net.DNSError
		verify   *tls.CertificateVerificationError
		unknown  x509.UnknownAuthorityError
		invalid  x509.CertificateInvalidError
		hostname x509.HostnameError
		record   tls.RecordHeaderError
	)
	switch {
	case errors.As(err, &dns) && dns.IsNotFound:
		return errors.New("not retried: the host name does not resolve")
	case errors.Is(err, errTooManyRedirects):
		return errors.New("not retried: the redirects do not end")
	case errors.As(err, &verify), errors.As(err, &unknown), errors.As(err, &invalid), errors.As(err, &hostname):
		return errors.New("not retried: the server's certificate does not verify")
	case errors.As(err, &record), strings.Contains(err.Error(), "server gave HTTP response to HTTPS client"):
		// net/http reports a tls.RecordHeaderError by this text alone.
		return errors.New("not retried: the server does not speak TLS")
	case strings.Contains(err.Error(), "unsupported protocol scheme"):
		return errors.New("not retried: the URL's scheme is not supported")
	}
	return nil
}

// notSent reports whether err shows that a request never left this machine: the connection
// to the server (or to its proxy) could not be made.
func notSent(err error) bool {
	var op *net.OpError
	return errors.As(err, &op) && (op.Op == "dial" || op.Op == "proxyconnect")
}

// backoff is the wait before retry number attempt (1-based): BaseDelay*2^(attempt-1),
// capped at MaxDelay (at MaxRetryAfter for a workflow call, job), less up to 25% jitter.
func (c *Client) backoff(job bool, attempt int) time.Duration {
	step := c.policy.MaxDelay
	if job {
		step = max(step, c.policy.MaxRetryAfter)
	}
	if shift := attempt - 1; shift < 32 {
		if s := c.policy.BaseDelay << shift; s > 0 && s < step {
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
