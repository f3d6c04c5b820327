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

// TestErrorsNameTheFileTheyAreAbout: the *Error of Get, Delete and Download carries the file
// id asked for in FileID and shows it in Error(), so that errors of calls in a loop tell
// their files apart; an id that is not a UUID is quoted as it was given.
func TestErrorsNameTheFileTheyAreAbout(t *testing.T) {
	client, _ := setup(t, nil)
	ctx := context.Background()
	const plainID = `file "7" é`
	calls := map[string]func(id string) error{
		"Get":    func(id string) error { _, err := client.Files.Get(ctx, id); return err },
		"Delete": func(id string) error { return client.Files.Delete(ctx, id) },
		"Download": func(id string) error {
			d, err := client.Files.Download(ctx, id)
			if err == nil {
				d.Body.Close()
			}
			return err
		},
	}
	for name, call := range calls {
		for _, tt := range []struct{ id, shown string }{
			{idA, `file_id "` + idA + `": status 404`},
			{plainID, `file_id "file \"7\" é": status 404`},
		} {
			err := call(tt.id)
			apiErr := asError(t, err)
			if !errors.Is(err, writer.ErrNotFound) || apiErr.FileID != tt.id || apiErr.GraphID != "" {
				t.Errorf("%s(%q) = %v with FileID %q, GraphID %q; want ErrNotFound about the id", name, tt.id, err, apiErr.FileID, apiErr.GraphID)
			}
			if !strings.Contains(err.Error(), tt.shown) {
				t.Errorf("%s(%q): Error() = %q, want it to show %s", name, tt.id, err.Error(), tt.shown)
			}
		}
	}
}

// TestErrorShowsPathParametersBounded: Error() shows the graph and file ids after the
// operation, escaped and cut, whatever they hold.
func TestErrorShowsPathParametersBounded(t *testing.T) {
	e := &writer.Error{Operation: "removeFileFromGraph", StatusCode: 404, GraphID: "g\x1b]0;title\x07\u202e", FileID: strings.Repeat(`"x`, 1000)}
	msg := e.Error()
	want := `writer: DELETE /v1/graphs/{graph_id}/file/{file_id} (removeFileFromGraph) graph_id "g ]0;title  " file_id "` + strings.Repeat(`\"x`, 40) + `...": status 404`
	if msg != want {
		t.Errorf("Error() = %q\nwant      %q", msg, want)
	}
	if got := (&writer.Error{FileID: idA}).Error(); got != `writer: file_id "`+idA+`": no response` {
		t.Errorf("Error() of an *Error with only a FileID = %q", got)
	}
}
