package writer_test

import (
	"context"
	"errors"
	"net/http"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/writerfiles/writer-go/writer"
	"github.com/writerfiles/writer-go/writertest"
)

func TestWaitProcessedReturnsFinalStatuses(t *testing.T) {
	client, srv := setup(t, []writertest.Option{
		writertest.WithProcessingDelay(30 * time.Millisecond),
		writertest.WithRetryOutcome(func(id string) writer.Status {
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
	files, err := client.Files.WaitProcessed(ctx, []string{idB, idA, idC, idA}, &writer.WaitOptions{Interval: 5 * time.Millisecond})
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
	rep, err := client.Files.RetryFailed(ctx, &writer.RetryFailedOptions{BatchSize: 7, Progress: func(p writer.RetryFailedProgress) {
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
	files, err := client.Files.WaitProcessed(ctx, retried, &writer.WaitOptions{Interval: 5 * time.Millisecond})
	if err != nil {
		t.Fatalf("WaitProcessed: %v", err)
	}
	wantFailed := 0
	for _, f := range files {
		if f.Status != failEveryThird(f.ID) {
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

func TestWaitProcessedRefusesAnAnswerAboutAnotherFile(t *testing.T) {
	client, srv := setup(t, nil)
	seedFailed(srv)
	other := `{"id":"` + idB + `","name":"b.pdf","created_at":"2026-01-01T00:00:00Z","graph_ids":[],"status":"in_progress"}`
	srv.FailNext(1, writertest.Fault{Status: http.StatusOK, Header: http.Header{"Content-Type": {"application/json"}}, Body: other})
	files, err := client.Files.WaitProcessed(context.Background(), []string{idA}, &writer.WaitOptions{Interval: time.Millisecond})
	if !errors.Is(err, writer.ErrInvalidResponse) {
		t.Fatalf("WaitProcessed = %v, want ErrInvalidResponse for an answer about another id", err)
	}
	if len(files) != 1 || files[0].ID != idA {
		t.Errorf("files = %+v, want %s as asked", files, idA)
	}
	for _, r := range srv.Requests() {
		if strings.Contains(r.Path, idB) {
			t.Errorf("polled %s, the id the server substituted", r.Path)
		}
	}
}
