package bench

import (
	"context"
	"net/http"
	"net/http/httptest"
	"sync/atomic"
	"testing"
	"time"

	"golang.org/x/time/rate"

	"github.com/writerfiles/writer-go/writer"
)

// pacedRate and pacedFiles are the paced RetryFailed run: 7,000 failed files are 70 list
// pages and 70 retry requests, 140 requests at 20 per second, 7 s.
const (
	pacedRate  = 20 // requests per second, client and server alike
	pacedFiles = 7_000
)

// limitedServer is failedServer behind a token bucket of rate requests per second
// (golang.org/x/time/rate): a request that finds no token gets 429 with Retry-After: 1.
// The bucket holds 2 tokens, not 1, so that two requests the client sent 1/rate apart but
// that the network delivered a little closer together are not refused; over a long run it
// allows no more than rate requests per second.
type limitedServer struct {
	*httptest.Server
	lim     *rate.Limiter
	served  atomic.Int64 // requests answered
	refused atomic.Int64 // of them, with 429
}

func newLimitedServer(tb testing.TB, files int, perSecond float64) *limitedServer {
	tb.Helper()
	s := &limitedServer{lim: rate.NewLimiter(rate.Limit(perSecond), 2)}
	inner := failedServer(tb, files)
	next := inner.Config.Handler
	s.Server = httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		s.served.Add(1)
		if !s.lim.Allow() {
			s.refused.Add(1)
			w.Header().Set("Retry-After", "1")
			http.Error(w, `{"tpe":"fail.tooManyRequests.quotaExceeded"}`, http.StatusTooManyRequests)
			return
		}
		next.ServeHTTP(w, r)
	}))
	tb.Cleanup(s.Close)
	return s
}

// BenchmarkRetryFailedPaced is RetryFailed over pacedFiles failed files by a client paced
// at pacedRate requests per second (writer.WithRequestsPerMinute), every run option at its
// default, against a server that enforces the same rate. It reports elapsed/ideal, the
// run's wall time over the ideal (requests sent / rate; 1.00 is perfect pacing), and 429s,
// the requests the server refused. Run it with -benchtime=1x.
func BenchmarkRetryFailedPaced(b *testing.B) {
	srv := newLimitedServer(b, pacedFiles, pacedRate)
	client := newClient(b, srv.URL, writer.WithRequestsPerMinute(pacedRate*60))
	ctx := context.Background()
	least := 2 * pacedFiles / listPageSize // list pages and retry requests of 100 ids
	var took time.Duration
	var sent int64
	b.ResetTimer()
	for range b.N {
		b.StopTimer()
		time.Sleep(time.Second) // let the server's bucket fill between runs
		b.StartTimer()
		before, refused := srv.served.Load(), srv.refused.Load()
		start := time.Now()
		rep, err := client.Files.RetryFailed(ctx, nil)
		took += time.Since(start)
		if err != nil {
			b.Fatal(err)
		}
		if rep.Retried != pacedFiles {
			b.Fatalf("retried %d files, want %d", rep.Retried, pacedFiles)
		}
		// The listings from both ends cost a page or two more where they meet.
		got := srv.served.Load() - before - (srv.refused.Load() - refused)
		if got < int64(least) || got > int64(least)+2 {
			b.Fatalf("server accepted %d requests, want %d to %d", got, least, least+2)
		}
		sent += got
	}
	ideal := time.Duration(sent) * time.Second / pacedRate
	b.ReportMetric(float64(took)/float64(ideal), "elapsed/ideal")
	b.ReportMetric(float64(srv.refused.Load()), "429s")
}
