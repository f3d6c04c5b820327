package writer_test

import (
	"context"
	"errors"
	"slices"
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
	opts := &writer.RetryFailedOptions{RequestsPerMinute: writer.NoRateLimit, PollInterval: 20 * time.Millisecond,
		Progress: func(p writer.RetryFailedProgress) {
			seenFailed = append(seenFailed, p.FailedAgainIDs...)
			last = p
		}}
	rep, err := client.Files.RetryFailedAndWait(context.Background(), opts)
	if err != nil {
		t.Fatalf("RetryFailedAndWait: %v", err)
	}
	if rep.Retried != 600 || rep.FailedAgain != len(wantFailed) || rep.Completed != 600-len(wantFailed) || rep.InProgress != 0 || rep.Settled != 0 {
		t.Errorf("report = retried %d completed %d failed again %d in progress %d settled %d; want 600 %d %d 0 0",
			rep.Retried, rep.Completed, rep.FailedAgain, rep.InProgress, rep.Settled, 600-len(wantFailed), len(wantFailed))
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
	if rep.StatusGets+rep.StatusPages > 40 {
		t.Errorf("the wait cost %d GETs and %d pages, want far fewer than a GET per file", rep.StatusGets, rep.StatusPages)
	}
	checkRetriedOnce(t, srv, failed, 1000)
	t.Logf("wait: %d rounds, %d status pages, %d GETs", rep.Rounds, rep.StatusPages, rep.StatusGets)
}

func TestRetryFailedAndWaitWithNothingFailed(t *testing.T) {
	client, srv := setup(t, nil)
	seedWorkflow(srv, 0, 10)
	rep, err := client.Files.RetryFailedAndWait(context.Background(), &writer.RetryFailedOptions{RequestsPerMinute: writer.NoRateLimit})
	if err != nil || rep.Found != 0 || rep.StatusPages+rep.StatusGets != 0 || len(srv.Requests()) != 1 {
		t.Fatalf("RetryFailedAndWait = %+v, %v after %d requests; want one list page and no wait", rep, err, len(srv.Requests()))
	}
}

func TestRetryFailedAndWaitCancelledReportsWhatWasSent(t *testing.T) {
	client, srv := setup(t, []writertest.Option{writertest.WithProcessingDelay(time.Hour)})
	seedWorkflow(srv, 150, 0)
	ctx, cancel := context.WithCancel(context.Background())
	defer cancel()
	opts := &writer.RetryFailedOptions{RequestsPerMinute: writer.NoRateLimit, PollInterval: 4 * time.Millisecond,
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
