package writer_test

import (
	"context"
	"errors"
	"io"
	"net/http"
	"net/http/httptest"
	"strings"
	"sync"
	"testing"

	"github.com/writerfiles/writer-go/writer"
	"github.com/writerfiles/writer-go/writertest"
)

// TestHeadersGoOnEveryRequest: WithHeader and WRITER_CUSTOM_HEADERS ("Name: value" lines,
// trimmed, blank lines skipped) add their headers to every request, retries included; an
// option replaces a variable's header of the same name in any case.
func TestHeadersGoOnEveryRequest(t *testing.T) {
	t.Setenv("WRITER_CUSTOM_HEADERS", "X-Tenant:  acme corp \n\nX-Trace: from-env\r\nx-gateway-token: t0k:en")
	client, srv := setup(t, nil, writer.WithHeader("x-trace", "from-option"), writer.WithHeader("X-Empty", ""))
	seedFailed(srv)
	ctx := context.Background()
	srv.FailNext(1, writertest.Fault{Status: http.StatusServiceUnavailable})
	if err := client.Files.Retry(ctx, []string{idA}); err != nil {
		t.Fatal(err)
	}
	if _, err := client.Files.Upload(ctx, writer.UploadParams{Name: "a.txt", Body: strings.NewReader("abc")}); err != nil {
		t.Fatal(err)
	}
	reqs := srv.Requests()
	if len(reqs) != 3 {
		t.Fatalf("got %d requests, want 3 (a retry, its retry, an upload)", len(reqs))
	}
	want := map[string][]string{"X-Tenant": {"acme corp"}, "X-Trace": {"from-option"}, "X-Gateway-Token": {"t0k:en"}, "X-Empty": {""}}
	for i, r := range reqs {
		for name, v := range want {
			if got := r.Header.Values(name); len(got) != 1 || got[0] != v[0] {
				t.Errorf("request %d (%s %s): %s = %q, want %q", i, r.Method, r.Path, name, got, v)
			}
		}
		if !r.Authorized || !strings.HasPrefix(r.Header.Get("User-Agent"), "writer-go/") {
			t.Errorf("request %d: the client's own headers are gone: authorized %v, User-Agent %q", i, r.Authorized, r.Header.Get("User-Agent"))
		}
	}
}

// TestBadHeadersAreRefusedBeforeAnyRequest: a name that is not a token or that the client
// sets itself, and a value with a control character, are an *InputError naming the header
// (never its value), from WithHeader or from WRITER_CUSTOM_HEADERS (with the line).
func TestBadHeadersAreRefusedBeforeAnyRequest(t *testing.T) {
	const secret = "v-SECRET-9"
	for _, tt := range []struct {
		name, header, value string
		reason              string
	}{
		{"authorization", "authorization", "Bearer " + secret, "is a header the client sets itself"},
		{"user agent", "User-Agent", secret, "is a header the client sets itself"},
		{"content type", "Content-Type", secret, "is a header the client sets itself"},
		{"content length", "content-length", "1", "is a header the client sets itself"},
		{"accept encoding", "Accept-Encoding", "identity", "is a header the client sets itself"},
		{"host", "HOST", "evil.example", "is a header the client sets itself"},
		{"space in name", "X Tenant", secret, "is not a header name: byte 1 is not a letter, digit or one of !#$%&'*+-.^_`|~"},
		{"non-ASCII name", "X-Tenänt", secret, "is not a header name: byte 5 is not a letter, digit or one of !#$%&'*+-.^_`|~"},
		{"empty name", "", secret, "has an empty header name"},
		{"CR LF in value", "X-Tenant", secret + "\r\nAuthorization: Bearer x", "has a value with a control character at byte 10"},
		{"NUL in value", "X-Tenant", secret + "\x00", "has a value with a control character at byte 10"},
	} {
		t.Run(tt.name, func(t *testing.T) {
			srv := writertest.NewServer(t)
			client, err := writer.NewClient(writer.WithBaseURL(srv.URL), writer.WithAPIKey(srv.APIKey), writer.WithHeader(tt.header, tt.value))
			var ie *writer.InputError
			if client != nil || !errors.As(err, &ie) || !errors.Is(err, writer.ErrInvalidInput) {
				t.Fatalf("NewClient = %v, %v; want an *InputError", client, err)
			}
			if ie.Field != "WithHeader" || ie.Index != -1 || ie.Reason != tt.reason {
				t.Errorf("got %+v, want Field WithHeader, Index -1, Reason %q", *ie, tt.reason)
			}
			if strings.Contains(printings(err), "SECRET") {
				t.Errorf("the error shows the value: %v", err)
			}
			if n := len(srv.Requests()); n != 0 {
				t.Errorf("the server got %d requests, want none", n)
			}
		})
	}
	for _, tt := range []struct{ env, reason string }{
		{"X-A: 1\nX-B " + secret, `is not a "Name: value" line`},
		{"X-A: 1\nAuthorization: Bearer " + secret, "is a header the client sets itself"},
		{"X-A: 1\n: " + secret, "has an empty header name"},
		{"X-A: 1\nX-B: a\x01" + secret, "has a value with a control character at byte 1"},
	} {
		t.Setenv("WRITER_CUSTOM_HEADERS", tt.env)
		_, err := writer.NewClient(writer.WithAPIKey("k"))
		var ie *writer.InputError
		if !errors.As(err, &ie) || ie.Field != "WRITER_CUSTOM_HEADERS" || ie.Index != 1 || ie.Reason != tt.reason {
			t.Errorf("WRITER_CUSTOM_HEADERS=%q: NewClient = %v; want an *InputError for line 1: %s", tt.env, err, tt.reason)
		}
		if strings.Contains(printings(err), "SECRET") {
			t.Errorf("WRITER_CUSTOM_HEADERS=%q: the error shows a value: %v", tt.env, err)
		}
	}
}

// headerRecorder records one header of each request and answers {"success": true}.
type headerRecorder struct {
	name string
	mu   sync.Mutex
	got  []string
}

func (h *headerRecorder) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	_, _ = io.Copy(io.Discard, r.Body)
	h.mu.Lock()
	h.got = append(h.got, r.Header.Get(h.name))
	h.mu.Unlock()
	w.Header().Set("Content-Type", "application/json")
	_, _ = io.WriteString(w, `{"success":true}`)
}

// TestHeadersStayOnTheAPIHost: as the API key, the caller's headers follow a redirect on
// the API host and are dropped on a redirect to any other host.
func TestHeadersStayOnTheAPIHost(t *testing.T) {
	api := writertest.NewServer(t)
	other := &headerRecorder{name: "X-Gateway-Token"}
	elsewhere := httptest.NewServer(other) // 127.0.0.1 too, another port: another host
	defer elsewhere.Close()
	client, err := writer.NewClient(writer.WithBaseURL(api.URL), writer.WithAPIKey(api.APIKey),
		writer.WithHeader("X-Gateway-Token", "gw-1"), writer.WithRequestsPerMinute(writer.NoRateLimit))
	if err != nil {
		t.Fatal(err)
	}
	seedFailed(api)
	api.FailNext(1, writertest.Fault{Status: http.StatusTemporaryRedirect, Header: http.Header{"Location": {api.URL + "/v1/files/retry"}}})
	api.FailNext(1, writertest.Fault{Status: http.StatusTemporaryRedirect, Header: http.Header{"Location": {elsewhere.URL + "/v1/files/retry"}}})
	for range 2 {
		if err := client.Files.Retry(context.Background(), []string{idA}); err != nil {
			t.Fatal(err)
		}
	}
	reqs := api.Requests()
	if len(reqs) != 3 {
		t.Fatalf("the API host got %d requests, want 3", len(reqs))
	}
	for i, r := range reqs {
		if got := r.Header.Get("X-Gateway-Token"); got != "gw-1" {
			t.Errorf("API request %d: X-Gateway-Token = %q, want gw-1", i, got)
		}
	}
	other.mu.Lock()
	defer other.mu.Unlock()
	if len(other.got) != 1 || other.got[0] != "" {
		t.Errorf("the other host got X-Gateway-Token %q, want one request without it", other.got)
	}
}
