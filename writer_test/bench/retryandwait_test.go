package bench

import (
	"context"
	"fmt"
	"io"
	"net/http"
	"net/http/httptest"
	"runtime"
	"strings"
	"sync/atomic"
	"testing"
	"time"

	"github.com/writerfiles/writer-go/writer"
)

// The retry-and-wait job, time-scaled: Writer's 400 requests per minute at 250 ms of latency
// is 1.67 requests in flight, as 20 requests per second at 83 ms are.
const (
	jobPace    = 20 // requests per second, client and server alike
	jobFailed  = 10_000
	jobTotal   = 15_000
	jobDelay   = 2 * time.Second // how long a retried file stays in_progress
	jobPageLen = 100
)

// jobLeast is the fewest requests the job needs for n failed files that all complete:
// ceil(n/100) list pages and as many retry requests, one page of in_progress files that
// shows none left, one page of failed files that shows none failed again.
func jobLeast(n int) int {
	pages := (n + jobPageLen - 1) / jobPageLen
	return 2*pages + 2
}

// BenchmarkRetryAndWait is RetryFailedAndWait over jobFailed failed files among jobTotal by
// a client paced at jobPace requests per second (writer.WithRequestsPerMinute), every other
// option and every run option at its default, against a server
// that enforces that pace, answers after a latency of inflight/jobPace (inflight = latency x
// pace: 1.67 as Writer at 250 ms, 0.2 and 4) and keeps each retried file in_progress for
// jobDelay. It reports elapsed/ideal, where ideal = (least requests - 1)/pace + jobDelay +
// one latency, requests/least (jobLeast), and 429s. Run it with -benchtime=1x.
func BenchmarkRetryAndWait(b *testing.B) {
	for _, inflight := range []float64{1.67, 0.2, 4} {
		b.Run(fmt.Sprintf("inflight=%g", inflight), func(b *testing.B) {
			latency := time.Duration(inflight / jobPace * float64(time.Second))
			least := jobLeast(jobFailed)
			ideal := time.Duration(least-1)*time.Second/jobPace + jobDelay + latency
			var took time.Duration
			var sent, refused int64
			for range b.N {
				b.StopTimer()
				srv := newJobServer(b, jobFailed, jobTotal, jobDelay, latency, jobPace)
				client := newClient(b, srv.URL, writer.WithRequestsPerMinute(jobPace*60))
				time.Sleep(100 * time.Millisecond) // the server's bucket fills
				b.StartTimer()
				start := time.Now()
				rep, err := client.Files.RetryFailedAndWait(context.Background(), nil)
				took += time.Since(start)
				if err != nil {
					b.Fatal(err)
				}
				if rep.Retried != jobFailed || rep.Completed != jobFailed {
					b.Fatalf("retried %d, completed %d, want %d", rep.Retried, rep.Completed, jobFailed)
				}
				sent += srv.requests.Load()
				refused += srv.refused.Load()
				srv.Close()
			}
			b.ReportMetric(float64(took)/float64(ideal*time.Duration(b.N)), "elapsed/ideal")
			b.ReportMetric(float64(sent)/float64(least*b.N), "requests/least")
			b.ReportMetric(float64(refused), "429s")
		})
	}
}

// millionServer answers a RetryFailedAndWait run over n failed files in O(1) memory, so that
// the heap measured is the client's: the failed files' pages come from failedServer's
// generator until the first status=in_progress page, which is empty and from which on every
// file is completed (GET /v1/files/{id} too) and no file is failed.
func millionServer(tb testing.TB, n int) *httptest.Server {
	tb.Helper()
	var waiting atomic.Bool
	listing := failedServer(tb, n).Config.Handler
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		q := r.URL.Query()
		switch {
		case r.Method == http.MethodGet && r.URL.Path == "/v1/files" && q.Get("status") == "failed" && !waiting.Load():
			listing.ServeHTTP(w, r)
		case r.Method == http.MethodGet && r.URL.Path == "/v1/files":
			waiting.Store(q.Get("status") == "in_progress" || waiting.Load())
			w.Header().Set("Content-Type", "application/json")
			_, _ = io.WriteString(w, `{"data":[],"has_more":false}`)
		case r.Method == http.MethodGet:
			id := strings.TrimPrefix(r.URL.Path, "/v1/files/")
			w.Header().Set("Content-Type", "application/json")
			_, _ = fmt.Fprintf(w, `{"id":%q,"name":"f.pdf","created_at":"2026-01-01T00:00:00Z","graph_ids":[],"status":"completed"}`, id)
		default:
			listing.ServeHTTP(w, r)
		}
	}))
	tb.Cleanup(srv.Close)
	return srv
}

// BenchmarkRetryAndWaitMillion is RetryFailedAndWait over 1,000,000 failed files by an
// unpaced client (newClient): peak-heap-MiB is the highest heap (objects, in MiB) seen at any Progress call
// (after every request). Run it with -benchtime=1x.
func BenchmarkRetryAndWaitMillion(b *testing.B) {
	const n = 1_000_000
	srv := millionServer(b, n)
	client := newClient(b, srv.URL)
	var peak uint64
	for range b.N {
		b.StopTimer()
		runtime.GC()
		h := newHeapSampler()
		h.sample()
		b.StartTimer()
		rep, err := client.Files.RetryFailedAndWait(context.Background(), &writer.RetryFailedOptions{
			PollInterval: time.Millisecond,
			Progress:     func(writer.RetryFailedProgress) { h.sample() },
		})
		if err != nil {
			b.Fatal(err)
		}
		if rep.Retried != n || rep.Completed != n {
			b.Fatalf("retried %d, completed %d, want %d", rep.Retried, rep.Completed, n)
		}
		peak = max(peak, h.peak)
	}
	b.ReportMetric(float64(peak)/(1<<20), "peak-heap-MiB")
}

// The outage run, time-scaled 30 times: Writer's 400 requests per minute at 250 ms are 200
// per second at 8 ms, its 60 s outage 2 s, and the client's retry policy (BaseDelay 0.5 s,
// MaxDelay 8 s, MaxRetryAfter 60 s) 17 ms, 267 ms and 2 s. The run's calls follow the outage
// policy: at least 8 retries, steps of BaseDelay doubling up to MaxRetryAfter (17 ms, 33 ms,
// ..., 1.07 s, 2 s: about 4.1 s in all, less jitter, against the outage's 2 s).
const (
	outageScale    = 30
	outagePace     = 400 * outageScale / 60
	outageFiles    = 10_000
	outageDelay    = 100 * time.Millisecond
	outageLength   = 60 * time.Second / outageScale
	outageMaxAfter = 60 * time.Second / outageScale // RetryPolicy.MaxRetryAfter: the longest backoff step
)

// BenchmarkRetryAndWaitOutage is RetryFailedAndWait over outageFiles failed files, by a
// client paced at outagePace with the time-scaled retry policy, during which the server
// answers 503 to everything for outageLength, starting a fifth of the way into the ideal
// run. It reports lost (retry requests that failed for good, or were never sent: want 0),
// 503s (the requests the server answered 503, per run) and elapsed/bound, where
// bound = 1.10 x ideal + outage + outageMaxAfter: the job's own margin over the ideal (the
// 1.10 of the RetryAndWait rows), and a call that meets the outage retries at steps that
// grow to at most MaxRetryAfter, so its first attempt after the outage comes at most one
// longest step after its end. Run it with -benchtime=1x.
func BenchmarkRetryAndWaitOutage(b *testing.B) {
	latency := 250 * time.Millisecond / outageScale
	least := jobLeast(outageFiles)
	ideal := time.Duration(least-1)*time.Second/outagePace + outageDelay + latency
	bound := ideal*11/10 + outageLength + outageMaxAfter
	batches := (outageFiles + jobPageLen - 1) / jobPageLen
	var took time.Duration
	var lost int
	var unavailable int64
	for range b.N {
		b.StopTimer()
		srv := newJobServer(b, outageFiles, outageFiles, outageDelay, latency, outagePace)
		client := newClient(b, srv.URL, writer.WithRequestsPerMinute(outagePace*60), writer.WithRetryPolicy(writer.RetryPolicy{
			BaseDelay: 500 * time.Millisecond / outageScale, MaxDelay: 8 * time.Second / outageScale, MaxRetryAfter: outageMaxAfter,
		}))
		time.Sleep(100 * time.Millisecond)
		b.StartTimer()
		start := time.Now()
		srv.outage(ideal/5, outageLength)
		rep, err := client.Files.RetryFailedAndWait(context.Background(), &writer.RetryFailedOptions{
			PollInterval: 2 * time.Second / outageScale,
		})
		took += time.Since(start)
		// The run needs batches retry requests; lost are those not accepted: failed for
		// good, or never sent because a list page failed for good.
		runLost := batches - (rep.Batches - rep.FailedBatches)
		switch {
		case err != nil && runLost == 0:
			b.Fatal(err)
		case err != nil:
			b.Logf("lost %d retry requests: %v", runLost, err)
		case srv.unavailable.Load() == 0:
			b.Fatal("the outage answered nothing")
		}
		lost += runLost
		unavailable += srv.unavailable.Load()
		srv.Close()
	}
	b.ReportMetric(float64(took)/float64(bound*time.Duration(b.N)), "elapsed/bound")
	b.ReportMetric(float64(lost), "lost")
	b.ReportMetric(float64(unavailable)/float64(b.N), "503s")
}
