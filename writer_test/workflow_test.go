package writer_test

import (
	"context"
	"errors"
	"fmt"
	"net/http"
	"runtime"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/writerfiles/writer-go/writer"
	"github.com/writerfiles/writer-go/writertest"
)

// seedWorkflow stores failed files failed files and others other files (completed or
// in_progress) and returns the ids of the failed ones.
func seedWorkflow(srv *writertest.Server, failed, others int) []string {
	base := time.Date(2026, 3, 1, 0, 0, 0, 0, time.UTC)
	var ids []string
	files := make([]writertest.File, 0, failed+others)
	for i := range failed + others {
		f := writertest.File{ID: fileID(i), Name: fmt.Sprintf("f%d.pdf", i), CreatedAt: base.Add(time.Duration(i/3) * time.Millisecond)}
		switch {
		case i < failed:
			f.Status = writertest.StatusFailed
			ids = append(ids, f.ID)
		case i%2 == 0:
			f.Status = writertest.StatusCompleted
		default:
			f.Status = writertest.StatusInProgress
		}
		files = append(files, f)
	}
	srv.AddFiles(files...)
	return ids
}

// checkRetriedOnce fails the test unless every id in failed was carried by exactly one
// accepted retry request and every other file by none.
func checkRetriedOnce(t *testing.T, srv *writertest.Server, failed []string, total int) {
	t.Helper()
	isFailed := make(map[string]bool, len(failed))
	for _, id := range failed {
		isFailed[id] = true
	}
	missed, twice, wrong := 0, 0, 0
	for i := range total {
		f, ok := srv.File(fileID(i))
		if !ok {
			t.Fatalf("file %d is gone", i)
		}
		switch {
		case isFailed[f.ID] && f.RetryRequests == 0:
			missed++
		case isFailed[f.ID] && f.RetryRequests > 1:
			twice++
		case !isFailed[f.ID] && f.RetryRequests != 0:
			wrong++
		}
	}
	if missed+twice+wrong > 0 {
		t.Errorf("of %d failed files %d were missed and %d retried more than once; %d other files were retried", len(failed), missed, twice, wrong)
	}
}

// failEveryThird makes a third of the retried files fail again at once, so that they are
// back in the failed filter while the run goes on.
func failEveryThird(id string) string {
	if id[len(id)-1]%3 == 0 {
		return writertest.StatusFailed
	}
	return writertest.StatusCompleted
}

// tooManyRequests is a 429 as the simulated rate limit sends it, asking for a 1 ms wait.
var tooManyRequests = writertest.Fault{
	Status: http.StatusTooManyRequests,
	Header: http.Header{"Content-Type": {"application/json"}, "Retry-After": {"1"}, "Retry-After-Ms": {"1"}},
	Body:   `{"tpe":"fail.tooManyRequests","errors":[{"description":"slow down","key":"fail.tooManyRequests.quotaExceeded","extras":{}}],"extras":{}}`,
}

func TestRetryFailedTenThousandFilesUnderRateLimit(t *testing.T) {
	// The simulated rate limit answers 429 when requests come faster than 5 per 10 ms,
	// which depends on the machine's speed; so a 429 is also queued after every page and
	// every batch, and every call of the run meets at least one.
	client, srv := setup(t, []writertest.Option{
		writertest.WithRateLimit(5, 10*time.Millisecond),
		writertest.WithRetryOutcome(failEveryThird),
	})
	failed := seedWorkflow(srv, 10000, 2000)
	calls := 0
	opts := &writer.RetryFailedOptions{RequestsPerMinute: writer.NoRateLimit, Progress: func(writer.RetryFailedProgress) {
		calls++
		srv.FailNext(1, tooManyRequests)
	}}
	srv.FailNext(1, tooManyRequests)

	rep, err := client.Files.RetryFailed(context.Background(), opts)
	if err != nil {
		t.Fatalf("RetryFailed: %v", err)
	}
	if rep.Found != 10000 || rep.Retried != 10000 || rep.Batches != 100 || len(rep.Errors) != 0 || len(rep.Skipped) != 0 {
		t.Errorf("report = found %d retried %d batches %d errors %d skipped %d, want 10000 10000 100 0 0",
			rep.Found, rep.Retried, rep.Batches, len(rep.Errors), len(rep.Skipped))
	}
	t.Logf("the simulated rate limit answered 429 to %d requests, besides %d queued 429s", srv.RateLimited(), calls)
	checkRetriedOnce(t, srv, failed, 12000)
}

func TestRetryFailedSlowsDownOn429(t *testing.T) {
	// Without the client's own retries, every 429 reaches RetryFailed, which must slow
	// down and send the same call again.
	client, srv := setup(t, []writertest.Option{writertest.WithRetryOutcome(failEveryThird)}, writer.WithMaxRetries(0))
	failed := seedWorkflow(srv, 1000, 100)
	injected := 1
	srv.FailNext(1, tooManyRequests)
	opts := &writer.RetryFailedOptions{BatchSize: 50, RequestsPerMinute: 60000, Progress: func(p writer.RetryFailedProgress) {
		if p.Listing || (p.Batches%2 == 0 && p.Batches < p.BatchesTotal) { // after every page and every other batch
			injected += 2
			srv.FailNext(2, tooManyRequests)
		}
	}}
	rep, err := client.Files.RetryFailed(context.Background(), opts)
	if err != nil {
		t.Fatalf("RetryFailed: %v", err)
	}
	if rep.Retried != 1000 || rep.Batches != 20 || len(rep.Errors) != 0 {
		t.Errorf("report = retried %d batches %d errors %v", rep.Retried, rep.Batches, rep.Errors)
	}
	if rep.SlowDowns != injected {
		t.Errorf("SlowDowns = %d, want one per 429, %d", rep.SlowDowns, injected)
	}
	checkRetriedOnce(t, srv, failed, 1100)
}

func TestRetryFailedGivesUpAfterManyRateLimits(t *testing.T) {
	client, srv := setup(t, nil, writer.WithMaxRetries(0))
	seedWorkflow(srv, 3, 0)
	srv.FailNext(20, tooManyRequests)
	rep, err := client.Files.RetryFailed(context.Background(), &writer.RetryFailedOptions{RequestsPerMinute: writer.NoRateLimit})
	if !errors.Is(err, writer.ErrRateLimited) || rep.Batches != 0 {
		t.Fatalf("RetryFailed = %+v, %v; want ErrRateLimited while listing", rep, err)
	}
	if n, want := len(srv.Requests()), 9; n != want || rep.SlowDowns != want-1 {
		t.Errorf("sent %d requests with %d slow-downs, want %d and %d", n, rep.SlowDowns, want, want-1)
	}
}

func TestSimulatedRateLimit(t *testing.T) {
	client, srv := setup(t, []writertest.Option{writertest.WithRateLimit(3, time.Minute)}, writer.WithMaxRetries(0))
	seedFailed(srv)
	ctx := context.Background()
	for i := range 3 {
		if _, err := client.Files.Get(ctx, idA); err != nil {
			t.Fatalf("request %d: %v", i+1, err)
		}
	}
	_, err := client.Files.Get(ctx, idA)
	var apiErr *writer.Error
	if !errors.As(err, &apiErr) || !errors.Is(err, writer.ErrRateLimited) {
		t.Fatalf("fourth request = %v, want ErrRateLimited", err)
	}
	if apiErr.Key != "fail.tooManyRequests.quotaExceeded" || apiErr.RetryAfter <= 0 || apiErr.RetryAfter > time.Minute {
		t.Errorf("429 key %q RetryAfter %s, want Writer's quota key and a wait up to the window's end", apiErr.Key, apiErr.RetryAfter)
	}
	if n := srv.RateLimited(); n != 1 {
		t.Errorf("RateLimited = %d, want 1", n)
	}
}

func TestRetryFailedPacesItsRequests(t *testing.T) {
	// 100 requests per second with a burst of 1 fit in a limit of 20 per 100 ms.
	client, srv := setup(t, []writertest.Option{writertest.WithRateLimit(20, 100*time.Millisecond)})
	failed := seedWorkflow(srv, 2000, 0)
	rep, err := client.Files.RetryFailed(context.Background(), &writer.RetryFailedOptions{RequestsPerMinute: 6000})
	if err != nil || rep.Retried != 2000 {
		t.Fatalf("RetryFailed = %+v, %v", rep, err)
	}
	if n := srv.RateLimited(); n != 0 {
		t.Errorf("server answered 429 %d times, want none: the limiter should keep the pace", n)
	}
	if n := len(srv.Requests()); n != 40 {
		t.Errorf("got %d requests, want 40 (20 list pages, 20 retries)", n)
	}
	checkRetriedOnce(t, srv, failed, 2000)
}

func TestRetryFailedFilters(t *testing.T) {
	client, srv := setup(t, nil)
	files := manyFiles(600)
	srv.AddFiles(files...)
	var want []string
	for _, f := range files {
		if f.Status == writertest.StatusFailed && slices.Contains(f.GraphIDs, graphA) && strings.HasSuffix(strings.ToLower(f.Name), ".pdf") {
			want = append(want, f.ID)
		}
	}
	rep, err := client.Files.RetryFailed(context.Background(), &writer.RetryFailedOptions{GraphID: graphA, FileTypes: []string{"pdf"}})
	if err != nil || rep.Found != len(want) || rep.Retried != len(want) || len(want) == 0 {
		t.Fatalf("RetryFailed = found %d retried %d, %v; want %d", rep.Found, rep.Retried, err, len(want))
	}
	checkRetriedOnce(t, srv, want, 600)
	for i, q := range listQueries(t, srv) {
		if q.Get("status") != "failed" || q.Get("graph_id") != graphA || q.Get("file_types") != "pdf" {
			t.Errorf("list request %d query %v, want status, graph_id and file_types", i, q)
		}
	}
}

func TestRetryFailedRetriesRepeatedIDsOnceAndSkipsNonUUIDs(t *testing.T) {
	client, srv := setup(t, nil)
	seedFailed(srv)
	entry := func(id string) string {
		return `{"id":"` + id + `","name":"x.pdf","created_at":"2026-01-01T00:00:00Z","graph_ids":[],"status":"failed"}`
	}
	page := `{"data":[` + strings.Join([]string{entry(idA), entry(idB), entry(idA), entry("file_odd"), entry("file_odd")}, ",") + `],"has_more":false}`
	srv.FailNext(1, writertest.Fault{Status: http.StatusOK, Header: http.Header{"Content-Type": {"application/json"}}, Body: page})

	rep, err := client.Files.RetryFailed(context.Background(), nil)
	if err != nil {
		t.Fatalf("RetryFailed: %v", err)
	}
	if rep.Found != 2 || rep.Retried != 2 || !slices.Equal(rep.Skipped, []string{"file_odd"}) {
		t.Errorf("report = found %d retried %d skipped %v; want 2 2 [file_odd]", rep.Found, rep.Retried, rep.Skipped)
	}
	bodies := retryBodies(t, srv)
	if len(bodies) != 1 || len(bodies[0]) != 2 {
		t.Fatalf("retry requests = %v, want one with the two distinct ids", bodies)
	}
}

func TestRetryFailedReportsBatchErrorsAndGoesOn(t *testing.T) {
	client, srv := setup(t, nil, writer.WithMaxRetries(0))
	failed := seedWorkflow(srv, 5, 0)
	var progress []writer.RetryFailedProgress
	opts := &writer.RetryFailedOptions{BatchSize: 2, RequestsPerMinute: writer.NoRateLimit, Progress: func(p writer.RetryFailedProgress) {
		p.Batch = slices.Clone(p.Batch)
		progress = append(progress, p)
		if p.Batches == 1 {
			srv.FailNext(1, writertest.Fault{Status: http.StatusInternalServerError})
		}
	}}
	rep, err := client.Files.RetryFailed(context.Background(), opts)
	if !errors.Is(err, writer.ErrServer) {
		t.Fatalf("RetryFailed error = %v, want one wrapping the failed batch's ErrServer", err)
	}
	if rep.Batches != 3 || rep.Retried != 3 || len(rep.Errors) != 1 || len(rep.Errors[0].FileIDs) != 2 || !errors.Is(rep.Errors[0].Err, writer.ErrServer) {
		t.Fatalf("report = %+v, want 3 batches, 3 retried, the second batch's 2 ids in Errors", rep)
	}
	if !slices.Equal(rep.Errors[0].FileIDs, progress[2].Batch) {
		t.Errorf("failed ids %v differ from the second batch reported to Progress %v", rep.Errors[0].FileIDs, progress[2].Batch)
	}
	want := []writer.RetryFailedProgress{
		{Listing: true, Listed: 5},
		{Listed: 5, Found: 5, Retried: 2, Batches: 1, BatchesTotal: 3},
		{Listed: 5, Found: 5, Retried: 2, Batches: 2, BatchesTotal: 3, FailedBatches: 1},
		{Listed: 5, Found: 5, Retried: 3, Batches: 3, BatchesTotal: 3, FailedBatches: 1},
	}
	if len(progress) != len(want) {
		t.Fatalf("got %d progress calls, want %d", len(progress), len(want))
	}
	for i, p := range progress {
		if (p.BatchErr != nil) != (i == 2) || (i > 0) != (len(p.Batch) > 0) {
			t.Errorf("progress %d batch %v error %v", i, p.Batch, p.BatchErr)
		}
		p.Batch, p.BatchErr = nil, nil
		if fmt.Sprint(p) != fmt.Sprint(want[i]) {
			t.Errorf("progress %d = %+v, want %+v", i, p, want[i])
		}
	}
	// The failed batch's files are still failed; the others were retried once.
	retried := 0
	for _, id := range failed {
		f, _ := srv.File(id)
		retried += f.RetryRequests
	}
	if retried != 3 {
		t.Errorf("server accepted %d retries, want 3", retried)
	}
}

func TestRetryFailedStopsOnUnauthorized(t *testing.T) {
	client, srv := setup(t, nil)
	seedWorkflow(srv, 6, 0)
	opts := &writer.RetryFailedOptions{BatchSize: 2, Progress: func(p writer.RetryFailedProgress) {
		if p.Listing {
			srv.FailNext(1, writertest.Fault{Status: http.StatusUnauthorized, Header: http.Header{"Content-Type": {"application/json"}},
				Body: `{"tpe":"fail.unauthorized","errors":[{"description":"revoked","key":"fail.unauthorized.badToken","extras":{}}],"extras":{}}`})
		}
	}}
	rep, err := client.Files.RetryFailed(context.Background(), opts)
	if !errors.Is(err, writer.ErrUnauthorized) || rep.Batches != 1 || len(rep.Errors) != 1 {
		t.Fatalf("RetryFailed = %+v, %v; want a stop with ErrUnauthorized after the first batch", rep, err)
	}
}

func TestRetryFailedListingErrorEndsTheRun(t *testing.T) {
	client, srv := setup(t, nil, writer.WithAPIKey("wrong-key"))
	seedWorkflow(srv, 3, 0)
	rep, err := client.Files.RetryFailed(context.Background(), nil)
	if !errors.Is(err, writer.ErrUnauthorized) || rep.Found != 0 || rep.Batches != 0 {
		t.Fatalf("RetryFailed = %+v, %v; want ErrUnauthorized before any retry", rep, err)
	}
	if n := len(srv.Requests()); n != 1 {
		t.Errorf("got %d requests, want 1", n)
	}
}

func TestRetryFailedRefusesBadOptionsBeforeSending(t *testing.T) {
	client, srv := setup(t, nil)
	tests := []struct {
		opts writer.RetryFailedOptions
		want string
	}{
		{writer.RetryFailedOptions{BatchSize: -1}, "RetryFailedOptions.BatchSize"},
		{writer.RetryFailedOptions{RequestsPerMinute: -5}, "RetryFailedOptions.RequestsPerMinute"},
		{writer.RetryFailedOptions{GraphID: "nope"}, "RetryFailedOptions.GraphID"},
		{writer.RetryFailedOptions{FileTypes: []string{"pdf", "doc x"}}, "RetryFailedOptions.FileTypes[1]"},
	}
	for _, tt := range tests {
		_, err := client.Files.RetryFailed(context.Background(), &tt.opts)
		if !errors.Is(err, writer.ErrInvalidInput) || !strings.Contains(err.Error(), tt.want) {
			t.Errorf("RetryFailed(%+v) = %v, want ErrInvalidInput naming %s", tt.opts, err, tt.want)
		}
	}
	if n := len(srv.Requests()); n != 0 {
		t.Errorf("server received %d requests, want none", n)
	}
}

func TestRetryFailedMemoryPerFileIsBounded(t *testing.T) {
	const n = 10000
	client, srv := setup(t, nil)
	seedWorkflow(srv, n, 0)
	var base, listed runtime.MemStats
	runtime.GC()
	runtime.ReadMemStats(&base)
	opts := &writer.RetryFailedOptions{RequestsPerMinute: writer.NoRateLimit, Progress: func(p writer.RetryFailedProgress) {
		if p.Listing && p.Listed == n {
			runtime.GC()
			runtime.ReadMemStats(&listed)
		}
	}}
	rep, err := client.Files.RetryFailed(context.Background(), opts)
	if err != nil || rep.Retried != n {
		t.Fatalf("RetryFailed = %+v, %v", rep, err)
	}
	// The documented bound is 40 bytes per failed file, plus one page and one batch.
	grown := int64(listed.HeapAlloc) - int64(base.HeapAlloc)
	t.Logf("live heap grew by %d bytes (%.1f per file) while listing %d failed files", grown, float64(grown)/n, n)
	if limit := int64(40*n + 512<<10); grown > limit {
		t.Errorf("live heap grew by %d bytes while listing %d failed files, want at most %d", grown, n, limit)
	}
}

func TestWaitProcessedReturnsFinalStatuses(t *testing.T) {
	client, srv := setup(t, []writertest.Option{
		writertest.WithProcessingDelay(30 * time.Millisecond),
		writertest.WithRetryOutcome(func(id string) string {
			if id == idB {
				return writertest.StatusFailed
			}
			return writertest.StatusCompleted
		}),
	})
	seedFailed(srv)
	ctx := context.Background()
	if err := client.Files.Retry(ctx, []string{idA, idB}); err != nil {
		t.Fatal(err)
	}
	files, err := client.Files.WaitProcessed(ctx, []string{idB, idA, idC, idA}, &writer.WaitOptions{Interval: 5 * time.Millisecond, RequestsPerMinute: writer.NoRateLimit})
	if err != nil {
		t.Fatalf("WaitProcessed: %v", err)
	}
	got := make([]string, len(files))
	for i, f := range files {
		got[i] = f.ID + "=" + string(f.Status)
	}
	want := []string{idB + "=failed", idA + "=completed", idC + "=completed"}
	if !slices.Equal(got, want) {
		t.Errorf("WaitProcessed = %v, want %v", got, want)
	}
	gets := map[string]int{}
	for _, r := range srv.Requests() {
		if r.Method == http.MethodGet {
			gets[strings.TrimPrefix(r.Path, "/v1/files/")]++
		}
	}
	if gets[idC] != 1 || gets[idA] < 2 {
		t.Errorf("GETs per file = %v, want one for the settled file and several for the retried ones", gets)
	}
}

func TestWaitProcessedEndsWithTheContext(t *testing.T) {
	client, srv := setup(t, []writertest.Option{writertest.WithProcessingDelay(1 << 40)})
	seedFailed(srv)
	if err := client.Files.Retry(context.Background(), []string{idA}); err != nil {
		t.Fatal(err)
	}
	ctx, cancel := context.WithTimeout(context.Background(), 50*time.Millisecond)
	defer cancel()
	files, err := client.Files.WaitProcessed(ctx, []string{idA}, &writer.WaitOptions{Interval: 5 * time.Millisecond})
	if !errors.Is(err, context.DeadlineExceeded) {
		t.Fatalf("WaitProcessed = %v, want context.DeadlineExceeded", err)
	}
	if len(files) != 1 || files[0].Status != writer.StatusInProgress {
		t.Errorf("files = %+v, want the last status seen, in_progress", files)
	}
}

func TestWaitProcessedUnknownFileIsNotFound(t *testing.T) {
	client, srv := setup(t, nil)
	seedFailed(srv)
	_, err := client.Files.WaitProcessed(context.Background(), []string{idA, "9c4e5f6a-7b8c-4d9e-8fa0-1b2c3d4e5f60"}, nil)
	if !errors.Is(err, writer.ErrNotFound) {
		t.Fatalf("WaitProcessed = %v, want ErrNotFound", err)
	}
}

func TestWaitProcessedNothingToWaitFor(t *testing.T) {
	client, srv := setup(t, nil)
	files, err := client.Files.WaitProcessed(context.Background(), nil, nil)
	if err != nil || files != nil || len(srv.Requests()) != 0 {
		t.Fatalf("WaitProcessed(nil) = %v, %v after %d requests", files, err, len(srv.Requests()))
	}
	_, err = client.Files.WaitProcessed(context.Background(), []string{idA}, &writer.WaitOptions{Interval: -time.Second})
	if !errors.Is(err, writer.ErrInvalidInput) || !strings.Contains(err.Error(), "WaitOptions.Interval") {
		t.Errorf("negative interval = %v, want ErrInvalidInput", err)
	}
}

// TestRetryFailedThenWait is the whole workflow: retry every failed file, wait for the
// retried ones, and list again.
func TestRetryFailedThenWait(t *testing.T) {
	client, srv := setup(t, []writertest.Option{
		writertest.WithProcessingDelay(20 * time.Millisecond),
		writertest.WithRetryOutcome(failEveryThird),
	})
	failed := seedWorkflow(srv, 30, 10)
	ctx := context.Background()
	var retried []string
	rep, err := client.Files.RetryFailed(ctx, &writer.RetryFailedOptions{BatchSize: 7, RequestsPerMinute: writer.NoRateLimit, Progress: func(p writer.RetryFailedProgress) {
		if p.BatchErr == nil {
			retried = append(retried, p.Batch...)
		}
	}})
	if err != nil || rep.Retried != 30 {
		t.Fatalf("RetryFailed = %+v, %v", rep, err)
	}
	slices.Sort(retried)
	if want := slices.Sorted(slices.Values(failed)); !slices.Equal(retried, want) {
		t.Fatalf("Progress reported %d retried ids, want the %d failed ones", len(retried), len(want))
	}
	files, err := client.Files.WaitProcessed(ctx, retried, &writer.WaitOptions{Interval: 5 * time.Millisecond, RequestsPerMinute: writer.NoRateLimit})
	if err != nil {
		t.Fatalf("WaitProcessed: %v", err)
	}
	wantFailed := 0
	for _, f := range files {
		if f.Status != writer.Status(failEveryThird(f.ID)) {
			t.Errorf("%s is %s, want %s", f.ID, f.Status, failEveryThird(f.ID))
		}
		if f.Status == writer.StatusFailed {
			wantFailed++
		}
	}
	n := 0
	for _, err := range client.Files.List(ctx, &writer.ListOptions{Status: writer.StatusFailed}) {
		if err != nil {
			t.Fatal(err)
		}
		n++
	}
	if n != wantFailed {
		t.Errorf("listed %d failed files after the run, want the %d that failed again", n, wantFailed)
	}
}
