package writer_test

import (
	"bufio"
	"context"
	"errors"
	"fmt"
	"io"
	"os"
	"os/exec"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/writerfiles/writer-go/writertest"
)

// fakeProcessEnv, set to a number n, makes the test binary serve a fake with n failed files
// instead of running tests (see startFakeProcess).
const fakeProcessEnv = "WRITER_TEST_FAKE_FAILED_FILES"

// startFakeProcess runs a writertest.Server in a child process (this test binary, again)
// seeded with n failed files, and returns its URL; its API key is
// writertest.DefaultAPIKey. Out of process, the fake's memory (its files, its request log)
// is not in this process's heap, which then holds only the client. The child stops when
// the test ends (its stdin is closed), or is killed 10 s later.
func startFakeProcess(t *testing.T, n int) string {
	t.Helper()
	cmd := exec.CommandContext(t.Context(), os.Args[0], "-test.run=^$")
	cmd.Env = append(os.Environ(), fakeProcessEnv+"="+strconv.Itoa(n))
	cmd.Stderr = os.Stderr
	stdin, err := cmd.StdinPipe()
	if err != nil {
		t.Fatal(err)
	}
	cmd.Cancel = stdin.Close // the child's cue to stop
	cmd.WaitDelay = 10 * time.Second
	stdout, err := cmd.StdoutPipe()
	if err != nil {
		t.Fatal(err)
	}
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() {
		// Stopped by Cancel, a child that exits with status 0 makes Wait return ctx's error.
		if err := cmd.Wait(); err != nil && !errors.Is(err, context.Canceled) {
			t.Errorf("fake process: %v", err)
		}
	})
	line, err := bufio.NewReader(stdout).ReadString('\n')
	if err != nil {
		t.Fatalf("fake process did not give its URL: %v", err)
	}
	return strings.TrimSpace(line)
}

// serveFakeProcess is the child's side of startFakeProcess: when fakeProcessEnv is set, it
// seeds and serves a fake, writes its URL on stdout, serves until stdin is closed, and
// returns true.
func serveFakeProcess() bool {
	v := os.Getenv(fakeProcessEnv)
	if v == "" {
		return false
	}
	n, err := strconv.Atoi(v)
	if err != nil {
		fmt.Fprintf(os.Stderr, "%s=%q: %v\n", fakeProcessEnv, v, err)
		os.Exit(2)
	}
	srv := writertest.Start()
	seedWorkflow(srv, n, 0)
	fmt.Println(srv.URL)
	_, _ = io.Copy(io.Discard, os.Stdin)
	srv.Close()
	return true
}
