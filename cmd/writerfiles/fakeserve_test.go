package main

import (
	"bufio"
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"net"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"syscall"
	"testing"
	"time"

	"github.com/writerfiles/writer-go/writer"
)

// buildCommand builds this command into a temporary directory and returns its path.
func buildCommand(t *testing.T) string {
	t.Helper()
	bin := filepath.Join(t.TempDir(), "writerfiles")
	if out, err := exec.CommandContext(t.Context(), "go", "build", "-o", bin, ".").CombinedOutput(); err != nil {
		t.Fatalf("go build: %v\n%s", err, out)
	}
	return bin
}

// shellEnv is the environment of the test without WRITER_ variables, plus extra.
func shellEnv(extra ...string) []string {
	var env []string
	for _, kv := range os.Environ() {
		if !strings.HasPrefix(kv, "WRITER_") {
			env = append(env, kv)
		}
	}
	return append(env, extra...)
}

// TestFakeServeAcrossInvocations: as a shell user would, start "writerfiles fake serve",
// read its base URL, then run upload, get, list, retry-failed --wait and delete against it,
// each a process of its own with a key of its own; SIGTERM stops the fake.
func TestFakeServeAcrossInvocations(t *testing.T) {
	bin := buildCommand(t)
	serve := exec.CommandContext(t.Context(), bin, "fake", "serve", "--seed", "7")
	serve.Env = shellEnv()
	var serveErr bytes.Buffer
	serve.Stderr = &serveErr
	pipe, err := serve.StdoutPipe()
	if err != nil {
		t.Fatal(err)
	}
	if err := serve.Start(); err != nil {
		t.Fatal(err)
	}
	stopped := false
	t.Cleanup(func() {
		if !stopped {
			_ = serve.Process.Kill()
			_ = serve.Wait()
		}
	})
	first, err := bufio.NewReader(pipe).ReadString('\n')
	baseURL := strings.TrimSpace(first)
	if err != nil || !strings.HasPrefix(baseURL, "http://127.0.0.1:") {
		t.Fatalf("fake serve's first line %q (%v), want its base URL; stderr %q", first, err, serveErr.String())
	}

	// writerfiles runs the command as a shell would: its own process, its stdin given.
	writerfiles := func(stdin string, args ...string) (code int, stdout, stderr string) {
		t.Helper()
		cmd := exec.CommandContext(t.Context(), bin, append([]string{"--base-url", baseURL}, args...)...)
		cmd.Env = shellEnv("WRITER_API_KEY=test")
		cmd.Stdin = strings.NewReader(stdin)
		var out, errOut bytes.Buffer
		cmd.Stdout, cmd.Stderr = &out, &errOut
		err := cmd.Run()
		var exit *exec.ExitError
		switch {
		case errors.As(err, &exit):
			code = exit.ExitCode()
		case err != nil:
			t.Fatalf("writerfiles %v: %v", args, err)
		}
		return code, out.String(), errOut.String()
	}

	path := filepath.Join(t.TempDir(), "notes.txt")
	if err := os.WriteFile(path, []byte("some notes"), 0o600); err != nil {
		t.Fatal(err)
	}
	code, out, stderr := writerfiles("", "--json", "upload", path)
	var up struct{ ID string }
	if err := json.Unmarshal([]byte(out), &up); code != exitOK || err != nil || up.ID == "" {
		t.Fatalf("upload: exit %d, stdout %q (%v), stderr %q", code, out, err, stderr)
	}
	if code, out, stderr := writerfiles("", "get", up.ID); code != exitOK || !strings.Contains(out, "Name:     notes.txt\n") {
		t.Errorf("get of the uploaded file: exit %d, stdout %q, stderr %q", code, out, stderr)
	}
	seeded := sampleFiles(7)
	code, out, _ = writerfiles("", "list")
	if code != exitOK || !strings.Contains(out, up.ID) || !strings.Contains(out, seeded[0].ID) || !strings.HasSuffix(out, "\n6 file(s)\n") {
		t.Errorf("list: exit %d, stdout %q; want the 5 seeded files of seed 7 and the upload", code, out)
	}
	code, out, stderr = writerfiles("", "retry-failed", "--wait", "--interval", "100ms")
	if code != exitOK || !strings.Contains(out, "Writer accepted the retry of 3") || !strings.Contains(out, "Processed: 2 completed, 1 failed again.") {
		t.Errorf("retry-failed --wait: exit %d, stdout %q, stderr %q", code, out, stderr)
	}
	code, out, _ = writerfiles("", "--json", "list", "--status", "failed")
	var ids []string
	for _, l := range strings.Split(strings.TrimSpace(out), "\n") {
		var f struct{ ID string }
		if json.Unmarshal([]byte(l), &f) == nil {
			ids = append(ids, f.ID)
		}
	}
	if code != exitOK || len(ids) != 1 || ids[0] != seeded[failsAgain].ID {
		t.Fatalf("list --status failed after the retry: exit %d, %q; want the one that failed again", code, out)
	}
	ids = append(ids, up.ID)
	code, out, stderr = writerfiles(strings.Join(ids, "\n")+"\n", "delete", "-")
	if want := "Deleted " + ids[0] + "\nDeleted " + up.ID + "\n"; code != exitOK || out != want {
		t.Errorf("delete -: exit %d, stdout %q, stderr %q; want %q", code, out, stderr, want)
	}
	if code, _, stderr := writerfiles("", "get", up.ID); code != exitFailure || !strings.Contains(stderr, "404") {
		t.Errorf("get after delete: exit %d, stderr %q; want 1 and the 404", code, stderr)
	}

	if err := serve.Process.Signal(syscall.SIGTERM); err != nil {
		t.Fatal(err)
	}
	done := make(chan error, 1)
	go func() { done <- serve.Wait() }()
	select {
	case err := <-done:
		stopped = true
		if err != nil || !strings.Contains(serveErr.String(), "Stopped.") {
			t.Errorf("fake serve after SIGTERM: %v, stderr %q; want exit 0 and Stopped.", err, serveErr.String())
		}
	case <-time.After(10 * time.Second):
		t.Errorf("fake serve still runs 10 s after SIGTERM")
	}
}

// TestFakeServeRefusesWhatItCannotServe: an address that is not loopback or not HOST:PORT,
// a subcommand other than serve, and --fake or --base-url are refused (exit 2).
func TestFakeServeRefusesWhatItCannotServe(t *testing.T) {
	for _, tt := range []struct {
		args []string
		want string
	}{
		{[]string{"fake", "serve", "--addr", "0.0.0.0:8080"}, `--addr "0.0.0.0:8080" is not a loopback address`},
		{[]string{"fake", "serve", "--addr", ":8080"}, `--addr ":8080" is not a loopback address`},
		{[]string{"fake", "serve", "--addr", "127.0.0.1"}, `--addr "127.0.0.1" is not HOST:PORT`},
		{[]string{"fake", "serve", "--addr", "127.0.0.1:99999"}, `--addr "127.0.0.1:99999": the port is not a number from 0 to 65535`},
		{[]string{"fake", "serve", "--addr", "[::1]:65536"}, `--addr "[::1]:65536": the port is not a number`},
		{[]string{"fake", "serve", "--addr", "127.0.0.1:-1"}, `--addr "127.0.0.1:-1": the port is not a number`},
		{[]string{"fake", "serve", "--addr", "localhost:http"}, `--addr "localhost:http": the port is not a number`},
		{[]string{"fake", "serve", "--seed", "-1"}, `--seed: "-1" is not a whole number, 0 or more`},
		{[]string{"fake"}, "fake takes one subcommand, serve"},
		{[]string{"fake", "start"}, "fake takes one subcommand, serve"},
		{[]string{"--fake", "fake", "serve"}, "--fake and --base-url do not apply"},
	} {
		if code, _, stderr := runCLI(t, tt.args...); code != exitUsage || !strings.Contains(stderr, tt.want) {
			t.Errorf("writerfiles %v: exit %d, stderr %q; want 2 and %q", tt.args, code, stderr, tt.want)
		}
	}
}

// TestFakeServeAddressInUse: an address another program listens on is a failure (exit 1),
// not a mistake in the flag.
func TestFakeServeAddressInUse(t *testing.T) {
	l, err := new(net.ListenConfig).Listen(t.Context(), "tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	defer l.Close()
	code, _, stderr := runCLI(t, "fake", "serve", "--addr", l.Addr().String())
	if code != exitFailure || !strings.Contains(stderr, l.Addr().String()) {
		t.Errorf("fake serve --addr %s in use: exit %d, stderr %q; want 1 naming the address", l.Addr(), code, stderr)
	}
}

// TestFakeServeKeepsNoRequestLog: the fake of fake serve, which runs until stopped, does not
// keep the requests it answers.
func TestFakeServeKeepsNoRequestLog(t *testing.T) {
	l, err := new(net.ListenConfig).Listen(t.Context(), "tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	srv := startFake(defaultSeed, serveOptions(l)...)
	defer srv.Close()
	client := srv.Client(writer.WithAPIKey("test"))
	for range 3 {
		if _, err := client.Files.ListPage(t.Context(), nil, writer.Cursor{}); err != nil {
			t.Fatal(err)
		}
	}
	if n := len(srv.Requests()); n != 0 {
		t.Errorf("the fake kept %d requests, want none", n)
	}
}

// TestSampleFilesFollowTheSeed: the same seed gives the same ids, another seed others; each
// seed has failed and completed files.
func TestSampleFilesFollowTheSeed(t *testing.T) {
	a, again, other := sampleFiles(3), sampleFiles(3), sampleFiles(4)
	statuses := map[string]int{}
	for i := range a {
		if a[i].ID != again[i].ID || a[i].CreatedAt != again[i].CreatedAt {
			t.Errorf("file %d: %s at %s, then %s at %s; want the same for one seed", i, a[i].ID, a[i].CreatedAt, again[i].ID, again[i].CreatedAt)
		}
		if a[i].ID == other[i].ID {
			t.Errorf("file %d: id %s for seeds 3 and 4; want different ids", i, a[i].ID)
		}
		statuses[string(a[i].Status)]++
	}
	if statuses["failed"] != 3 || statuses["completed"] != 1 {
		t.Errorf("statuses %v; want 3 failed and 1 completed among others", statuses)
	}
}

// TestFakeServeJSON: with --json, the first line is {"base_url": URL}; the fake stops with
// the command's context (Ctrl-C).
func TestFakeServeJSON(t *testing.T) {
	ctx, cancel := context.WithCancel(t.Context())
	cancel()
	var out, errOut bytes.Buffer
	code := run(ctx, []string{"--json", "fake", "serve"}, strings.NewReader(""), &out, &errOut)
	var got struct {
		BaseURL string `json:"base_url"`
	}
	if err := json.Unmarshal(out.Bytes(), &got); code != exitOK || err != nil || !strings.HasPrefix(got.BaseURL, "http://127.0.0.1:") {
		t.Errorf("--json fake serve: exit %d, stdout %q (%v), stderr %q; want 0 and {\"base_url\": URL}", code, out.String(), err, errOut.String())
	}
	if !strings.HasSuffix(errOut.String(), "Stopped.\n") {
		t.Errorf("stderr %q, want it to end with Stopped.", errOut.String())
	}
}
