package writer

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"net/http"
)

// Operation ids of the spec, used in errors.
const (
	opRetry    = "gatewayRetryFailedFiles"
	opList     = "gatewayGetFiles"
	opGet      = "gatewayGetFile"
	opDelete   = "gatewayDeleteFile"
	opUpload   = "gatewayUploadFile"
	opDownload = "gatewayDownloadFile"
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
}

// send runs one operation: fn makes the generated client's call with ctx, which carries the
// call state the retry loop fills in. A 2xx response is returned open; any other outcome is
// returned as *Error with the body read (bounded) and closed.
func (c *Client) send(ctx context.Context, cl *call, fn func(context.Context) (*http.Response, error)) (*http.Response, error) {
	cl.auth = c.auth
	resp, err := fn(withCall(ctx, cl))
	if err != nil {
		return nil, &Error{Operation: cl.op, Attempts: cl.attempts, RetryAfter: cl.retryAfter, Err: redactErr(cl.auth, err)}
	}
	if resp.StatusCode >= 200 && resp.StatusCode <= 299 {
		return resp, nil
	}
	body, readErr := io.ReadAll(io.LimitReader(resp.Body, maxErrorBody))
	drain(resp)
	e := responseError(cl, resp, body)
	e.RetryAfter = cl.retryAfter
	e.waitExceeded = cl.waitExceeded
	e.Err = cl.stop
	if readErr != nil {
		e.Err = errors.Join(e.Err, fmt.Errorf("read error body: %w", readErr))
	}
	return nil, e
}

// responseError is the *Error for a response whose (bounded) body is body, with any copy
// of the API key replaced.
func responseError(cl *call, resp *http.Response, body []byte) *Error {
	e := &Error{
		Operation:  cl.op,
		StatusCode: resp.StatusCode,
		RequestID:  cl.auth.redact(requestID(resp.Header)),
		Body:       []byte(cl.auth.redact(string(body))),
		Attempts:   cl.attempts,
	}
	e.parseErrorBody(e.Body)
	e.Type, e.Key, e.Description = cl.auth.redact(e.Type), cl.auth.redact(e.Key), cl.auth.redact(e.Description)
	return e
}

// decodeJSON reads a 2xx response's JSON body into v and closes it. A body that does not
// parse is an *Error that keeps the status and matches ErrInvalidResponse.
func decodeJSON(resp *http.Response, cl *call, v any) error {
	defer resp.Body.Close()
	body, err := readBody(resp)
	if f, ok := v.(fastDecoder); err == nil && (!ok || !f.decodeFast(body)) {
		err = json.Unmarshal(body, v)
	}
	if err != nil {
		e := responseError(cl, resp, body[:min(len(body), maxErrorBody)])
		e.Type, e.Key, e.Description = "", "", ""
		e.Err = fmt.Errorf("%w: %w", ErrInvalidResponse, err)
		return e
	}
	return nil
}

// maxPresized bounds the buffer readBody allocates up front from a Content-Length, so that a
// false length cannot make the client allocate at will.
const maxPresized = 8 << 20

// readBody reads a response body to its end. When the server announced the length, the buffer
// is allocated once at that size, plus one byte to see the end without growing; io.ReadAll
// would start at 512 bytes and grow by copying.
func readBody(resp *http.Response) ([]byte, error) {
	if resp.ContentLength < 0 || resp.ContentLength > maxPresized {
		return io.ReadAll(resp.Body)
	}
	b := make([]byte, 0, resp.ContentLength+1)
	for {
		n, err := resp.Body.Read(b[len(b):cap(b)])
		b = b[:len(b)+n]
		switch {
		case err == io.EOF:
			return b, nil
		case err != nil:
			return b, err
		case len(b) == cap(b): // longer than announced
			rest, err := io.ReadAll(resp.Body)
			return append(b, rest...), err
		}
	}
}

// redactErr returns err, or when its text holds the API key (Go's transport quotes what a
// server sent, which may echo the Authorization header), an error with the same chain whose
// text shows "[redacted]" instead.
func redactErr(auth *authTransport, err error) error {
	if msg := err.Error(); auth.redact(msg) != msg {
		return &redactedError{msg: auth.redact(msg), err: err}
	}
	return err
}

// redactedError is an error whose text had the API key removed. Unwrap gives the original,
// so that errors.Is and errors.As still work on its chain.
type redactedError struct {
	msg string
	err error
}

func (e *redactedError) Error() string { return e.msg }
func (e *redactedError) Unwrap() error { return e.err }
