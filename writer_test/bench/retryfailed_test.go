package bench

import (
	"context"
	"fmt"
	"net/http"
	"net/http/httptest"
	"runtime"
	"runtime/metrics"
	"strconv"
	"testing"

	"github.com/writerfiles/writer-go/writer"
)

// failedServer answers like the API for a RetryFailed run over n failed files, with O(1)
// memory whatever n, so that the heap the benchmark measures is the client's: GET /v1/files
// (status=failed, order=asc or desc, limit=100, after positional) generates each page from
// the cursor, file i having the id fileID(i) and created_at listBase + i seconds; POST
// /v1/files/retry reads the body and answers {"success":true}. Files stay failed.
func failedServer(tb testing.TB, n int) *httptest.Server {
	tb.Helper()
	mux := http.NewServeMux()
	mux.HandleFunc("GET /v1/files", func(w http.ResponseWriter, r *http.Request) {
		q := r.URL.Query()
		if r.Header.Get("Authorization") != "Bearer "+apiKey {
			http.Error(w, `{"tpe":"unauthorized"}`, http.StatusUnauthorized)
			return
		}
		desc := q.Get("order") == "desc"
		if q.Get("status") != "failed" || (q.Get("order") != "asc" && !desc) || q.Get("limit") != fmt.Sprint(listPageSize) {
			http.Error(w, "want status=failed&order=asc or desc&limit=100, got "+r.URL.RawQuery, http.StatusBadRequest)
			return
		}
		from := 0 // the position of the page's first file in the order
		if after := q.Get("after"); after != "" {
			i, err := fileIndex(after)
			if err != nil {
				http.Error(w, err.Error(), http.StatusBadRequest)
				return
			}
			from = i + 1
			if desc {
				from = n - i
			}
		}
		w.Header().Set("Content-Type", "application/json")
		_, _ = w.Write(failedPage(from, min(from+listPageSize, n), n, desc))
	})
	mux.HandleFunc("POST /v1/files/retry", serveRetry)
	srv := httptest.NewServer(mux)
	tb.Cleanup(srv.Close)
	return srv
}

// fileIndex is the inverse of fileID.
func fileIndex(id string) (int, error) {
	if len(id) != 36 {
		return 0, fmt.Errorf("bad cursor %q", id)
	}
	i, err := strconv.ParseInt(id[24:], 16, 64)
	if err != nil || i < 1 {
		return 0, fmt.Errorf("bad cursor %q", id)
	}
	return int(i) - 1, nil
}

// failedPage is the files_response of the failed files at positions [from, to) of total,
// oldest or newest first, written by hand: 100 files in about 20 KB.
func failedPage(from, to, total int, desc bool) []byte {
	file := func(k int) int { // the file at position k of the order
		if desc {
			return total - 1 - k
		}
		return k
	}
	b := make([]byte, 0, 64+(to-from)*200)
	b = append(b, `{"data":[`...)
	for k := from; k < to; k++ {
		if k > from {
			b = append(b, ',')
		}
		b = appendFile(b, file(k), "failed")
	}
	b = append(b, `],"has_more":`...)
	b = strconv.AppendBool(b, to < total)
	if to > from {
		b = append(b, `,"first_id":"`...)
		b = append(b, fileID(file(from))...)
		b = append(b, `","last_id":"`...)
		b = append(b, fileID(file(to-1))...)
		b = append(b, '"')
	}
	return append(b, '}')
}

// heapSampler records the peak of the heap's object bytes (runtime/metrics
// /memory/classes/heap/objects:bytes: live objects and garbage not yet swept), read
// without stopping the world.
type heapSampler struct {
	s    []metrics.Sample
	peak uint64
}

func newHeapSampler() *heapSampler {
	return &heapSampler{s: []metrics.Sample{{Name: "/memory/classes/heap/objects:bytes"}}}
}

func (h *heapSampler) sample() {
	metrics.Read(h.s)
	h.peak = max(h.peak, h.s[0].Value.Uint64())
}

// BenchmarkRetryFailed is RetryFailed over 100,000 and 1,000,000 failed files by an unpaced
// client (newClient: writer.NoRateLimit, so one request in flight): ns/op is the wall time
// of a run, and peak-heap-MiB the highest heap (objects, in MiB) seen after any list page or
// retry request, the server's pages included (they are small and short-lived). Run it with
// -benchtime=1x.
func BenchmarkRetryFailed(b *testing.B) {
	for _, n := range []int{100_000, 1_000_000} {
		b.Run(fmt.Sprintf("files=%d", n), func(b *testing.B) {
			srv := failedServer(b, n)
			client := newClient(b, srv.URL)
			ctx := context.Background()
			var peak uint64
			for range b.N {
				b.StopTimer()
				runtime.GC() // each run starts from the same heap
				h := newHeapSampler()
				h.sample()
				b.StartTimer()
				rep, err := client.Files.RetryFailed(ctx, &writer.RetryFailedOptions{
					Progress: func(writer.RetryFailedProgress) { h.sample() },
				})
				if err != nil {
					b.Fatal(err)
				}
				if rep.Found != n || rep.Retried != n {
					b.Fatalf("found %d, retried %d, want %d", rep.Found, rep.Retried, n)
				}
				peak = max(peak, h.peak)
			}
			b.ReportMetric(float64(peak)/(1<<20), "peak-heap-MiB")
		})
	}
}
