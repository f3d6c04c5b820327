package writer_test

import (
	"cmp"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"maps"
	"net/http"
	"net/http/httptest"
	"net/url"
	"runtime"
	"slices"
	"strconv"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"golang.org/x/time/rate"

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

// checkCursorsHeldBack fails the test if a list request's after cursor names a file that
// an earlier retry request carried: the cursor file must stay failed until the page after
// it was read.
func checkCursorsHeldBack(t *testing.T, srv *writertest.Server) {
	t.Helper()
	retried := map[string]bool{}
	bad, first := 0, ""
	for _, r := range srv.Requests() {
		switch {
		case r.Method == http.MethodPost && r.Path == "/v1/files/retry":
			var body struct {
				FileIDs []string `json:"file_ids"`
			}
			if err := json.Unmarshal(r.Body, &body); err != nil {
				t.Fatalf("retry body %q: %v", r.Body, err)
			}
			for _, id := range body.FileIDs {
				retried[id] = true
			}
		case r.Method == http.MethodGet && r.Path == "/v1/files":
			q, err := url.ParseQuery(r.RawQuery)
			if err != nil {
				t.Fatalf("query %q: %v", r.RawQuery, err)
			}
			if after := q.Get("after"); retried[after] {
				bad++
				first = cmp.Or(first, after)
			}
		}
	}
	if bad > 0 {
		t.Errorf("%d list requests named as their cursor a file already retried, the first %s", bad, first)
	}
}

// requestKinds returns the run's requests in order: L for a list page, R for a retry.
func requestKinds(srv *writertest.Server) string {
	var b strings.Builder
	for _, r := range srv.Requests() {
		if r.Path == "/v1/files/retry" {
			b.WriteByte('R')
		} else {
			b.WriteByte('L')
		}
	}
	return b.String()
}

// failEveryThird makes a third of the retried files fail again at once, so that they are
// back in the failed filter while the run goes on.
func failEveryThird(id string) writer.Status {
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

// listAnswer is a canned 200 answer of GET /v1/files holding files given as id@seconds
// (created_at in seconds after 2026-01-01), all failed.
func listAnswer(hasMore bool, files ...string) writertest.Fault {
	var data []string
	for _, f := range files {
		id, secs, _ := strings.Cut(f, "@")
		n, _ := strconv.Atoi(secs)
		at := time.Date(2026, 1, 1, 0, 0, n, 0, time.UTC).Format(time.RFC3339)
		data = append(data, `{"id":"`+id+`","name":"x.pdf","created_at":"`+at+`","graph_ids":[],"status":"failed"}`)
	}
	body := fmt.Sprintf(`{"data":[%s],"has_more":%t}`, strings.Join(data, ","), hasMore)
	return writertest.Fault{Status: http.StatusOK, Header: http.Header{"Content-Type": {"application/json"}}, Body: body}
}

func TestRetryFailedTenThousandFilesUnderRateLimit(t *testing.T) {
	for _, m := range cursorModes {
		t.Run(m.name, func(t *testing.T) {
			// The simulated rate limit answers 429 when requests come faster than 5 per 10 ms,
			// which depends on the machine's speed; so a 429 is also queued after every page
			// and every batch, and every call of the run meets at least one. A third of the
			// retried files fail again at once: they are back in the failed filter, behind the
			// cursor, while the run goes on.
			client, srv := setup(t, append([]writertest.Option{
				writertest.WithRateLimit(5, 10*time.Millisecond),
				writertest.WithRetryOutcome(failEveryThird),
			}, m.opts...))
			failed := seedWorkflow(srv, 10000, 2000)
			calls := 0
			opts := &writer.RetryFailedOptions{Progress: func(writer.RetryFailedProgress) {
				calls++
				srv.FailNext(1, tooManyRequests)
			}}
			srv.FailNext(1, tooManyRequests)

			rep, err := client.Files.RetryFailed(context.Background(), opts)
			if err != nil {
				t.Fatalf("RetryFailed: %v", err)
			}
			if rep.Pages != 100 || rep.Found != 10000 || rep.Retried != 10000 || rep.Batches != 100 || rep.FailedBatches != 0 || rep.Skipped != 0 {
				t.Errorf("report = pages %d found %d retried %d batches %d failed %d skipped %d, want 100 10000 10000 100 0 0",
					rep.Pages, rep.Found, rep.Retried, rep.Batches, rep.FailedBatches, rep.Skipped)
			}
			t.Logf("the simulated rate limit answered 429 to %d requests, besides %d queued 429s", srv.RateLimited(), calls)
			checkRetriedOnce(t, srv, failed, 12000)
			checkCursorsHeldBack(t, srv)
		})
	}
}

func TestRetryFailedRetriesFilesThatFailAgainOnce(t *testing.T) {
	for _, m := range cursorModes {
		t.Run(m.name, func(t *testing.T) {
			// Every retried file is failed again by the time the next page is read.
			client, srv := setup(t, append([]writertest.Option{
				writertest.WithProcessingDelay(0),
				writertest.WithRetryOutcome(func(string) writer.Status { return writertest.StatusFailed }),
			}, m.opts...))
			failed := seedWorkflow(srv, 1000, 300)
			rep, err := client.Files.RetryFailed(context.Background(), &writer.RetryFailedOptions{BatchSize: 30})
			if err != nil || rep.Found != 1000 || rep.Retried != 1000 || rep.Batches != 34 {
				t.Fatalf("RetryFailed = found %d retried %d batches %d, %v; want 1000 1000 34", rep.Found, rep.Retried, rep.Batches, err)
			}
			checkRetriedOnce(t, srv, failed, 1300)
			checkCursorsHeldBack(t, srv)
			for _, id := range failed {
				if f, _ := srv.File(id); f.Status != writertest.StatusFailed {
					t.Fatalf("%s is %s after the run, want failed again", id, f.Status)
				}
			}
		})
	}
}

func TestRetryFailedSlowsDownOn429(t *testing.T) {
	// Every 429 is retried once by the client's call loop, at a pace it halved (once per
	// burst), and by nothing else. One request at a time, so that each 429 queued after a
	// Progress call meets the run's next request.
	client, srv := setup(t, []writertest.Option{writertest.WithRetryOutcome(failEveryThird)}, writer.WithRequestsPerMinute(60000))
	failed := seedWorkflow(srv, 1000, 100)
	injected := 1
	srv.FailNext(1, tooManyRequests)
	opts := &writer.RetryFailedOptions{BatchSize: 50, Concurrency: 1, Progress: func(p writer.RetryFailedProgress) {
		// After every page and every other batch, unless the run has nothing left to send.
		if p.Batch == nil || (p.Batches%2 == 0 && p.Retried < p.Found) {
			injected += 2
			srv.FailNext(2, tooManyRequests)
		}
	}}
	rep, err := client.Files.RetryFailed(context.Background(), opts)
	if err != nil {
		t.Fatalf("RetryFailed: %v", err)
	}
	if rep.Retried != 1000 || rep.Batches != 20 || rep.FailedBatches != 0 {
		t.Errorf("report = retried %d batches %d errors %v", rep.Retried, rep.Batches, rep.Errors)
	}
	if got, want := len(srv.Requests()), rep.Pages+rep.Batches+injected; got != want {
		t.Errorf("sent %d requests, want one per page and batch and one more per 429, %d", got, want)
	}
	checkRetriedOnce(t, srv, failed, 1100)
}

func TestRetryFailedGivesUpAfterManyRateLimits(t *testing.T) {
	client, srv := setup(t, nil)
	seedWorkflow(srv, 3, 0)
	srv.FailNext(20, tooManyRequests)
	rep, err := client.Files.RetryFailed(context.Background(), &writer.RetryFailedOptions{})
	if !errors.Is(err, writer.ErrRateLimited) || rep.Batches != 0 {
		t.Fatalf("RetryFailed = %+v, %v; want ErrRateLimited while listing", rep, err)
	}
	if n, want := len(srv.Requests()), 9; n != want {
		t.Errorf("sent %d requests, want %d: the first and 8 retries of the outage policy", n, want)
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
	// The client's limiter grants 100 requests per second with a burst of 1: over any run
	// of d, at most 1 + d x 100/s requests, however loaded the machine (a delay only lowers
	// the count). Unpaced, the 40 requests take a few milliseconds.
	const pace = 100
	client, srv := setup(t, nil, writer.WithRequestsPerMinute(pace*60))
	failed := seedWorkflow(srv, 2000, 0)
	start := time.Now()
	rep, err := client.Files.RetryFailed(context.Background(), nil)
	elapsed := time.Since(start)
	if err != nil || rep.Retried != 2000 || rep.Pages != 20 || rep.Batches != 20 {
		t.Fatalf("RetryFailed = %+v, %v; want 2000 retried in 20 pages and 20 batches", rep, err)
	}
	if got, most := len(srv.Requests()), 1+int(elapsed.Seconds()*pace); got > most {
		t.Errorf("%d requests in %s, more than the %d that %d per second with a burst of 1 allows", got, elapsed, most, pace)
	}
	if got, want := strings.Count(requestKinds(srv), "R"), 20; got != want {
		t.Errorf("%d retry requests, want %d: one per batch of 100", got, want)
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
		if q.Get("status") != "failed" || q.Get("graph_id") != graphA || q.Get("file_types") != "pdf" ||
			q.Get("order") != "asc" || q.Get("limit") != "100" {
			t.Errorf("list request %d query %v, want status, graph_id, file_types, order=asc and limit=100", i, q)
		}
	}
}

// dropQuery is a RoundTripper that removes a query parameter: a server that ignores it.
type dropQuery struct {
	name string
	next http.RoundTripper
}

func (d dropQuery) RoundTrip(req *http.Request) (*http.Response, error) {
	req = req.Clone(req.Context())
	q := req.URL.Query()
	q.Del(d.name)
	req.URL.RawQuery = q.Encode()
	return d.next.RoundTrip(req)
}

func TestRetryFailedChecksTheGraphOfEachFileWhenTheServerIgnoresGraphID(t *testing.T) {
	srv := writertest.NewServer(t)
	files := manyFiles(300)
	srv.AddFiles(files...)
	var want []string
	outside := 0
	for _, f := range files {
		switch {
		case f.Status != writertest.StatusFailed:
		case slices.Contains(f.GraphIDs, graphA):
			want = append(want, f.ID)
		default:
			outside++
		}
	}
	client, err := writer.NewClient(writer.WithBaseURL(srv.URL), writer.WithAPIKey(srv.APIKey),
		writer.WithRequestsPerMinute(writer.NoRateLimit),
		writer.WithHTTPClient(&http.Client{Transport: dropQuery{"graph_id", http.DefaultTransport}}))
	if err != nil {
		t.Fatal(err)
	}
	// The run's graph in upper case: graph ids are compared as UUIDs.
	rep, err := client.Files.RetryFailed(context.Background(), &writer.RetryFailedOptions{GraphID: strings.ToUpper(graphA)})
	if err != nil {
		t.Fatalf("RetryFailed: %v", err)
	}
	if rep.Found != len(want) || rep.Retried != len(want) || rep.OutsideGraph != outside || len(want) == 0 || outside == 0 {
		t.Errorf("report = found %d retried %d outside the graph %d; want %d, %d and %d", rep.Found, rep.Retried, rep.OutsideGraph, len(want), len(want), outside)
	}
	checkRetriedOnce(t, srv, want, len(files))
	for i, q := range listQueries(t, srv) {
		if q.Has("graph_id") {
			t.Fatalf("list request %d reached the server with graph_id: the test's server must ignore it", i)
		}
	}
}

func TestRetryFailedSkipsFilesAServerRepeats(t *testing.T) {
	client, srv := setup(t, nil)
	f := seedWorkflow(srv, 6, 0)
	// Three pages (id@seconds) that repeat files: within a page (f0, file_odd), from the
	// previous page with the cursor's created_at (f2, the cursor itself, and file_odd), and
	// from two pages back (f0 on page 3, created before the cursor file f4).
	pages := []writertest.Fault{
		listAnswer(true, f[0]+"@1", f[1]+"@2", f[0]+"@1", "file_odd@2", "file_odd@2", f[2]+"@3"),
		listAnswer(true, f[2]+"@3", f[3]+"@3", "file_odd@3", f[4]+"@4"),
		listAnswer(false, f[0]+"@1", f[5]+"@5"),
	}
	srv.FailNext(1, pages[0])
	opts := &writer.RetryFailedOptions{Progress: func(p writer.RetryFailedProgress) {
		if p.Batch == nil && p.Pages < len(pages) {
			srv.FailNext(1, pages[p.Pages])
		}
	}}
	rep, err := client.Files.RetryFailed(context.Background(), opts)
	if err != nil {
		t.Fatalf("RetryFailed: %v", err)
	}
	if rep.Pages != 3 || rep.Found != 7 || rep.Retried != 6 || rep.Skipped != 1 || !slices.Equal(rep.SkippedIDs, []string{"file_odd"}) {
		t.Errorf("report = pages %d found %d retried %d skipped %d %v; want 3 7 6 1 [file_odd]", rep.Pages, rep.Found, rep.Retried, rep.Skipped, rep.SkippedIDs)
	}
	if got, want := fmt.Sprint(retryBodies(t, srv)), fmt.Sprint([][]string{f}); got != want {
		t.Errorf("retry requests = %s, want %s", got, want)
	}
	q := listQueries(t, srv)
	if got, want := requestKinds(srv), "LLLR"; got != want || q[1].Get("after") != f[2] || q[2].Get("after") != f[4] {
		t.Errorf("requests = %s with queries %v, want %s, paging after each page's last file", got, q, want)
	}
}

func TestRetryFailedRefusesACursorThatGoesBack(t *testing.T) {
	client, srv := setup(t, nil)
	f := seedWorkflow(srv, 4, 0)
	srv.FailNext(1, listAnswer(true, f[0]+"@5", f[1]+"@6"))
	opts := &writer.RetryFailedOptions{Progress: func(p writer.RetryFailedProgress) {
		if p.Pages == 1 {
			srv.FailNext(1, listAnswer(true, f[2]+"@7", f[3]+"@1"))
		}
	}}
	rep, err := client.Files.RetryFailed(context.Background(), opts)
	if !errors.Is(err, writer.ErrInvalidResponse) || rep.Pages != 2 || rep.Found != 3 || rep.Batches != 0 {
		t.Fatalf("RetryFailed = %+v, %v; want ErrInvalidResponse after two pages, three files found, none sent", rep, err)
	}
	if n := len(srv.Requests()); n != 2 {
		t.Errorf("got %d requests, want the two pages", n)
	}
}

func TestRetryFailedKeepsTheFirstHundredIDsThatAreNotUUIDs(t *testing.T) {
	client, srv := setup(t, nil)
	base := time.Date(2026, 2, 1, 0, 0, 0, 0, time.UTC)
	var odd, good []string
	for i := range 260 {
		f := writertest.File{ID: fileID(i), Name: "f.pdf", Status: writertest.StatusFailed, CreatedAt: base.Add(time.Duration(i) * time.Second)}
		if i%13 != 0 {
			f.ID = fmt.Sprintf("file_%03d", i)
			odd = append(odd, f.ID)
		} else {
			good = append(good, f.ID)
		}
		srv.AddFiles(f)
	}
	rep, err := client.Files.RetryFailed(context.Background(), &writer.RetryFailedOptions{})
	if err != nil || rep.Found != 260 || rep.Retried != len(good) || rep.Skipped != len(odd) {
		t.Fatalf("RetryFailed = found %d retried %d skipped %d, %v; want 260 %d %d", rep.Found, rep.Retried, rep.Skipped, err, len(good), len(odd))
	}
	if !slices.Equal(rep.SkippedIDs, odd[:100]) {
		t.Errorf("SkippedIDs = %d ids from %v, want the first 100 found", len(rep.SkippedIDs), rep.SkippedIDs[:min(3, len(rep.SkippedIDs))])
	}
	if got := slices.Concat(retryBodies(t, srv)...); !slices.Equal(got, good) {
		t.Errorf("retried %v, want the UUID ids %v", got, good)
	}
}

func TestRetryFailedReportsProgressPageByPage(t *testing.T) {
	client, srv := setup(t, nil)
	seedWorkflow(srv, 250, 40)
	var got []writer.RetryFailedProgress
	var sizes []int
	opts := &writer.RetryFailedOptions{Progress: func(p writer.RetryFailedProgress) {
		sizes = append(sizes, len(p.Batch))
		p.Batch = nil
		got = append(got, p)
	}}
	rep, err := client.Files.RetryFailed(context.Background(), opts)
	if err != nil || rep.Retried != 250 {
		t.Fatalf("RetryFailed = %+v, %v", rep, err)
	}
	// Page 1 holds back its last file, so 99 wait; page 2 fills the first batch; page 3
	// (50 files, the last) leaves 150 to send.
	want := []writer.RetryFailedProgress{
		{RetryFailedReport: writer.RetryFailedReport{Pages: 1, Found: 100}},
		{RetryFailedReport: writer.RetryFailedReport{Pages: 2, Found: 200}},
		{RetryFailedReport: writer.RetryFailedReport{Pages: 2, Found: 200, Retried: 100, Batches: 1}},
		{RetryFailedReport: writer.RetryFailedReport{Pages: 3, Found: 250, Retried: 100, Batches: 1}, ListingDone: true},
		{RetryFailedReport: writer.RetryFailedReport{Pages: 3, Found: 250, Retried: 200, Batches: 2}, ListingDone: true},
		{RetryFailedReport: writer.RetryFailedReport{Pages: 3, Found: 250, Retried: 250, Batches: 3}, ListingDone: true},
	}
	if fmt.Sprint(got) != fmt.Sprint(want) {
		t.Errorf("progress =\n%+v\nwant\n%+v", got, want)
	}
	if want := []int{0, 0, 100, 0, 100, 50}; !slices.Equal(sizes, want) {
		t.Errorf("ids per call = %v, want %v", sizes, want)
	}
}

func TestRetryFailedReportsBatchErrorsAndGoesOn(t *testing.T) {
	client, srv := setup(t, nil, writer.WithMaxRetries(0))
	failed := seedWorkflow(srv, 5, 0)
	var progress []writer.RetryFailedProgress
	opts := &writer.RetryFailedOptions{BatchSize: 2, Progress: func(p writer.RetryFailedProgress) {
		p.Batch = slices.Clone(p.Batch)
		progress = append(progress, p)
		if p.Batches == 1 && p.Batch != nil {
			srv.FailNext(1, writertest.Fault{Status: http.StatusInternalServerError})
		}
	}}
	rep, err := client.Files.RetryFailed(context.Background(), opts)
	if !errors.Is(err, writer.ErrServer) {
		t.Fatalf("RetryFailed error = %v, want one wrapping the failed batch's ErrServer", err)
	}
	if rep.Batches != 3 || rep.Retried != 3 || rep.FailedBatches != 1 || len(rep.Errors) != 1 || len(rep.Errors[0].FileIDs) != 2 || !errors.Is(rep.Errors[0].Err, writer.ErrServer) {
		t.Fatalf("report = %+v, want 3 batches, 3 retried, the second batch's 2 ids in Errors", rep)
	}
	if !slices.Equal(rep.Errors[0].FileIDs, progress[2].Batch) {
		t.Errorf("failed ids %v differ from the second batch reported to Progress %v", rep.Errors[0].FileIDs, progress[2].Batch)
	}
	want := []writer.RetryFailedProgress{
		{RetryFailedReport: writer.RetryFailedReport{Pages: 1, Found: 5}, ListingDone: true},
		{RetryFailedReport: writer.RetryFailedReport{Pages: 1, Found: 5, Retried: 2, Batches: 1}, ListingDone: true},
		{RetryFailedReport: writer.RetryFailedReport{Pages: 1, Found: 5, Retried: 2, Batches: 2, FailedBatches: 1}, ListingDone: true},
		{RetryFailedReport: writer.RetryFailedReport{Pages: 1, Found: 5, Retried: 3, Batches: 3, FailedBatches: 1}, ListingDone: true},
	}
	if len(progress) != len(want) {
		t.Fatalf("got %d progress calls, want %d", len(progress), len(want))
	}
	for i, p := range progress {
		if (p.BatchErr != nil) != (i == 2) || (i > 0) != (len(p.Batch) > 0) {
			t.Errorf("progress %d batch %v error %v", i, p.Batch, p.BatchErr)
		}
		p.Batch, p.BatchErr, p.Errors = nil, nil, nil // the report's Errors are checked above
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

func TestRetryFailedKeepsTheFirstTenBatchErrors(t *testing.T) {
	client, srv := setup(t, nil, writer.WithMaxRetries(0))
	seedWorkflow(srv, 30, 0)
	var batches [][]string
	opts := &writer.RetryFailedOptions{BatchSize: 2, Progress: func(p writer.RetryFailedProgress) {
		if p.Batch != nil {
			batches = append(batches, slices.Clone(p.Batch))
		}
		srv.FailNext(1, writertest.Fault{Status: http.StatusBadGateway}) // the next retry request fails
	}}
	rep, err := client.Files.RetryFailed(context.Background(), opts)
	if !errors.Is(err, writer.ErrServer) || !strings.Contains(err.Error(), "15 of 15") {
		t.Fatalf("RetryFailed error = %v, want 15 of 15 failed, wrapping ErrServer", err)
	}
	if rep.Batches != 15 || rep.FailedBatches != 15 || rep.Retried != 0 || len(rep.Errors) != 10 || len(batches) != 15 {
		t.Fatalf("report = batches %d failed %d retried %d errors %d (progress saw %d); want 15 15 0 10 15",
			rep.Batches, rep.FailedBatches, rep.Retried, len(rep.Errors), len(batches))
	}
	for i, e := range rep.Errors {
		if !slices.Equal(e.FileIDs, batches[i]) || !errors.Is(e.Err, writer.ErrServer) {
			t.Errorf("Errors[%d] = %v %v, want batch %d %v with ErrServer", i, e.FileIDs, e.Err, i, batches[i])
		}
	}
}

func TestRetryFailedStopsOnUnauthorized(t *testing.T) {
	client, srv := setup(t, nil)
	seedWorkflow(srv, 6, 0)
	opts := &writer.RetryFailedOptions{BatchSize: 2, Progress: func(p writer.RetryFailedProgress) {
		if p.Batch == nil {
			srv.FailNext(1, writertest.Fault{Status: http.StatusUnauthorized, Header: http.Header{"Content-Type": {"application/json"}},
				Body: `{"tpe":"fail.unauthorized","errors":[{"description":"revoked","key":"fail.unauthorized.badToken","extras":{}}],"extras":{}}`})
		}
	}}
	rep, err := client.Files.RetryFailed(context.Background(), opts)
	if !errors.Is(err, writer.ErrUnauthorized) || rep.Batches != 1 || rep.FailedBatches != 1 || len(rep.Errors) != 1 {
		t.Fatalf("RetryFailed = %+v, %v; want a stop with ErrUnauthorized after the first batch", rep, err)
	}
}

// TestRetryFailedCountsOnlyRequestsSent: at 1 request per minute, the listing takes the
// limiter's first token and the first retry request would be due a minute later, after
// ctx's deadline. The run stops at once with DeadlineExceeded; no retry request was sent, and
// the report counts none.
func TestRetryFailedCountsOnlyRequestsSent(t *testing.T) {
	client, srv := setup(t, nil, writer.WithRequestsPerMinute(1))
	seedWorkflow(srv, 2, 0)
	ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
	defer cancel()
	rep, err := client.Files.RetryFailed(ctx, &writer.RetryFailedOptions{BatchSize: 1})
	if !errors.Is(err, context.DeadlineExceeded) {
		t.Errorf("RetryFailed: err = %v, want context.DeadlineExceeded", err)
	}
	if rep.Found != 2 || rep.Batches != 0 || rep.FailedBatches != 0 || len(rep.Errors) != 0 {
		t.Errorf("report = %+v, want 2 found and no retry request counted", rep)
	}
	if bodies := retryBodies(t, srv); len(bodies) != 0 {
		t.Errorf("server got %d retry requests, want none", len(bodies))
	}
}

// TestRetryFailedContextEndsAfter429: a retry request answered 429 with Retry-After: 60 is
// counted as sent and failed when ctx ends during the call loop's wait before sending it
// again; its error is the 429's *Error, which also matches ctx's error.
func TestRetryFailedContextEndsAfter429(t *testing.T) {
	ctx, cancel := context.WithCancel(context.Background())
	defer cancel()
	client, srv := setup(t, nil, writer.WithRetryPolicy(writer.RetryPolicy{MaxRetryAfter: 2 * time.Minute}),
		writer.WithLogger(slog.New(cancelOn429{cancel})))
	seedWorkflow(srv, 1, 0)
	opts := &writer.RetryFailedOptions{Progress: func(p writer.RetryFailedProgress) {
		if p.Batch == nil { // the page was read: the retry request comes next
			srv.FailNext(1, writertest.Fault{Status: http.StatusTooManyRequests, Header: http.Header{"Retry-After": {"60"}}})
		}
	}}
	rep, err := client.Files.RetryFailed(ctx, opts)
	var apiErr *writer.Error
	if !errors.As(err, &apiErr) || apiErr.StatusCode != http.StatusTooManyRequests || !errors.Is(err, context.Canceled) {
		t.Fatalf("RetryFailed: err = %v, want the 429's *Error matching context.Canceled", err)
	}
	if rep.Batches != 1 || rep.FailedBatches != 1 || len(rep.Errors) != 1 || len(retryBodies(t, srv)) != 1 {
		t.Errorf("report = %+v, want 1 request sent and failed", rep)
	}
}

// cancelOn429 is a slog.Handler that calls cancel on the client's record of an attempt
// answered 429: the run is then waiting to send the request again.
type cancelOn429 struct{ cancel context.CancelFunc }

func (cancelOn429) Enabled(context.Context, slog.Level) bool { return true }
func (h cancelOn429) Handle(_ context.Context, r slog.Record) error {
	r.Attrs(func(a slog.Attr) bool {
		if a.Key == "status" && a.Value.Int64() == http.StatusTooManyRequests {
			h.cancel()
		}
		return true
	})
	return nil
}
func (h cancelOn429) WithAttrs([]slog.Attr) slog.Handler { return h }
func (h cancelOn429) WithGroup(string) slog.Handler      { return h }

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

// TestRetryFailedMemoryDoesNotGrowWithFiles runs RetryFailed over 5,000 and 50,000 failed
// files served by a fake in another process, so that this process's heap holds only the
// client, and compares how much the live heap grew above its level before each run.
func TestRetryFailedMemoryDoesNotGrowWithFiles(t *testing.T) {
	small, large := retryFailedHeapGrowth(t, 5000), retryFailedHeapGrowth(t, 50000)
	t.Logf("live heap growth: %d bytes for 5,000 failed files, %d for 50,000; allocated %.0f and %.0f bytes per file",
		small.live, large.live, float64(small.alloc)/5000, float64(large.alloc)/50000)
	// Keeping 16 bytes per file, as listing everything first did, would add 720 KB.
	const slack = 256 << 10
	if large.live > 2*small.live+slack {
		t.Errorf("live heap grew by %d bytes over 50,000 files and %d over 5,000: want at most twice as much plus %d", large.live, small.live, slack)
	}
	if large.live > 512<<10 {
		t.Errorf("live heap grew by %d bytes over 50,000 files, want under 512 KiB", large.live)
	}
}

// heapGrowth is what a RetryFailed run did to this process's heap.
type heapGrowth struct {
	live  int64  // the most live heap (HeapAlloc after a GC) above the baseline, in bytes
	alloc uint64 // bytes allocated during the run, garbage included
}

// retryFailedHeapGrowth runs RetryFailed, unpaced, over n failed files in a fake process,
// sampling the live heap in the Progress callback (every 8th call, after a GC).
func retryFailedHeapGrowth(t *testing.T, n int) heapGrowth {
	t.Helper()
	transport := &http.Transport{}
	defer transport.CloseIdleConnections()
	client, err := writer.NewClient(writer.WithBaseURL(startFakeProcess(t, n)), writer.WithAPIKey(writertest.DefaultAPIKey),
		writer.WithHTTPClient(&http.Client{Transport: transport}), writer.WithRequestsPerMinute(writer.NoRateLimit))
	if err != nil {
		t.Fatal(err)
	}
	ctx := context.Background()
	// A first request, so that the connection and what the client sets up on first use are
	// in the baseline.
	if _, err := client.Files.ListPage(ctx, &writer.ListOptions{Limit: 1}, writer.Cursor{}); err != nil {
		t.Fatal(err)
	}
	var base, m runtime.MemStats
	runtime.GC()
	runtime.ReadMemStats(&base)
	var g heapGrowth
	calls := 0
	opts := &writer.RetryFailedOptions{Progress: func(writer.RetryFailedProgress) {
		if calls++; calls%8 == 0 {
			runtime.GC()
			runtime.ReadMemStats(&m)
			g.live = max(g.live, int64(m.HeapAlloc)-int64(base.HeapAlloc))
		}
	}}
	rep, err := client.Files.RetryFailed(ctx, opts)
	runtime.ReadMemStats(&m)
	g.alloc = m.TotalAlloc - base.TotalAlloc
	if err != nil || rep.Found != n || rep.Retried != n {
		t.Fatalf("RetryFailed over %d files = found %d retried %d, %v", n, rep.Found, rep.Retried, err)
	}
	return g
}

// scriptedList is a server whose GET /v1/files answers pages in turn (the last one again
// once they run out) and whose POST /v1/files/retry accepts any ids, counting how many times
// each was carried. It returns a client of it and the counts.
func scriptedList(t *testing.T, pages ...writertest.Fault) (*writer.Client, func() map[string]int) {
	t.Helper()
	var mu sync.Mutex
	next, retried := 0, map[string]int{}
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		mu.Lock()
		defer mu.Unlock()
		w.Header().Set("Content-Type", "application/json")
		if r.Method == http.MethodPost {
			var body struct {
				FileIDs []string `json:"file_ids"`
			}
			if err := json.NewDecoder(r.Body).Decode(&body); err != nil {
				t.Errorf("retry body: %v", err)
			}
			for _, id := range body.FileIDs {
				retried[id]++
			}
			_, _ = io.WriteString(w, `{"success":true}`)
			return
		}
		_, _ = io.WriteString(w, pages[min(next, len(pages)-1)].Body)
		next++
	}))
	t.Cleanup(srv.Close)
	client, err := writer.NewClient(writer.WithBaseURL(srv.URL), writer.WithAPIKey("k"), fastRetries, writer.WithRequestsPerMinute(writer.NoRateLimit))
	if err != nil {
		t.Fatal(err)
	}
	return client, func() map[string]int {
		mu.Lock()
		defer mu.Unlock()
		return maps.Clone(retried)
	}
}

func TestRetryFailedEndsOnACursorCycle(t *testing.T) {
	f := []string{fileID(0), fileID(1), fileID(2), fileID(3)}
	// Every file was created in the same second, so no page moves the cursor back in time:
	// only the cursor that comes again (f1, after f3) shows the cycle.
	a := listAnswer(true, f[0]+"@1", f[1]+"@1")
	b := listAnswer(true, f[2]+"@1", f[3]+"@1")
	client, retried := scriptedList(t, a, b, a, b, a, b)
	rep, err := client.Files.RetryFailed(context.Background(), &writer.RetryFailedOptions{BatchSize: 1})
	if !errors.Is(err, writer.ErrInvalidResponse) || rep.Pages != 3 {
		t.Fatalf("RetryFailed = pages %d, %v; want ErrInvalidResponse on the third page", rep.Pages, err)
	}
	checkRetriedAtMostOnce(t, retried())
}

func TestRetryFailedNeverRetriesAFileTwice(t *testing.T) {
	var f []string
	for i := range 7 {
		f = append(f, fileID(i))
	}
	// Files come back two and three pages later with their own created_at (all in one
	// second), and twice within one page; the batch of 3 could carry a repeat.
	pages := []writertest.Fault{
		listAnswer(true, f[0]+"@1", f[1]+"@1"),
		listAnswer(true, f[2]+"@1", f[3]+"@1"),
		listAnswer(true, f[0]+"@1", f[4]+"@1", f[4]+"@1"),
		listAnswer(true, f[1]+"@1", f[5]+"@1", f[2]+"@1"),
		listAnswer(false, f[3]+"@1", f[6]+"@1", f[0]+"@1"),
	}
	client, retried := scriptedList(t, pages...)
	rep, err := client.Files.RetryFailed(context.Background(), &writer.RetryFailedOptions{BatchSize: 3})
	if err != nil || rep.Found != 7 || rep.Retried != 7 {
		t.Fatalf("RetryFailed = found %d retried %d, %v; want 7 7", rep.Found, rep.Retried, err)
	}
	if got := retried(); len(got) != 7 {
		t.Errorf("retried %d distinct files, want 7", len(got))
	}
	checkRetriedAtMostOnce(t, retried())
}

// checkRetriedAtMostOnce fails the test if a file was carried by more than one retry request.
func checkRetriedAtMostOnce(t *testing.T, retried map[string]int) {
	t.Helper()
	for id, n := range retried {
		if n > 1 {
			t.Errorf("%s was retried %d times", id, n)
		}
	}
}

// unavailable is a 503 as a proxy sends it during an outage.
var unavailable = writertest.Fault{Status: http.StatusServiceUnavailable}

func TestRetryFailedRidesOutAnOutage(t *testing.T) {
	// A workflow call makes up to 8 retries (the outage policy), where another call makes
	// 4: 8 answers of 503 in a row are an outage that one call of the run outlasts, with
	// one request per answer and nothing sent again on top.
	client, srv := setup(t, nil)
	failed := seedWorkflow(srv, 250, 0)
	outage := false
	opts := &writer.RetryFailedOptions{Progress: func(p writer.RetryFailedProgress) {
		if p.Pages == 2 && !outage { // the second page was read: the first batch goes next
			outage = true
			srv.FailNext(8, unavailable)
		}
	}}
	rep, err := client.Files.RetryFailed(context.Background(), opts)
	if err != nil || rep.Retried != 250 || rep.Batches != 3 || rep.FailedBatches != 0 {
		t.Fatalf("RetryFailed = retried %d batches %d failed %d, %v; want 250 3 0", rep.Retried, rep.Batches, rep.FailedBatches, err)
	}
	if got, want := len(srv.Requests()), rep.Pages+rep.Batches+8; got != want {
		t.Errorf("sent %d requests, want %d: one more per 503", got, want)
	}
	checkRetriedOnce(t, srv, failed, 250)
}

func TestRetryFailedCountsABatchFailedAfterItsRetries(t *testing.T) {
	client, srv := setup(t, nil)
	seedWorkflow(srv, 3, 0)
	opts := &writer.RetryFailedOptions{Progress: func(p writer.RetryFailedProgress) {
		if p.Batch == nil {
			srv.FailNext(100, unavailable)
		}
	}}
	rep, err := client.Files.RetryFailed(context.Background(), opts)
	if !errors.Is(err, writer.ErrServer) || rep.Batches != 1 || rep.FailedBatches != 1 {
		t.Fatalf("RetryFailed = batches %d failed %d, %v; want 1 1 and ErrServer", rep.Batches, rep.FailedBatches, err)
	}
	if got := len(retryBodies(t, srv)); got != 9 {
		t.Errorf("sent %d retry requests, want one call of 9 attempts", got)
	}
}

func TestRetryFailedDoesNotRetryABatchRefusedAsSuch(t *testing.T) {
	for _, status := range []int{http.StatusBadRequest, http.StatusNotFound, http.StatusUnprocessableEntity} {
		client, srv := setup(t, nil)
		seedWorkflow(srv, 3, 0)
		opts := &writer.RetryFailedOptions{Progress: func(p writer.RetryFailedProgress) {
			if p.Batch == nil {
				srv.FailNext(1, writertest.Fault{Status: status})
			}
		}}
		rep, err := client.Files.RetryFailed(context.Background(), opts)
		var apiErr *writer.Error
		if !errors.As(err, &apiErr) || apiErr.StatusCode != status || rep.FailedBatches != 1 || len(retryBodies(t, srv)) != 1 {
			t.Errorf("status %d: RetryFailed = failed %d after %d retry requests, %v; want one request, failed", status, rep.FailedBatches, len(retryBodies(t, srv)), err)
		}
	}
}

// countingLimiter lets every request go at once and counts them.
type countingLimiter struct{ waits atomic.Int64 }

func (l *countingLimiter) Wait(ctx context.Context) error {
	l.waits.Add(1)
	return ctx.Err()
}

func TestRetryFailedWaitsForTheCallersLimiter(t *testing.T) {
	var lim countingLimiter
	client, srv := setup(t, nil, writer.WithLimiter(&lim))
	failed := seedWorkflow(srv, 450, 30)
	rep, err := client.Files.RetryFailed(context.Background(), nil)
	if err != nil || rep.Retried != 450 {
		t.Fatalf("RetryFailed = %+v, %v", rep, err)
	}
	if got, want := lim.waits.Load(), int64(len(srv.Requests())); got != want || want != 5+5 {
		t.Errorf("limiter waited %d times for %d requests, want one wait per request, 10", got, want)
	}
	checkRetriedOnce(t, srv, failed, 480)
	limited, _ := setup(t, nil, writer.WithLimiter(rate.NewLimiter(rate.Inf, 1))) // *rate.Limiter is a Limiter
	if _, err := limited.Files.RetryFailed(context.Background(), nil); err != nil {
		t.Errorf("RetryFailed with a *rate.Limiter: %v", err)
	}
}

// inFlight counts the requests in flight through it and keeps the most seen at once.
type inFlight struct {
	next      http.RoundTripper
	now, most atomic.Int64
}

func (c *inFlight) RoundTrip(req *http.Request) (*http.Response, error) {
	n := c.now.Add(1)
	defer c.now.Add(-1)
	for {
		if m := c.most.Load(); n <= m || c.most.CompareAndSwap(m, n) {
			break
		}
	}
	return c.next.RoundTrip(req)
}

func TestRetryFailedOverlapsRetryRequestsWithTheNextPage(t *testing.T) {
	// At 100 requests per second, 80 ms of latency is 8 requests in flight, and 40 ms is 4:
	// one at a time, the run would send a quarter of its pace, however near the server is
	// in milliseconds.
	for _, latency := range []time.Duration{80 * time.Millisecond, 40 * time.Millisecond} {
		t.Run(latency.String(), func(t *testing.T) {
			srv := writertest.NewServer(t, writertest.WithLatency(latency))
			failed := seedWorkflow(srv, 1500, 0)
			counter := &inFlight{next: &http.Transport{}}
			client, err := writer.NewClient(writer.WithBaseURL(srv.URL), writer.WithAPIKey(srv.APIKey), writer.WithHTTPClient(&http.Client{Transport: counter}),
				writer.WithRequestsPerMinute(6000))
			if err != nil {
				t.Fatal(err)
			}
			rep, err := client.Files.RetryFailed(context.Background(), nil)
			if err != nil || rep.Retried != 1500 {
				t.Fatalf("RetryFailed = %+v, %v", rep, err)
			}
			if most := counter.most.Load(); most < 2 {
				t.Errorf("at most %d request in flight, want a retry request beside the next page", most)
			}
			checkRetriedOnce(t, srv, failed, 1500)
		})
	}
}

func TestRetryFailedRefusesBadRunOptions(t *testing.T) {
	client, srv := setup(t, nil)
	for _, tt := range []struct {
		opts writer.RetryFailedOptions
		want string
	}{
		{writer.RetryFailedOptions{Concurrency: -1}, "RetryFailedOptions.Concurrency"},
		{writer.RetryFailedOptions{PollInterval: -time.Second}, "RetryFailedOptions.PollInterval"},
	} {
		for name, run := range map[string]func(context.Context, *writer.RetryFailedOptions) (writer.RetryFailedReport, error){
			"RetryFailed": client.Files.RetryFailed, "RetryFailedAndWait": client.Files.RetryFailedAndWait,
		} {
			_, err := run(context.Background(), &tt.opts)
			if !errors.Is(err, writer.ErrInvalidInput) || !strings.Contains(err.Error(), tt.want) {
				t.Errorf("%s(%+v) = %v, want ErrInvalidInput naming %s", name, tt.opts, err, tt.want)
			}
		}
	}
	if n := len(srv.Requests()); n != 0 {
		t.Errorf("server received %d requests, want none", n)
	}
}

func TestRetryFailedCancelledWhileABatchWaitsToBeRetriedCountsIt(t *testing.T) {
	client, srv := setup(t, nil)
	seedWorkflow(srv, 3, 0)
	opts := &writer.RetryFailedOptions{Progress: func(p writer.RetryFailedProgress) {
		if p.Batch == nil {
			srv.FailNext(100, writertest.Fault{Status: http.StatusServiceUnavailable, Header: http.Header{"Retry-After": {"60"}}})
		}
	}}
	ctx, cancel := context.WithCancel(context.Background())
	defer cancel()
	time.AfterFunc(300*time.Millisecond, cancel)
	rep, err := client.Files.RetryFailed(ctx, opts)
	// The batch was sent (and failed) once; the retry that ctx's end cut short was not.
	if !errors.Is(err, context.Canceled) || !errors.Is(err, writer.ErrServer) || rep.Batches != 1 || rep.FailedBatches != 1 ||
		len(rep.Errors) != 1 || !errors.Is(rep.Errors[0].Err, writer.ErrServer) || len(rep.Errors[0].FileIDs) != 3 || len(retryBodies(t, srv)) != 1 {
		t.Fatalf("RetryFailed = batches %d failed %d errors %v, %v; want 1 1, the batch's 503 and context.Canceled",
			rep.Batches, rep.FailedBatches, rep.Errors, err)
	}
}
