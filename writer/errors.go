package writer

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"net/http"
	"strconv"
	"strings"
	"time"
	"unicode"
	"unicode/utf8"

	"github.com/writerfiles/writer-go/api"
)

// Limits on what an *Error keeps of a response body.
const (
	maxErrorBody    = 1 << 20 // bytes of an error body read and kept in Error.Body
	maxErrorExcerpt = 200     // bytes of the body quoted in Error() when it is not Writer's JSON
	maxErrorMessage = 300     // bytes of Writer's description quoted in Error()
	maxErrorID      = 80      // bytes of a path parameter (a file or graph id) quoted in Error()
)

// Error is the error returned for every failed call that reached the network: an HTTP
// status other than 2xx, a 2xx body that does not match the spec, or a transport failure
// (StatusCode 0, with the cause in Err). After retries it describes the last attempt.
// Writer's error body (the spec's fail_response) fills Type, Key and Description. Any copy
// of the client's API key in what the server sent is replaced by "[redacted]". Every method
// is safe on a nil or zero *Error.
type Error struct {
	// Operation is the spec's operationId, for example "gatewayRetryFailedFiles".
	Operation string
	// FileID is the file the call was about: the request's file_id path parameter (Get,
	// Delete, Download, RemoveFile) or request body property (AddFile); "" for other
	// operations. A copy of the API key in it (an id passed by mistake) is "[redacted]", as
	// in GraphID.
	FileID string
	// GraphID is the request's graph_id path parameter, the Knowledge Graph a graph
	// operation was about; "" for other operations.
	GraphID string
	// StatusCode is the HTTP status of the last attempt; 0 when no response arrived.
	StatusCode int
	// Type is fail_response.tpe, Writer's error type.
	Type string
	// Key is errors[0].key of fail_response, for example "fail.notFound.resource".
	Key string
	// Description is errors[0].description of fail_response.
	Description string
	// RequestID is the request id the server sent (header X-Request-Id or Request-Id), if any.
	RequestID string
	// Body is a copy of the last response body, at most 1 MiB.
	Body []byte
	// Attempts is how many HTTP requests the call sent (1 when it was not retried).
	Attempts int
	// RetryAfter is the wait the server asked for (retry-after-ms or Retry-After) on the last
	// response, when it asked for one.
	RetryAfter time.Duration
	// Err is the underlying cause, returned by Unwrap: a transport error (for an attempt that
	// timed out, one that matches ErrAttemptTimeout and context.DeadlineExceeded and reports
	// Timeout() true), the caller's context error (context.Canceled or
	// context.DeadlineExceeded) when it ended the call during a backoff wait, why a
	// retryable status was not retried, or a sentinel such as ErrRetryNotAccepted.
	Err error

	// waitExceeded: the call stopped because the server asked to wait longer than allowed.
	waitExceeded bool
	// endpoint is "METHOD /path" of an operation called through Client.Do; "" for the
	// operations of endpoints.
	endpoint string
}

// Error returns one bounded line: the operation's method and path template with its
// operationId and the path parameters it was called with, status, Writer's type and key,
// and the description (or an excerpt of a body that is not Writer's JSON), for example
//
//	writer: GET /v1/files/{file_id} (gatewayGetFile) file_id "0a1f7d3c-5b9e-4c2a-8f6d-1e2b3c4d5e6f": status 404 fail.notFound (fail.notFound.resource): file not found
func (e *Error) Error() string {
	if e == nil {
		return "writer: <nil error>"
	}
	var b strings.Builder
	b.WriteString("writer: ")
	endpoint, known := endpoints[e.Operation]
	if e.endpoint != "" {
		endpoint, known = oneLine(e.endpoint, 200), true
	}
	switch {
	case known && e.Operation != "":
		b.WriteString(endpoint + " (" + oneLine(e.Operation, 64) + ")")
	case known:
		b.WriteString(endpoint)
	case e.Operation != "":
		b.WriteString(oneLine(e.Operation, 64))
	}
	for _, p := range [...]struct{ name, value string }{{"graph_id", e.GraphID}, {"file_id", e.FileID}} {
		if p.value != "" {
			if b.Len() > len("writer: ") {
				b.WriteString(" ")
			}
			b.WriteString(p.name + " " + strconv.Quote(oneLine(p.value, maxErrorID)))
		}
	}
	if b.Len() > len("writer: ") {
		b.WriteString(": ")
	}
	if e.StatusCode != 0 {
		b.WriteString("status ")
		b.WriteString(strconv.Itoa(e.StatusCode))
	} else {
		b.WriteString("no response")
	}
	if e.Type != "" {
		b.WriteString(" ")
		b.WriteString(oneLine(e.Type, 64))
	}
	if e.Key != "" {
		b.WriteString(" (")
		b.WriteString(oneLine(e.Key, 96))
		b.WriteString(")")
	}
	switch {
	case e.Description != "":
		b.WriteString(": ")
		b.WriteString(oneLine(e.Description, maxErrorMessage))
	case e.Type == "" && len(e.Body) > 0:
		b.WriteString(": body \"")
		b.WriteString(oneLine(string(e.Body), maxErrorExcerpt))
		b.WriteString("\"")
	}
	if e.RetryAfter > 0 {
		fmt.Fprintf(&b, "; server asked to retry after %s", e.RetryAfter)
	}
	if e.Attempts > 1 {
		fmt.Fprintf(&b, "; after %d attempts", e.Attempts)
	}
	if e.RequestID != "" {
		b.WriteString("; request id ")
		b.WriteString(oneLine(e.RequestID, 64))
	}
	if e.Err != nil {
		b.WriteString(": ")
		b.WriteString(oneLine(e.Err.Error(), maxErrorMessage))
	}
	return b.String()
}

// Unwrap returns the underlying cause, or nil.
func (e *Error) Unwrap() error {
	if e == nil {
		return nil
	}
	return e.Err
}

// Is reports whether the sentinel target describes e: the status sentinels by StatusCode
// (ErrNotFound 404, ...; ErrServer 500 and above), ErrRateLimited also when the server
// asked to wait longer than allowed.
func (e *Error) Is(target error) bool {
	if e == nil {
		return false
	}
	switch target {
	case ErrRateLimited:
		return e.StatusCode == http.StatusTooManyRequests || e.waitExceeded
	case ErrServer:
		return e.StatusCode >= http.StatusInternalServerError
	case ErrBadRequest:
		return e.StatusCode == http.StatusBadRequest
	case ErrUnauthorized:
		return e.StatusCode == http.StatusUnauthorized
	case ErrForbidden:
		return e.StatusCode == http.StatusForbidden
	case ErrNotFound:
		return e.StatusCode == http.StatusNotFound
	case ErrConflict:
		return e.StatusCode == http.StatusConflict
	case ErrGone:
		return e.StatusCode == http.StatusGone
	case ErrTooLarge:
		return e.StatusCode == http.StatusRequestEntityTooLarge
	case ErrUnprocessable:
		return e.StatusCode == http.StatusUnprocessableEntity
	}
	return false
}

// withIDs returns err, and when it is an *Error, records in it the path parameters of the
// request it describes: fileID and graphID, "" when the operation has none, with the
// secrets of k redacted.
func (k *apiKey) withIDs(err error, fileID, graphID string) error {
	var e *Error
	if errors.As(err, &e) {
		e.FileID, e.GraphID = k.redact(fileID), k.redact(graphID)
	}
	return err
}

// parseErrorBody fills e's Type, Key and Description from a fail_response body. Anything
// else (HTML from a proxy, empty, truncated JSON) leaves them empty.
func (e *Error) parseErrorBody(body []byte) {
	body = bytes.TrimSpace(body)
	if len(body) == 0 || body[0] != '{' {
		return
	}
	var f api.FailResponse
	// A field of another type (extras not an object, say) leaves the others filled in.
	var typeErr *json.UnmarshalTypeError
	if err := json.Unmarshal(body, &f); err != nil && !errors.As(err, &typeErr) {
		return
	}
	e.Type = f.Tpe
	if len(f.Errors) > 0 {
		e.Key = f.Errors[0].Key
		e.Description = f.Errors[0].Description
	}
}

// requestID returns the request id a response carries, if any, under the common names
// (Writer documents none; see docs/unknowns.md).
func requestID(h http.Header) string {
	for _, k := range []string{"X-Request-Id", "Request-Id", "X-Amzn-Requestid"} {
		if v := h.Get(k); v != "" {
			return v
		}
	}
	return ""
}

// oneLine returns s as valid UTF-8 with every character that is not graphic (controls,
// line and paragraph separators, format characters such as bidirectional overrides)
// replaced by a space, cut on a rune boundary to at most maxBytes bytes, with "..." when
// cut. It only replaces and cuts, so it never forms text that s did not contain.
func oneLine(s string, maxBytes int) string {
	s = strings.ToValidUTF8(s, "\uFFFD")
	cut := len(s) > maxBytes
	if cut {
		i := maxBytes
		for i > 0 && !utf8.RuneStart(s[i]) {
			i--
		}
		s = s[:i]
	}
	s = strings.Map(func(r rune) rune {
		if !unicode.IsGraphic(r) {
			return ' '
		}
		return r
	}, s)
	if cut {
		s += "..."
	}
	return s
}
