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
	_, _ = io.WriteString(w, `{"id":"x"}`)
}

func (u *upload) attempts() []string {
	u.mu.Lock()
	defer u.mu.Unlock()
	return append([]string(nil), u.bodies...)
}

// testDoer returns a retry loop with millisecond waits over transport (nil: a fresh one).
func testDoer(t *testing.T, transport http.RoundTripper) *retryDoer {
	t.Helper()
	if transport == nil {
		tr := &http.Transport{}
		t.Cleanup(tr.CloseIdleConnections)
		transport = tr
	}
	return &retryDoer{
		hc:         &http.Client{Transport: transport},
		maxRetries: 3,
		policy:     RetryPolicy{BaseDelay: time.Millisecond, MaxDelay: 2 * time.Millisecond, MaxRetryAfter: time.Second},
	}
}

// doUpload sends a POST with body through d as an upload (unsafe) call, reading and
// closing the response.
func doUpload(t *testing.T, d *retryDoer, url string, body io.Reader) (c *call, status int, err error) {
	t.Helper()
	c = &call{op: "gatewayUploadFile", unsafe: true}
	req, err := http.NewRequestWithContext(withCall(t.Context(), c), http.MethodPost, url, body)
	if err != nil {
		t.Fatal(err)
	}
	resp, err := d.Do(req)
	if resp != nil {
		_, _ = io.Copy(io.Discard, resp.Body)
		resp.Body.Close()
		status = resp.StatusCode
	}
	return c, status, err
}

// nonRewindable hides the strings.Reader's Seek and ReadAt, so http.NewRequest sets no GetBody.
func nonRewindable(s string) io.Reader { return io.MultiReader(strings.NewReader(s)) }

func TestUploadRewindableBodyIsReplayed(t *testing.T) {
	u := &upload{statuses: []int{http.StatusTooManyRequests, http.StatusTooManyRequests}}
	srv := httptest.NewServer(u)
	defer srv.Close()

	_, status, err := doUpload(t, testDoer(t, nil), srv.URL, strings.NewReader("file bytes"))
	if err != nil || status != http.StatusOK {
		t.Fatalf("Do = %d, %v; want 200 after retries", status, err)
	}
	if got, want := strings.Join(u.attempts(), "|"), strings.TrimSuffix(strings.Repeat("file bytes|", 3), "|"); got != want {
		t.Errorf("bodies received = %q, want %q (the whole body on every attempt)", got, want)
	}
}

func TestUploadNonRewindableBodyGetsOneAttempt(t *testing.T) {
	u := &upload{statuses: []int{http.StatusTooManyRequests}}
	srv := httptest.NewServer(u)
	defer srv.Close()

	c, status, err := doUpload(t, testDoer(t, nil), srv.URL, nonRewindable("file bytes"))
	if err != nil || status != http.StatusTooManyRequests {
		t.Fatalf("Do = %d, %v; want the 429", status, err)
	}
	if n := len(u.attempts()); n != 1 || c.attempts != 1 {
		t.Errorf("server got %d requests, call counted %d attempts; want 1", n, c.attempts)
	}
	if c.stop == nil || !strings.Contains(c.stop.Error(), "cannot be replayed") {
		t.Errorf("stop reason = %v, want one saying the body cannot be replayed", c.stop)
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
			c, _, err := doUpload(t, testDoer(t, nil), srv.URL, strings.NewReader("file bytes"))
			if err != nil {
				t.Fatal(err)
			}
			if got := len(u.attempts()); got != tt.attempts || c.attempts != tt.attempts {
				t.Errorf("server got %d requests, call counted %d; want %d", got, c.attempts, tt.attempts)
			}
			switch {
			case tt.why == "" && c.stop != nil:
				t.Errorf("stop reason = %v, want none", c.stop)
			case tt.why != "" && (c.stop == nil || !strings.Contains(c.stop.Error(), tt.why)):
				t.Errorf("stop reason = %v, want %q", c.stop, tt.why)
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

	c, status, err := doUpload(t, testDoer(t, tr), srv.URL, strings.NewReader("file bytes"))
	if err != nil || status != http.StatusOK {
		t.Fatalf("Do = %d, %v; want 200 on the second attempt", status, err)
	}
	if c.attempts != 2 || len(u.attempts()) != 1 {
		t.Errorf("attempts = %d, server requests = %d; want 2 and 1", c.attempts, len(u.attempts()))
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

	c, _, err := doUpload(t, testDoer(t, nil), srv.URL, strings.NewReader("file bytes"))
	if err == nil || !strings.Contains(err.Error(), "may have reached the server") {
		t.Fatalf("Do error = %v, want one saying the upload may have reached the server", err)
	}
	mu.Lock()
	defer mu.Unlock()
	if c.attempts != 1 || requests != 1 {
		t.Errorf("attempts = %d, server requests = %d; want 1 and 1", c.attempts, requests)
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

	c := &call{op: opRetry}
	req, _ := http.NewRequestWithContext(withCall(context.Background(), c), http.MethodPost, srv.URL, strings.NewReader(`{}`))
	resp, err := testDoer(t, nil).Do(req)
	if err != nil {
		t.Fatalf("Do = %v; want 200 on the second attempt", err)
	}
	resp.Body.Close()
	if resp.StatusCode != http.StatusOK {
		t.Fatalf("status = %d; want 200 on the second attempt", resp.StatusCode)
	}
	if c.attempts != 2 {
		t.Errorf("attempts = %d, want 2", c.attempts)
	}
}

func TestSuccessIsNeverRetried(t *testing.T) {
	u := &upload{statuses: []int{http.StatusOK}, header: http.Header{"X-Should-Retry": {"true"}}}
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("X-Should-Retry", "true")
		u.ServeHTTP(w, r)
	}))
	defer srv.Close()
	c := &call{op: opRetry}
	req, _ := http.NewRequestWithContext(withCall(context.Background(), c), http.MethodPost, srv.URL, strings.NewReader(`{}`))
	resp, err := testDoer(t, nil).Do(req)
	if err != nil {
		t.Fatal(err)
	}
	resp.Body.Close()
	if c.attempts != 1 {
		t.Errorf("a 200 with x-should-retry: true took %d attempts, want 1", c.attempts)
	}
}

func TestRetryAfterParsing(t *testing.T) {
	now := time.Date(2026, 5, 1, 12, 0, 0, 0, time.UTC)
	longest := time.Duration(1<<63 - 1)
	tests := []struct {
		ms, after string
		want      time.Duration
	}{
		{"", "", 0},
		{"", "2", 2 * time.Second},
		{"", " 2 ", 2 * time.Second},
		{"", "1.5", 1500 * time.Millisecond},
		{"", "0", 0},
		{"", "-1", 0},
		{"", "+3", 0},
		{"", "1e3", 0},
		{"", "0x10", 0},
		{"", "NaN", 0},
		{"", "Inf", 0},
		{"", "abc", 0},
		{"", "99999999999999999999999", longest},
		{"", now.Add(90 * time.Second).Format(http.TimeFormat), 90 * time.Second},
		{"", now.Add(-time.Hour).Format(http.TimeFormat), 0},
		{"250", "10", 250 * time.Millisecond},
		{"1.5", "", 1500 * time.Microsecond},
		{"junk", "3", 3 * time.Second},
		{"1e400", "3", 3 * time.Second},
		{"99999999999999999999999", "", longest},
	}
	for _, tt := range tests {
		h := http.Header{}
		if tt.ms != "" {
			h.Set("Retry-After-Ms", tt.ms)
		}
		if tt.after != "" {
			h.Set("Retry-After", tt.after)
		}
		if got := retryAfter(h, now); got != tt.want {
			t.Errorf("retryAfter(retry-after-ms %q, Retry-After %q) = %v, want %v", tt.ms, tt.after, got, tt.want)
		}
	}
}

func TestBackoffScheduleAndJitter(t *testing.T) {
	d := &retryDoer{policy: withPolicyDefaults(RetryPolicy{})}
	steps := []time.Duration{500 * time.Millisecond, time.Second, 2 * time.Second, 4 * time.Second, 8 * time.Second, 8 * time.Second}
	for i, step := range append(steps, make([]time.Duration, 60)...) {
		if step == 0 {
			step = 8 * time.Second // every later step is capped
		}
		seen := map[time.Duration]bool{}
		for range 50 {
			w := d.backoff(i + 1)
			if w < step*3/4 || w > step {
				t.Fatalf("backoff(%d) = %v, want within [%v, %v]", i+1, w, step*3/4, step)
			}
			seen[w] = true
		}
		if len(seen) < 2 {
			t.Errorf("backoff(%d) gave one value in 50 draws: no jitter", i+1)
		}
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
	d := testDoer(t, nil)
	d.maxRetries = 1
	d.requestTimeout = 20 * time.Millisecond
	c := &call{op: opRetry}
	req, _ := http.NewRequestWithContext(withCall(context.Background(), c), http.MethodGet, srv.URL, nil)
	resp, err := d.Do(req)
	if resp != nil {
		resp.Body.Close()
	}
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
	if c.attempts != 2 {
		t.Errorf("attempts = %d, want 2 (a timed-out attempt is retried)", c.attempts)
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
	d := testDoer(t, nil)
	d.requestTimeout = 20 * time.Millisecond
	req, _ := http.NewRequestWithContext(t.Context(), http.MethodGet, srv.URL, nil)
	resp, err := d.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	body, err := io.ReadAll(resp.Body)
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
	d := testDoer(t, causeless{})
	d.maxRetries = 0
	d.requestTimeout = 10 * time.Millisecond
	req, _ := http.NewRequestWithContext(t.Context(), http.MethodGet, "http://127.0.0.1:1/", nil)
	resp, err := d.Do(req)
	if resp != nil {
		resp.Body.Close()
	}
	if !errors.Is(err, ErrAttemptTimeout) || errors.Is(err, context.Canceled) {
		t.Errorf("Do = %v, want ErrAttemptTimeout and not context.Canceled", err)
	}
}
