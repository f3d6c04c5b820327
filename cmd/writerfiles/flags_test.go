package main

import (
	"strings"
	"testing"
)

// TestFlagValueErrorsSpeakToTheShell: a value the flag cannot parse is named with its flag
// and what the flag expects, not in the words of Go's strconv.
func TestFlagValueErrorsSpeakToTheShell(t *testing.T) {
	t.Setenv("WRITER_API_KEY", "")
	tests := []struct {
		args []string
		want string
	}{
		{[]string{"list", "--json=maybe"}, `--json: "maybe" is not true or false`},
		{[]string{"--json=maybe", "list"}, `--json: "maybe" is not true or false`},
		{[]string{"retry-failed", "--wait=x"}, `--wait: "x" is not true or false`},
		{[]string{"retry-failed", "--interval", "5x"}, `--interval: "5x" is not a duration such as 2s or 500ms`},
		{[]string{"retry-failed", "--concurrency", "x"}, `--concurrency: "x" is not a whole number`},
		{[]string{"list", "--page-size", "1e3"}, `--page-size: "1e3" is not a whole number`},
		{[]string{"retry-failed", "--batch", "99999999999999999999"}, `--batch: "99999999999999999999" is out of range`},
	}
	for _, tt := range tests {
		code, _, stderr := runCLI(t, tt.args...)
		if code != exitUsage || !strings.Contains(stderr, tt.want) ||
			strings.Contains(stderr, "strconv") || strings.Contains(stderr, "parse error") || strings.Contains(stderr, "for flag") {
			t.Errorf("writerfiles %v: exit %d, stderr %q; want 2 and %q", tt.args, code, stderr, tt.want)
		}
	}
}

// TestHelpNamesEachFlagsValue: every command's help names a flag's value as list does
// (--graph ID, --types pdf,docx), never by its Go type, and lists -o as a flag.
func TestHelpNamesEachFlagsValue(t *testing.T) {
	_, rf, _ := runCLI(t, "retry-failed", "--help")
	for _, want := range []string{"--graph ID", "--types pdf,docx", "--batch N", "--rpm N", "--concurrency N", "--interval D", "0 = unpaced (default 400)"} {
		if !strings.Contains(rf, want) {
			t.Errorf("retry-failed --help lacks %q:\n%s", want, rf)
		}
	}
	for _, c := range commands {
		_, help, _ := runCLI(t, c.name, "--help")
		for _, goType := range []string{" string\n", " int\n", " duration\n", "library", "RequestsPerMinute"} {
			if strings.Contains(help, goType) {
				t.Errorf("%s --help says %q:\n%s", c.name, strings.TrimSpace(goType), help)
			}
		}
	}
	if _, list, _ := runCLI(t, "list", "--help"); !strings.Contains(list, "\n  --order asc|desc\n") {
		t.Errorf("list --help does not name --order's values asc|desc:\n%s", list)
	}
	_, dl, _ := runCLI(t, "download", "--help")
	if !strings.Contains(dl, "\n  -o, --output PATH\n") {
		t.Errorf("download --help does not list -o as a flag:\n%s", dl)
	}
}

// TestBatchIsRefusedAlike: --batch 0 and a negative --batch get the same message, before
// anything is started.
func TestBatchIsRefusedAlike(t *testing.T) {
	t.Setenv("WRITER_API_KEY", "")
	for _, n := range []string{"0", "-1"} {
		code, _, stderr := runCLI(t, "--fake", "retry-failed", "--batch", n)
		want := "writerfiles: retry-failed: --batch \"" + n + "\" is not a number of file ids per request (1 or more)\n"
		if code != exitUsage || stderr != want {
			t.Errorf("--batch %s: exit %d, stderr %q; want 2 and %q", n, code, stderr, want)
		}
	}
}
