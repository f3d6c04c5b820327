package main

import (
	"os"
	"path/filepath"
	"strings"
	"testing"
)

// TestMistakesNeedNoKey: without WRITER_API_KEY, a bad flag, argument or base URL is named
// (exit 2), not taken for a missing key; with --fake, the fake is not announced first.
func TestMistakesNeedNoKey(t *testing.T) {
	t.Setenv("WRITER_API_KEY", "")
	t.Setenv("WRITER_BASE_URL", "")
	up := filepath.Join(t.TempDir(), "up.txt")
	if err := os.WriteFile(up, []byte("hello"), 0o600); err != nil {
		t.Fatal(err)
	}
	tests := []struct {
		args []string
		want string
	}{
		{[]string{"list", "--status", "done"}, `--status "done"`},
		{[]string{"list", "--page-size", "500"}, `--page-size "500"`},
		{[]string{"list", "--graph", "nope"}, `--graph "nope"`},
		{[]string{"get", "../x"}, `get: file id "../x"`},
		{[]string{"download", "../x", "-o", filepath.Join(t.TempDir(), "x")}, `download: file id "../x"`},
		{[]string{"upload", up, "--graph", "nope"}, `--graph "nope"`},
		{[]string{"retry-failed", "--batch", "-1"}, `--batch "-1"`},
		{[]string{"retry-failed", "--concurrency", "-1"}, `--concurrency "-1"`},
		{[]string{"retry-failed", "--wait", "--interval", "-1s"}, `--interval "-1s"`},
	}
	for _, tt := range tests {
		for _, args := range [][]string{tt.args, append([]string{"--fake"}, tt.args...)} {
			code, stdout, stderr := runCLI(t, args...)
			if code != exitUsage || !strings.Contains(stderr, tt.want) || strings.Contains(stderr, "API key") ||
				strings.Contains(stderr, "fake Writer File API") || stdout != "" {
				t.Errorf("writerfiles %v: exit %d, stdout %q, stderr %q; want 2, only %q named", args, code, stdout, stderr, tt.want)
			}
		}
	}
	code, _, stderr := runCLI(t, "--base-url", "ftp://x", "list")
	if code != exitUsage || !strings.Contains(stderr, `--base-url "ftp://x"`) || strings.Contains(stderr, "API key") {
		t.Errorf("--base-url ftp://x list: exit %d, stderr %q; want 2 naming --base-url", code, stderr)
	}
}

// TestMissingKeyIsTheOnlyMessage: good input without a key reports the missing key alone,
// as a usage error, and retry-failed prints no summary of a run that never started.
func TestMissingKeyIsTheOnlyMessage(t *testing.T) {
	t.Setenv("WRITER_API_KEY", "")
	t.Setenv("WRITER_BASE_URL", "")
	const want = "writerfiles: no API key: set WRITER_API_KEY (never a flag), or use --fake to try the commands on a local fake\n"
	for _, args := range [][]string{{"list"}, {"get", sampleFailed}, {"retry", sampleFailed}, {"retry-failed"}, {"retry-failed", "--wait", "--json"}} {
		code, stdout, stderr := runCLI(t, args...)
		if code != exitUsage || stdout != "" || stderr != want {
			t.Errorf("writerfiles %v: exit %d, stdout %q, stderr %q; want 2 and only %q", args, code, stdout, stderr, want)
		}
	}
}
