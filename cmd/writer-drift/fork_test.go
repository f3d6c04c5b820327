package main

import (
	"errors"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"
)

// makeDrift runs scripts/drift.sh (`make drift`) on upstream from a scratch folder, as a
// fork's CI does, and returns its exit status and output.
func makeDrift(t *testing.T, upstream string) (int, string) {
	t.Helper()
	script, err := filepath.Abs(filepath.Join(repoRoot, "scripts", "drift.sh"))
	if err != nil {
		t.Fatal(err)
	}
	cmd := exec.CommandContext(t.Context(), "bash", script, upstream)
	cmd.Dir = t.TempDir() // the script must not depend on the caller's folder
	out, err := cmd.CombinedOutput()
	if exit, ok := errors.AsType[*exec.ExitError](err); ok {
		return exit.ExitCode(), string(out)
	} else if err != nil {
		t.Fatalf("run %s: %v", script, err)
	}
	return 0, string(out)
}

// TestMakeDriftVariants: `make drift` gives each variant its verdict, and leaves the tree as
// it was (the generation is tried in a copy).
func TestMakeDriftVariants(t *testing.T) {
	before := treeState(t)
	for _, v := range variants {
		t.Run(v.name, func(t *testing.T) {
			status, out := makeDrift(t, writeVariant(t, v))
			wantLastLine(t, out, v.fork)
			want := map[string]int{
				"drift: BREAKING: ": 1, "drift: WOULD NOT COMPILE: ": 1,
			}[v.fork]
			if status != want {
				t.Errorf("exit status %d, want %d; output:\n%s", status, want, out)
			}
		})
	}
	if after := treeState(t); after != before {
		t.Errorf("make drift changed the tree:\nbefore:\n%s\nafter:\n%s", before, after)
	}
}

func TestMakeDriftNamesTheClash(t *testing.T) {
	status, out := makeDrift(t, writeVariant(t, variants[indexOf(t, "operation-name-clashes")]))
	if status != 1 || !strings.Contains(lastLine(out), "RetryFilesResponse redeclared") {
		t.Errorf("exit status %d, last line %q: want 1, naming RetryFilesResponse redeclared", status, lastLine(out))
	}
}

func TestMakeDriftBadInput(t *testing.T) {
	dir := t.TempDir()
	for _, tt := range []struct{ name, upstream, line string }{
		{"missing file", filepath.Join(dir, "nowhere.yaml"), "drift: BAD INPUT: cannot read " + filepath.Join(dir, "nowhere.yaml")},
		{"no argument", "", "usage: make drift UPSTREAM="},
	} {
		t.Run(tt.name, func(t *testing.T) {
			status, out := makeDrift(t, tt.upstream)
			if status != exitUsage {
				t.Errorf("exit status %d, want 2; output:\n%s", status, out)
			}
			wantLastLine(t, out, tt.line)
		})
	}
}

// treeState is `git status --porcelain` and the diff of the repository.
func treeState(t *testing.T) string {
	t.Helper()
	out, err := exec.CommandContext(t.Context(), "git", "-C", repoRoot, "status", "--porcelain").CombinedOutput()
	if err != nil {
		t.Fatalf("git status: %v: %s", err, out)
	}
	diff, err := exec.CommandContext(t.Context(), "git", "-C", repoRoot, "diff").CombinedOutput()
	if err != nil {
		t.Fatalf("git diff: %v: %s", err, diff)
	}
	return string(out) + string(diff)
}
