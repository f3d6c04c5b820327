package bench

import (
	"context"
	"fmt"
	"runtime"
	"testing"

	"github.com/writerfiles/writer-go/writer"
)

// concurrency is how many goroutines the parallel benchmarks run: the target load.
const concurrency = 32

// idCounts are the list sizes of the Retry benchmarks.
var idCounts = []int{1, 10, 100}

// fileIDs returns n distinct canonical lower-case UUIDs.
func fileIDs(n int) []string {
	ids := make([]string, n)
	for i := range ids {
		ids[i] = fmt.Sprintf("3c90c3cc-0d44-4b50-8888-%012x", i+1)
	}
	return ids
}

// newClient returns a writer.Client for srvURL, reading no environment variable, with every
// default (its own transport, the default retry policy, retry budget and per-attempt
// timeout) but the pace: it is unpaced
// (writer.NoRateLimit), so that a benchmark measures the calls, not the default pace of 400
// requests per minute. opts come after, so writer.WithRequestsPerMinute or
// writer.WithLimiter among them paces it.
func newClient(tb testing.TB, srvURL string, opts ...writer.Option) *writer.Client {
	tb.Helper()
	c, err := writer.NewClient(append([]writer.Option{writer.WithoutEnvironment(), writer.WithBaseURL(srvURL), writer.WithAPIKey(apiKey),
		writer.WithRequestsPerMinute(writer.NoRateLimit)}, opts...)...)
	if err != nil {
		tb.Fatal(err)
	}
	return c
}

// parallelism is the b.SetParallelism factor that runs at least concurrency goroutines
// (exactly 32 when GOMAXPROCS divides 32, as on a 2-core machine).
func parallelism() int {
	p := runtime.GOMAXPROCS(0)
	return (concurrency + p - 1) / p
}

// BenchmarkRetry is Files.Retry against the floor: sequential (mode=seq) and with 32
// goroutines (mode=par), with 1, 10 and 100 file ids. The client uses its default transport,
// unpaced; the floor a transport tuned for 32 concurrent connections.
func BenchmarkRetry(b *testing.B) {
	srv := newServer(b)
	client := newClient(b, srv.URL)
	fl := newFloor(srv.URL)
	ctx := context.Background()
	impls := []struct {
		name  string
		retry func(context.Context, []string) error
	}{
		{"client", client.Files.Retry},
		{"floor", fl.retry},
	}
	for _, mode := range []string{"seq", "par"} {
		for _, impl := range impls {
			for _, n := range idCounts {
				ids := fileIDs(n)
				name := fmt.Sprintf("mode=%s/impl=%s/ids=%d", mode, impl.name, n)
				b.Run(name, func(b *testing.B) {
					if err := impl.retry(ctx, ids); err != nil { // connect outside the timing
						b.Fatal(err)
					}
					b.ReportAllocs()
					b.ResetTimer()
					if mode == "seq" {
						for range b.N {
							if err := impl.retry(ctx, ids); err != nil {
								b.Fatal(err)
							}
						}
						return
					}
					b.SetParallelism(parallelism())
					b.RunParallel(func(pb *testing.PB) {
						for pb.Next() {
							if err := impl.retry(ctx, ids); err != nil {
								b.Error(err)
								return
							}
						}
					})
				})
			}
		}
	}
}

// BenchmarkRetryPair is BenchmarkRetry for make bench-check: client and floor measured in
// alternating blocks within one run (see runPair), sequentially (mode=seq) and with 32
// goroutines (mode=par), the client with its default transport, the floor with a tuned one.
func BenchmarkRetryPair(b *testing.B) {
	srv := newServer(b)
	client := newClient(b, srv.URL)
	fl := newFloor(srv.URL)
	ctx := context.Background()
	for _, mode := range []string{"seq", "par"} {
		for _, n := range idCounts {
			ids := fileIDs(n)
			b.Run(fmt.Sprintf("mode=%s/ids=%d", mode, n), func(b *testing.B) {
				runPair(b, mode == "par",
					func() error { return client.Files.Retry(ctx, ids) },
					func() error { return fl.retry(ctx, ids) })
			})
		}
	}
}
