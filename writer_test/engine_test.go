package writer_test

import (
	"context"
	"errors"
	"net"
	"net/http"
	"strings"
	"sync/atomic"
	"testing"
	"testing/synctest"
	"time"

	"github.com/writerfiles/writer-go/writer"
	"github.com/writerfiles/writer-go/writertest"
)

// The job engine under the conditions users meet: a server that refuses or fails for good,
// a typo in the host, a slow request, two runs on one client.

func TestRetryFailedOneBatchAgainstEndless429s(t *testing.T) {
	// Every retry request is answered 429 asking for 10 ms. The call loop is the only
	// layer that retries: the batch costs the outage policy's 9 attempts, at a pace that
	// halves on each 429, and the run says so (a bubble: the halved pace takes no real time).
	srv := writertest.NewServer(t)
	seedWorkflow(srv, 1, 0)
	refuse := writertest.Fault{Status: http.StatusTooManyRequests, Header: http.Header{"Retry-After-Ms": {"10"}}}
	synctest.Test(t, func(t *testing.T) {
		client := bubbleClient(t, srv, writer.WithRequestsPerMinute(0)) // the default pace
		rep, err := client.Files.RetryFailed(context.Background(), &writer.RetryFailedOptions{Progress: func(p writer.RetryFailedProgress) {
			if p.Batch == nil {
				srv.FailNext(1000, refuse)
			}
		}})
		var apiErr *writer.Error
		if !errors.As(err, &apiErr) || !errors.Is(err, writer.ErrRateLimited) || rep.FailedBatches != 1 {
			t.Fatalf("RetryFailed = %+v, %v; want the batch failed with ErrRateLimited", rep, err)
		}
		if apiErr.Attempts != 9 || !strings.Contains(err.Error(), "after 9 attempts") {
			t.Errorf("error %q has %d attempts, want 9 and said", err, apiErr.Attempts)
		}
	})
	if n := len(srv.Requests()); n > 25 {
		t.Errorf("the run sent %d requests for one page and one batch, want at most 25", n)
	}
}

func TestRetryBudgetBoundsTheLoadOfAFailingServer(t *testing.T) {
	// 503 to everything: the first calls spend the budget of 500 tokens (4 retries of 5
	// each), then calls fail after their first attempt. 200 calls send at most 1.5x as many
	// requests, and the calls that found the budget spent say so.
	srv := writertest.NewServer(t)
	seedFailed(srv)
	srv.FailNext(100000, writertest.Fault{Status: http.StatusServiceUnavailable})
	fast := 0
	synctest.Test(t, func(t *testing.T) {
		client := bubbleClient(t, srv, writer.WithRequestsPerMinute(0))
		for range 200 {
			_, err := client.Files.Get(context.Background(), idA)
			if !errors.Is(err, writer.ErrServer) {
				t.Fatalf("Get = %v, want ErrServer", err)
			}
			if errors.Is(err, writer.ErrRetryBudgetExhausted) {
				fast++
				if apiErr := asError(t, err); apiErr.Attempts != 1 {
					t.Fatalf("a call with the budget spent made %d attempts, want 1", apiErr.Attempts)
				}
			}
		}
	})
	if n := len(srv.Requests()); n > 300 {
		t.Errorf("200 calls sent %d requests, want at most 300", n)
	}
	if fast != 175 {
		t.Errorf("%d calls failed fast with ErrRetryBudgetExhausted, want 175 (500 tokens are 25 calls of 4 retries)", fast)
	}
}

func TestRetryBudgetRefillsOnSuccess(t *testing.T) {
	client, srv := setup(t, nil, writer.WithRetryBudget(10))
	seedFailed(srv)
	ctx := context.Background()
	srv.FailNext(2, writertest.Fault{Status: http.StatusServiceUnavailable})
	if _, err := client.Files.Get(ctx, idA); err != nil { // two retries: the budget is spent
		t.Fatalf("Get = %v", err)
	}
	srv.FailNext(1, writertest.Fault{Status: http.StatusServiceUnavailable})
	if _, err := client.Files.Get(ctx, idA); !errors.Is(err, writer.ErrRetryBudgetExhausted) {
		t.Fatalf("Get with 1 token left = %v, want ErrRetryBudgetExhausted", err)
	}
	for range 5 { // 5 successes give back 5 tokens: one retry
		if _, err := client.Files.Get(ctx, idA); err != nil {
			t.Fatal(err)
		}
	}
	srv.FailNext(1, writertest.Fault{Status: http.StatusServiceUnavailable})
	if _, err := client.Files.Get(ctx, idA); err != nil {
		t.Errorf("Get after 5 successes = %v, want one retry and success", err)
	}
}

// unresolvable is a host name that does not resolve without asking any name server: its
// first label is longer than DNS allows.
var unresolvable = strings.Repeat("h", 64) + ".example"

func TestRetryFailedEndsAtOnceWhenTheHostDoesNotResolve(t *testing.T) {
	client, err := writer.NewClient(writer.WithBaseURL("https://"+unresolvable), writer.WithAPIKey("test-key-0123456789"))
	if err != nil {
		t.Fatal(err)
	}
	rep, err := client.Files.RetryFailedAndWait(context.Background(), nil)
	var dnsErr *net.DNSError
	if !errors.As(err, &dnsErr) || !dnsErr.IsNotFound || rep.Pages != 0 {
		t.Fatalf("RetryFailedAndWait = %+v, %v; want a *net.DNSError at once", rep, err)
	}
	if apiErr := asError(t, err); apiErr.Attempts != 1 || !strings.Contains(err.Error(), unresolvable) {
		t.Errorf("error %q after %d attempts, want 1 attempt and the host named", err, apiErr.Attempts)
	}
}

// holdFirstRetry holds the first POST /v1/files/retry for hold and counts the requests that
// start while it is held.
type holdFirstRetry struct {
	next    http.RoundTripper
	hold    time.Duration
	holding atomic.Bool
	held    atomic.Bool
	during  atomic.Int64
}

func (h *holdFirstRetry) RoundTrip(req *http.Request) (*http.Response, error) {
	if h.holding.Load() {
		h.during.Add(1)
	}
	if req.Method == http.MethodPost && h.held.CompareAndSwap(false, true) {
		h.holding.Store(true)
		time.Sleep(h.hold)
		h.holding.Store(false)
	}
	return h.next.RoundTrip(req)
}

func TestRetryFailedKeepsSendingWhileOneRequestIsHeld(t *testing.T) {
	srv := writertest.NewServer(t)
	failed := seedWorkflow(srv, 3000, 0)
	hold := &holdFirstRetry{next: &http.Transport{}, hold: 2 * time.Second}
	client, err := writer.NewClient(writer.WithBaseURL(srv.URL), writer.WithAPIKey(srv.APIKey),
		writer.WithHTTPClient(&http.Client{Transport: hold}), writer.WithRequestsPerMinute(writer.NoRateLimit))
	if err != nil {
		t.Fatal(err)
	}
	rep, err := client.Files.RetryFailed(context.Background(), &writer.RetryFailedOptions{Concurrency: 8})
	if err != nil || rep.Retried != 3000 {
		t.Fatalf("RetryFailed = %+v, %v", rep, err)
	}
	// 30 pages and 30 retry requests: all but the held one can go while it is held.
	if n := hold.during.Load(); n < 20 {
		t.Errorf("%d requests were sent while one was held for 2 s, want the others to go on", n)
	}
	checkRetriedOnce(t, srv, failed, 3000)
}

func TestTwoRunsOnOneClientShareItsPace(t *testing.T) {
	// Writer's 400 requests per minute, in windows of 3 s: the client's pace of 400 per
	// minute (burst 1) allows at most 21 requests in any 3 s, and the server takes 22 (one
	// for the jitter of the loopback). Paced each on its own, two runs would send twice that.
	srv := writertest.NewServer(t, writertest.WithRateLimit(22, 3*time.Second), writertest.WithProcessingDelay(100*time.Millisecond))
	var files []writertest.File
	base := time.Date(2026, 3, 1, 0, 0, 0, 0, time.UTC)
	for i := range 1600 {
		name := "f.pdf"
		if i%2 == 1 {
			name = "f.docx"
		}
		files = append(files, writertest.File{ID: fileID(i), Name: name, Status: writertest.StatusFailed, CreatedAt: base.Add(time.Duration(i) * time.Millisecond)})
	}
	srv.AddFiles(files...)
	client := srv.Client(writer.WithRequestsPerMinute(400))
	type result struct {
		rep writer.RetryFailedReport
		err error
	}
	results := make(chan result, 2)
	for _, ext := range []string{"pdf", "docx"} {
		go func() {
			rep, err := client.Files.RetryFailedAndWait(context.Background(), &writer.RetryFailedOptions{FileTypes: []string{ext}, PollInterval: 400 * time.Millisecond})
			results <- result{rep, err}
		}()
	}
	for range 2 {
		r := <-results
		if r.err != nil || r.rep.Retried != 800 || r.rep.Completed != 800 {
			t.Errorf("RetryFailedAndWait = %+v, %v; want 800 retried and completed", r.rep, r.err)
		}
	}
	if n := srv.RateLimited(); n != 0 {
		t.Errorf("the server refused %d requests with 429, want none", n)
	}
}

func TestRetryFailedRetriesAFileOnceWhateverTheCaseOfItsID(t *testing.T) {
	// A later page repeats a file in upper case, in the cursor file's second: it is the
	// same UUID, and is retried once.
	f := []string{fileID(0), fileID(1), fileID(2), fileID(3)}
	client, retried := scriptedList(t,
		listAnswer(true, f[0]+"@1", f[1]+"@1"),
		listAnswer(true, strings.ToUpper(f[0])+"@1", f[2]+"@1"),
		listAnswer(false, strings.ToUpper(f[1])+"@1", f[3]+"@1"))
	rep, err := client.Files.RetryFailed(context.Background(), &writer.RetryFailedOptions{BatchSize: 1})
	if err != nil || rep.Found != 4 || rep.Retried != 4 {
		t.Fatalf("RetryFailed = found %d retried %d, %v; want 4 4", rep.Found, rep.Retried, err)
	}
	if got := retried(); len(got) != 4 {
		t.Errorf("retried %v, want each of the 4 files once", got)
	}
	checkRetriedAtMostOnce(t, retried())
}
