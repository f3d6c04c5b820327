package main

import (
	"os"
	"path/filepath"
	"strings"
	"testing"
)

// fakeGo puts a `go` first on PATH that answers `go mod download -json` with out.
func fakeGo(t *testing.T, out string) {
	t.Helper()
	dir := t.TempDir()
	script := "#!/bin/sh\ncat <<'EOF'\n" + out + "\nEOF\n"
	if err := os.WriteFile(filepath.Join(dir, "go"), []byte(script), 0o755); err != nil {
		t.Fatal(err)
	}
	t.Setenv("PATH", dir+string(os.PathListSeparator)+os.Getenv("PATH"))
}

func TestRequiredModuleSpec(t *testing.T) {
	root, err := filepath.Abs(repoRoot)
	if err != nil {
		t.Fatal(err)
	}
	upstream := filepath.Join(testdata, baseDoc)
	t.Run("found", func(t *testing.T) {
		fakeGo(t, `{"Path": "github.com/writerfiles/writer-go", "Version": "v1.4.0", "Dir": "`+root+`"}`)
		status, out := runDrift(upstream)
		if status != exitOK {
			t.Fatalf("exit status %d, want 0; output:\n%s", status, out)
		}
		wantLastLine(t, out, verdictNothing+"no change to the operations or schemas of the File API since writer-go v1.4.0")
	})
	t.Run("no openapi.yaml", func(t *testing.T) {
		fakeGo(t, `{"Path": "github.com/writerfiles/writer-go", "Version": "v1.4.0", "Dir": "`+t.TempDir()+`"}`)
		status, out := runDrift(upstream)
		if status != exitFailed {
			t.Fatalf("exit status %d, want 3; output:\n%s", status, out)
		}
		wantLastLine(t, out, "writer-drift: FAILED: github.com/writerfiles/writer-go v1.4.0 has no openapi.yaml")
	})
	t.Run("replaced", func(t *testing.T) {
		fakeGo(t, `{"Path": "github.com/writerfiles/writer-go", "Version": "v1.4.0", "Replace": {"Path": "../writer-go", "Dir": "`+root+`"}}`)
		status, out := runDrift(upstream)
		if status != exitOK {
			t.Fatalf("exit status %d, want 0; output:\n%s", status, out)
		}
		wantLastLine(t, out, verdictNothing+"no change to the operations or schemas of the File API since writer-go v1.4.0 (replaced by "+root+")")
	})
	t.Run("no folder", func(t *testing.T) {
		fakeGo(t, `{"Path": "github.com/writerfiles/writer-go", "Version": "v1.4.0"}`)
		status, out := runDrift(upstream)
		if status != exitUsage || !strings.HasSuffix(lastLine(out), ": go mod download -json names no folder for it; no verdict.") {
			t.Fatalf("exit status %d, want 2 with the cause; output:\n%s", status, out)
		}
	})
	t.Run("not required", func(t *testing.T) {
		fakeGo(t, `{"Path": "github.com/writerfiles/writer-go", "Error": "module github.com/writerfiles/writer-go: not a known dependency"}`)
		status, out := runDrift(upstream)
		if status != exitUsage || !strings.Contains(lastLine(out), "not a known dependency") {
			t.Fatalf("exit status %d, want 2 naming the go command's error; output:\n%s", status, out)
		}
	})
}
