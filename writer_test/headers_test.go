package writer_test

import (
	"context"
	"errors"
	"io"
	"log/slog"
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
		{"range", "Range", "bytes=0-9", "asks for part of a body, which a download would take for the whole file"},
		{"if-range", "if-range", `"etag"`, "asks for part of a body, which a download would take for the whole file"},
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
		{"X-A: 1\nX-B " + secret, `is not a "Name: value" line: it has no colon`},
		{"X-A: 1\nX-Token=" + secret + ":x", "has no header name before its first colon: byte 7 of it is not a letter, digit or one of !#$%&'*+-.^_`|~"},
		{"X-A: 1\nRange: bytes=0-9", "asks for part of a body, which a download would take for the whole file"},
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

// TestHeaderValuesEchoedByServerNeverShown: the values of the caller's headers (WithHeader
// and WRITER_CUSTOM_HEADERS) of 8 bytes or more are redacted like the API key wherever a
// server's echo could show them: the request id, Writer's error description, the body, a
// transport error quoting a malformed answer, and the debug log. A shorter value is left
// as it is, so that ordinary text keeps its words.
func TestHeaderValuesEchoedByServerNeverShown(t *testing.T) {
	const optionSecret, envSecret = "gw-SECRET-token-777", "env-SECRET-tenant"
	t.Setenv("WRITER_CUSTOM_HEADERS", "X-Tenant-Token: "+envSecret)
	echo := func(r *http.Request) string {
		return r.Header.Get("X-Gateway-Token") + " " + r.Header.Get("X-Tenant-Token") + " region " + r.Header.Get("X-Region")
	}
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("X-Request-Id", echo(r))
		w.Header().Set("Content-Type", "application/json")
		w.WriteHeader(http.StatusUnauthorized)
		_, _ = io.WriteString(w, `{"tpe":"fail.auth","errors":[{"key":"fail.auth","description":"bad token `+echo(r)+`"}]}`)
	}))
	t.Cleanup(srv.Close)
	// A raw server whose answer is a malformed header line holding the values.
	raw := httptest.NewUnstartedServer(nil)
	raw.Config.Handler = http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		hj, ok := w.(http.Hijacker)
		if !ok {
			return
		}
		conn, buf, err := hj.Hijack()
		if err != nil {
			return
		}
		defer conn.Close()
		_, _ = buf.WriteString("HTTP/1.1 200 OK\r\n" + echo(r) + "\r\n\r\n")
		_ = buf.Flush()
	})
	raw.Start()
	t.Cleanup(raw.Close)

	var logs strings.Builder
	logger := slog.New(slog.NewTextHandler(&logs, &slog.HandlerOptions{Level: slog.LevelDebug}))
	var errs []error
	for _, base := range []string{srv.URL, raw.URL} {
		client, err := writer.NewClient(writer.WithBaseURL(base), writer.WithAPIKey("test-key"), writer.WithLogger(logger),
			writer.WithHeader("X-Gateway-Token", optionSecret), writer.WithHeader("X-Region", "eu-west"),
			writer.WithMaxRetries(0), writer.WithRequestsPerMinute(writer.NoRateLimit))
		if err != nil {
			t.Fatal(err)
		}
		_, err = client.Files.Get(t.Context(), idA)
		errs = append(errs, err)
	}
	var apiErr *writer.Error
	if !errors.As(errs[0], &apiErr) || apiErr.StatusCode != http.StatusUnauthorized {
		t.Fatalf("Get = %v, want the server's 401", errs[0])
	}
	if want := "[redacted] [redacted] region eu-west"; apiErr.RequestID != want || apiErr.Description != "bad token "+want {
		t.Errorf("RequestID %q, Description %q; want the long values redacted and the short one kept: %q", apiErr.RequestID, apiErr.Description, want)
	}
	if errs[1] == nil {
		t.Fatal("Get from a malformed answer: no error")
	}
	for i, err := range errs {
		if s := printings(err) + string(apiErr.Body); strings.Contains(s, "SECRET") {
			t.Errorf("error %d shows a header value: %s", i, s)
		}
	}
	if strings.Contains(logs.String(), "SECRET") {
		t.Errorf("debug log shows a header value:\n%s", logs.String())
	}
}

// TestWithoutEnvironmentReadsNoVariable: with writer.WithoutEnvironment, NewClient reads
// neither WRITER_CUSTOM_HEADERS (a malformed one is no error, a good one adds nothing) nor
// WRITER_API_KEY; writertest.Server.Client builds such a client.
func TestWithoutEnvironmentReadsNoVariable(t *testing.T) {
	srv := writertest.NewServer(t)
	seedFailed(srv)
	t.Setenv("WRITER_API_KEY", srv.APIKey)
	t.Setenv("WRITER_CUSTOM_HEADERS", "bad line")
	if _, err := writer.NewClient(writer.WithBaseURL(srv.URL)); !errors.Is(err, writer.ErrInvalidInput) {
		t.Fatalf("NewClient with a malformed WRITER_CUSTOM_HEADERS = %v, want ErrInvalidInput", err)
	}
	_, err := writer.NewClient(writer.WithoutEnvironment(), writer.WithBaseURL(srv.URL))
	var ie *writer.InputError
	if !errors.As(err, &ie) || ie.Field != "API key" {
		t.Fatalf("NewClient(WithoutEnvironment) without WithAPIKey = %v, want an *InputError for the missing key", err)
	}
	if err := srv.Client().Files.Retry(t.Context(), []string{idA}); err != nil {
		t.Fatalf("Server.Client with a malformed WRITER_CUSTOM_HEADERS: %v", err)
	}
	t.Setenv("WRITER_CUSTOM_HEADERS", "X-From-Env: 1")
	if err := srv.Client().Files.Retry(t.Context(), []string{idA}); err != nil {
		t.Fatal(err)
	}
	for i, r := range srv.Requests() {
		if v := r.Header.Get("X-From-Env"); v != "" {
			t.Errorf("request %d carries X-From-Env %q from the environment", i, v)
		}
	}
}
