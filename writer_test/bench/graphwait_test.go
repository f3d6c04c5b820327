package bench

import (
	"context"
	"net/http"
	"net/url"
	"testing"
	"time"

	"github.com/writerfiles/writer-go/writer"
	"github.com/writerfiles/writer-go/writertest"
)

// The graph-scoped wait: graphFailed failed files of one graph, each in progress for
// graphDelay once retried, waited for with a PollInterval of graphPoll.
const (
	graphFailed = 1_000
	graphDelay  = 2 * time.Second
	graphPoll   = 200 * time.Millisecond
	graphID     = "31a8b75a-9a90-432f-8861-942229125333"
)

// BenchmarkRetryAndWaitGraph is RetryFailedAndWait with a GraphID over graphFailed failed
// files of that graph, by a client paced at jobPace requests per second against writertest
// (latency 1/jobPace, files in progress for graphDelay). requests/round is the wait's
// requests per round: every request after the last retry request but the closing passes (the
// in_progress listing that found none of the run's files, and the failed listing), divided by
// the rounds, the reads of the graph. Without a GraphID a round is ceil(p/100) pages for p
// files in progress: 10 here. Run it with -benchtime=1x.
func BenchmarkRetryAndWaitGraph(b *testing.B) {
	var rounds, requests int
	for range b.N {
		b.StopTimer()
		srv := writertest.NewServer(b, writertest.WithProcessingDelay(graphDelay), writertest.WithLatency(time.Second/jobPace))
		srv.AddGraphs(writertest.Graph{ID: graphID, Name: "bench"})
		base := time.Date(2026, 3, 1, 0, 0, 0, 0, time.UTC)
		for i := range graphFailed {
			srv.AddFiles(writertest.File{ID: fileID(i), Name: "f.pdf", Status: writertest.StatusFailed,
				GraphIDs: []string{graphID}, CreatedAt: base.Add(time.Duration(i) * time.Millisecond)})
		}
		client := newClient(b, srv.URL, writer.WithAPIKey(srv.APIKey), writer.WithRequestsPerMinute(jobPace*60))
		b.StartTimer()
		rep, err := client.Files.RetryFailedAndWait(context.Background(), &writer.RetryFailedOptions{GraphID: graphID, PollInterval: graphPoll})
		b.StopTimer()
		if err != nil || rep.Completed != graphFailed {
			b.Fatalf("RetryFailedAndWait = completed %d, %v; want %d", rep.Completed, err, graphFailed)
		}
		r, n := waitRounds(b, srv.Requests())
		rounds, requests = rounds+r, requests+n
	}
	b.ReportMetric(float64(requests)/float64(rounds), "requests/round")
	b.ReportMetric(float64(rounds)/float64(b.N), "rounds")
}

// waitRounds returns a wait's rounds and the requests they sent (see
// BenchmarkRetryAndWaitGraph).
func waitRounds(tb testing.TB, reqs []writertest.Request) (rounds, requests int) {
	tb.Helper()
	last := -1
	for i, r := range reqs {
		if r.Method == http.MethodPost && r.Path == "/v1/files/retry" {
			last = i
		}
	}
	closing := 0
	for _, r := range reqs[last+1:] {
		q, err := url.ParseQuery(r.RawQuery)
		if err != nil {
			tb.Fatal(err)
		}
		switch {
		case r.Path == "/v1/graphs/"+graphID:
			rounds++
		case r.Path == "/v1/files" && q.Get("status") == "failed":
			closing++
		}
		requests++
	}
	if rounds == 0 {
		tb.Fatal("the wait had no round")
	}
	return rounds, requests - closing - 1 // the closing in_progress listing: one page
}
