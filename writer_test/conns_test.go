package writer_test

import (
	"context"
	"io"
	"net"
	"net/http"
	"net/http/httptest"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/writerfiles/writer-go/writer"
)

// countingServer answers POST /v1/files/retry with 200 {"success":true} and counts the
// connections it accepts. It is not writertest: the count needs the server's ConnState hook.
func countingServer(t *testing.T) (url string, opened *atomic.Int64) {
	t.Helper()
	opened = new(atomic.Int64)
	srv := httptest.NewUnstartedServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		_, _ = io.Copy(io.Discard, r.Body)
		w.Header().Set("Content-Type", "application/json")
		_, _ = w.Write([]byte(`{"success":true}`))
	}))
	srv.Config.ConnState = func(_ net.Conn, s http.ConnState) {
		if s == http.StateNew {
			opened.Add(1)
		}
	}
	srv.Start()
	t.Cleanup(srv.Close)
	return srv.URL, opened
}

// defaultClient is an unpaced client with its own transport (no WithHTTPClient): the
// transport's defaults are what these tests check.
func defaultClient(t *testing.T, url string) *writer.Client {
	t.Helper()
	c, err := writer.NewClient(writer.WithBaseURL(url), writer.WithAPIKey("k"), writer.WithRequestsPerMinute(writer.NoRateLimit))
	if err != nil {
		t.Fatal(err)
	}
	return c
}

// writeWait is how long Go's transport waits, once a response is read, for its writer
// goroutine to confirm the request was written; without the confirmation it drops the
// connection rather than reuse it (net/http maxWriteWaitBeforeConnReuse).
const writeWait = 50 * time.Millisecond

func TestRetrySequentialCallsReuseOneConnection(t *testing.T) {
	// One connection serves every call, except that a loaded machine can delay the transport's
	// writer goroutine past writeWait: each such call blocks for writeWait and then dials
	// anew. Calls that do not reuse (keep-alives off, a body not read to its end or cut by
	// a cancelled attempt, a transport per call) open a connection each, far more.
	url, opened := countingServer(t)
	client := defaultClient(t, url)
	start := time.Now()
	for i := range 1000 {
		if err := client.Files.Retry(context.Background(), []string{idA}); err != nil {
			t.Fatalf("call %d: %v", i, err)
		}
	}
	if got, most := opened.Load(), 1+int64(time.Since(start)/writeWait); got > most {
		t.Errorf("1,000 sequential calls opened %d connections in %s, want at most %d: 1, and 1 more per %s", got, time.Since(start), most, writeWait)
	}
}

func TestRetryConcurrentCallsReuseAtMost32Connections(t *testing.T) {
	// 32 connections serve every call, plus the drops of TestRetrySequentialCallsReuseOneConnection:
	// a call whose writer goroutine was delayed past writeWait blocks that long and dials
	// anew, so each extra connection needs a call of writeWait or more. Without reuse (Go's
	// default of 2 idle connections per host) the calls open more, without waiting.
	const calls, concurrency = 1000, 32
	url, opened := countingServer(t)
	client := defaultClient(t, url)
	var left, slow atomic.Int64
	left.Store(calls)
	var wg sync.WaitGroup
	for range concurrency {
		wg.Go(func() {
			for left.Add(-1) >= 0 {
				start := time.Now()
				if err := client.Files.Retry(context.Background(), []string{idA}); err != nil {
					t.Error(err)
					return
				}
				if time.Since(start) >= writeWait {
					slow.Add(1)
				}
			}
		})
	}
	wg.Wait()
	if got, most := opened.Load(), concurrency+slow.Load(); got > most {
		t.Errorf("%d calls at concurrency %d opened %d connections, want at most %d: %d, and 1 more per call of %s or more (%d)",
			calls, concurrency, got, most, concurrency, writeWait, slow.Load())
	}
}
