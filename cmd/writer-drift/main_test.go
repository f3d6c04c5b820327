// The tests of writer-drift run the command in-process on Writer's two published copies in
// testdata/ and on hand-made variants of the newer one, and check its exit status, its last
// line and what its report names. No test uses the network: a URL is served from 127.0.0.1.
package main

import (
	"bytes"
	"net/http"
	"net/http/httptest"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"gopkg.in/yaml.v3"
)

var (
	repoRoot = filepath.Join("..", "..")
	testdata = filepath.Join(repoRoot, "testdata")
	ourSpec  = filepath.Join(repoRoot, "openapi.yaml")
)

// runDrift runs writer-drift with args and returns its exit status and its output, stdout then
// stderr.
func runDrift(args ...string) (int, string) {
	var stdout, stderr bytes.Buffer
	status := run(args, &stdout, &stderr)
	return status, stdout.String() + stderr.String()
}

func TestPublishedCopies(t *testing.T) {
	t.Parallel()
	// Writer's two copies differ only outside /v1/files (2026-04-14 drops /v1/tools/*), and
	// openapi.yaml was extracted from them: nothing to report.
	for _, name := range []string{"upstream-openapi-2026-03-20.yaml", "upstream-openapi-2026-04-14.yaml"} {
		t.Run(name, func(t *testing.T) {
			t.Parallel()
			status, out := runDrift("-spec", ourSpec, filepath.Join(testdata, name))
			if status != exitOK {
				t.Fatalf("exit status %d, want 0; output:\n%s", status, out)
			}
			wantLastLine(t, out, verdictNothing)
		})
	}
}

func TestVariants(t *testing.T) {
	t.Parallel()
	for _, v := range variants {
		t.Run(v.name, func(t *testing.T) {
			t.Parallel()
			status, out := runDrift("-spec", ourSpec, writeVariant(t, v))
			if status != v.status {
				t.Fatalf("exit status %d, want %d; output:\n%s", status, v.status, out)
			}
			for _, want := range v.report {
				if !strings.Contains(out, want) {
					t.Errorf("output does not name %q:\n%s", want, out)
				}
			}
			wantLastLine(t, out, v.verdict)
		})
	}
}

// TestAddedNamesTheFiles: for a fork, the verdict names the files that wrap what was added.
func TestAddedNamesTheFiles(t *testing.T) {
	t.Parallel()
	v := variants[indexOf(t, "source-url-and-archive")]
	_, out := runDrift("-spec", ourSpec, writeVariant(t, v))
	for _, want := range []string{
		"operation gatewayArchiveFile (POST /v1/files/{file_id}/archive): a FilesService method in writer/",
		"property file_response.source_url: writer/files.go (File, fileFrom), writertest/server.go (File), writertest/handlers.go (fileResponse) and cmd/writerfiles/files.go (fileResponse)",
	} {
		if !strings.Contains(lastLine(out), want) {
			t.Errorf("verdict does not name %q:\n%s", want, lastLine(out))
		}
	}
}

// TestGraphAdditionsNameTheFiles: what Writer adds to the graph operations is named with the
// files that wrap it, as for /v1/files.
func TestGraphAdditionsNameTheFiles(t *testing.T) {
	t.Parallel()
	doc := writeVariant(t, variant{name: "graph-additions", edit: func(t *testing.T, doc *yaml.Node) {
		t.Helper()
		addProperty(t, doc, "graph", "owner", "type: string")
		params := at(t, doc, "paths", "/v1/graphs", "get", "parameters")
		params.Content = append(params.Content, node(t, "{name: owner, in: query, schema: {type: string}}"))
	}})
	status, out := runDrift("-spec", ourSpec, doc)
	if status != exitOK {
		t.Fatalf("exit status %d, want 0; output:\n%s", status, out)
	}
	for _, want := range []string{
		"query parameter owner of findGraphsWithFileStatus: the options of the writer method that wraps findGraphsWithFileStatus",
		"property graph.owner: writer/graphs.go (Graph, graphFrom) and writertest/graphs.go (Graph, graphResponse)",
	} {
		if !strings.Contains(lastLine(out), want) {
			t.Errorf("verdict does not name %q:\n%s", want, lastLine(out))
		}
	}
}

func TestURL(t *testing.T) {
	t.Parallel()
	src, err := os.ReadFile(filepath.Join(testdata, baseDoc))
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
		status, out := runDrift("-spec", ourSpec, srv.URL+"/openapi.yaml")
		if status != exitOK {
			t.Fatalf("exit status %d, want 0; output:\n%s", status, out)
		}
		wantLastLine(t, out, verdictNothing)
	})
	t.Run("not found", func(t *testing.T) {
		t.Parallel()
		status, out := runDrift("-spec", ourSpec, srv.URL+"/missing.yaml")
		if status != exitUsage {
			t.Fatalf("exit status %d, want 2; output:\n%s", status, out)
		}
		wantLastLine(t, out, "writer-drift: BAD INPUT: cannot fetch "+srv.URL+"/missing.yaml: status 404")
	})
}

func TestBadInput(t *testing.T) {
	t.Parallel()
	dir := t.TempDir()
	notOpenAPI := filepath.Join(dir, "not-openapi.yaml")
	if err := os.WriteFile(notOpenAPI, []byte("paths: [this is not an OpenAPI document\n"), 0o644); err != nil {
		t.Fatal(err)
	}
	missing := filepath.Join(dir, "nowhere.yaml")
	tests := []struct {
		name string
		args []string
		line string
	}{
		{"missing file", []string{"-spec", ourSpec, missing}, "writer-drift: BAD INPUT: cannot read " + missing},
		{"no argument", []string{"-spec", ourSpec}, "usage: writer-drift"},
		{"two arguments", []string{"-spec", ourSpec, missing, missing}, "usage: writer-drift"},
		{"not OpenAPI", []string{"-spec", ourSpec, notOpenAPI}, "writer-drift: BAD INPUT: " + notOpenAPI + " is not an OpenAPI document"},
		{"missing spec", []string{"-spec", missing, notOpenAPI}, "writer-drift: BAD INPUT: -spec: cannot read " + missing},
		{"not in a module", []string{filepath.Join(testdata, baseDoc)}, "writer-drift: BAD INPUT: cannot find the github.com/writerfiles/writer-go version this module requires"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			status, out := runDrift(tt.args...)
			if status != exitUsage {
				t.Fatalf("exit status %d, want 2; output:\n%s", status, out)
			}
			wantLastLine(t, out, tt.line)
		})
	}
}

// TestHelp: -h and --help print the usage once, on standard output, and exit 0.
func TestHelp(t *testing.T) {
	t.Parallel()
	for _, arg := range []string{"-h", "--help"} {
		var stdout, stderr bytes.Buffer
		status := run([]string{arg}, &stdout, &stderr)
		if status != exitOK || stderr.Len() != 0 || strings.Count(stdout.String(), "usage: writer-drift [-timeout 30s] -sync") != 1 {
			t.Errorf("writer-drift %s: exit status %d, stdout:\n%s\nstderr:\n%s", arg, status, stdout.String(), stderr.String())
		}
	}
}

// wantLastLine fails the test unless the last line of out starts with prefix.
func wantLastLine(t *testing.T, out, prefix string) {
	t.Helper()
	if !strings.HasPrefix(lastLine(out), prefix) {
		t.Errorf("last line does not start with %q; output:\n%s", prefix, out)
	}
}

func lastLine(out string) string {
	lines := strings.Split(strings.TrimRight(out, "\n"), "\n")
	return lines[len(lines)-1]
}

func indexOf(t *testing.T, name string) int {
	t.Helper()
	for i, v := range variants {
		if v.name == name {
			return i
		}
	}
	t.Fatalf("no variant %q", name)
	return -1
}

// Writer's document of 2026-04-14 in the form of its reference site, as YAML and as JSON.
const (
	referenceYAML = "upstream-openapi-2026-04-14-reference-site.yaml"
	referenceJSON = "upstream-openapi-2026-04-14-reference-site.json"
)
