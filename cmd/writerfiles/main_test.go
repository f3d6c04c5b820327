package main

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"net/http"
	"net/http/httptest"
	"net/http/httputil"
	"net/url"
	"os"
	"path/filepath"
	"regexp"
	"strings"
	"testing"

	"github.com/writerfiles/writer-go/api"
	"github.com/writerfiles/writer-go/writer"
	"github.com/writerfiles/writer-go/writertest"
)

// testKey is the API key of the test server; no output may ever contain it.
const testKey = "sk-writerfiles-test-SECRET-0123456789"

const (
	failedA = "6f1b2c3d-4e5f-4a6b-8c7d-8e9f0a1b2c3d"
	failedB = "7a2c3d4e-5f6a-4b7c-9d8e-9f0a1b2c3d4e"
	doneC   = "8b3d4e5f-6a7b-4c8d-ae9f-0a1b2c3d4e5f"
	graph   = "31a8b75a-9a90-432f-8861-942229125333"
)

// newServer starts a fake with two failed files and one completed, and points
// WRITER_API_KEY and WRITER_BASE_URL at it.
func newServer(t *testing.T, opts ...writertest.Option) *writertest.Server {
	t.Helper()
	srv := writertest.NewServer(t, append([]writertest.Option{writertest.WithAPIKey(testKey)}, opts...)...)
	srv.AddFiles(
		writertest.File{ID: failedA, Name: "a.pdf", Status: writertest.StatusFailed, GraphIDs: []string{graph}},
		writertest.File{ID: failedB, Name: "b.docx", Status: writertest.StatusFailed},
		writertest.File{ID: doneC, Name: "c.txt", Status: writertest.StatusCompleted, ContentType: "text/plain", Content: []byte("hello, c")},
	)
	t.Setenv("WRITER_API_KEY", testKey)
	t.Setenv("WRITER_BASE_URL", srv.URL)
	return srv
}

// runCLI runs the command and checks that neither output shows the API key.
func runCLI(t *testing.T, args ...string) (code int, stdout, stderr string) {
	t.Helper()
	return runCLIWithStdin(t, "", args...)
}

// runCLIWithStdin runs the command with stdin as its standard input, as runCLI does.
func runCLIWithStdin(t *testing.T, stdin string, args ...string) (code int, stdout, stderr string) {
	t.Helper()
	var out, errOut bytes.Buffer
	code = run(context.Background(), args, strings.NewReader(stdin), &out, &errOut)
	for _, s := range []string{out.String(), errOut.String()} {
		if strings.Contains(s, testKey) || strings.Contains(s, "SECRET") {
			t.Errorf("writerfiles %v printed the API key:\n%s", args, s)
		}
	}
	return code, out.String(), errOut.String()
}

func TestExitCodes(t *testing.T) {
	newServer(t)
	tests := []struct {
		args []string
		want int
	}{
		{nil, exitUsage},
		{[]string{"frobnicate"}, exitUsage},
		{[]string{"--nope", "list"}, exitUsage},
		{[]string{"list"}, exitOK},
		{[]string{"list", "--status", "done"}, exitUsage},
		{[]string{"list", "--page-size", "101"}, exitUsage},
		{[]string{"list", "extra"}, exitUsage},
		{[]string{"get"}, exitUsage},
		{[]string{"get", "../etc"}, exitUsage},
		{[]string{"get", doneC}, exitOK},
		{[]string{"get", "9c4e5f6a-7b8c-4d9e-8fa0-1b2c3d4e5f60"}, exitFailure},
		{[]string{"delete", "9c4e5f6a-7b8c-4d9e-8fa0-1b2c3d4e5f60"}, exitFailure},
		{[]string{"download", "9c4e5f6a-7b8c-4d9e-8fa0-1b2c3d4e5f60"}, exitFailure},
		{[]string{"upload", filepath.Join(t.TempDir(), "missing.pdf")}, exitUsage},
		{[]string{"upload", "a.unknownext"}, exitUsage},
		{[]string{"retry", "not-a-uuid"}, exitUsage},
		{[]string{"retry-failed", "--batch", "-1"}, exitUsage},
		{[]string{"retry-failed", "--graph", "nope"}, exitUsage},
		{[]string{"demo"}, exitUsage},
		{[]string{"--help"}, exitOK},
		{[]string{"list", "--help"}, exitOK},
		{[]string{"retry-failed", "--rpm", "-5"}, exitUsage},
	}
	for _, tt := range tests {
		if code, _, stderr := runCLI(t, tt.args...); code != tt.want {
			t.Errorf("writerfiles %v exited %d, want %d (stderr %q)", tt.args, code, tt.want, stderr)
		}
	}
}

func TestWrongKeyIsAnAPIErrorWithoutTheKey(t *testing.T) {
	newServer(t)
	t.Setenv("WRITER_API_KEY", "sk-wrong-SECRET-key")
	code, _, stderr := runCLI(t, "list")
	if code != exitFailure || !strings.Contains(stderr, "401") || !strings.Contains(stderr, "WRITER_API_KEY") {
		t.Errorf("exit %d stderr %q, want 1 and the 401, naming WRITER_API_KEY", code, stderr)
	}
	t.Setenv("WRITER_API_KEY", "")
	if code, _, stderr := runCLI(t, "list"); code != exitUsage || !strings.Contains(stderr, "WRITER_API_KEY") {
		t.Errorf("no key: exit %d stderr %q, want 2 naming WRITER_API_KEY", code, stderr)
	}
}

func TestListFiltersAndJSON(t *testing.T) {
	newServer(t)
	code, out, _ := runCLI(t, "--json", "list", "--status", "failed", "--order", "asc")
	if code != exitOK {
		t.Fatalf("exit %d", code)
	}
	lines := strings.Split(strings.TrimSpace(out), "\n")
	if len(lines) != 2 {
		t.Fatalf("got %d lines, want 2 failed files:\n%s", len(lines), out)
	}
	for _, l := range lines {
		var f api.FileResponse
		if err := json.Unmarshal([]byte(l), &f); err != nil || f.Status != "failed" || f.Id == "" {
			t.Errorf("line %q: %+v, %v", l, f, err)
		}
	}
	code, out, _ = runCLI(t, "list", "--graph", graph)
	if code != exitOK || !strings.Contains(out, failedA) || strings.Contains(out, failedB) || !strings.Contains(out, "1 file(s)") {
		t.Errorf("list --graph: exit %d\n%s", code, out)
	}
	code, out, _ = runCLI(t, "list", "--types", "pdf,txt")
	if code != exitOK || !strings.Contains(out, failedA) || !strings.Contains(out, doneC) || strings.Contains(out, failedB) {
		t.Errorf("list --types: exit %d\n%s", code, out)
	}
}

func TestUploadDownloadDelete(t *testing.T) {
	srv := newServer(t)
	dir := t.TempDir()
	path := filepath.Join(dir, "notes été.txt")
	if err := os.WriteFile(path, []byte("some notes"), 0o600); err != nil {
		t.Fatal(err)
	}
	code, out, stderr := runCLI(t, "--json", "upload", path, "--graph", graph)
	if code != exitOK {
		t.Fatalf("upload: exit %d %s", code, stderr)
	}
	var f api.FileResponse
	if err := json.Unmarshal([]byte(out), &f); err != nil || f.Name != "notes été.txt" {
		t.Fatalf("upload printed %q: %v", out, err)
	}
	stored, _ := srv.File(f.Id)
	if string(stored.Content) != "some notes" || stored.ContentType != "text/plain" || len(stored.GraphIDs) != 1 {
		t.Errorf("server stored %q %q graphs %v", stored.Content, stored.ContentType, stored.GraphIDs)
	}

	dst := filepath.Join(dir, "copy.txt")
	if code, _, stderr := runCLI(t, "download", f.Id, "-o", dst); code != exitOK {
		t.Fatalf("download: exit %d %s", code, stderr)
	}
	if got, err := os.ReadFile(dst); err != nil || string(got) != "some notes" {
		t.Errorf("downloaded %q, %v", got, err)
	}
	code, out, _ = runCLI(t, "download", doneC)
	if code != exitOK || out != "hello, c" {
		t.Errorf("download to stdout: exit %d %q", code, out)
	}

	if code, _, _ := runCLI(t, "delete", f.Id); code != exitOK {
		t.Fatalf("delete: exit %d", code)
	}
	if code, _, stderr := runCLI(t, "get", f.Id); code != exitFailure || !strings.Contains(stderr, "404") {
		t.Errorf("get after delete: exit %d %q", code, stderr)
	}
}

func TestRetryFailedWithWait(t *testing.T) {
	srv := newServer(t)
	code, out, stderr := runCLI(t, "retry-failed", "--batch", "1", "--rpm", "0", "--wait", "--interval", "1ms")
	if code != exitOK {
		t.Fatalf("exit %d: %s", code, stderr)
	}
	for _, want := range []string{"Listing done: 2 failed file(s) in 1 page(s).", "Request 1: 1 file(s) accepted; 1 retried of 2 found.",
		"Request 2: 1 file(s) accepted; 2 retried of 2 found.", "Waiting for 2 file(s)"} {
		if !strings.Contains(stderr, want) {
			t.Errorf("progress on stderr lacks %q:\n%s", want, stderr)
		}
	}
	for _, want := range []string{"Found 2 failed file(s) in 1 page(s); Writer accepted the retry of 2 in 2 request(s).",
		"Processed: 2 completed, 0 failed again."} {
		if !strings.Contains(out, want) {
			t.Errorf("output lacks %q:\n%s", want, out)
		}
	}
	for _, id := range []string{failedA, failedB} {
		if f, _ := srv.File(id); f.Status != writertest.StatusCompleted || f.RetryRequests != 1 {
			t.Errorf("%s: status %s after %d retries", id, f.Status, f.RetryRequests)
		}
	}
	code, out, _ = runCLI(t, "retry-failed")
	if code != exitOK || !strings.Contains(out, "No failed files found.") {
		t.Errorf("second run: exit %d\n%s", code, out)
	}
}

func TestRetryFailedBatchErrorExitsOne(t *testing.T) {
	srv := newServer(t)
	// The list page names a file the server does not hold: its retry request gets 404.
	const unknown = "9c4e5f6a-7b8c-4d9e-8fa0-1b2c3d4e5f60"
	entry := func(id string) string {
		return `{"id":"` + id + `","name":"x.pdf","created_at":"2026-01-01T00:00:00Z","graph_ids":[],"status":"failed"}`
	}
	srv.FailNext(1, writertest.Fault{Status: 200, Header: map[string][]string{"Content-Type": {"application/json"}},
		Body: `{"data":[` + entry(failedA) + `,` + entry(unknown) + `],"has_more":false}`})
	code, out, stderr := runCLI(t, "retry-failed", "--batch", "1", "--rpm", "0")
	if code != exitFailure || !strings.Contains(stderr, "Request 2: 1 file(s) not accepted.") || !strings.Contains(stderr, "1 request(s) failed") {
		t.Errorf("exit %d, stderr %q; want 1, the failed request and the count", code, stderr)
	}
	if out != "" {
		t.Errorf("stdout %q; want nothing from a run that failed", out)
	}
	if !strings.Contains(stderr, "retry of 1 file(s) starting "+unknown+" failed") || !strings.Contains(stderr, "404") {
		t.Errorf("stderr %q; want the failed request's id and its 404", stderr)
	}
	if f, _ := srv.File(failedA); f.RetryRequests != 1 {
		t.Errorf("the other file was retried %d times, want 1", f.RetryRequests)
	}
}

func TestFakeDemo(t *testing.T) {
	t.Setenv("WRITER_API_KEY", "")
	code, out, stderr := runCLI(t, "--fake", "demo")
	if code != exitOK {
		t.Fatalf("demo exited %d: %s", code, stderr)
	}
	steps := []string{"$ writerfiles list --status failed", "$ writerfiles retry-failed --wait", "Processed: 2 completed, 1 failed again.", "$ writerfiles list"}
	at := 0
	for _, s := range steps {
		i := strings.Index(out[at:], s)
		if i < 0 {
			t.Fatalf("demo output lacks %q after byte %d:\n%s", s, at, out)
		}
		at += i + len(s)
	}
	final := out[at:]
	if strings.Count(final, "completed") != 3 || strings.Count(final, "failed") != 1 {
		t.Errorf("final listing should show 3 completed files and 1 failed:\n%s", final)
	}
}

func TestProgressLineOnATerminal(t *testing.T) {
	var errOut bytes.Buffer
	p := &progress{w: &errOut, terminal: true}
	type report = writer.RetryFailedReport
	p.update(writer.RetryFailedProgress{RetryFailedReport: report{Pages: 1, Found: 3}})
	p.update(writer.RetryFailedProgress{RetryFailedReport: report{Pages: 2, Found: 5}, ListingDone: true})
	p.update(writer.RetryFailedProgress{RetryFailedReport: report{Pages: 2, Found: 5, Batches: 1, FailedBatches: 1}, ListingDone: true,
		Batch: []string{failedA, failedB}, BatchErr: errors.New("boom")})
	p.update(writer.RetryFailedProgress{RetryFailedReport: report{Pages: 2, Found: 5, Retried: 3, Batches: 2, FailedBatches: 1}, ListingDone: true,
		Batch: []string{doneC}})
	p.done()
	// The failed request's line ends the progress line and is followed by a new one.
	want := "\r\033[KFound 3 failed file(s) in 1 page(s) so far; 0 accepted in 0 request(s)" +
		"\r\033[KFound 5 failed file(s) in 2 page(s); 0 accepted in 0 request(s)\n" +
		"writerfiles: retry of 2 file(s) starting " + failedA + " failed: boom\n" +
		"\r\033[KFound 5 failed file(s) in 2 page(s); 0 accepted in 1 request(s), 1 failed" +
		"\r\033[KFound 5 failed file(s) in 2 page(s); 3 accepted in 2 request(s), 1 failed\n"
	if got := errOut.String(); got != want {
		t.Errorf("terminal output on stderr = %q, want %q", got, want)
	}
}

func TestBadIDExitsTwoWithoutSending(t *testing.T) {
	srv := newServer(t)
	code, _, stderr := runCLI(t, "retry", failedA, "not-a-uuid")
	if code != exitUsage {
		t.Fatalf("writerfiles retry with a bad id exited %d, want %d", code, exitUsage)
	}
	if !strings.Contains(stderr, `file id 2 ("not-a-uuid")`) || strings.Count(strings.TrimSpace(stderr), "\n") != 0 {
		t.Errorf("stderr = %q, want one line naming file id 2", stderr)
	}
	if n := len(srv.Requests()); n != 0 {
		t.Errorf("the server received %d requests, want none", n)
	}
}

func TestBaseURLPathPrefixIsKept(t *testing.T) {
	srv := newServer(t)
	target, err := url.Parse(srv.URL)
	if err != nil {
		t.Fatal(err)
	}
	proxy := httptest.NewServer(http.StripPrefix("/writer", httputil.NewSingleHostReverseProxy(target)))
	t.Cleanup(proxy.Close)

	code, _, stderr := runCLI(t, "--base-url", proxy.URL+"/writer", "retry", failedA)
	if code != exitOK {
		t.Fatalf("writerfiles --base-url %s/writer retry exited %d: %s", proxy.URL, code, stderr)
	}
	reqs := srv.Requests()
	if len(reqs) != 1 || reqs[0].Path != "/v1/files/retry" {
		t.Fatalf("fake received %+v, want one POST /v1/files/retry through the /writer prefix", reqs)
	}
}

func TestRetryCountsDistinctIDs(t *testing.T) {
	newServer(t)
	code, stdout, stderr := runCLI(t, "retry", failedA, strings.ToUpper(failedA), failedB)
	if code != exitOK {
		t.Fatalf("retry exited %d: %s", code, stderr)
	}
	if !strings.Contains(stdout, "retry of 2 file(s)") {
		t.Errorf("stdout = %q, want the 2 distinct files counted", stdout)
	}
}

func TestCommandHelpGoesToStdout(t *testing.T) {
	newServer(t)
	code, stdout, _ := runCLI(t, "list", "--help")
	if code != exitOK || !strings.Contains(stdout, "list [--status S]") || !strings.Contains(stdout, "-status") {
		t.Errorf("list --help = exit %d, stdout %q; want 0 and list's flags", code, stdout)
	}
}

// sampleFailed is a failed file among the fake's samples (fake.go).
var sampleFailed = sampleFiles(defaultSeed)[0].ID

func TestCommandHelpNeedsNoKey(t *testing.T) {
	t.Setenv("WRITER_API_KEY", "")
	for _, args := range [][]string{
		{"list", "--help"}, {"get", "-h"}, {"upload", "-h"}, {"download", "-h"}, {"delete", "-h"},
		{"retry", "--help"}, {"retry", "-h", failedA}, {"retry-failed", "-h"}, {"demo", "--help"},
		{"--fake", "get", "-h"},
	} {
		code, stdout, stderr := runCLI(t, args...)
		name := args[0]
		if name == "--fake" {
			name = args[1]
		}
		if code != exitOK || stderr != "" {
			t.Errorf("writerfiles %v: exit %d, stderr %q; want 0 and nothing on stderr", args, code, stderr)
		}
		// The synopsis line, as the top usage shows it, then the flags, the global ones too.
		if !strings.Contains(stdout, "usage: writerfiles [global flags] "+name) || !strings.Contains(stdout, "-fake") {
			t.Errorf("writerfiles %v printed %q; want its synopsis and flags", args, stdout)
		}
	}
	if _, stdout, _ := runCLI(t, "get", "-h"); !strings.Contains(stdout, "get ID") {
		t.Errorf("get -h printed %q; want the synopsis naming ID", stdout)
	}
	// A global flag given before the command is not the command's default.
	if _, stdout, _ := runCLI(t, "--fake", "get", "-h"); strings.Contains(stdout, "default true") {
		t.Errorf("--fake get -h printed %q; want no default for -fake", stdout)
	}
}

func TestDemoWithoutFakeSaysSo(t *testing.T) {
	t.Setenv("WRITER_API_KEY", "")
	code, _, stderr := runCLI(t, "demo")
	if code != exitUsage || !strings.Contains(stderr, "demo runs only against the local fake") {
		t.Errorf("demo without --fake: exit %d, stderr %q", code, stderr)
	}
}

func TestGlobalFlagsAfterTheCommand(t *testing.T) {
	t.Setenv("WRITER_API_KEY", "")
	code, stdout, stderr := runCLI(t, "get", sampleFailed, "--fake")
	if code != exitOK || !strings.Contains(stdout, sampleFailed) {
		t.Errorf("get ID --fake: exit %d, stdout %q, stderr %q", code, stdout, stderr)
	}
	for _, args := range [][]string{{"list", "--json", "--fake"}, {"--fake", "list", "--json"}, {"--json", "--fake", "list"}} {
		code, stdout, stderr := runCLI(t, args...)
		lines := strings.Split(strings.TrimSpace(stdout), "\n")
		if code != exitOK || len(lines) != len(samples) {
			t.Fatalf("writerfiles %v: exit %d, stdout %q, stderr %q; want %d JSON lines", args, code, stdout, stderr, len(samples))
		}
		var f api.FileResponse
		if err := json.Unmarshal([]byte(lines[0]), &f); err != nil || f.Id == "" {
			t.Errorf("writerfiles %v: line %q: %+v, %v", args, lines[0], f, err)
		}
	}
}

func TestFakeIsStartedOnlyWhenNeededAndClosed(t *testing.T) {
	t.Setenv("WRITER_API_KEY", "")
	if _, _, stderr := runCLI(t, "--fake", "get"); strings.Contains(stderr, "fake Writer File API at") {
		t.Errorf("get without an id started the fake: %q", stderr)
	}
	code, _, stderr := runCLI(t, "--fake", "get", sampleFailed)
	_, after, ok := strings.Cut(stderr, "fake Writer File API at ")
	if code != exitOK || !ok {
		t.Fatalf("exit %d, stderr %q; want the fake's address", code, stderr)
	}
	addr, _, _ := strings.Cut(after, " ")
	req, err := http.NewRequestWithContext(t.Context(), http.MethodGet, addr+"/v1/files", nil)
	if err != nil {
		t.Fatal(err)
	}
	if resp, err := http.DefaultClient.Do(req); err == nil {
		resp.Body.Close()
		t.Errorf("the fake at %s still answers after run returned", addr)
	}
}

func TestRetryParsesFlags(t *testing.T) {
	srv := newServer(t)
	for _, args := range [][]string{{"retry", "--help"}, {"retry", "-h"}} {
		if code, stdout, _ := runCLI(t, args...); code != exitOK || !strings.Contains(stdout, "retry ID...") {
			t.Errorf("writerfiles %v: exit %d, stdout %q; want 0 and the help", args, code, stdout)
		}
	}
	if code, _, stderr := runCLI(t, "retry", "--", failedA); code != exitOK {
		t.Errorf("retry -- ID: exit %d, stderr %q", code, stderr)
	}
	if code, _, stderr := runCLI(t, "retry", "--nope", failedA); code != exitUsage || !strings.Contains(stderr, "-nope") {
		t.Errorf("retry --nope: exit %d, stderr %q; want 2 naming the flag", code, stderr)
	}
	if n := len(srv.Requests()); n != 1 {
		t.Errorf("the server received %d requests, want 1 (from retry -- ID)", n)
	}
}

func TestFakeRetryPrintsNothingBeforeTheIDsAreGood(t *testing.T) {
	t.Setenv("WRITER_API_KEY", "")
	code, stdout, stderr := runCLI(t, "--fake", "retry", sampleFailed, "not-a-uuid")
	if code != exitUsage || stdout != "" || !strings.Contains(stderr, `file id 2 ("not-a-uuid") is not a UUID`) || strings.Contains(stderr, "fake") {
		t.Errorf("--fake retry with a bad id: exit %d, stdout %q, stderr %q; want 2, nothing on stdout, the id named, no fake started", code, stdout, stderr)
	}
	code, _, stderr = runCLI(t, "retry", "not-a-uuid")
	if code != exitUsage || !strings.Contains(stderr, `file id 1 ("not-a-uuid")`) {
		t.Errorf("retry with a bad id and no key: exit %d, stderr %q; want 2 and the id named", code, stderr)
	}
	code, stdout, _ = runCLI(t, "--fake", "retry", sampleFailed)
	before, accepted := strings.Index(stdout, "Files before:"), strings.Index(stdout, "Writer accepted")
	after := strings.Index(stdout, "Files after:")
	if code != exitOK || before < 0 || accepted < before || after < accepted {
		t.Errorf("--fake retry: exit %d, stdout %q; want the table before, the acceptance, the table after", code, stdout)
	}
}

// TestFlagsAreCheckedBeforeSending: each bad flag exits 2 before any request, with a message
// naming the flag as the user wrote it, not a Go option.
func TestFlagsAreCheckedBeforeSending(t *testing.T) {
	srv := newServer(t)
	tests := []struct {
		args []string
		want string
	}{
		{[]string{"list", "--page-size", "1000"}, `--page-size "1000"`},
		{[]string{"list", "--page-size", "-1"}, `--page-size "-1"`},
		{[]string{"list", "--status", "done"}, `--status "done"`},
		{[]string{"list", "--order", "up"}, `--order "up"`},
		{[]string{"list", "--graph", "nope"}, `--graph "nope"`},
		{[]string{"list", "--types", "pdf,,docx"}, `--types "pdf,,docx": entry 2`},
		{[]string{"retry-failed", "--types", ".pdf"}, `--types ".pdf": entry 1`},
		{[]string{"retry-failed", "--wait", "--interval", "-1s"}, `--interval "-1s"`},
		{[]string{"retry-failed", "--wait", "--interval", "0"}, `--interval "0"`},
		{[]string{"retry-failed", "--rpm", "-5"}, `--rpm "-5"`},
		{[]string{"retry-failed", "--batch", "-1"}, `--batch "-1"`},
		{[]string{"retry-failed", "--batch", "0"}, `--batch "0"`},
		{[]string{"retry-failed", "--graph", "nope"}, `--graph "nope"`},
	}
	for _, tt := range tests {
		code, _, stderr := runCLI(t, tt.args...)
		if code != exitUsage || !strings.Contains(stderr, tt.want) || strings.Contains(stderr, "Options.") {
			t.Errorf("writerfiles %v: exit %d, stderr %q; want 2 and a message naming %q", tt.args, code, stderr, tt.want)
		}
	}
	if n := len(srv.Requests()); n != 0 {
		t.Errorf("the server received %d requests, want none", n)
	}
}

func TestDownloadChecksTheOutputPathFirst(t *testing.T) {
	srv := newServer(t)
	dir := t.TempDir()
	for _, out := range []string{dir, filepath.Join(dir, "missing", "c.txt")} {
		if code, _, stderr := runCLI(t, "download", doneC, "-o", out); code != exitUsage || !strings.Contains(stderr, out) {
			t.Errorf("download -o %s: exit %d, stderr %q; want 2 naming the path", out, code, stderr)
		}
	}
	if n := len(srv.Requests()); n != 0 {
		t.Errorf("the server received %d requests, want none", n)
	}
	// A failed download leaves nothing behind.
	if code, _, _ := runCLI(t, "download", "9c4e5f6a-7b8c-4d9e-8fa0-1b2c3d4e5f60", "-o", filepath.Join(dir, "x")); code != exitFailure {
		t.Errorf("download of an unknown file: exit %d, want 1", code)
	}
	if entries, _ := os.ReadDir(dir); len(entries) != 0 {
		t.Errorf("after a failed download the directory holds %v, want nothing", entries)
	}
	dst := filepath.Join(dir, "c.txt")
	if code, _, stderr := runCLI(t, "download", doneC, "-o", dst); code != exitOK {
		t.Fatalf("download: exit %d, stderr %q", code, stderr)
	}
	fi, err := os.Stat(dst)
	if err != nil || fi.Mode().Perm() != 0o644 {
		t.Errorf("saved file: %v, %v; want mode 0644", fi, err)
	}
}

// TestDownloadOverAnExistingFile: a file saved over an existing one keeps that file's
// permissions, and a symbolic link is followed: the file it names gets the content.
func TestDownloadOverAnExistingFile(t *testing.T) {
	newServer(t)
	dir := t.TempDir()
	private, link := filepath.Join(dir, "private.txt"), filepath.Join(dir, "link.txt")
	if err := os.WriteFile(private, []byte("old"), 0o600); err != nil {
		t.Fatal(err)
	}
	if err := os.Symlink(private, link); err != nil {
		t.Fatal(err)
	}
	if code, _, stderr := runCLI(t, "download", doneC, "-o", link); code != exitOK {
		t.Fatalf("download -o %s: exit %d, stderr %q", link, code, stderr)
	}
	got, err := os.ReadFile(private)
	fi, serr := os.Stat(private)
	if err != nil || serr != nil || string(got) != "hello, c" || fi.Mode().Perm() != 0o600 {
		t.Errorf("%s after the download: %q %v, mode %v %v; want the content, mode 0600", private, got, err, fi.Mode(), serr)
	}
	if li, err := os.Lstat(link); err != nil || li.Mode()&os.ModeSymlink == 0 {
		t.Errorf("%s after the download: %v, %v; want it still a symbolic link", link, li, err)
	}
}

func TestUploadRefusesWhatIsNotAFile(t *testing.T) {
	srv := newServer(t)
	for _, path := range []string{t.TempDir(), os.DevNull} {
		if code, _, stderr := runCLI(t, "upload", path, "--type", "text/plain"); code != exitUsage || !strings.Contains(stderr, path) {
			t.Errorf("upload %s: exit %d, stderr %q; want 2 naming the path", path, code, stderr)
		}
	}
	if n := len(srv.Requests()); n != 0 {
		t.Errorf("the server received %d requests, want none", n)
	}
}

func TestFakeSamplesHaveContent(t *testing.T) {
	t.Setenv("WRITER_API_KEY", "")
	dst := filepath.Join(t.TempDir(), "handbook")
	code, stdout, stderr := runCLI(t, "--fake", "download", sampleFailed, "-o", dst)
	if code != exitOK {
		t.Fatalf("exit %d, stderr %q", code, stderr)
	}
	got, err := os.ReadFile(dst)
	if err != nil || len(got) == 0 || !strings.Contains(stdout, fmt.Sprintf("Saved %d bytes", len(got))) {
		t.Errorf("saved %d bytes (%v), stdout %q; want some content", len(got), err, stdout)
	}
}

// TestDocsAgreeWithUsage: the package doc shows each command's synopsis as the usage does,
// and the package doc and the command's page in docs/ state the usage's exit statuses.
func TestDocsAgreeWithUsage(t *testing.T) {
	src, err := os.ReadFile("main.go")
	if err != nil {
		t.Fatal(err)
	}
	doc, _, _ := strings.Cut(string(src), "\npackage main")
	for _, c := range commands {
		if !strings.Contains(doc, "//\t"+c.synopsis()) {
			t.Errorf("the package doc lacks the synopsis %q", c.synopsis())
		}
	}
	page, err := os.ReadFile("../../docs/cli.md")
	if err != nil {
		t.Fatal(err)
	}
	const exits = "Exit status: 0 success, 1 failure (the API, or a local file during a transfer), 2 bad usage or input."
	for name, text := range map[string]string{"usage": usage(), "package doc": doc, "docs/cli.md": string(page)} {
		if !strings.Contains(text, exits) {
			t.Errorf("the %s does not say %q", name, exits)
		}
	}
}

// TestJSONOnEveryCommand: with --json, each command prints only lines that parse as JSON
// objects on stdout, or refuses --json with exit 2 and prints nothing there.
func TestJSONOnEveryCommand(t *testing.T) {
	dir := t.TempDir()
	upload := filepath.Join(dir, "notes.txt")
	if err := os.WriteFile(upload, []byte("some notes"), 0o600); err != nil {
		t.Fatal(err)
	}
	for _, tt := range []struct {
		args    []string
		refused bool
	}{
		{args: []string{"list"}},
		{args: []string{"list", "--status", "failed"}},
		{args: []string{"get", sampleFailed}},
		{args: []string{"upload", upload}},
		{args: []string{"download", sampleFailed, "--output", filepath.Join(dir, "handbook.html")}},
		{args: []string{"download", sampleFailed, "-o", filepath.Join(dir, "again.html")}},
		{args: []string{"download", sampleFailed}, refused: true},
		{args: []string{"delete", sampleFailed}},
		{args: []string{"retry", sampleFailed, strings.ToUpper(sampleFailed)}},
		{args: []string{"retry-failed", "--rpm", "0"}},
		{args: []string{"retry-failed", "--rpm", "0", "--wait", "--interval", "10ms"}},
		{args: []string{"demo"}},
	} {
		args := append([]string{"--fake", "--json"}, tt.args...)
		code, stdout, stderr := runCLI(t, args...)
		switch {
		case tt.refused:
			if code != exitUsage || stdout != "" || !strings.Contains(stderr, "--json") {
				t.Errorf("writerfiles %v: exit %d, stdout %q, stderr %q; want 2 naming --json, nothing on stdout", args, code, stdout, stderr)
			}
			continue
		case code != exitOK:
			t.Errorf("writerfiles %v: exit %d, stderr %q", args, code, stderr)
			continue
		}
		lines := strings.Split(strings.TrimSuffix(stdout, "\n"), "\n")
		for _, l := range lines {
			var obj map[string]any
			if err := json.Unmarshal([]byte(l), &obj); err != nil {
				t.Errorf("writerfiles %v printed %q, not a JSON object: %v", args, l, err)
			}
		}
	}
	code, stdout, _ := runCLI(t, "--json", "--version")
	var v struct{ Version string }
	if err := json.Unmarshal([]byte(stdout), &v); code != exitOK || err != nil || v.Version != writer.Version {
		t.Errorf("--json --version: exit %d, %q (%v); want {\"version\":%q}", code, stdout, err, writer.Version)
	}
}

// TestVersionIsTheLibrarys: --version prints writer.Version, which a test of package writer
// ties to the latest entry of CHANGELOG.md.
func TestVersionIsTheLibrarys(t *testing.T) {
	for _, args := range [][]string{{"--version"}, {"--version", "list"}} {
		code, stdout, _ := runCLI(t, args...)
		if want := "writerfiles " + writer.Version + "\n"; code != exitOK || stdout != want {
			t.Errorf("writerfiles %v: exit %d, %q; want 0, %q", args, code, stdout, want)
		}
	}
}

// TestHelpWritesFlagsAsUsageDoes: the usage, every command's help and the errors about flags
// write flags as --name.
func TestHelpWritesFlagsAsUsageDoes(t *testing.T) {
	singleDash := regexp.MustCompile(`(^|[\s\[(])-[a-z][a-z-]+`)
	texts := map[string]string{"usage": usage()}
	for _, c := range commands {
		_, stdout, _ := runCLI(t, c.name, "--help")
		texts[c.name+" --help"] = stdout
	}
	_, _, texts["error of --nope"] = runCLI(t, "--nope", "list")
	_, _, texts["error of list --page-size x"] = runCLI(t, "list", "--page-size", "x")
	for name, text := range texts {
		if m := singleDash.FindString(text); m != "" {
			t.Errorf("%s writes a flag as %q; want --name:\n%s", name, strings.TrimSpace(m), text)
		}
	}
}

// TestClientErrorsSpeakToTheShell: a missing key or a bad base URL is told in terms of the
// environment and the flags, not of the library's options.
func TestClientErrorsSpeakToTheShell(t *testing.T) {
	t.Setenv("WRITER_API_KEY", "")
	t.Setenv("WRITER_BASE_URL", "")
	code, _, stderr := runCLI(t, "list")
	if code != exitUsage || !strings.Contains(stderr, "set WRITER_API_KEY") || !strings.Contains(stderr, "--fake") {
		t.Errorf("no key: exit %d, stderr %q; want 2, saying set WRITER_API_KEY or use --fake", code, stderr)
	}
	t.Setenv("WRITER_API_KEY", testKey)
	for _, tt := range []struct {
		args      []string
		env, want string
	}{
		{[]string{"--base-url", "http://example.com", "list"}, "", `--base-url "http://example.com"`},
		{[]string{"list"}, "https://user:pw@example.com", "WRITER_BASE_URL"},
		{[]string{"list"}, "https://api.writer.com/v1", "WRITER_BASE_URL"},
		// Cited as given, without user information or query values, even when it does not parse.
		{[]string{"--base-url", "http://[::1", "list"}, "", `--base-url "http://[::1" missing ']'`},
		{[]string{"--base-url", "https://user:SECRET@[::1", "list"}, "", `--base-url "https://***@[::1"`},
		{[]string{"--base-url", "https://api.writer.com?token=SECRET&x", "list"}, "", `--base-url "https://api.writer.com?token=***&x=***"`},
		{[]string{"list"}, "https://user:SECRET@h/x?tok=SECRET#SECRET", `WRITER_BASE_URL "https://***@h/x?tok=***"`},
	} {
		t.Setenv("WRITER_BASE_URL", tt.env)
		code, _, stderr := runCLI(t, tt.args...)
		if code != exitUsage || !strings.Contains(stderr, tt.want) {
			t.Errorf("writerfiles %v (WRITER_BASE_URL=%q): exit %d, stderr %q; want 2 naming %s", tt.args, tt.env, code, stderr, tt.want)
		}
		if strings.Contains(stderr, "With") {
			t.Errorf("writerfiles %v: stderr %q names a library option", tt.args, stderr)
		}
	}
	t.Setenv("WRITER_BASE_URL", "")
	for _, cmd := range []string{"get", "delete", "download"} {
		code, _, stderr := runCLI(t, cmd, "../etc")
		if want := cmd + `: file id "../etc"`; code != exitUsage || !strings.Contains(stderr, want) || strings.Contains(stderr, "file_id") {
			t.Errorf("%s ../etc: exit %d, stderr %q; want 2 and %s", cmd, code, stderr, want)
		}
	}
}

func TestDebugLogGoesToStderr(t *testing.T) {
	newServer(t)
	t.Setenv("WRITER_LOG", "debug")
	code, _, stderr := runCLI(t, "get", doneC)
	if code != exitOK || !strings.Contains(stderr, "writer: http attempt") || !strings.Contains(stderr, "status=200") {
		t.Errorf("with WRITER_LOG=debug: exit %d, stderr %q; want the attempt's record", code, stderr)
	}
}

// TestHelpCommand: "writerfiles help" prints the usage, "help COMMAND" the command's help.
func TestHelpCommand(t *testing.T) {
	t.Setenv("WRITER_API_KEY", "")
	if code, stdout, stderr := runCLI(t, "help"); code != exitOK || stdout != usage() || stderr != "" {
		t.Errorf("help: exit %d, stdout %q, stderr %q; want 0 and the usage", code, stdout, stderr)
	}
	code, stdout, _ := runCLI(t, "help", "list")
	if _, want, _ := runCLI(t, "list", "--help"); code != exitOK || stdout != want {
		t.Errorf("help list: exit %d, stdout %q; want 0 and list --help's %q", code, stdout, want)
	}
	for _, args := range [][]string{{"help", "nope"}, {"help", "list", "get"}} {
		if code, _, stderr := runCLI(t, args...); code != exitUsage || stderr == "" {
			t.Errorf("writerfiles %v: exit %d, stderr %q; want 2 and why", args, code, stderr)
		}
	}
}

// TestVersionTakesNoArguments: --version refuses what is not a command after it.
func TestVersionTakesNoArguments(t *testing.T) {
	for _, args := range [][]string{{"--version", "extra"}, {"--version", "list", "extra"}} {
		if code, stdout, stderr := runCLI(t, args...); code != exitUsage || stdout != "" || !strings.Contains(stderr, "--version") {
			t.Errorf("writerfiles %v: exit %d, stdout %q, stderr %q; want 2 naming --version", args, code, stdout, stderr)
		}
	}
}

// TestGetShowsNoGraphAsNone: a file in no Knowledge Graph shows "Graphs:   none".
func TestGetShowsNoGraphAsNone(t *testing.T) {
	newServer(t)
	_, stdout, _ := runCLI(t, "get", failedB)
	if !strings.Contains(stdout, "\nGraphs:   none\n") {
		t.Errorf("get of a file in no graph printed %q; want Graphs:   none", stdout)
	}
	_, stdout, _ = runCLI(t, "get", failedA)
	if !strings.Contains(stdout, "\nGraphs:   "+graph+"\n") {
		t.Errorf("get of a file in a graph printed %q; want its graph", stdout)
	}
}
