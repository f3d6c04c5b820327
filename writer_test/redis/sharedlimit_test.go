// Package redis shows two processes retrying failed files together at one account's limit,
// shared through Redis (github.com/go-redis/redis_rate) as a writer.Limiter that each
// process gives its client with writer.WithLimiter, against a redis-server the test starts.
// It is a module of its own, so Redis stays out of the library's go.mod. Run it with make
// redis-test; it fails when redis-server is missing.
package redis

import (
	"context"
	"encoding/json"
	"fmt"
	"net"
	"net/http"
	"net/http/httptest"
	"os"
	"os/exec"
	"strconv"
	"strings"
	"sync/atomic"
	"testing"
	"time"

	"github.com/go-redis/redis_rate/v10"
	goredis "github.com/redis/go-redis/v9"
	"golang.org/x/time/rate"

	"github.com/writerfiles/writer-go/writer"
)

// The shared run: two workers of filesPerWorker failed files each, at sharedRate requests
// per second for both together, enforced by the fake as well.
const (
	sharedRate     = 20
	filesPerWorker = 2000
	apiKey         = "redis-test-key"
	limiterKey     = "writer:account"
)

// graphs are the Knowledge Graphs of the two workers' files: file i is in graphs[i%2].
var graphs = [2]string{"31a8b75a-9a90-432f-8861-942229125333", "42b9c86b-0ab1-443f-9972-053330236444"}

// redisLimiter is a writer.Limiter backed by redis_rate: one request per Wait for every
// process that uses the same key, at limit.
type redisLimiter struct {
	l     *redis_rate.Limiter
	key   string
	limit redis_rate.Limit
}

func (r redisLimiter) Wait(ctx context.Context) error {
	for {
		res, err := r.l.Allow(ctx, r.key, r.limit)
		if err != nil {
			return err
		}
		if res.Allowed > 0 {
			return nil
		}
		t := time.NewTimer(res.RetryAfter)
		select {
		case <-t.C:
		case <-ctx.Done():
			t.Stop()
			return ctx.Err()
		}
	}
}

// TestMain runs a worker instead of the tests when the test binary is started as one.
func TestMain(m *testing.M) {
	if os.Getenv("SHARED_WORKER") != "" {
		os.Exit(worker())
	}
	os.Exit(m.Run())
}

// worker retries the failed files of its graph with a client paced by the shared limit
// (writer.WithLimiter) and prints its start, end and report as JSON.
func worker() int {
	rdb := goredis.NewClient(&goredis.Options{Addr: os.Getenv("SHARED_REDIS")})
	defer rdb.Close()
	lim := redisLimiter{l: redis_rate.NewLimiter(rdb), key: limiterKey, limit: redis_rate.Limit{Rate: sharedRate, Period: time.Second, Burst: 1}}
	client, err := writer.NewClient(writer.WithBaseURL(os.Getenv("SHARED_API")), writer.WithAPIKey(apiKey), writer.WithLimiter(lim))
	if err != nil {
		fmt.Fprintln(os.Stderr, err)
		return 1
	}
	start := time.Now()
	rep, err := client.Files.RetryFailed(context.Background(), &writer.RetryFailedOptions{GraphID: os.Getenv("SHARED_GRAPH")})
	end := time.Now()
	if err != nil {
		fmt.Fprintln(os.Stderr, err)
		return 1
	}
	_ = json.NewEncoder(os.Stdout).Encode(workerResult{Start: start, End: end, Retried: rep.Retried, Failed: rep.FailedBatches, Requests: rep.Pages + rep.Batches})
	return 0
}

type workerResult struct {
	Start, End                time.Time
	Retried, Failed, Requests int
}

func TestTwoProcessesShareOneLimit(t *testing.T) {
	addr := startRedis(t)
	srv := newFailedServer(t, 2*filesPerWorker, sharedRate)
	var results [2]workerResult
	cmds := make([]*exec.Cmd, 2)
	outs := make([]strings.Builder, 2)
	for w := range cmds {
		cmds[w] = exec.CommandContext(t.Context(), os.Args[0], "-test.run=^$")
		cmds[w].Env = append(os.Environ(), "SHARED_WORKER=1", "SHARED_REDIS="+addr, "SHARED_API="+srv.URL, "SHARED_GRAPH="+graphs[w])
		cmds[w].Stdout, cmds[w].Stderr = &outs[w], os.Stderr
		if err := cmds[w].Start(); err != nil {
			t.Fatal(err)
		}
	}
	for w, cmd := range cmds {
		if err := cmd.Wait(); err != nil {
			t.Fatalf("worker %d: %v", w, err)
		}
		if err := json.Unmarshal([]byte(outs[w].String()), &results[w]); err != nil {
			t.Fatalf("worker %d printed %q: %v", w, outs[w].String(), err)
		}
	}
	requests := 0
	for w, r := range results {
		if r.Retried != filesPerWorker || r.Failed != 0 {
			t.Errorf("worker %d retried %d files with %d failed requests, want %d and 0", w, r.Retried, r.Failed, filesPerWorker)
		}
		requests += r.Requests
	}
	if n := srv.refused.Load(); n != 0 {
		t.Errorf("the fake answered 429 to %d requests, want none at the shared limit", n)
	}
	// Both workers' requests, from the first to the last, at the shared rate.
	first, last := results[0].Start, results[0].End
	for _, r := range results[1:] {
		if r.Start.Before(first) {
			first = r.Start
		}
		if r.End.After(last) {
			last = r.End
		}
	}
	took := last.Sub(first)
	ideal := time.Duration(requests-1) * time.Second / sharedRate
	t.Logf("%d requests in %s, ideal %s at %d per second shared: %.3fx", requests, took.Round(time.Millisecond), ideal, sharedRate, float64(took)/float64(ideal))
	if took > ideal*110/100 {
		t.Errorf("the two workers took %s, more than 1.10x the ideal %s for %d requests at %d per second", took, ideal, requests, sharedRate)
	}
	if took < ideal*95/100 {
		t.Errorf("the two workers took %s, less than the ideal %s: the shared limit was not kept", took, ideal)
	}
}

// startRedis starts a redis-server on a free port of 127.0.0.1 without persistence, and
// stops it when the test ends. It fails the test when redis-server is not installed.
func startRedis(t *testing.T) string {
	t.Helper()
	bin, err := exec.LookPath("redis-server")
	if err != nil {
		t.Fatalf("redis-server is not installed (apt-get install redis-server): %v", err)
	}
	l, err := (&net.ListenConfig{}).Listen(t.Context(), "tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	port := l.Addr().(*net.TCPAddr).Port //nolint:errcheck,forcetypeassert // a TCP listener's address is a *net.TCPAddr
	_ = l.Close()
	cmd := exec.CommandContext(t.Context(), bin, "--port", strconv.Itoa(port), "--bind", "127.0.0.1", "--save", "", "--appendonly", "no", "--dir", t.TempDir())
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() {
		_ = cmd.Process.Kill()
		_ = cmd.Wait()
	})
	addr := "127.0.0.1:" + strconv.Itoa(port)
	rdb := goredis.NewClient(&goredis.Options{Addr: addr})
	defer rdb.Close()
	for deadline := time.Now().Add(10 * time.Second); ; {
		if err := rdb.Ping(context.Background()).Err(); err == nil {
			return addr
		} else if time.Now().After(deadline) {
			t.Fatalf("redis-server on %s did not answer: %v", addr, err)
		}
		time.Sleep(20 * time.Millisecond)
	}
}

// failedServer answers like the API for RetryFailed over n failed files, file i in
// graphs[i%2] (the graph_id filter is required), behind a token bucket of perSecond
// requests per second with a burst of 2, whose refusals it counts.
type failedServer struct {
	*httptest.Server
	refused atomic.Int64
}

func newFailedServer(t *testing.T, n int, perSecond float64) *failedServer {
	t.Helper()
	s := &failedServer{}
	lim := rate.NewLimiter(rate.Limit(perSecond), 2)
	base := time.Date(2026, 1, 1, 0, 0, 0, 0, time.UTC)
	id := func(i int) string { return fmt.Sprintf("3c90c3cc-0d44-4b50-8888-%012x", i+1) }
	s.Server = httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if r.Header.Get("Authorization") != "Bearer "+apiKey {
			http.Error(w, `{"tpe":"fail.unauthorized"}`, http.StatusUnauthorized)
			return
		}
		if !lim.Allow() {
			s.refused.Add(1)
			w.Header().Set("Retry-After", "1")
			http.Error(w, `{"tpe":"fail.tooManyRequests"}`, http.StatusTooManyRequests)
			return
		}
		w.Header().Set("Content-Type", "application/json")
		if r.Method == http.MethodPost {
			_, _ = w.Write([]byte(`{"success":true}`))
			return
		}
		q := r.URL.Query()
		g := strings.Index(graphs[0]+graphs[1], q.Get("graph_id")) / len(graphs[0])
		from := g
		if after := q.Get("after"); after != "" {
			i, err := strconv.ParseInt(after[24:], 16, 64)
			if err != nil {
				http.Error(w, "bad cursor", http.StatusBadRequest)
				return
			}
			from = int(i) - 1 + 2
		}
		var files []string
		i := from
		for ; i < n && len(files) < 100; i += 2 {
			files = append(files, fmt.Sprintf(`{"id":%q,"name":"f.pdf","created_at":%q,"graph_ids":[%q],"status":"failed"}`,
				id(i), base.Add(time.Duration(i)*time.Second).Format(time.RFC3339), graphs[g]))
		}
		_, _ = fmt.Fprintf(w, `{"data":[%s],"has_more":%t}`, strings.Join(files, ","), i < n)
	}))
	t.Cleanup(s.Close)
	return s
}
