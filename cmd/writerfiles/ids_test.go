package main

import (
	"context"
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"strings"
	"testing"
	"time"

	"github.com/writerfiles/writer-go/writertest"
)

// TestRetryReadsIDsFromStdin: retry - takes the ids on stdin, one per line, blank lines
// and spaces around an id skipped, a Windows line end too.
func TestRetryReadsIDsFromStdin(t *testing.T) {
	srv := newServer(t)
	code, stdout, stderr := runCLIWithStdin(t, "\n"+failedA+"\r\n\n  "+failedB+"\t\n", "retry", "-")
	if code != exitOK || !strings.Contains(stdout, "retry of 2 file(s)") {
		t.Fatalf("retry -: exit %d, stdout %q, stderr %q; want the 2 files accepted", code, stdout, stderr)
	}
	for _, id := range []string{failedA, failedB} {
		if f, _ := srv.File(id); f.RetryRequests != 1 {
			t.Errorf("%s: %d retry requests, want 1", id, f.RetryRequests)
		}
	}
}

// TestBadIDOnStdinIsNamedByItsLine: a bad id on line 3 of stdin exits 2 naming line 3,
// before any request, for every command that reads ids from stdin.
func TestBadIDOnStdinIsNamedByItsLine(t *testing.T) {
	srv := newServer(t)
	for _, tt := range []struct {
		cmd, bad, want string
	}{
		{"retry", "not-a-uuid", `retry: file id on stdin line 3 ("not-a-uuid") is not a UUID`},
		{"get", "..", `get: file id on stdin line 3 ("..") is a path segment`},
		{"get", "a?b", `get: file id on stdin line 3 ("a?b") has '?'`},
		{"delete", "a/b", `delete: file id on stdin line 3 ("a/b") has '/'`},
	} {
		stdin := failedA + "\n\n" + tt.bad + "\n" + doneC + "\n"
		code, stdout, stderr := runCLIWithStdin(t, stdin, tt.cmd, "-")
		if code != exitUsage || !strings.Contains(stderr, tt.want) || stdout != "" {
			t.Errorf("%s - with %q on line 3: exit %d, stdout %q, stderr %q; want 2 and %q", tt.cmd, tt.bad, code, stdout, stderr, tt.want)
		}
	}
	if n := len(srv.Requests()); n != 0 {
		t.Errorf("the server received %d requests, want none", n)
	}
	if f, ok := srv.File(failedA); !ok || f.RetryRequests != 0 {
		t.Errorf("%s after the refused commands: %+v, %v; want it kept, never retried", failedA, f, ok)
	}
}

// TestStdinIDsMistakes: - comes alone, and stdin must hold an id.
func TestStdinIDsMistakes(t *testing.T) {
	srv := newServer(t)
	for _, tt := range []struct {
		stdin string
		args  []string
		want  string
	}{
		{"", []string{"retry", "-"}, "no file id on stdin: it is empty"},
		{"\n  \n", []string{"get", "-"}, "no file id on stdin (2 line(s), all blank)"},
		{failedA, []string{"retry", failedB, "-"}, "takes - alone"},
		{failedA, []string{"delete", failedB, "-"}, "takes - alone"},
		{strings.Repeat("x", maxIDLine+1), []string{"get", "-"}, "stdin line 1 is longer than 64 KiB"},
	} {
		if code, _, stderr := runCLIWithStdin(t, tt.stdin, tt.args...); code != exitUsage || !strings.Contains(stderr, tt.want) {
			t.Errorf("writerfiles %v with stdin %.20q: exit %d, stderr %q; want 2 and %q", tt.args, tt.stdin, code, stderr, tt.want)
		}
	}
	if n := len(srv.Requests()); n != 0 {
		t.Errorf("the server received %d requests, want none", n)
	}
}

// TestGetAndDeleteReadIDsFromStdin: get - shows each file; delete - deletes each, reports
// a file that is not found and goes on, then exits 1.
func TestGetAndDeleteReadIDsFromStdin(t *testing.T) {
	srv := newServer(t)
	code, stdout, stderr := runCLIWithStdin(t, failedA+"\n"+doneC+"\n", "get", "-")
	if code != exitOK || strings.Count(stdout, "ID:       ") != 2 || !strings.Contains(stdout, "Graphs:   "+graph+"\n\nID:       "+doneC) {
		t.Errorf("get -: exit %d, stdout %q, stderr %q; want both files, a blank line between", code, stdout, stderr)
	}
	code, stdout, _ = runCLIWithStdin(t, failedA+"\n"+doneC+"\n", "--json", "get", "-")
	if lines := strings.Split(strings.TrimSpace(stdout), "\n"); code != exitOK || len(lines) != 2 || !json.Valid([]byte(lines[1])) {
		t.Errorf("--json get -: exit %d, stdout %q; want 2 JSON lines", code, stdout)
	}

	const gone = "9c4e5f6a-7b8c-4d9e-8fa0-1b2c3d4e5f60"
	code, stdout, stderr = runCLIWithStdin(t, failedA+"\n"+gone+"\n"+failedB+"\n", "delete", "-")
	if code != exitFailure || stdout != "Deleted "+failedA+"\nDeleted "+failedB+"\n" ||
		!strings.Contains(stderr, "404") || !strings.Contains(stderr, "delete: 1 of 3 file(s) not found") {
		t.Errorf("delete -: exit %d, stdout %q, stderr %q; want 1, both others deleted, the 404 and the count", code, stdout, stderr)
	}
	for _, id := range []string{failedA, failedB} {
		if _, ok := srv.File(id); ok {
			t.Errorf("%s is still on the server", id)
		}
	}
	if _, ok := srv.File(doneC); !ok {
		t.Errorf("%s, not on stdin, was deleted", doneC)
	}
}

// TestStdinIDsWithoutAKey: the ids are checked before the missing key is reported.
func TestStdinIDsWithoutAKey(t *testing.T) {
	t.Setenv("WRITER_API_KEY", "")
	if code, _, stderr := runCLIWithStdin(t, failedA+"\n../x\n", "delete", "-"); code != exitUsage || !strings.Contains(stderr, "stdin line 2") {
		t.Errorf("delete - with a bad id and no key: exit %d, stderr %q; want 2 naming stdin line 2", code, stderr)
	}
	if code, _, stderr := runCLIWithStdin(t, failedA+"\n", "delete", "-"); code != exitUsage || !strings.Contains(stderr, "WRITER_API_KEY") {
		t.Errorf("delete - without a key: exit %d, stderr %q; want 2 naming WRITER_API_KEY", code, stderr)
	}
}

// TestCtrlCStopsReadingStdin: Ctrl-C while - waits for stdin ends the command (exit 130).
func TestCtrlCStopsReadingStdin(t *testing.T) {
	newServer(t)
	stdin, w := io.Pipe() // nothing is ever written
	defer w.Close()
	ctx, cancel := context.WithCancel(t.Context())
	done := make(chan int, 1)
	go func() { done <- run(ctx, []string{"retry", "-"}, stdin, io.Discard, io.Discard) }()
	cancel()
	select {
	case code := <-done:
		if code != exitInterrupted {
			t.Errorf("exit %d, want %d", code, exitInterrupted)
		}
	case <-time.After(10 * time.Second):
		t.Fatal("retry - still reads stdin 10 s after Ctrl-C")
	}
}

// TestStdinIDsStopAtAnErrorThatIsNotANotFound: an error other than a 404 stops the command,
// naming the line it stopped at; the ids after it are not sent.
func TestStdinIDsStopAtAnErrorThatIsNotANotFound(t *testing.T) {
	srv := newServer(t)
	jsonType := http.Header{"Content-Type": {"application/json"}}
	srv.FailNext(1, writertest.Fault{Status: http.StatusOK, Header: jsonType, Body: `{"id":"` + failedA + `","deleted":true}`})
	srv.FailNext(1, writertest.Fault{Status: http.StatusForbidden, Header: jsonType,
		Body: `{"tpe":"fail.forbidden","errors":[{"description":"not yours","key":"k","extras":{}}],"extras":{}}`})
	code, stdout, stderr := runCLIWithStdin(t, failedA+"\n\n"+failedB+"\n"+doneC+"\n", "delete", "-")
	if code != exitFailure || stdout != "Deleted "+failedA+"\n" || !strings.Contains(stderr, "delete: stopped at file id on stdin line 3 (2 of 3): ") || !strings.Contains(stderr, "403") {
		t.Errorf("delete -: exit %d, stdout %q, stderr %q; want 1, the first deleted, and where it stopped", code, stdout, stderr)
	}
	if n := len(srv.Requests()); n != 2 {
		t.Errorf("the server received %d requests, want 2: none after the 403", n)
	}
}

// TestRetrySendsStdinIDsInBatchesOf100: 250 ids on stdin go in requests of 100, 100 and 50.
func TestRetrySendsStdinIDsInBatchesOf100(t *testing.T) {
	srv := newServer(t)
	var stdin strings.Builder
	for i := range 250 {
		id := fmt.Sprintf("3c90c3cc-0d44-4b50-8888-%012x", i+1)
		srv.AddFiles(writertest.File{ID: id, Name: "f.pdf", Status: writertest.StatusFailed})
		stdin.WriteString(id + "\n")
	}
	code, stdout, stderr := runCLIWithStdin(t, stdin.String(), "retry", "-")
	if code != exitOK || !strings.Contains(stdout, "retry of 250 file(s)") {
		t.Fatalf("retry - with 250 ids: exit %d, stdout %q, stderr %q; want the 250 accepted", code, stdout, stderr)
	}
	var sizes []int
	for _, r := range srv.Requests() {
		var body struct {
			FileIDs []string `json:"file_ids"`
		}
		if r.Path == "/v1/files/retry" && json.Unmarshal(r.Body, &body) == nil {
			sizes = append(sizes, len(body.FileIDs))
		}
	}
	if fmt.Sprint(sizes) != "[100 100 50]" {
		t.Errorf("retry requests carried %v ids, want [100 100 50]", sizes)
	}
}
