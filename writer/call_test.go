package writer

import (
	"context"
	"errors"
	"io"
	"net"
	"net/http"
	"net/http/httptest"
	"strings"
	"sync"
	"syscall"
	"testing"
	"time"

	"github.com/writerfiles/writer-go/api"
)

// upload is a fake upload server: it answers each request with the next of statuses (then
// 200) and records the bodies it read.
type upload struct {
	mu       sync.Mutex
	statuses []int
	header   http.Header // sent with every non-200 answer
	bodies   []string
}

func (u *upload) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	body, _ := io.ReadAll(r.Body)
	u.mu.Lock()
	u.bodies = append(u.bodies, string(body))
	status := http.StatusOK
	if len(u.statuses) > 0 {
		status, u.statuses = u.statuses[0], u.statuses[1:]
	}
	u.mu.Unlock()
	if status != http.StatusOK {
		for k, v := range u.header {
			w.Header()[k] = v
		}
	}
	w.WriteHeader(status)
	_, _ = io.WriteString(w, `{"id":"x","name":"a.pdf","created_at":"2026-05-01T12:00:00Z","graph_ids":[],"status":"in_progress"}`)
}

func (u *upload) attempts() []string {
	u.mu.Lock()
	defer u.mu.Unlock()
	return append([]string(nil), u.bodies...)
}

// testClient returns an unpaced client of url with millisecond waits and 3 retries over
// transport (nil: a fresh one).
func testClient(t *testing.T, url string, transport http.RoundTripper) *Client {
	t.Helper()
	if transport == nil {
		tr := &http.Transport{}
		t.Cleanup(tr.CloseIdleConnections)
		transport = tr
	}
	c, err := NewClient(WithAPIKey("k"), WithBaseURL(url), WithHTTPClient(&http.Client{Transport: transport}), WithMaxRetries(3), WithRequestsPerMinute(NoRateLimit),
		WithRetryPolicy(RetryPolicy{BaseDelay: time.Millisecond, MaxDelay: 2 * time.Millisecond, MaxRetryAfter: time.Second}))
	if err != nil {
		t.Fatal(err)
	}
	return c
}

// outcome is what the loop returned for an operation: the attempts it made, the last status
// (0 for none), and the error, an *Error, for anything but a 2xx.
type outcome struct {
	attempts, status int
	err              *Error
}

// reason is the stop reason the error carries, or nil.
func (o outcome) reason() error {
	if o.err == nil {
		return nil
	}
	return o.err.Err
}

// run runs op through c's loop, reading and closing a 2xx body.
func run(t *testing.T, c *Client, op *operation) outcome {
	t.Helper()
	r, err := c.do(t.Context(), op)
	if err != nil {
		var e *Error
		if !errors.As(err, &e) {
			t.Fatalf("do: %v (%T), want *Error", err, err)
		}
		return outcome{attempts: e.Attempts, status: e.StatusCode, err: e}
	}
	_, _ = io.Copy(io.Discard, r.resp.Body)
	r.resp.Body.Close()
	return outcome{attempts: r.attempts, status: r.resp.StatusCode}
}

// doUpload runs an upload of body through c's loop, as Upload does.
func doUpload(t *testing.T, c *Client, body io.Reader) outcome {
	t.Helper()
	src, err := uploadBody(body, int64(len("file bytes")), false)
	if err != nil {
		t.Fatal(err)
	}
	params := api.GatewayUploadFileParams{ContentDisposition: contentDisposition("a.pdf"), ContentType: "application/pdf", ContentLength: src.size}
	return run(t, c, c.Files.uploadOperation(&params, "application/pdf", src))
}

// get is an operation that sends GET url, a safe request.
func get(url string) *operation {
	return &operation{id: opGet, request: func(int) (*http.Request, error) {
		return http.NewRequestWithContext(context.Background(), http.MethodGet, url, nil)
	}}
}

// post is an operation that sends POST url with a JSON body, a safe request (as retry is).
func post(url string) *operation {
	return &operation{id: opRetry, request: func(int) (*http.Request, error) {
		return http.NewRequestWithContext(context.Background(), http.MethodPost, url, strings.NewReader(`{}`))
	}}
}

// nonRewindable hides the strings.Reader's Seek and ReadAt, so the upload cannot replay it.
func nonRewindable(s string) io.Reader { return io.MultiReader(strings.NewReader(s)) }

func TestUploadRewindableBodyIsReplayed(t *testing.T) {
	u := &upload{statuses: []int{http.StatusTooManyRequests, http.StatusTooManyRequests}}
	srv := httptest.NewServer(u)
	defer srv.Close()

	o := doUpload(t, testClient(t, srv.URL, nil), strings.NewReader("file bytes"))
	if o.err != nil || o.status != http.StatusOK {
		t.Fatalf("do = %d, %v; want 200 after retries", o.status, o.err)
	}
	if got, want := strings.Join(u.attempts(), "|"), strings.TrimSuffix(strings.Repeat("file bytes|", 3), "|"); got != want {
		t.Errorf("bodies received = %q, want %q (the whole body on every attempt)", got, want)
	}
}

func TestUploadNonRewindableBodyGetsOneAttempt(t *testing.T) {
	u := &upload{statuses: []int{http.StatusTooManyRequests}}
	srv := httptest.NewServer(u)
	defer srv.Close()

	o := doUpload(t, testClient(t, srv.URL, nil), nonRewindable("file bytes"))
	if o.status != http.StatusTooManyRequests {
		t.Fatalf("do = %d, %v; want the 429", o.status, o.err)
	}
	if n := len(u.attempts()); n != 1 || o.attempts != 1 {
		t.Errorf("server got %d requests, call counted %d attempts; want 1", n, o.attempts)
	}
	if o.reason() == nil || !strings.Contains(o.reason().Error(), "cannot be replayed") {
		t.Errorf("stop reason = %v, want one saying the body cannot be replayed", o.reason())
	}
}

func TestUploadRetryRules(t *testing.T) {
	tests := []struct {
		name     string
		status   int
		header   http.Header
		attempts int
		why      string // substring of the stop reason, "" for none
	}{
		{"503 may have been processed", http.StatusServiceUnavailable, nil, 1, "may have been processed"},
		{"500 may have been processed", http.StatusInternalServerError, nil, 1, "may have been processed"},
		{"408 may have been processed", http.StatusRequestTimeout, nil, 1, "may have been processed"},
		{"429 is retried", http.StatusTooManyRequests, nil, 2, ""},
		{"503 with x-should-retry true", http.StatusServiceUnavailable, http.Header{"X-Should-Retry": {"true"}}, 2, ""},
		{"429 with x-should-retry false", http.StatusTooManyRequests, http.Header{"X-Should-Retry": {"false"}}, 1, ""},
		{"400 is never retried", http.StatusBadRequest, nil, 1, ""},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			u := &upload{statuses: []int{tt.status}, header: tt.header}
			srv := httptest.NewServer(u)
			defer srv.Close()
			o := doUpload(t, testClient(t, srv.URL, nil), strings.NewReader("file bytes"))
			if o.status == 0 {
				t.Fatal(o.err)
			}
			if got := len(u.attempts()); got != tt.attempts || o.attempts != tt.attempts {
				t.Errorf("server got %d requests, call counted %d; want %d", got, o.attempts, tt.attempts)
			}
			switch {
			case tt.why == "" && o.reason() != nil:
				t.Errorf("stop reason = %v, want none", o.reason())
			case tt.why != "" && (o.reason() == nil || !strings.Contains(o.reason().Error(), tt.why)):
				t.Errorf("stop reason = %v, want %q", o.reason(), tt.why)
			}
		})
	}
}

// refuseFirst is a dialer whose first dial fails as a refused connection does.
type refuseFirst struct {
	mu    sync.Mutex
	dials int
}

func (r *refuseFirst) DialContext(ctx context.Context, network, addr string) (net.Conn, error) {
	r.mu.Lock()
	r.dials++
	n := r.dials
	r.mu.Unlock()
	if n == 1 {
		return nil, &net.OpError{Op: "dial", Net: network, Err: syscall.ECONNREFUSED}
	}
	return (&net.Dialer{}).DialContext(ctx, network, addr)
}

func TestUploadRetriedWhenConnectionRefused(t *testing.T) {
	u := &upload{}
	srv := httptest.NewServer(u)
	defer srv.Close()
	dialer := &refuseFirst{}
	tr := &http.Transport{DialContext: dialer.DialContext}
	defer tr.CloseIdleConnections()

	o := doUpload(t, testClient(t, srv.URL, tr), strings.NewReader("file bytes"))
	if o.err != nil || o.status != http.StatusOK {
		t.Fatalf("do = %d, %v; want 200 on the second attempt", o.status, o.err)
	}
	if o.attempts != 2 || len(u.attempts()) != 1 {
		t.Errorf("attempts = %d, server requests = %d; want 2 and 1", o.attempts, len(u.attempts()))
	}
}

func TestUploadNotRetriedWhenConnectionDropsAfterSending(t *testing.T) {
	var mu sync.Mutex
	requests := 0
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		_, _ = io.Copy(io.Discard, r.Body)
		mu.Lock()
		requests++
		mu.Unlock()
		conn, _, _ := http.NewResponseController(w).Hijack()
		conn.Close()
	}))
	defer srv.Close()

	o := doUpload(t, testClient(t, srv.URL, nil), strings.NewReader("file bytes"))
	if o.err == nil || !strings.Contains(o.err.Error(), "may have reached the server") {
		t.Fatalf("do error = %v, want one saying the upload may have reached the server", o.err)
	}
	mu.Lock()
	defer mu.Unlock()
	if o.attempts != 1 || requests != 1 {
		t.Errorf("attempts = %d, server requests = %d; want 1 and 1", o.attempts, requests)
	}
}

func TestSafeRequestRetriedWhenConnectionDrops(t *testing.T) {
	var mu sync.Mutex
	requests := 0
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		mu.Lock()
		requests++
		n := requests
		mu.Unlock()
		if n == 1 {
			conn, _, _ := http.NewResponseController(w).Hijack()
			conn.Close()
			return
		}
		w.WriteHeader(http.StatusOK)
	}))
	defer srv.Close()

	o := run(t, testClient(t, srv.URL, nil), post(srv.URL))
	if o.err != nil {
		t.Fatalf("do = %v; want 200 on the second attempt", o.err)
	}
	if o.status != http.StatusOK {
		t.Fatalf("status = %d; want 200 on the second attempt", o.status)
	}
	if o.attempts != 2 {
		t.Errorf("attempts = %d, want 2", o.attempts)
	}
}

func TestSuccessIsNeverRetried(t *testing.T) {
	u := &upload{statuses: []int{http.StatusOK}, header: http.Header{"X-Should-Retry": {"true"}}}
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("X-Should-Retry", "true")
		u.ServeHTTP(w, r)
	}))
	defer srv.Close()
	o := run(t, testClient(t, srv.URL, nil), post(srv.URL))
	if o.err != nil {
		t.Fatal(o.err)
	}
	if o.attempts != 1 {
		t.Errorf("a 200 with x-should-retry: true took %d attempts, want 1", o.attempts)
	}
}

func TestAttemptTimeoutIsNotCanceled(t *testing.T) {
	release := make(chan struct{})
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		select {
		case <-release:
		case <-r.Context().Done():
		}
	}))
	defer srv.Close()
	defer close(release)
	c := testClient(t, srv.URL, nil)
	c.maxRetries = 1
	c.requestTimeout = 20 * time.Millisecond
	o := run(t, c, get(srv.URL))
	err := error(o.err)
	if !errors.Is(err, ErrAttemptTimeout) || !errors.Is(err, context.DeadlineExceeded) {
		t.Errorf("Do = %v, want ErrAttemptTimeout matching context.DeadlineExceeded", err)
	}
	if errors.Is(err, context.Canceled) {
		t.Errorf("an attempt timeout matches context.Canceled: %v", err)
	}
	var te interface{ Timeout() bool }
	if !errors.As(err, &te) || !te.Timeout() {
		t.Errorf("Do = %v, want an error reporting Timeout() true", err)
	}
	if o.attempts != 2 {
		t.Errorf("attempts = %d, want 2 (a timed-out attempt is retried)", o.attempts)
	}
}

func TestAttemptTimeoutDoesNotCoverBody(t *testing.T) {
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		w.WriteHeader(http.StatusOK)
		_, _ = io.WriteString(w, "first ")
		_ = http.NewResponseController(w).Flush()
		time.Sleep(100 * time.Millisecond) // five times the request timeout
		_, _ = io.WriteString(w, "second")
	}))
	defer srv.Close()
	c := testClient(t, srv.URL, nil)
	c.requestTimeout = 20 * time.Millisecond
	r, err := c.do(t.Context(), get(srv.URL))
	if err != nil {
		t.Fatal(err)
	}
	defer r.resp.Body.Close()
	body, err := io.ReadAll(r.resp.Body)
	if err != nil || string(body) != "first second" {
		t.Errorf("body = %q, %v; want the whole body: the timeout ends when the headers arrive", body, err)
	}
}

// causeless is a RoundTripper that waits for its request's context and returns ctx.Err()
// without the cause, as some third-party transports do.
type causeless struct{}

func (causeless) RoundTrip(req *http.Request) (*http.Response, error) {
	<-req.Context().Done()
	return nil, req.Context().Err()
}

func TestAttemptTimeoutReportedWithAnyTransport(t *testing.T) {
	c := testClient(t, "http://127.0.0.1:1", causeless{})
	c.maxRetries = 0
	c.requestTimeout = 10 * time.Millisecond
	err := error(run(t, c, get("http://127.0.0.1:1/")).err)
	if !errors.Is(err, ErrAttemptTimeout) || errors.Is(err, context.Canceled) {
		t.Errorf("Do = %v, want ErrAttemptTimeout and not context.Canceled", err)
	}
}

func TestTransportErrorsShowNoQueryValues(t *testing.T) {
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		hj, _ := w.(http.Hijacker)
		conn, _, _ := hj.Hijack()
		_ = conn.Close() // no answer: a transport error
	}))
	t.Cleanup(srv.Close)
	c := testClient(t, srv.URL, nil)
	_, err := c.Files.ListPage(context.Background(), &ListOptions{Status: StatusFailed, GraphID: "31a8b75a-9a90-432f-8861-942229125333"},
		Cursor{After: "6f1b2c3d-4e5f-4a6b-8c7d-8e9f0a1b2c3d"})
	if err == nil {
		t.Fatal("ListPage succeeded against a server that closes every connection")
	}
	for _, value := range []string{"failed", "31a8b75a", "6f1b2c3d"} {
		if strings.Contains(err.Error(), value) {
			t.Errorf("error %q shows the query value %q", err, value)
		}
	}
	if !strings.Contains(err.Error(), "graph_id=_") {
		t.Errorf("error %q does not name the query parameters", err)
	}
}
