package bench

import (
	"context"
	"fmt"
	"testing"
	"time"

	"github.com/writerfiles/writer-go/writer"
)

// The retry-and-wait job, time-scaled: Writer's 400 requests per minute at 250 ms of latency
// is 1.67 requests in flight, as 40 requests per second at 42 ms are.
const (
	jobPace    = 40 // requests per second, client and server alike
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

// BenchmarkRetryAndWait is RetryFailedAndWait over jobFailed failed files among jobTotal at
// jobPace requests per second with every other option at its default, against a server
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
				client := newClient(b, srv.URL)
				time.Sleep(100 * time.Millisecond) // the server's bucket fills
				b.StartTimer()
				start := time.Now()
				rep, err := client.Files.RetryFailedAndWait(context.Background(), &writer.RetryFailedOptions{RequestsPerMinute: jobPace * 60})
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
