package main

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
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
	if !strings.Contains(stderr, "Waiting for 2 file(s)") {
		t.Errorf("progress on stderr lacks the wait:\n%s", stderr)
	}
	for _, want := range []string{"Failed again: " + failedB + "\n", "Processed: 1 completed, 1 failed again."} {
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
		done <- run(ctx, []string{"retry-failed", "--rpm", "0", "--wait", "--interval", "8ms"}, strings.NewReader(""), &out, &errOut)
	}()
	for !strings.Contains(errOut.String(), "Waiting for 2 file(s)") {
		time.Sleep(time.Millisecond)
	}
	cancel() // what Ctrl-C does to the command's context
	if code := <-done; code != exitInterrupted {
		t.Errorf("exit %d, want %d", code, exitInterrupted)
	}
	// The counts so far are the report of a run that did not succeed: on stderr.
	if want := "Interrupted: 2 found, 2 accepted in 1 request(s), 0 request(s) failed; 0 completed, 0 failed again, 2 still in progress."; !strings.Contains(errOut.String(), want) {
		t.Errorf("stderr lacks %q:\n%s", want, errOut.String())
	}
	if out.String() != "" {
		t.Errorf("stdout %q; want nothing from an interrupted run", out.String())
	}
}

func TestRetryFailedRefusesANegativeConcurrency(t *testing.T) {
	srv := newServer(t)
	code, _, stderr := runCLI(t, "retry-failed", "--concurrency", "-1")
	if code != exitUsage || !strings.Contains(stderr, `--concurrency "-1"`) || len(srv.Requests()) != 0 {
		t.Errorf("exit %d, stderr %q after %d requests; want 2 naming --concurrency, nothing sent", code, stderr, len(srv.Requests()))
	}
}

// successWords are what a run that succeeded prints on stdout.
var successWords = []string{"Found ", "No failed files found", "accepted the retry", "Processed:"}

// TestRetryFailedWithAWrongKeyPrintsOnlyTheError: a run refused by the API (401) exits 1
// with the error on stderr, and stdout holds nothing that reads as a result.
func TestRetryFailedWithAWrongKeyPrintsOnlyTheError(t *testing.T) {
	newServer(t)
	t.Setenv("WRITER_API_KEY", "sk-wrong-SECRET-key")
	for _, args := range [][]string{{"retry-failed"}, {"retry-failed", "--wait"}, {"retry-failed", "--rpm", "0", "--wait", "--interval", "8ms"}} {
		code, out, stderr := runCLI(t, args...)
		if code != exitFailure || !strings.Contains(stderr, "401") {
			t.Errorf("writerfiles %v: exit %d, stderr %q; want 1 and the 401", args, code, stderr)
		}
		if out != "" {
			t.Errorf("writerfiles %v printed %q on stdout; want nothing from a run that failed", args, out)
		}
		for _, w := range successWords {
			if strings.Contains(stderr, w) {
				t.Errorf("writerfiles %v: stderr %q reads as a result (%q)", args, stderr, w)
			}
		}
	}
	// With --json, stdout holds the summary, which names the error.
	code, out, _ := runCLI(t, "--json", "retry-failed", "--wait")
	var s map[string]any
	if err := json.Unmarshal([]byte(out), &s); code != exitFailure || err != nil || s["type"] != "summary" || !strings.Contains(fmt.Sprint(s["error"]), "401") {
		t.Errorf("--json: exit %d, stdout %q (%v); want 1 and one summary line whose error names the 401", code, out, err)
	}
}

// TestRetryFailedProgressGoesToStderr: stdout holds the summary of a run that succeeded and
// nothing else; the progress and the wait are on stderr.
func TestRetryFailedProgressGoesToStderr(t *testing.T) {
	newServer(t, writertest.WithProcessingDelay(20*time.Millisecond), writertest.WithRetryOutcome(failBOnly))
	code, out, stderr := runCLI(t, "retry-failed", "--rpm", "0", "--wait", "--interval", "8ms")
	if code != exitOK {
		t.Fatalf("exit %d: %s", code, stderr)
	}
	want := "Found 2 failed file(s) in 1 page(s); Writer accepted the retry of 2 in 1 request(s).\n" +
		"Failed again: " + failedB + "\n" +
		"Processed: 1 completed, 1 failed again.\n"
	if out != want {
		t.Errorf("stdout = %q, want only the summary %q", out, want)
	}
	for _, w := range []string{"Listing done: 2 failed file(s) in 1 page(s).\n", "Request 1: 2 file(s) accepted; 2 retried of 2 found.\n",
		"Waiting for 2 file(s) to be processed...\n", "Failed again: " + failedB + "\n"} {
		if !strings.Contains(stderr, w) {
			t.Errorf("stderr lacks the progress %q:\n%s", w, stderr)
		}
	}
}

// TestRetryFailedAnnouncesALongWait: a wait of 2 s or more before a retry is told on stderr,
// and the run still ends with its summary on stdout.
func TestRetryFailedAnnouncesALongWait(t *testing.T) {
	srv := newServer(t)
	srv.FailNext(1, writertest.Fault{Status: 503, Header: map[string][]string{"Retry-After": {"2"}}})
	code, out, stderr := runCLI(t, "retry-failed", "--rpm", "0")
	if code != exitOK {
		t.Fatalf("exit %d: %s", code, stderr)
	}
	if want := "writerfiles: GET /v1/files: status 503; retrying in 2s (attempt 2)\n"; !strings.Contains(stderr, want) {
		t.Errorf("stderr = %q, want the notice %q", stderr, want)
	}
	if !strings.HasPrefix(out, "Found 2 failed file(s)") || strings.Contains(out, "retrying") {
		t.Errorf("stdout = %q, want the summary alone", out)
	}
}

// TestRetryFailedWithAnUnresolvableHostFailsQuickly: a base URL whose host does not resolve
// is not retried: the command exits 1 soon, naming the host. The host's first label is
// longer than DNS allows, so the resolver refuses it without asking a name server.
func TestRetryFailedWithAnUnresolvableHostFailsQuickly(t *testing.T) {
	host := strings.Repeat("h", 64) + ".example"
	t.Setenv("WRITER_API_KEY", testKey)
	t.Setenv("WRITER_BASE_URL", "https://"+host)
	start := time.Now()
	code, out, stderr := runCLI(t, "retry-failed", "--wait")
	took := time.Since(start)
	if code == exitOK || !strings.Contains(stderr, host) {
		t.Errorf("exit %d, stderr %q; want a failure naming %s", code, stderr, host)
	}
	if out != "" {
		t.Errorf("stdout = %q, want nothing", out)
	}
	if took >= 5*time.Second {
		t.Errorf("took %s, want under 5s: a host that does not resolve is not retried", took)
	}
}
