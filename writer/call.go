package writer

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"net/http"
	"net/url"
	"time"
)

// Operation ids of the spec, used in errors.
const (
	opRetry    = "gatewayRetryFailedFiles"
	opList     = "gatewayGetFiles"
	opGet      = "gatewayGetFile"
	opDelete   = "gatewayDeleteFile"
	opUpload   = "gatewayUploadFile"
	opDownload = "gatewayDownloadFile"

	opGraphGet        = "findGraphWithFileStatus"
	opGraphList       = "findGraphsWithFileStatus"
	opGraphAddFile    = "addFileToGraph"
	opGraphRemoveFile = "removeFileFromGraph"
)

// endpoints are the method and path template of each operation in openapi.yaml, which
// Error() shows beside the operationId (writer_test checks them against the spec).
var endpoints = map[string]string{
	opRetry:    "POST /v1/files/retry",
	opList:     "GET /v1/files",
	opGet:      "GET /v1/files/{file_id}",
	opDelete:   "DELETE /v1/files/{file_id}",
	opUpload:   "POST /v1/files",
	opDownload: "GET /v1/files/{file_id}/download",

	opGraphGet:        "GET /v1/graphs/{graph_id}",
	opGraphList:       "GET /v1/graphs",
	opGraphAddFile:    "POST /v1/graphs/{graph_id}/file",
	opGraphRemoveFile: "DELETE /v1/graphs/{graph_id}/file/{file_id}",
}

// operation is one API call as the loop sends it.
type operation struct {
	id       string // the spec's operationId, or the name given to Client.Do
	endpoint string // "METHOD /path" shown in errors; "" takes endpoints[id]
	// request returns the HTTP request of attempt n (from 1), made by the generated request
	// builder: each attempt sends a new request with a new body.
	request func(n int) (*http.Request, error)
	// once: the request body cannot be replayed, so the operation gets one attempt.
	once bool
	// unsafe: sending the request twice may do its work twice (an upload); it is retried
	// only when it cannot have been processed.
	unsafe bool
}

// reply is an operation's 2xx answer: its response, body open, and what an *Error about it
// needs.
type reply struct {
	resp     *http.Response
	op       *operation
	attempts int
	key      *apiKey
}

// do runs op: the one retry loop of the client. Each attempt waits for the Client's pace,
// builds op's request, authenticates it, sends it, and classifies the outcome (decide); a
// retried attempt's response is read (bounded) and closed, the retry hook is told, and the
// wait honours ctx. It returns the 2xx answer with its body open, or an *Error describing
// the last attempt (Attempts 0 when the pace let none leave before ctx's end).
func (c *Client) do(ctx context.Context, op *operation) (*reply, error) {
	if err := c.pace.wait(ctx); err != nil {
		return nil, c.callError(op, 0, nil, nil, err, verdict{})
	}
	for attempt := 1; ; attempt++ {
		req, err := op.request(attempt)
		if err != nil {
			return nil, c.callError(op, attempt-1, nil, nil, fmt.Errorf("build request: %w", err), verdict{})
		}
		c.key.authenticate(req)
		start := time.Now()
		resp, err := c.send(ctx, req)
		v := c.decide(ctx, op, resp, err, attempt)
		c.log(ctx, req, resp, err, attempt, v, time.Since(start))
		if resp != nil {
			c.pace.answered(resp.StatusCode, start, min(v.retryAfter, c.policy.MaxRetryAfter))
		}
		if !v.retry {
			if err == nil && resp.StatusCode >= 200 && resp.StatusCode <= 299 {
				c.budget.refund()
				return &reply{resp: resp, op: op, attempts: attempt, key: c.key}, nil
			}
			body, readErr := readErrorBody(resp)
			return nil, c.readFailed(c.callError(op, attempt, resp, body, err, v), readErr)
		}
		// Keep the body (bounded) for the error the call returns if the wait is cut short;
		// reading it also frees the connection for the next attempt.
		body, readErr := readErrorBody(resp)
		if readErr != nil && ctx.Err() != nil {
			// The caller's context ended while the body was read, before any wait.
			return nil, c.readFailed(c.callError(op, attempt, resp, body, err, verdict{retryAfter: v.retryAfter}), readErr)
		}
		if c.hook != nil {
			c.hook(c.retryEvent(op, req, resp, err, attempt, v.wait))
		}
		if stop := sleep(ctx, v.wait); stop != nil {
			v.reason = stop
			return nil, c.callError(op, attempt, resp, body, err, v)
		}
		if stop := c.pace.wait(ctx); stop != nil {
			v.reason = stop
			return nil, c.callError(op, attempt, resp, body, err, v)
		}
	}
}

// send makes one attempt within the per-attempt timeout, which ends when the response
// headers arrive: closing the body releases it, so it never cuts the reading of a body.
func (c *Client) send(ctx context.Context, req *http.Request) (*http.Response, error) {
	resp, err := c.sendOnce(ctx, req)
	if ue := (*url.Error)(nil); errors.As(err, &ue) {
		ue.URL = shownURL(req.URL)
	}
	return resp, err
}

// shownURL is u as errors show it: without user information, and with the names of its
// query parameters but not their values (cursors, filters).
func shownURL(u *url.URL) string {
	v := *u
	v.User = nil
	q := v.Query()
	for name := range q {
		q[name] = []string{"_"}
	}
	v.RawQuery = q.Encode()
	return v.String()
}

// sendOnce sends req once, within the attempt's timeout.
func (c *Client) sendOnce(ctx context.Context, req *http.Request) (*http.Response, error) {
	if c.requestTimeout <= 0 || deadlineWithin(ctx, c.requestTimeout) {
		// No per-attempt bound, or the caller's deadline comes first and bounds the attempt.
		return c.hc.Do(req.WithContext(ctx))
	}
	actx, cancel := context.WithCancelCause(ctx)
	timer := time.AfterFunc(c.requestTimeout, func() { cancel(errAttemptTimedOut) })
	resp, err := c.hc.Do(req.WithContext(actx))
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
	if ctx.Err() != nil {
		if err == nil {
			err = ctx.Err()
		}
		return nil, err
	}
	return nil, &url.Error{Op: req.Method, URL: shownURL(req.URL), Err: errAttemptTimedOut}
}

// callError is the *Error of a call that ended with the attempts' last outcome: resp with
// its (bounded, already read) body, or the transport error err; v is the last verdict.
// Any copy of the API key in what the server sent is redacted.
func (c *Client) callError(op *operation, attempts int, resp *http.Response, body []byte, err error, v verdict) *Error {
	e := &Error{Operation: op.id, endpoint: op.endpoint, Attempts: attempts, RetryAfter: v.retryAfter, waitExceeded: v.waitExceeded}
	switch {
	case err != nil && v.reason != nil:
		e.Err = fmt.Errorf("%w: %w", v.reason, c.key.scrub(err))
	case err != nil:
		e.Err = c.key.scrub(err)
	default:
		e.Err = v.reason
	}
	if resp != nil {
		e.StatusCode = resp.StatusCode
		e.RequestID = c.key.redact(requestID(resp.Header))
		e.Body = c.key.redactBody(body)
		e.parseErrorBody(e.Body)
		e.Type, e.Key, e.Description = c.key.redact(e.Type), c.key.redact(e.Key), c.key.redact(e.Description)
	}
	return e
}

// readFailed adds to e, when readErr is not nil, that reading the response body failed.
func (c *Client) readFailed(e *Error, readErr error) *Error {
	if readErr != nil {
		e.Err = errors.Join(e.Err, fmt.Errorf("read error body: %w", c.key.scrub(readErr)))
	}
	return e
}

// retryEvent describes, for the retry hook, the retry of attempt after waiting wait.
func (c *Client) retryEvent(op *operation, req *http.Request, resp *http.Response, err error, attempt int, wait time.Duration) RetryEvent {
	ev := RetryEvent{Operation: op.id, Method: req.Method, Path: c.key.redact(req.URL.Path), Attempt: attempt, Wait: wait}
	if resp != nil {
		ev.StatusCode = resp.StatusCode
	} else {
		ev.Err = c.key.scrub(err)
	}
	return ev
}

// deadlineWithin reports whether ctx ends within d from now.
func deadlineWithin(ctx context.Context, d time.Duration) bool {
	deadline, ok := ctx.Deadline()
	return ok && time.Until(deadline) <= d
}

// log writes one Debug record per attempt: metadata only, never header values or bodies.
func (c *Client) log(ctx context.Context, req *http.Request, resp *http.Response, err error, attempt int, v verdict, took time.Duration) {
	if c.logger == nil || !c.logger.Enabled(ctx, slog.LevelDebug) {
		return
	}
	attrs := []slog.Attr{
		slog.String("method", req.Method),
		slog.String("path", c.key.redact(req.URL.Path)),
		slog.Int("status", 0),
		slog.Int("attempt", attempt),
		slog.Bool("retry", v.retry),
		slog.Duration("wait", v.wait),
		slog.Duration("duration", took),
	}
	if resp != nil {
		attrs[2] = slog.Int("status", resp.StatusCode)
	}
	if err != nil {
		attrs = append(attrs, slog.String("error", c.key.redact(err.Error())))
	}
	c.logger.LogAttrs(ctx, slog.LevelDebug, "writer: http attempt", attrs...)
}
