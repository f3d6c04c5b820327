package writer

import (
	"context"
	"errors"
	"net/http"
	"testing"
)

// TestSentinelsMatchTheirStatus: an *Error matches the sentinel of its status and no other;
// ErrServer every status from 500; ErrRateLimited also a wait the client refused.
func TestSentinelsMatchTheirStatus(t *testing.T) {
	sentinels := map[error][]int{
		ErrBadRequest:    {http.StatusBadRequest},
		ErrUnauthorized:  {http.StatusUnauthorized},
		ErrForbidden:     {http.StatusForbidden},
		ErrNotFound:      {http.StatusNotFound},
		ErrConflict:      {http.StatusConflict},
		ErrGone:          {http.StatusGone},
		ErrTooLarge:      {http.StatusRequestEntityTooLarge},
		ErrUnprocessable: {http.StatusUnprocessableEntity},
		ErrRateLimited:   {http.StatusTooManyRequests},
		ErrServer:        {500, 502, 503, 507, 599},
	}
	statuses := []int{200, 204, 400, 401, 403, 404, 405, 409, 410, 413, 422, 429, 499, 500, 502, 503, 507, 599}
	for _, status := range statuses {
		e := &Error{StatusCode: status}
		for sentinel, want := range sentinels {
			matches := false
			for _, s := range want {
				matches = matches || s == status
			}
			if got := errors.Is(e, sentinel); got != matches {
				t.Errorf("errors.Is(*Error{StatusCode: %d}, %v) = %v, want %v", status, sentinel, got, matches)
			}
		}
		for _, other := range []error{ErrInvalidInput, ErrRetryNotAccepted, ErrNotDeleted, ErrInvalidResponse, ErrAttemptTimeout, context.DeadlineExceeded} {
			if errors.Is(e, other) {
				t.Errorf("errors.Is(*Error{StatusCode: %d}, %v) = true, want false", status, other)
			}
		}
	}
	if !errors.Is(&Error{StatusCode: http.StatusServiceUnavailable, waitExceeded: true}, ErrRateLimited) {
		t.Error("a refused Retry-After wait does not match ErrRateLimited")
	}
	if got := ErrTooLarge.Error(); got != "writer: request too large" {
		t.Errorf("ErrTooLarge.Error() = %q, want %q", got, "writer: request too large")
	}
}
