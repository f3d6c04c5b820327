// Package drift holds the tests of `make drift` (scripts/drift.sh): they run the script, as
// users do, on Writer's two published copies in testdata/ and on hand-made variants of the
// newer one, and check its exit status and what its report names. No test uses the network:
// a URL is served from 127.0.0.1.
package drift

import (
	"errors"
	"net/http"
	"net/http/httptest"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"
)

var (
	testdata = filepath.Join("..", "..", "testdata")
	script   = filepath.Join("..", "..", "scripts", "drift.sh")
)

// drift runs scripts/drift.sh upstream from a scratch directory and returns its exit status and
// its output (stdout and stderr).
func drift(t *testing.T, upstream string) (int, string) {
	t.Helper()
	abs, err := filepath.Abs(script)
	if err != nil {
		t.Fatal(err)
	}
	cmd := exec.CommandContext(t.Context(), "bash", abs, upstream)
	cmd.Dir = t.TempDir() // the script must not depend on the caller's directory
	out, err := cmd.CombinedOutput()
	var exit *exec.ExitError
	switch {
	case err == nil:
		return 0, string(out)
	case errors.As(err, &exit):
		return exit.ExitCode(), string(out)
	default:
		t.Fatalf("run %s: %v", script, err)
		return 0, ""
	}
}

func TestDriftPublishedCopies(t *testing.T) {
	t.Parallel()
	// Writer's two copies differ only outside /v1/files (2026-04-14 drops /v1/tools/*), and
	// openapi.yaml was extracted from them: nothing to report.
	for _, name := range []string{"upstream-openapi-2026-03-20.yaml", "upstream-openapi-2026-04-14.yaml"} {
		t.Run(name, func(t *testing.T) {
			t.Parallel()
			path, err := filepath.Abs(filepath.Join(testdata, name))
			if err != nil {
				t.Fatal(err)
			}
			status, out := drift(t, path)
			if status != 0 {
				t.Fatalf("exit status %d, want 0; output:\n%s", status, out)
			}
			wantLine(t, out, "drift: OK: no breaking change in /v1/files, and no change to its operations or schemas")
		})
	}
}

func TestDriftVariants(t *testing.T) {
	t.Parallel()
	for _, v := range variants {
		t.Run(v.name, func(t *testing.T) {
			t.Parallel()
			status, out := drift(t, writeVariant(t, v))
			if status != v.status {
				t.Fatalf("exit status %d, want %d; output:\n%s", status, v.status, out)
			}
			for _, want := range v.report {
				if !strings.Contains(out, want) {
					t.Errorf("output does not name %q:\n%s", want, out)
				}
			}
			verdict := map[int]string{
				0: "drift: OK: no breaking change in /v1/files",
				1: "drift: BREAKING: Writer changed /v1/files incompatibly",
			}[v.status]
			wantLine(t, out, verdict)
		})
	}
}

func TestDriftURL(t *testing.T) {
	t.Parallel()
	src, err := os.ReadFile(filepath.Join(testdata, base))
	if err != nil {
		t.Fatal(err)
	}
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if r.URL.Path != "/openapi.yaml" {
			http.NotFound(w, r)
			return
		}
		w.Header().Set("Content-Type", "application/yaml")
		_, _ = w.Write(src)
	}))
	t.Cleanup(srv.Close)

	t.Run("served", func(t *testing.T) {
		t.Parallel()
		status, out := drift(t, srv.URL+"/openapi.yaml")
		if status != 0 {
			t.Fatalf("exit status %d, want 0; output:\n%s", status, out)
		}
		wantLine(t, out, "drift: OK: no breaking change in /v1/files")
	})
	t.Run("not found", func(t *testing.T) {
		t.Parallel()
		status, out := drift(t, srv.URL+"/missing.yaml")
		if status != 2 {
			t.Fatalf("exit status %d, want 2; output:\n%s", status, out)
		}
		wantLine(t, out, "drift: cannot fetch "+srv.URL+"/missing.yaml")
	})
}

func TestDriftBadInput(t *testing.T) {
	t.Parallel()
	dir := t.TempDir()
	notOpenAPI := filepath.Join(dir, "not-openapi.yaml")
	if err := os.WriteFile(notOpenAPI, []byte("paths: [this is not an OpenAPI document\n"), 0o644); err != nil {
		t.Fatal(err)
	}
	tests := []struct {
		name     string
		upstream string
		status   int
		line     string
	}{
		{"missing file", filepath.Join(dir, "nowhere.yaml"), 2, "drift: cannot read " + filepath.Join(dir, "nowhere.yaml")},
		{"no argument", "", 2, "usage: make drift UPSTREAM="},
		{"not OpenAPI", notOpenAPI, 3, "drift: FAILED: oasdiff exited with status"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			status, out := drift(t, tt.upstream)
			if status != tt.status {
				t.Fatalf("exit status %d, want %d; output:\n%s", status, tt.status, out)
			}
			wantLine(t, out, tt.line)
		})
	}
}

// wantLine fails the test unless a line of out starts with prefix.
func wantLine(t *testing.T, out, prefix string) {
	t.Helper()
	for line := range strings.Lines(out) {
		if strings.HasPrefix(line, prefix) {
			return
		}
	}
	t.Errorf("no line starting with %q in output:\n%s", prefix, out)
}
