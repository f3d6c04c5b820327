package writer

import (
	"context"
	"errors"
	"net/http"
)

// ErrInvalidInput marks an argument refused before any request was sent; the error is an
// *InputError naming it. Errors of calls that reached the network are *Error values, which
// errors.Is matches against the sentinels below.
var ErrInvalidInput = errors.New("writer: invalid input")

// Sentinels for a request that Writer refused as such.
var (
	// ErrBadRequest: status 400.
	ErrBadRequest = statusSentinel(http.StatusBadRequest, "writer: bad request")
	// ErrTooLarge: status 413.
	ErrTooLarge = statusSentinel(http.StatusRequestEntityTooLarge, "writer: request too large")
	// ErrUnprocessable: status 422.
	ErrUnprocessable = statusSentinel(http.StatusUnprocessableEntity, "writer: unprocessable")
)

// Sentinels for the API key.
var (
	// ErrUnauthorized: status 401 (missing, wrong or revoked API key).
	ErrUnauthorized = statusSentinel(http.StatusUnauthorized, "writer: unauthorized")
	// ErrForbidden: status 403.
	ErrForbidden = statusSentinel(http.StatusForbidden, "writer: forbidden")
)

// Sentinels for the file asked about.
var (
	// ErrNotFound: status 404.
	ErrNotFound = statusSentinel(http.StatusNotFound, "writer: not found")
	// ErrConflict: status 409.
	ErrConflict = statusSentinel(http.StatusConflict, "writer: conflict")
	// ErrGone: status 410 (the file was deleted or has expired).
	ErrGone = statusSentinel(http.StatusGone, "writer: gone")
)

// Sentinels for Writer's limits and failures.
var (
	// ErrRateLimited: status 429, or a server that asked to wait (Error.RetryAfter) longer
	// than the client may wait.
	ErrRateLimited = errors.New("writer: rate limited")
	// ErrServer: any status of 500 or more (507 is Writer's storage quota).
	ErrServer = errors.New("writer: server error")
	// ErrAttemptTimeout: an attempt got no response headers within the per-attempt timeout
	// (WithRequestTimeout). Such attempts are retried; when the last one timed out, the
	// *Error unwraps to ErrAttemptTimeout, which also matches context.DeadlineExceeded and
	// reports Timeout() true, but never context.Canceled.
	ErrAttemptTimeout error = attemptTimeoutError{}
	// ErrRetryBudgetExhausted: a call that would have been retried failed at once because
	// the Client's retry budget (WithRetryBudget) is spent; the *Error describes its last
	// attempt.
	ErrRetryBudgetExhausted = errors.New("writer: retry budget exhausted")
)

// Sentinels for a 2xx answer that the call does not take as success.
var (
	// ErrRetryNotAccepted: POST /v1/files/retry answered 2xx with "success": false.
	ErrRetryNotAccepted = errors.New("writer: retry not accepted")
	// ErrNotDeleted: DELETE /v1/files/{file_id} answered 2xx with "deleted": false.
	ErrNotDeleted = errors.New("writer: file not deleted")
	// ErrInvalidResponse: a 2xx answer that does not match the spec: a body that does not
	// parse, lacks a required property, is about another file than the one asked for, or is
	// longer than 8 MiB.
	ErrInvalidResponse = errors.New("writer: invalid response")
)

// statusError is the sentinel of one HTTP status: an *Error with that StatusCode matches it.
type statusError struct {
	status int
	text   string
}

// statusSentinel returns the sentinel of status, whose Error() is text.
func statusSentinel(status int, text string) error {
	return &statusError{status: status, text: text}
}

func (s *statusError) Error() string { return s.text }

type attemptTimeoutError struct{}

func (attemptTimeoutError) Error() string {
	return "writer: attempt timed out waiting for response headers"
}
func (attemptTimeoutError) Is(target error) bool { return target == context.DeadlineExceeded }
func (attemptTimeoutError) Timeout() bool        { return true }
