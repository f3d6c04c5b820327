package writer_test

import (
	"context"
	"encoding/json"
	"errors"
	"net/http"
	"regexp"
	"strings"
	"testing"

	"github.com/writerfiles/writer-go/writer"
	"github.com/writerfiles/writer-go/writertest"
)

const (
	idA = "6f1b2c3d-4e5f-4a6b-8c7d-8e9f0a1b2c3d"
	idB = "7a2c3d4e-5f6a-4b7c-9d8e-9f0a1b2c3d4e"
	idC = "8b3d4e5f-6a7b-4c8d-ae9f-0a1b2c3d4e5f"
)

func seedFailed(srv *writertest.Server) {
	srv.AddFiles(
		writertest.File{ID: idA, Name: "a.pdf", Status: writertest.StatusFailed},
		writertest.File{ID: idB, Name: "b.docx", Status: writertest.StatusFailed},
		writertest.File{ID: idC, Name: "c.txt", Status: writertest.StatusCompleted},
	)
}

// retryBodies returns the file_ids of every POST /v1/files/retry the server received.
func retryBodies(t *testing.T, srv *writertest.Server) [][]string {
	t.Helper()
	var out [][]string
	for _, r := range srv.Requests() {
		if r.Method != http.MethodPost || r.Path != "/v1/files/retry" {
			continue
		}
		var body struct {
			FileIDs []string `json:"file_ids"`
		}
		if err := json.Unmarshal(r.Body, &body); err != nil {
			t.Fatalf("retry body %q: %v", r.Body, err)
		}
		out = append(out, body.FileIDs)
	}
	return out
}

func TestRetryRequeuesFailedFiles(t *testing.T) {
	client, srv := setup(t, []writertest.Option{writertest.WithProcessingDelay(1 << 40)})
	seedFailed(srv)

	if err := client.Files.Retry(context.Background(), []string{idA, idB, idA, idC}); err != nil {
		t.Fatalf("Retry: %v", err)
	}
	for id, want := range map[string]writer.Status{idA: writertest.StatusInProgress, idB: writertest.StatusInProgress, idC: writertest.StatusCompleted} {
		if f, _ := srv.File(id); f.Status != want {
			t.Errorf("status of %s = %q, want %q", id, f.Status, want)
		}
	}
	bodies := retryBodies(t, srv)
	if len(bodies) != 1 {
		t.Fatalf("got %d retry requests, want 1", len(bodies))
	}
	if got, want := strings.Join(bodies[0], ","), idA+","+idB+","+idC; got != want {
		t.Errorf("file_ids sent = %s, want %s (repeats collapsed, order kept)", got, want)
	}
}

// TestRetryIDsAreUUIDsInEitherCase: a file whose id was given in upper case is found by the
// fake whether the caller names it in upper or lower case, as both name one UUID; the client
// sends it in lower case.
func TestRetryIDsAreUUIDsInEitherCase(t *testing.T) {
	client, srv := setup(t, []writertest.Option{writertest.WithProcessingDelay(1 << 40)})
	upper := strings.ToUpper(idA)
	srv.AddFiles(writertest.File{ID: upper, Name: "a.pdf", Status: writertest.StatusFailed})

	if err := client.Files.Retry(context.Background(), []string{upper}); err != nil {
		t.Fatalf("Retry(%s): %v", upper, err)
	}
	if f, ok := srv.File(idA); !ok || f.Status != writertest.StatusInProgress {
		t.Errorf("srv.File(%s) = %+v, %v; want the file in_progress", idA, f, ok)
	}
	f, err := client.Files.Get(context.Background(), idA)
	if err != nil || f.ID != upper {
		t.Errorf("Get(%s) = %+v, %v; want the file stored as %s", idA, f, err, upper)
	}
	if got := retryBodies(t, srv); len(got) != 1 || len(got[0]) != 1 || got[0][0] != idA {
		t.Errorf("file_ids sent = %v, want [[%s]]", got, idA)
	}
}

func TestRetrySendsAuthAndUserAgent(t *testing.T) {
	client, srv := setup(t, nil)
	seedFailed(srv)
	if err := client.Files.Retry(context.Background(), []string{idA}); err != nil {
		t.Fatalf("Retry: %v", err)
	}
	reqs := srv.Requests()
	if len(reqs) != 1 {
		t.Fatalf("got %d requests, want 1", len(reqs))
	}
	if !reqs[0].Authorized {
		t.Error("request did not carry the server's bearer key")
	}
	ua := reqs[0].Header.Get("User-Agent")
	if !regexp.MustCompile(`^writer-go/\d+\.\d+\.\d+\S* \([a-z0-9]+; [a-z0-9]+\) go/go1\.\d+`).MatchString(ua) {
		t.Errorf("User-Agent = %q, want writer-go/<version> (<os>; <arch>) go/<version>", ua)
	}
}

func TestRetryRefusesBadInputBeforeSending(t *testing.T) {
	client, srv := setup(t, nil)
	tests := []struct {
		name string
		ids  []string
		want []string // substrings of the error
	}{
		{"nil", nil, []string{"file_ids", "empty"}},
		{"empty", []string{}, []string{"file_ids", "empty"}},
		{"not a uuid", []string{idA, idB, "not-a-uuid"}, []string{"file_ids[2]", `"not-a-uuid"`}},
		{"empty id", []string{""}, []string{"file_ids[0]"}},
		{"braces", []string{"{" + idA + "}"}, []string{"file_ids[0]"}},
		{"no hyphens", []string{strings.ReplaceAll(idA, "-", "")}, []string{"file_ids[0]"}},
		{"trailing space", []string{idA + " "}, []string{"file_ids[0]"}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			err := client.Files.Retry(context.Background(), tt.ids)
			if !errors.Is(err, writer.ErrInvalidInput) {
				t.Fatalf("Retry(%q) = %v, want ErrInvalidInput", tt.ids, err)
			}
			var apiErr *writer.Error
			if errors.As(err, &apiErr) {
				t.Errorf("input error is also an *Error: %v", err)
			}
			for _, w := range tt.want {
				if !strings.Contains(err.Error(), w) {
					t.Errorf("error %q does not name %s", err, w)
				}
			}
		})
	}
	if n := len(srv.Requests()); n != 0 {
		t.Errorf("server received %d requests, want none", n)
	}
}

func TestRetryWrongKeyIsUnauthorized(t *testing.T) {
	client, srv := setup(t, nil, writer.WithAPIKey("not-the-key"))
	seedFailed(srv)
	err := client.Files.Retry(context.Background(), []string{idA})
	if !errors.Is(err, writer.ErrUnauthorized) {
		t.Fatalf("Retry = %v, want ErrUnauthorized", err)
	}
	var apiErr *writer.Error
	if !errors.As(err, &apiErr) {
		t.Fatalf("error %T is not *writer.Error", err)
	}
	if apiErr.StatusCode != http.StatusUnauthorized || apiErr.Key != "fail.unauthorized.badToken" || apiErr.Attempts != 1 {
		t.Errorf("got status %d key %q attempts %d, want 401 fail.unauthorized.badToken 1", apiErr.StatusCode, apiErr.Key, apiErr.Attempts)
	}
	if errors.Is(err, writer.ErrNotFound) || errors.Is(err, writer.ErrServer) {
		t.Errorf("401 matches another status sentinel: %v", err)
	}
	if strings.Contains(err.Error(), "not-the-key") {
		t.Errorf("error shows the API key: %v", err)
	}
}

func TestRetryUnknownFileIsNotFound(t *testing.T) {
	client, srv := setup(t, nil)
	seedFailed(srv)
	const unknown = "9c4e5f6a-7b8c-4d9e-8fa0-1b2c3d4e5f60"
	err := client.Files.Retry(context.Background(), []string{idA, unknown})
	var apiErr *writer.Error
	if !errors.Is(err, writer.ErrNotFound) || !errors.As(err, &apiErr) {
		t.Fatalf("Retry = %v, want *Error matching ErrNotFound", err)
	}
	if apiErr.Key != "fail.notFound.resource" || apiErr.Description == "" || apiErr.Type == "" {
		t.Errorf("fail_response not parsed: type %q key %q description %q", apiErr.Type, apiErr.Key, apiErr.Description)
	}
	if !strings.Contains(err.Error(), "404") || !strings.Contains(err.Error(), "gatewayRetryFailedFiles") {
		t.Errorf("Error() = %q, want operation and status", err)
	}
}

func TestRetryNonJSONErrorBody(t *testing.T) {
	client, srv := setup(t, nil, writer.WithMaxRetries(0))
	seedFailed(srv)
	html := "<html><body><h1>502 Bad Gateway</h1></body></html>"
	srv.FailNext(1, writertest.Fault{Status: http.StatusBadGateway, Header: http.Header{"Content-Type": {"text/html"}}, Body: html})

	err := client.Files.Retry(context.Background(), []string{idA})
	var apiErr *writer.Error
	if !errors.As(err, &apiErr) || !errors.Is(err, writer.ErrServer) {
		t.Fatalf("Retry = %v, want *Error matching ErrServer", err)
	}
	if apiErr.StatusCode != http.StatusBadGateway || string(apiErr.Body) != html || apiErr.Type != "" {
		t.Errorf("got status %d body %q type %q", apiErr.StatusCode, apiErr.Body, apiErr.Type)
	}
	if !strings.Contains(err.Error(), "502 Bad Gateway") {
		t.Errorf("Error() = %q, want an excerpt of the body", err)
	}
}

func TestRetrySuccessFalseIsAnError(t *testing.T) {
	client, srv := setup(t, nil)
	seedFailed(srv)
	srv.FailNext(1, writertest.Fault{Status: http.StatusOK, Header: http.Header{"Content-Type": {"application/json"}}, Body: `{"success":false}`})

	err := client.Files.Retry(context.Background(), []string{idA})
	var apiErr *writer.Error
	if !errors.Is(err, writer.ErrRetryNotAccepted) || !errors.As(err, &apiErr) {
		t.Fatalf("Retry = %v, want *Error matching ErrRetryNotAccepted", err)
	}
	if apiErr.StatusCode != http.StatusOK {
		t.Errorf("StatusCode = %d, want 200", apiErr.StatusCode)
	}
}

func TestRetryAbsentSuccessIsAccepted(t *testing.T) {
	client, srv := setup(t, nil)
	seedFailed(srv)
	srv.FailNext(1, writertest.Fault{Status: http.StatusOK, Header: http.Header{"Content-Type": {"application/json"}}, Body: `{}`})
	if err := client.Files.Retry(context.Background(), []string{idA}); err != nil {
		t.Fatalf("Retry with {} = %v, want nil (success is optional in the spec)", err)
	}
}

func TestRetryMalformedJSONKeepsStatus(t *testing.T) {
	client, srv := setup(t, nil)
	seedFailed(srv)
	srv.FailNext(1, writertest.Fault{Status: http.StatusOK, Header: http.Header{"Content-Type": {"text/plain"}}, Body: `{"success": tru`})
	err := client.Files.Retry(context.Background(), []string{idA})
	var apiErr *writer.Error
	if !errors.Is(err, writer.ErrInvalidResponse) || !errors.As(err, &apiErr) || apiErr.StatusCode != http.StatusOK {
		t.Fatalf("Retry = %v, want *Error with status 200 matching ErrInvalidResponse", err)
	}
}
