package writer_test

import (
	"context"
	"errors"
	"net/http"
	"strings"
	"testing"
	"unicode"

	"github.com/writerfiles/writer-go/writer"
	"github.com/writerfiles/writer-go/writertest"
)

func TestErrorNilAndZeroAreSafe(t *testing.T) {
	var nilErr *writer.Error
	if got := nilErr.Error(); !strings.HasPrefix(got, "writer: ") {
		t.Errorf("nil Error() = %q", got)
	}
	if nilErr.Unwrap() != nil || nilErr.Is(writer.ErrServer) || errors.Is(nilErr, writer.ErrNotFound) {
		t.Error("nil *Error unwraps to something or matches a sentinel")
	}
	zero := &writer.Error{}
	if got := zero.Error(); got != "writer: no response" {
		t.Errorf("zero Error() = %q, want %q", got, "writer: no response")
	}
	for _, s := range []error{writer.ErrBadRequest, writer.ErrServer, writer.ErrRateLimited, writer.ErrNotFound} {
		if errors.Is(zero, s) {
			t.Errorf("zero *Error matches %v", s)
		}
	}
}

func TestErrorIsOneBoundedLine(t *testing.T) {
	const maxLine = 1200
	long := strings.Repeat("Line\nof a \u202eproxy page\r\n", 200<<10) // about 5 MiB
	tests := []struct {
		name, contentType, body string
	}{
		{"html", "text/html", long},
		{"fail_response", "application/json", failBody("fail.internalServerError", "fail.internalServerError.generic", strings.Repeat(`Disk\nfull `, 10000))},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			client, srv := setup(t, nil, writer.WithMaxRetries(0))
			seedFailed(srv)
			srv.FailNext(1, writertest.Fault{Status: http.StatusInternalServerError, Header: http.Header{"Content-Type": {tt.contentType}}, Body: tt.body})
			err := client.Files.Retry(context.Background(), []string{idA})
			apiErr := asError(t, err)
			msg := err.Error()
			if len(msg) > maxLine || strings.IndexFunc(msg, func(r rune) bool { return !unicode.IsGraphic(r) }) >= 0 {
				t.Errorf("Error() is %d bytes or spans lines or has format characters: %q", len(msg), msg)
			}
			if !strings.HasPrefix(msg, "writer: POST /v1/files/retry (gatewayRetryFailedFiles): status 500") {
				t.Errorf("Error() = %.80q..., want it to start with the operation and status", msg)
			}
			if want := min(len(tt.body), 1<<20); len(apiErr.Body) != want {
				t.Errorf("Body keeps %d bytes, want %d (1 MiB at most)", len(apiErr.Body), want)
			}
		})
	}
}
