package writer_test

import (
	"context"
	"errors"
	"io"
	"net/http"
	"net/http/httptest"
	"net/url"
	"slices"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/writerfiles/writer-go/writer"
	"github.com/writerfiles/writer-go/writertest"
)

func TestRetryFailedAndWaitReportsCompletedAndFailedAgain(t *testing.T) {
	client, srv := setup(t, []writertest.Option{
		writertest.WithProcessingDelay(40 * time.Millisecond),
		writertest.WithRetryOutcome(failEveryThird),
	})
	// 600 failed files, and 400 others of which half are in_progress for good (uploads of
	// someone else): the wait must end without them.
	failed := seedWorkflow(srv, 600, 400)
	var wantFailed []string
	for _, id := range failed {
		if failEveryThird(id) == writertest.StatusFailed {
			wantFailed = append(wantFailed, id)
		}
	}
	var seenFailed []string
	last := writer.RetryFailedProgress{}
	opts := &writer.RetryFailedOptions{PollInterval: 20 * time.Millisecond,
		Progress: func(p writer.RetryFailedProgress) {
			seenFailed = append(seenFailed, p.JustFailedAgain...)
			last = p
		}}
	rep, err := client.Files.RetryFailedAndWait(context.Background(), opts)
	if err != nil {
		t.Fatalf("RetryFailedAndWait: %v", err)
	}
	if rep.Retried != 600 || rep.FailedAgain != len(wantFailed) || rep.Completed != 600-len(wantFailed) || rep.InProgress != 0 {
		t.Errorf("report = retried %d completed %d failed again %d in progress %d; want 600 %d %d 0",
			rep.Retried, rep.Completed, rep.FailedAgain, rep.InProgress, 600-len(wantFailed), len(wantFailed))
	}
	slices.Sort(seenFailed)
	if !slices.Equal(seenFailed, slices.Sorted(slices.Values(wantFailed))) {
		t.Errorf("Progress saw %d failed-again ids, want the %d that failed again", len(seenFailed), len(wantFailed))
	}
	if len(rep.FailedAgainIDs) != 100 || !slices.Contains(wantFailed, rep.FailedAgainIDs[99]) {
		t.Errorf("report keeps %d failed-again ids, want the first 100", len(rep.FailedAgainIDs))
	}
	if !last.Waiting || last.FailedAgain != rep.FailedAgain || last.Completed != rep.Completed {
		t.Errorf("last progress = %+v, want the wait's final counts", last)
	}
	// Pages, not a GET per file: 6 list pages and 6 retry requests, then the wait's.
	waited := len(srv.Requests()) - rep.Pages - rep.Batches
	if waited > 40 {
		t.Errorf("the wait cost %d requests, want far fewer than a GET per file", waited)
	}
	checkRetriedOnce(t, srv, failed, 1000)
	t.Logf("wait: %d requests", waited)
}

func TestRetryFailedAndWaitWithNothingFailed(t *testing.T) {
	client, srv := setup(t, nil)
	seedWorkflow(srv, 0, 10)
	rep, err := client.Files.RetryFailedAndWait(context.Background(), &writer.RetryFailedOptions{})
	if err != nil || rep.Found != 0 || len(srv.Requests()) != 1 {
		t.Fatalf("RetryFailedAndWait = %+v, %v after %d requests; want one list page and no wait", rep, err, len(srv.Requests()))
	}
}

func TestRetryFailedAndWaitCancelledReportsWhatWasSent(t *testing.T) {
	client, srv := setup(t, []writertest.Option{writertest.WithProcessingDelay(time.Hour)})
	seedWorkflow(srv, 150, 0)
	ctx, cancel := context.WithCancel(context.Background())
	defer cancel()
	opts := &writer.RetryFailedOptions{PollInterval: 4 * time.Millisecond,
		Progress: func(p writer.RetryFailedProgress) {
			if p.Waiting {
				cancel()
			}
		}}
	rep, err := client.Files.RetryFailedAndWait(ctx, opts)
	if !errors.Is(err, context.Canceled) {
		t.Fatalf("RetryFailedAndWait = %v, want context.Canceled", err)
	}
	if rep.Retried != 150 || rep.Batches != 2 || rep.InProgress != 150 || rep.Completed+rep.FailedAgain != 0 {
		t.Errorf("report = retried %d batches %d in progress %d completed %d failed again %d; want 150 2 150 0 0",
			rep.Retried, rep.Batches, rep.InProgress, rep.Completed, rep.FailedAgain)
	}
}

// TestRetryFailedAndWaitEndsWhenStatusPagesNeverEnd is a server whose in_progress listing
// is endless (ever-new ids of other files, has_more true): a round may not page through
// it for ever, it reads the run's own files one by one instead, and the wait ends.
func TestRetryFailedAndWaitEndsWhenStatusPagesNeverEnd(t *testing.T) {
	const failed = 3
	var mu sync.Mutex
	gets, statusPages, next := map[string]int{}, 0, 1000
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		mu.Lock()
		defer mu.Unlock()
		w.Header().Set("Content-Type", "application/json")
		file := func(id, status string, secs int) string {
			at := time.Date(2026, 1, 1, 0, 0, secs, 0, time.UTC).Format(time.RFC3339)
			return `{"id":"` + id + `","name":"x.pdf","created_at":"` + at + `","graph_ids":[],"status":"` + status + `"}`
		}
		switch {
		case r.Method == http.MethodPost:
			_, _ = io.WriteString(w, `{"success":true}`)
		case r.URL.Path != "/v1/files": // one GET in_progress, then completed
			id := strings.TrimPrefix(r.URL.Path, "/v1/files/")
			gets[id]++
			status := "completed"
			if gets[id] == 1 {
				status = "in_progress"
			}
			_, _ = io.WriteString(w, file(id, status, 1))
		case r.URL.Query().Get("status") == "failed":
			var data []string
			for i := range failed {
				data = append(data, file(fileID(i), "failed", 1))
			}
			_, _ = io.WriteString(w, `{"data":[`+strings.Join(data, ",")+`],"has_more":false}`)
		default:
			statusPages++
			var data []string
			for range 100 {
				data = append(data, file(fileID(next), "in_progress", 2+next/100))
				next++
			}
			_, _ = io.WriteString(w, `{"data":[`+strings.Join(data, ",")+`],"has_more":true}`)
		}
	}))
	t.Cleanup(srv.Close)
	client, err := writer.NewClient(writer.WithBaseURL(srv.URL), writer.WithAPIKey("k"), fastRetries, writer.WithRequestsPerMinute(writer.NoRateLimit))
	if err != nil {
		t.Fatal(err)
	}
	ctx, cancel := context.WithTimeout(context.Background(), 20*time.Second)
	defer cancel()
	rep, err := client.Files.RetryFailedAndWait(ctx, &writer.RetryFailedOptions{PollInterval: 4 * time.Millisecond})
	mu.Lock()
	defer mu.Unlock()
	if err != nil || rep.Completed != failed || rep.InProgress != 0 {
		t.Fatalf("RetryFailedAndWait = completed %d in progress %d, %v after %d status pages; want %d completed",
			rep.Completed, rep.InProgress, err, statusPages, failed)
	}
	// A round by pages costs at most what a GET per waiting file would (2 here).
	if statusPages > failed {
		t.Errorf("the wait read %d in_progress pages, want at most %d", statusPages, failed)
	}
}

func TestRetryFailedAndWaitProbesTheNewestFileThenReadsPages(t *testing.T) {
	client, srv := setup(t, []writertest.Option{writertest.WithProcessingDelay(100 * time.Millisecond)})
	seedWorkflow(srv, 250, 0)
	rep, err := client.Files.RetryFailedAndWait(context.Background(), &writer.RetryFailedOptions{PollInterval: 40 * time.Millisecond})
	if err != nil || rep.Retried != 250 || rep.Completed != 250 {
		t.Fatalf("RetryFailedAndWait = %+v, %v", rep, err)
	}
	// After 3 pages and 3 retry requests: GETs of one file (the one accepted last) every
	// 10 ms until it is processed, then one in_progress page that shows none left and one
	// failed page that shows none failed again.
	var wait []string
	for _, r := range srv.Requests()[6:] {
		q, _ := url.ParseQuery(r.RawQuery)
		wait = append(wait, r.Path+"?"+q.Get("status"))
	}
	probes := 0
	for probes < len(wait) && wait[probes] == wait[0] && strings.HasPrefix(wait[0], "/v1/files/") {
		probes++
	}
	if probes == 0 || !slices.Equal(wait[probes:], []string{"/v1/files?in_progress", "/v1/files?failed"}) {
		t.Errorf("the wait sent %v, want GETs of one file, then one page of each status", wait)
	}
}
