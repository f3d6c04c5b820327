package writer_test

import (
	"context"
	"fmt"
	"net/http"
	"net/url"
	"strings"
	"sync/atomic"
	"testing"
	"time"

	"github.com/writerfiles/writer-go/writer"
	"github.com/writerfiles/writer-go/writertest"
)

// seedGraph stores graphA and, created in this order, failed files in graphA, failed files
// in graphB and files in graphA in progress for good (uploads of someone else). It returns
// the ids of graphA's failed files.
func seedGraph(srv *writertest.Server, inA, inB, foreign int) []string {
	srv.AddGraphs(writertest.Graph{ID: graphA, Name: "graph A"}, writertest.Graph{ID: graphB, Name: "graph B"})
	base := time.Date(2026, 3, 1, 0, 0, 0, 0, time.UTC)
	var ids []string
	for i := range inA + inB + foreign {
		f := writertest.File{ID: fileID(i), Name: fmt.Sprintf("f%d.pdf", i), CreatedAt: base.Add(time.Duration(i) * time.Millisecond),
			Status: writertest.StatusFailed, GraphIDs: []string{graphA}}
		switch {
		case i < inA:
			ids = append(ids, f.ID)
		case i < inA+inB:
			f.GraphIDs = []string{graphB}
		default:
			f.Status = writertest.StatusInProgress
		}
		srv.AddFiles(f)
	}
	return ids
}

// waitRequests sorts the requests after the run's last retry request: reads of graphA,
// pages of graphA's in_progress and failed files, and any other request.
func waitRequests(t *testing.T, srv *writertest.Server) (graphReads, inProgressPages, failedPages, others int) {
	t.Helper()
	reqs := srv.Requests()
	last := -1
	for i, r := range reqs {
		if r.Method == http.MethodPost && r.Path == "/v1/files/retry" {
			last = i
		}
	}
	for _, r := range reqs[last+1:] {
		q, err := url.ParseQuery(r.RawQuery)
		if err != nil {
			t.Fatal(err)
		}
		switch {
		case r.Method == http.MethodGet && strings.EqualFold(r.Path, "/v1/graphs/"+graphA):
			graphReads++
		case r.Method == http.MethodGet && r.Path == "/v1/files" && q.Get("graph_id") == graphA && q.Get("status") == "in_progress":
			inProgressPages++
		case r.Method == http.MethodGet && r.Path == "/v1/files" && q.Get("graph_id") == graphA && q.Get("status") == "failed":
			failedPages++
		default:
			others++
		}
	}
	return graphReads, inProgressPages, failedPages, others
}

func TestRetryFailedAndWaitInAGraphReadsTheGraphOncePerRound(t *testing.T) {
	client, srv := setup(t, []writertest.Option{
		writertest.WithProcessingDelay(150 * time.Millisecond),
		writertest.WithRetryOutcome(failEveryThird),
	})
	ids := seedGraph(srv, 250, 40, 0)
	wantFailed := 0
	for _, id := range ids {
		if failEveryThird(id) == writertest.StatusFailed {
			wantFailed++
		}
	}
	rep, err := client.Files.RetryFailedAndWait(context.Background(), &writer.RetryFailedOptions{GraphID: graphA, PollInterval: 10 * time.Millisecond})
	if err != nil {
		t.Fatalf("RetryFailedAndWait: %v", err)
	}
	if rep.Retried != 250 || rep.FailedAgain != wantFailed || rep.Completed != 250-wantFailed || rep.InProgress != 0 {
		t.Errorf("report = retried %d completed %d failed again %d in progress %d; want 250 %d %d 0",
			rep.Retried, rep.Completed, rep.FailedAgain, rep.InProgress, 250-wantFailed, wantFailed)
	}
	checkRetriedOnce(t, srv, ids, 290)
	// Each round one read of the graph; then one page of in_progress files shows none of
	// the run's, and one page of failed files (fewer than 100 failed again) the outcome.
	graphReads, inProgress, failed, others := waitRequests(t, srv)
	if graphReads < 2 || inProgress != 1 || failed != 1 || others != 0 {
		t.Errorf("the wait sent %d graph reads, %d in_progress pages, %d failed pages and %d other requests; want 2 or more, 1, 1 and 0",
			graphReads, inProgress, failed, others)
	}
}

func TestRetryFailedAndWaitInAGraphEndsWhileOtherFilesStayInProgress(t *testing.T) {
	client, srv := setup(t, []writertest.Option{writertest.WithProcessingDelay(80 * time.Millisecond)})
	ids := seedGraph(srv, 50, 0, 20)
	ctx, cancel := context.WithTimeout(context.Background(), time.Minute)
	defer cancel()
	rep, err := client.Files.RetryFailedAndWait(ctx, &writer.RetryFailedOptions{GraphID: graphA, PollInterval: 5 * time.Millisecond})
	if err != nil {
		t.Fatalf("RetryFailedAndWait: %v", err)
	}
	if rep.Retried != 50 || rep.Completed != 50 || rep.InProgress != 0 {
		t.Errorf("report = retried %d completed %d in progress %d; want 50 50 0", rep.Retried, rep.Completed, rep.InProgress)
	}
	checkRetriedOnce(t, srv, ids, 70)
	// The graph never shows 0 in progress: the counts of completed files tell when to list.
	graphReads, inProgress, _, others := waitRequests(t, srv)
	if graphReads < 2 || inProgress < 1 || inProgress > graphReads/2+1 || others != 0 {
		t.Errorf("the wait sent %d graph reads, %d in_progress pages and %d other requests; want pages only once enough files completed",
			graphReads, inProgress, others)
	}
}

func TestRetryFailedAndWaitInAGraphDoesNotTrustACountOfZero(t *testing.T) {
	client, srv := setup(t, []writertest.Option{writertest.WithProcessingDelay(100 * time.Millisecond)})
	ids := seedGraph(srv, 30, 0, 0)
	// The wait's first read of the graph says nothing is in progress while the run's files are.
	zero := fmt.Sprintf(`{"id":%q,"name":"graph A","created_at":"2026-01-01T00:00:00Z","type":"manual",`+
		`"file_status":{"total":30,"in_progress":0,"completed":30,"failed":0}}`, graphA)
	var once atomic.Bool
	opts := &writer.RetryFailedOptions{GraphID: graphA, PollInterval: 5 * time.Millisecond,
		Progress: func(p writer.RetryFailedProgress) {
			if p.Waiting && once.CompareAndSwap(false, true) {
				srv.FailNext(1, writertest.Fault{Status: http.StatusOK, Header: http.Header{"Content-Type": {"application/json"}}, Body: zero})
			}
		}}
	rep, err := client.Files.RetryFailedAndWait(context.Background(), opts)
	if err != nil {
		t.Fatalf("RetryFailedAndWait: %v", err)
	}
	if rep.Completed != 30 || rep.InProgress != 0 {
		t.Errorf("report = completed %d in progress %d; want 30 0", rep.Completed, rep.InProgress)
	}
	checkRetriedOnce(t, srv, ids, 30)
	// The listing after the false zero showed the run's files in progress: the wait read the
	// graph again until they were processed, then listed once more.
	if graphReads, inProgress, _, _ := waitRequests(t, srv); graphReads < 3 || inProgress != 2 {
		t.Errorf("the wait sent %d graph reads and %d in_progress pages; want 3 or more and 2", graphReads, inProgress)
	}
}

func TestRetryFailedAndWaitInAGraphThatIsGoneListsFiles(t *testing.T) {
	client, srv := setup(t, []writertest.Option{writertest.WithProcessingDelay(50 * time.Millisecond)})
	ids := seedGraph(srv, 30, 0, 0)
	var once atomic.Bool
	opts := &writer.RetryFailedOptions{GraphID: graphA, PollInterval: 5 * time.Millisecond,
		Progress: func(p writer.RetryFailedProgress) {
			if p.Waiting && once.CompareAndSwap(false, true) {
				srv.FailNext(1, writertest.Fault{Status: http.StatusNotFound})
			}
		}}
	rep, err := client.Files.RetryFailedAndWait(context.Background(), opts)
	if err != nil || rep.Completed != 30 {
		t.Fatalf("RetryFailedAndWait = completed %d, %v; want 30 after listing the files", rep.Completed, err)
	}
	checkRetriedOnce(t, srv, ids, 30)
	if graphReads, inProgress, _, _ := waitRequests(t, srv); graphReads != 1 || inProgress < 1 {
		t.Errorf("the wait sent %d graph reads and %d in_progress pages; want 1 (answered 404), then pages", graphReads, inProgress)
	}
}

func TestRetryFailedAndWaitInAGraphCountsFilesDoneBeforeItsFirstRead(t *testing.T) {
	for _, tc := range []struct {
		name  string
		delay time.Duration
		rpm   int
	}{{"instant processing", 0, writer.NoRateLimit}, {"paced batches", 40 * time.Millisecond, 600}} {
		t.Run(tc.name, func(t *testing.T) {
			client, srv := setup(t, []writertest.Option{writertest.WithProcessingDelay(tc.delay)}, writer.WithRequestsPerMinute(tc.rpm))
			// One file of someone else stays in progress: the graph never shows 0.
			seedGraph(srv, 300, 0, 1)
			rep, err := client.Files.RetryFailedAndWait(context.Background(), &writer.RetryFailedOptions{GraphID: graphA, PollInterval: 20 * time.Millisecond})
			if err != nil || rep.Completed != 300 {
				t.Fatalf("RetryFailedAndWait = completed %d, %v; want 300", rep.Completed, err)
			}
			// Most of the run's files were done before the wait's first read: fewer files in
			// progress than the run waits for send it to the listing at once.
			if graphReads, inProgress, _, others := waitRequests(t, srv); graphReads > 3 || inProgress > 3 || others != 0 {
				t.Errorf("the wait sent %d graph reads, %d in_progress pages and %d other requests; want 3 or fewer, 3 or fewer and 0", graphReads, inProgress, others)
			}
		})
	}
}

func TestRetryFailedAndWaitInAGraphListsAfterAtMost64Reads(t *testing.T) {
	client, srv := setup(t, nil)
	// 400 files of someone else stay in progress, and the run's 300 are done before the
	// wait's first read: no count tells the wait that its files are done.
	seedGraph(srv, 300, 0, 400)
	rep, err := client.Files.RetryFailedAndWait(context.Background(), &writer.RetryFailedOptions{GraphID: graphA, PollInterval: time.Millisecond})
	if err != nil || rep.Completed != 300 {
		t.Fatalf("RetryFailedAndWait = completed %d, %v; want 300", rep.Completed, err)
	}
	if graphReads, inProgress, _, _ := waitRequests(t, srv); graphReads != 64 || inProgress != 4 {
		t.Errorf("the wait sent %d graph reads and %d in_progress pages; want 64, then the 4 pages of 400 files in progress", graphReads, inProgress)
	}
}
