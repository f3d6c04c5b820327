package writer

import (
	"context"
	"errors"
)

// ErrInvalidInput marks an argument refused before any request was sent; the error is an
// *InputError naming it. Errors of calls that reached the network are *Error values, which
// errors.Is matches against the sentinels below.
var ErrInvalidInput = errors.New("writer: invalid input")

// Sentinels for a request that Writer refused as such.
var (
	// ErrBadRequest: status 400.
	ErrBadRequest = errors.New("writer: bad request")
	// ErrTooLarge: status 413.
	ErrTooLarge = errors.New("writer: request too large")
	// ErrUnprocessable: status 422.
	ErrUnprocessable = errors.New("writer: unprocessable")
)

// Sentinels for the API key.
var (
	// ErrUnauthorized: status 401 (missing, wrong or revoked API key).
	ErrUnauthorized = errors.New("writer: unauthorized")
	// ErrForbidden: status 403.
	ErrForbidden = errors.New("writer: forbidden")
)

// Sentinels for the file asked about.
var (
	// ErrNotFound: status 404.
	ErrNotFound = errors.New("writer: not found")
	// ErrConflict: status 409.
	ErrConflict = errors.New("writer: conflict")
	// ErrGone: status 410 (the file was deleted or has expired).
	ErrGone = errors.New("writer: gone")
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
	// *Error matches ErrAttemptTimeout and context.DeadlineExceeded, and its cause reports
	// Timeout() true, but it never matches context.Canceled.
	ErrAttemptTimeout = errors.New("writer: attempt timed out waiting for response headers")
	// ErrRetryBudgetExhausted: a call that would have been retried failed at once because
	// the Client's retry budget (WithRetryBudget) is spent; the *Error describes its last
	// attempt.
	ErrRetryBudgetExhausted = errors.New("writer: retry budget exhausted")
)

// Sentinels for a 2xx answer that the call does not take as success.
var (
	// ErrRetryNotAccepted: POST /v1/files/retry answered 2xx with "success": false.
	ErrRetryNotAccepted = errors.New("writer: retry not accepted")
	// ErrNotDeleted: DELETE /v1/files/{file_id}, or DELETE
	// /v1/graphs/{graph_id}/file/{file_id}, answered 2xx with "deleted": false.
	ErrNotDeleted = errors.New("writer: file not deleted")
	// ErrInvalidResponse: a 2xx answer that does not match the spec: a body that does not
	// parse, lacks a required property, is about another file than the one asked for, or is
	// longer than 8 MiB.
	ErrInvalidResponse = errors.New("writer: invalid response")
)

// errAttemptTimedOut is the cause of an attempt that timed out: it matches
// ErrAttemptTimeout and context.DeadlineExceeded, and reports Timeout() true, as a
// net/http timeout does.
var errAttemptTimedOut error = attemptTimeoutError{}

type attemptTimeoutError struct{}

func (attemptTimeoutError) Error() string { return ErrAttemptTimeout.Error() }
func (attemptTimeoutError) Is(target error) bool {
	return target == ErrAttemptTimeout || target == context.DeadlineExceeded
}
func (attemptTimeoutError) Timeout() bool { return true }
