package writer_test

import (
	"context"
	"errors"
	"io"
	"net/http"
	"net/url"
	"strings"
	"sync"
	"testing"
	"testing/synctest"
	"time"

	"github.com/writerfiles/writer-go/writer"
	"github.com/writerfiles/writer-go/writertest"
)

// The fault suite: the real client against writertest with injected faults. Tests where
// time matters run in a testing/synctest bubble, whose clock only moves when every goroutine
// in it waits, so waits of seconds or hours take no real time and elapsed times are exact.

// bubbleClient returns a spec-validated client for srv for use inside a synctest bubble. Its
// transport keeps no idle connections: a connection waiting in the pool would block on the
// network, which stops the bubble's clock.
func bubbleClient(t *testing.T, srv *writertest.Server, opts ...writer.Option) *writer.Client {
	t.Helper()
	transport := &http.Transport{DisableKeepAlives: true}
	all := append([]writer.Option{
		writer.WithBaseURL(srv.URL),
		writer.WithAPIKey(srv.APIKey),
		writer.WithHTTPClient(&http.Client{Transport: newSpecTransport(t, srv.URL, transport)}),
		writer.WithRequestsPerMinute(writer.NoRateLimit),
	}, opts...)
	client, err := writer.NewClient(all...)
	if err != nil {
		t.Fatalf("NewClient: %v", err)
	}
	return client
}

// asError returns err as *writer.Error, failing the test if it is not one.
func asError(t *testing.T, err error) *writer.Error {
	t.Helper()
	var apiErr *writer.Error
	if !errors.As(err, &apiErr) {
		t.Fatalf("error %v (%T) is not a *writer.Error", err, err)
	}
	return apiErr
}

// failBody is Writer's fail_response with the given description.
func failBody(tpe, key, description string) string {
	return `{"tpe":"` + tpe + `","errors":[{"description":"` + description + `","key":"` + key + `","extras":{}}],"extras":{}}`
}

var jsonHeader = http.Header{"Content-Type": {"application/json"}}

func TestFaultRetriedStatuses(t *testing.T) {
	for _, status := range []int{408, 409, 429, 500, 502, 503, 504, 507} {
		t.Run(http.StatusText(status), func(t *testing.T) {
			client, srv := setup(t, nil)
			seedFailed(srv)
			srv.FailNext(2, writertest.Fault{Status: status})
			if err := client.Files.Retry(context.Background(), []string{idA}); err != nil {
				t.Fatalf("Retry after two %d answers = %v, want nil", status, err)
			}
			if got := len(srv.Requests()); got != 3 {
				t.Errorf("server got %d requests, want 3", got)
			}
		})
	}
}

func TestFaultNotRetriedStatuses(t *testing.T) {
	for _, status := range []int{400, 401, 403, 404, 410, 413, 422} {
		t.Run(http.StatusText(status), func(t *testing.T) {
			client, srv := setup(t, nil)
			seedFailed(srv)
			srv.FailNext(1, writertest.Fault{Status: status, Header: jsonHeader, Body: failBody("fail.x", "fail.x.y", "no")})
			err := client.Files.Retry(context.Background(), []string{idA})
			apiErr := asError(t, err)
			if apiErr.StatusCode != status || apiErr.Attempts != 1 {
				t.Errorf("got status %d after %d attempts, want %d after 1", apiErr.StatusCode, apiErr.Attempts, status)
			}
			if got := len(srv.Requests()); got != 1 {
				t.Errorf("server got %d requests, want 1", got)
			}
		})
	}
}

func TestFaultShouldRetryHeaderOverridesStatus(t *testing.T) {
	tests := []struct {
		name     string
		status   int
		value    string
		requests int
	}{
		{"503 false", http.StatusServiceUnavailable, "false", 1},
		{"429 FALSE", http.StatusTooManyRequests, "FALSE", 1},
		{"400 true", http.StatusBadRequest, "true", 2},
		{"404 true", http.StatusNotFound, "true", 2},
		{"503 other value", http.StatusServiceUnavailable, "maybe", 2},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			client, srv := setup(t, nil)
			seedFailed(srv)
			srv.FailNext(1, writertest.Fault{Status: tt.status, Header: http.Header{"X-Should-Retry": {tt.value}}})
			_ = client.Files.Retry(context.Background(), []string{idA})
			if got := len(srv.Requests()); got != tt.requests {
				t.Errorf("server got %d requests, want %d", got, tt.requests)
			}
		})
	}
}

func TestFaultLastResponseIsReported(t *testing.T) {
	client, srv := setup(t, nil, writer.WithMaxRetries(2))
	seedFailed(srv)
	srv.FailNext(1, writertest.Fault{Status: http.StatusServiceUnavailable, Header: http.Header{"X-Request-Id": {"req-1"}}, Body: "first"})
	last := failBody("fail.internalServerError", "fail.internalServerError.generic", "disk on fire")
	srv.FailNext(2, writertest.Fault{Status: http.StatusBadGateway,
		Header: http.Header{"Content-Type": {"application/json"}, "X-Request-Id": {"req-3"}, "Retry-After-Ms": {"2"}}, Body: last})

	err := client.Files.Retry(context.Background(), []string{idA})
	apiErr := asError(t, err)
	if apiErr.StatusCode != http.StatusBadGateway || string(apiErr.Body) != last || apiErr.RequestID != "req-3" ||
		apiErr.Attempts != 3 || apiErr.RetryAfter != 2*time.Millisecond {
		t.Errorf("got status %d body %q request id %q attempts %d retry-after %v; want the last: 502, %q, req-3, 3, 2ms",
			apiErr.StatusCode, apiErr.Body, apiErr.RequestID, apiErr.Attempts, apiErr.RetryAfter, last)
	}
	if apiErr.Type != "fail.internalServerError" || apiErr.Key != "fail.internalServerError.generic" || apiErr.Description != "disk on fire" {
		t.Errorf("fail_response not parsed: type %q key %q description %q", apiErr.Type, apiErr.Key, apiErr.Description)
	}
	if !errors.Is(err, writer.ErrServer) || errors.Is(err, writer.ErrRateLimited) {
		t.Errorf("errors.Is: ErrServer %v, ErrRateLimited %v; want true, false", errors.Is(err, writer.ErrServer), errors.Is(err, writer.ErrRateLimited))
	}
	for _, want := range []string{"gatewayRetryFailedFiles", "502", "fail.internalServerError.generic", "disk on fire", "after 3 attempts", "req-3"} {
		if !strings.Contains(err.Error(), want) {
			t.Errorf("Error() = %q does not contain %q", err, want)
		}
	}
}

func TestFaultMaxRetriesZeroSendsOnce(t *testing.T) {
	client, srv := setup(t, nil, writer.WithMaxRetries(0))
	seedFailed(srv)
	srv.FailNext(1, writertest.Fault{Status: http.StatusServiceUnavailable})
	err := client.Files.Retry(context.Background(), []string{idA})
	if apiErr := asError(t, err); apiErr.Attempts != 1 || len(srv.Requests()) != 1 {
		t.Errorf("attempts %d, requests %d; want 1 and 1", apiErr.Attempts, len(srv.Requests()))
	}
}

func TestFaultMaxRetriesBoundsAttempts(t *testing.T) {
	client, srv := setup(t, nil, writer.WithMaxRetries(3))
	seedFailed(srv)
	srv.FailNext(10, writertest.Fault{Status: http.StatusServiceUnavailable})
	err := client.Files.Retry(context.Background(), []string{idA})
	if apiErr := asError(t, err); apiErr.Attempts != 4 || len(srv.Requests()) != 4 {
		t.Errorf("attempts %d, requests %d; want 4 and 4", apiErr.Attempts, len(srv.Requests()))
	}
}

func TestFaultRetryAfterIsHonoured(t *testing.T) {
	tests := []struct {
		name    string
		header  http.Header
		elapsed time.Duration
	}{
		{"Retry-After seconds", http.Header{"Retry-After": {"2"}}, 4 * time.Second},
		{"Retry-After fraction", http.Header{"Retry-After": {"0.25"}}, 500 * time.Millisecond},
		{"retry-after-ms first", http.Header{"Retry-After-Ms": {"1500"}, "Retry-After": {"30"}}, 3 * time.Second},
		{"up to the cap", http.Header{"Retry-After": {"60"}}, 2 * time.Minute},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			srv := writertest.NewServer(t)
			seedFailed(srv)
			srv.FailNext(2, writertest.Fault{Status: http.StatusServiceUnavailable, Header: tt.header})
			synctest.Test(t, func(t *testing.T) {
				client := bubbleClient(t, srv)
				start := time.Now()
				if err := client.Files.Retry(context.Background(), []string{idA}); err != nil {
					t.Fatalf("Retry = %v", err)
				}
				if elapsed := time.Since(start); elapsed != tt.elapsed {
					t.Errorf("elapsed %v, want %v (two waits the server asked for)", elapsed, tt.elapsed)
				}
			})
			if got := len(srv.Requests()); got != 3 {
				t.Errorf("server got %d requests, want 3", got)
			}
		})
	}
}

func TestFaultDefaultBackoff(t *testing.T) {
	srv := writertest.NewServer(t)
	seedFailed(srv)
	srv.FailNext(10, writertest.Fault{Status: http.StatusServiceUnavailable})
	synctest.Test(t, func(t *testing.T) {
		client := bubbleClient(t, srv)
		start := time.Now()
		err := client.Files.Retry(context.Background(), []string{idA})
		elapsed := time.Since(start)
		if apiErr := asError(t, err); apiErr.Attempts != 5 {
			t.Errorf("attempts %d, want 5 (4 retries by default)", apiErr.Attempts)
		}
		// 0.5 s doubling: 0.5 + 1 + 2 + 4 = 7.5 s, each wait less up to 25% jitter.
		if lo, hi := 5625*time.Millisecond, 7500*time.Millisecond; elapsed < lo || elapsed > hi {
			t.Errorf("elapsed %v, want within [%v, %v]", elapsed, lo, hi)
		}
	})
}

func TestFaultRetryAfterAboveCapEndsAtOnce(t *testing.T) {
	for _, status := range []int{http.StatusTooManyRequests, http.StatusServiceUnavailable} {
		t.Run(http.StatusText(status), func(t *testing.T) {
			srv := writertest.NewServer(t)
			seedFailed(srv)
			srv.FailNext(1, writertest.Fault{Status: status, Header: http.Header{"Retry-After": {"3600"}}})
			synctest.Test(t, func(t *testing.T) {
				client := bubbleClient(t, srv, writer.WithRetryPolicy(writer.RetryPolicy{MaxRetryAfter: time.Minute}))
				start := time.Now()
				err := client.Files.Retry(context.Background(), []string{idA})
				if elapsed := time.Since(start); elapsed != 0 {
					t.Errorf("elapsed %v, want 0 (no sleeping for an hour)", elapsed)
				}
				apiErr := asError(t, err)
				if !errors.Is(err, writer.ErrRateLimited) || apiErr.RetryAfter != time.Hour || apiErr.Attempts != 1 || apiErr.StatusCode != status {
					t.Errorf("got %v: RetryAfter %v, attempts %d, status %d; want ErrRateLimited, 1h, 1, %d",
						err, apiErr.RetryAfter, apiErr.Attempts, apiErr.StatusCode, status)
				}
			})
		})
	}
}

func TestFaultRetryAfterBeyondDeadlineEndsAtOnce(t *testing.T) {
	srv := writertest.NewServer(t)
	seedFailed(srv)
	srv.FailNext(1, writertest.Fault{Status: http.StatusTooManyRequests, Header: http.Header{"Retry-After": {"30"}}})
	synctest.Test(t, func(t *testing.T) {
		client := bubbleClient(t, srv)
		ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
		defer cancel()
		start := time.Now()
		err := client.Files.Retry(ctx, []string{idA})
		if elapsed := time.Since(start); elapsed != 0 {
			t.Errorf("elapsed %v, want 0: the 30 s wait cannot fit in the 10 s left", elapsed)
		}
		apiErr := asError(t, err)
		if !errors.Is(err, writer.ErrRateLimited) || apiErr.RetryAfter != 30*time.Second || apiErr.Attempts != 1 {
			t.Errorf("got %v: RetryAfter %v attempts %d; want ErrRateLimited, 30s, 1", err, apiErr.RetryAfter, apiErr.Attempts)
		}
		if errors.Is(err, context.DeadlineExceeded) || ctx.Err() != nil {
			t.Errorf("the call waited for the deadline: %v", err)
		}
	})
}

func TestFaultBackoffBeyondDeadlineEndsAtOnce(t *testing.T) {
	srv := writertest.NewServer(t)
	seedFailed(srv)
	srv.FailNext(1, writertest.Fault{Status: http.StatusServiceUnavailable})
	synctest.Test(t, func(t *testing.T) {
		client := bubbleClient(t, srv, writer.WithRetryPolicy(writer.RetryPolicy{BaseDelay: time.Minute, MaxDelay: time.Minute}))
		ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
		defer cancel()
		start := time.Now()
		err := client.Files.Retry(ctx, []string{idA})
		if elapsed := time.Since(start); elapsed != 0 {
			t.Errorf("elapsed %v, want 0", elapsed)
		}
		apiErr := asError(t, err)
		if apiErr.StatusCode != http.StatusServiceUnavailable || apiErr.Attempts != 1 || errors.Is(err, writer.ErrRateLimited) {
			t.Errorf("got %v: want the 503 after 1 attempt, not ErrRateLimited", err)
		}
	})
}

func TestFaultCancelDuringBackoff(t *testing.T) {
	srv := writertest.NewServer(t)
	seedFailed(srv)
	srv.FailNext(1, writertest.Fault{Status: http.StatusServiceUnavailable, Header: http.Header{"X-Request-Id": {"req-1"}}, Body: "busy"})
	synctest.Test(t, func(t *testing.T) {
		client := bubbleClient(t, srv, writer.WithRetryPolicy(writer.RetryPolicy{BaseDelay: time.Hour, MaxDelay: time.Hour}))
		ctx, cancel := context.WithCancel(context.Background())
		start := time.Now()
		var err error
		done := make(chan struct{})
		go func() {
			err = client.Files.Retry(ctx, []string{idA})
			close(done)
		}()
		synctest.Wait() // the call sleeps in its backoff
		cancel()
		<-done
		if elapsed := time.Since(start); elapsed != 0 {
			t.Errorf("elapsed %v, want 0: cancelling stops the backoff at once", elapsed)
		}
		if !errors.Is(err, context.Canceled) {
			t.Errorf("Retry = %v, want context.Canceled reachable with errors.Is", err)
		}
		apiErr := asError(t, err)
		if apiErr.Attempts != 1 || apiErr.StatusCode != http.StatusServiceUnavailable || string(apiErr.Body) != "busy" || apiErr.RequestID != "req-1" {
			t.Errorf("got attempts %d status %d body %q request id %q; want 1, 503, busy, req-1",
				apiErr.Attempts, apiErr.StatusCode, apiErr.Body, apiErr.RequestID)
		}
	})
	if got := len(srv.Requests()); got != 1 {
		t.Errorf("server got %d requests, want 1", got)
	}
}

func TestFaultCancelDuringBackoffAfterConnectionError(t *testing.T) {
	srv := writertest.NewServer(t)
	seedFailed(srv)
	srv.FailNext(1, writertest.Fault{Drop: writertest.DropAfterRead})
	synctest.Test(t, func(t *testing.T) {
		client := bubbleClient(t, srv, writer.WithRetryPolicy(writer.RetryPolicy{BaseDelay: time.Hour, MaxDelay: time.Hour}))
		ctx, cancel := context.WithCancel(context.Background())
		var err error
		done := make(chan struct{})
		go func() {
			err = client.Files.Retry(ctx, []string{idA})
			close(done)
		}()
		synctest.Wait()
		cancel()
		<-done
		var urlErr *url.Error
		if !errors.Is(err, context.Canceled) || !errors.As(err, &urlErr) {
			t.Errorf("Retry = %v, want context.Canceled and the last attempt's *url.Error both reachable", err)
		}
		if apiErr := asError(t, err); apiErr.Attempts != 1 || apiErr.StatusCode != 0 {
			t.Errorf("attempts %d status %d, want 1 and 0", apiErr.Attempts, apiErr.StatusCode)
		}
	})
}

func TestFaultAttemptTimeoutIsRetried(t *testing.T) {
	client, srv := setup(t, nil, writer.WithRequestTimeout(20*time.Millisecond))
	seedFailed(srv)
	srv.FailNext(1, writertest.Fault{Delay: time.Minute, Status: http.StatusOK})
	if err := client.Files.Retry(context.Background(), []string{idA}); err != nil {
		t.Fatalf("Retry = %v, want nil after a timed-out attempt", err)
	}
	if got := len(srv.Requests()); got != 2 {
		t.Errorf("server got %d requests, want 2", got)
	}
}

func TestFaultAttemptTimeoutExhausted(t *testing.T) {
	client, srv := setup(t, nil, writer.WithRequestTimeout(20*time.Millisecond), writer.WithMaxRetries(2))
	seedFailed(srv)
	srv.FailNext(3, writertest.Fault{Delay: time.Minute})
	err := client.Files.Retry(context.Background(), []string{idA})
	if !errors.Is(err, writer.ErrAttemptTimeout) || !errors.Is(err, context.DeadlineExceeded) || errors.Is(err, context.Canceled) {
		t.Errorf("Retry = %v, want ErrAttemptTimeout and context.DeadlineExceeded, not context.Canceled", err)
	}
	if apiErr := asError(t, err); apiErr.Attempts != 3 || apiErr.StatusCode != 0 {
		t.Errorf("attempts %d status %d, want 3 and 0", apiErr.Attempts, apiErr.StatusCode)
	}
}

func TestFaultCallerDeadlineIsNotAnAttemptTimeout(t *testing.T) {
	client, srv := setup(t, nil, writer.WithRequestTimeout(time.Minute))
	seedFailed(srv)
	srv.FailNext(1, writertest.Fault{Delay: time.Minute})
	ctx, cancel := context.WithTimeout(context.Background(), 20*time.Millisecond)
	defer cancel()
	err := client.Files.Retry(ctx, []string{idA})
	if !errors.Is(err, context.DeadlineExceeded) || errors.Is(err, writer.ErrAttemptTimeout) {
		t.Errorf("Retry = %v, want the caller's context.DeadlineExceeded, not ErrAttemptTimeout", err)
	}
	if apiErr := asError(t, err); apiErr.Attempts != 1 {
		t.Errorf("attempts %d, want 1: the caller's context ends the call", apiErr.Attempts)
	}
}

func TestFaultDroppedConnectionIsRetried(t *testing.T) {
	for name, drop := range map[string]writertest.Drop{"before read": writertest.DropBeforeRead, "after read": writertest.DropAfterRead} {
		t.Run(name, func(t *testing.T) {
			client, srv := setup(t, nil)
			seedFailed(srv)
			srv.FailNext(2, writertest.Fault{Drop: drop})
			if err := client.Files.Retry(context.Background(), []string{idA}); err != nil {
				t.Fatalf("Retry = %v, want nil on the third attempt", err)
			}
			if got := len(srv.Requests()); got != 3 {
				t.Errorf("server got %d requests, want 3", got)
			}
		})
	}
}

func TestFaultDroppedConnectionExhausted(t *testing.T) {
	client, srv := setup(t, nil, writer.WithMaxRetries(1))
	seedFailed(srv)
	srv.FailNext(2, writertest.Fault{Drop: writertest.DropAfterRead})
	err := client.Files.Retry(context.Background(), []string{idA})
	var urlErr *url.Error
	if !errors.As(err, &urlErr) {
		t.Errorf("Retry = %v, want it to unwrap to the transport's *url.Error", err)
	}
	if apiErr := asError(t, err); apiErr.Attempts != 2 || apiErr.StatusCode != 0 {
		t.Errorf("attempts %d status %d, want 2 and 0", apiErr.Attempts, apiErr.StatusCode)
	}
}

func TestFaultTruncatedBody(t *testing.T) {
	t.Run("200 is invalid, not retried", func(t *testing.T) {
		client, srv := setup(t, nil)
		seedFailed(srv)
		srv.FailNext(1, writertest.Fault{Status: http.StatusOK, Header: http.Header{"Content-Type": {"text/plain"}}, Body: `{"success":tr`, Truncate: true})
		err := client.Files.Retry(context.Background(), []string{idA})
		apiErr := asError(t, err)
		if !errors.Is(err, writer.ErrInvalidResponse) || !errors.Is(err, io.ErrUnexpectedEOF) || apiErr.StatusCode != http.StatusOK {
			t.Errorf("Retry = %v, want ErrInvalidResponse with io.ErrUnexpectedEOF and status 200", err)
		}
		if got := len(srv.Requests()); got != 1 {
			t.Errorf("server got %d requests, want 1", got)
		}
	})
	t.Run("503 is retried", func(t *testing.T) {
		client, srv := setup(t, nil)
		seedFailed(srv)
		srv.FailNext(1, writertest.Fault{Status: http.StatusServiceUnavailable, Body: "busy", Truncate: true})
		if err := client.Files.Retry(context.Background(), []string{idA}); err != nil {
			t.Fatalf("Retry = %v, want nil", err)
		}
	})
	t.Run("last 503 keeps what arrived", func(t *testing.T) {
		client, srv := setup(t, nil, writer.WithMaxRetries(0))
		seedFailed(srv)
		srv.FailNext(1, writertest.Fault{Status: http.StatusServiceUnavailable, Body: "bus", Truncate: true})
		err := client.Files.Retry(context.Background(), []string{idA})
		if apiErr := asError(t, err); apiErr.StatusCode != http.StatusServiceUnavailable || string(apiErr.Body) != "bus" || !errors.Is(err, io.ErrUnexpectedEOF) {
			t.Errorf("got %v (body %q), want the 503 with the bytes that arrived and io.ErrUnexpectedEOF", err, apiErr.Body)
		}
	})
}

// bigPage is a proxy's error page larger than any socket buffer, so that a connection is
// reused only when the client reads the body to its end.
var bigPage = "<html>" + strings.Repeat("busy ", 40<<10) + "</html>"

func TestFaultConnectionsReusedAndCallerPoolKept(t *testing.T) {
	srv := writertest.NewServer(t)
	seedFailed(srv)
	transport := &http.Transport{}
	defer transport.CloseIdleConnections()
	caller := &http.Client{Transport: transport, Timeout: time.Minute}
	before := *caller
	client, err := writer.NewClient(writer.WithBaseURL(srv.URL), writer.WithAPIKey(srv.APIKey), writer.WithHTTPClient(caller), fastRetries, writer.WithRequestsPerMinute(writer.NoRateLimit))
	if err != nil {
		t.Fatal(err)
	}

	srv.FailNext(3, writertest.Fault{Status: http.StatusServiceUnavailable, Header: http.Header{"Content-Type": {"text/html"}}, Body: bigPage})
	if err := client.Files.Retry(context.Background(), []string{idA}); err != nil {
		t.Fatalf("Retry = %v", err)
	}
	srv.FailNext(1, writertest.Fault{Status: http.StatusNotFound, Header: http.Header{"Content-Type": {"text/html"}}, Body: bigPage})
	_ = client.Files.Retry(context.Background(), []string{idA})
	if got := len(srv.Requests()); got != 5 {
		t.Fatalf("server got %d requests, want 5", got)
	}
	// The caller's own use of its client still finds the connection in its pool.
	req, err := http.NewRequestWithContext(t.Context(), http.MethodGet, srv.URL+"/v1/files/"+idA, nil)
	if err != nil {
		t.Fatal(err)
	}
	resp, err := caller.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	_, _ = io.Copy(io.Discard, resp.Body)
	resp.Body.Close()
	if got := srv.Connections(); got != 1 {
		t.Errorf("server accepted %d connections for 6 requests, want 1 (bodies drained, pool kept)", got)
	}
	if caller.Transport != before.Transport || caller.Timeout != before.Timeout || caller.CheckRedirect != nil || caller.Jar != nil {
		t.Errorf("the caller's *http.Client was modified: %+v, was %+v", *caller, before)
	}
}

func TestFaultOwnTransportKeepsConnectionsForConcurrentCalls(t *testing.T) {
	srv := writertest.NewServer(t)
	seedFailed(srv)
	client, err := writer.NewClient(writer.WithBaseURL(srv.URL), writer.WithAPIKey(srv.APIKey), writer.WithRequestsPerMinute(writer.NoRateLimit))
	if err != nil {
		t.Fatal(err)
	}
	round := func(n int, hold time.Duration) {
		// Each answer waits, so the n calls are in flight together on n connections.
		srv.FailNext(n, writertest.Fault{Delay: hold, Status: http.StatusOK, Header: jsonHeader, Body: `{"success":true}`})
		var wg sync.WaitGroup
		for range n {
			wg.Go(func() {
				if err := client.Files.Retry(context.Background(), []string{idA}); err != nil {
					t.Errorf("Retry = %v", err)
				}
			})
		}
		wg.Wait()
	}
	round(8, 300*time.Millisecond)
	first := srv.Connections()
	if first < 4 {
		t.Fatalf("8 concurrent calls used only %d connections; the test needs at least 4", first)
	}
	// Go's default pool would keep 2 of them idle, so 4 concurrent calls would open 2 more.
	round(4, 100*time.Millisecond)
	if got := srv.Connections(); got != first {
		t.Errorf("4 concurrent calls after 8 opened %d new connections, want 0 (idle pool too small)", got-first)
	}
}
