package main

import (
	"bytes"
	"context"
	"encoding/json"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/writerfiles/writer-go/writer"
	"github.com/writerfiles/writer-go/writertest"
)

// failBOnly is the fake's outcome of a retry: failedB fails again, the others complete.
func failBOnly(id string) writer.Status {
	if id == failedB {
		return writertest.StatusFailed
	}
	return writertest.StatusCompleted
}

func TestRetryFailedWaitPrintsTheFilesThatFailedAgain(t *testing.T) {
	newServer(t, writertest.WithProcessingDelay(20*time.Millisecond), writertest.WithRetryOutcome(failBOnly))
	code, out, stderr := runCLI(t, "retry-failed", "--rpm", "0", "--wait", "--interval", "8ms")
	if code != exitOK {
		t.Fatalf("exit %d: %s", code, stderr)
	}
	for _, want := range []string{"Waiting for 2 file(s)", "Failed again: " + failedB + "\n", "Processed: 1 completed, 1 failed again."} {
		if !strings.Contains(out, want) {
			t.Errorf("output lacks %q:\n%s", want, out)
		}
	}
	if strings.Contains(out, "Failed again: "+failedA) {
		t.Errorf("output names %s, which completed:\n%s", failedA, out)
	}
}

func TestRetryFailedWaitJSONLines(t *testing.T) {
	newServer(t, writertest.WithProcessingDelay(20*time.Millisecond), writertest.WithRetryOutcome(failBOnly))
	code, out, stderr := runCLI(t, "--json", "retry-failed", "--rpm", "0", "--wait", "--interval", "8ms")
	if code != exitOK {
		t.Fatalf("exit %d: %s", code, stderr)
	}
	var events []map[string]any
	for _, l := range strings.Split(strings.TrimSuffix(out, "\n"), "\n") {
		var e map[string]any
		if err := json.Unmarshal([]byte(l), &e); err != nil {
			t.Fatalf("line %q is not a JSON object: %v", l, err)
		}
		events = append(events, e)
	}
	if len(events) != 2 || events[0]["type"] != "failed_again" || events[0]["file_id"] != failedB {
		t.Fatalf("events = %v, want one failed_again for %s, then the summary", events, failedB)
	}
	s := events[1]
	ids, _ := s["failed_again_ids"].([]any)
	if s["type"] != "summary" || s["found"] != 2.0 || s["retried"] != 2.0 || s["failed_requests"] != 0.0 ||
		s["completed"] != 1.0 || s["failed_again"] != 1.0 || s["still_in_progress"] != 0.0 || len(ids) != 1 || ids[0] != failedB {
		t.Errorf("summary = %v", s)
	}
}

// syncBuffer is a bytes.Buffer safe for one writer and one reader at once.
type syncBuffer struct {
	mu sync.Mutex
	b  bytes.Buffer
}

func (s *syncBuffer) Write(p []byte) (int, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.b.Write(p)
}

func (s *syncBuffer) String() string {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.b.String()
}

func TestRetryFailedInterruptedPrintsCountsAndExits130(t *testing.T) {
	newServer(t, writertest.WithProcessingDelay(time.Hour))
	ctx, cancel := context.WithCancel(context.Background())
	defer cancel()
	var out, errOut syncBuffer
	done := make(chan int)
	go func() {
		done <- run(ctx, []string{"retry-failed", "--rpm", "0", "--wait", "--interval", "8ms"}, &out, &errOut)
	}()
	for !strings.Contains(out.String(), "Waiting for 2 file(s)") {
		time.Sleep(time.Millisecond)
	}
	cancel() // what Ctrl-C does to the command's context
	if code := <-done; code != exitInterrupted {
		t.Errorf("exit %d, want %d", code, exitInterrupted)
	}
	if want := "Interrupted: 2 found, 2 accepted in 1 request(s), 0 request(s) failed; 0 completed, 0 failed again, 2 still in progress."; !strings.Contains(out.String(), want) {
		t.Errorf("output lacks %q:\n%s", want, out.String())
	}
}

func TestRetryFailedRefusesANegativeConcurrency(t *testing.T) {
	srv := newServer(t)
	code, _, stderr := runCLI(t, "retry-failed", "--concurrency", "-1")
	if code != exitUsage || !strings.Contains(stderr, "--concurrency -1") || len(srv.Requests()) != 0 {
		t.Errorf("exit %d, stderr %q after %d requests; want 2 naming --concurrency, nothing sent", code, stderr, len(srv.Requests()))
	}
}
