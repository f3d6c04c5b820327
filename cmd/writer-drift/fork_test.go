package main

import (
	"encoding/json"
	"errors"
	"net/http"
	"net/http/httptest"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"slices"
	"strings"
	"testing"
)

// makeDrift runs scripts/drift.sh (`make drift`) on upstream from a scratch folder, as a
// fork's CI does, and returns its exit status and output.
func makeDrift(t *testing.T, upstream string, env ...string) (int, string) {
	t.Helper()
	script, err := filepath.Abs(filepath.Join(repoRoot, "scripts", "drift.sh"))
	if err != nil {
		t.Fatal(err)
	}
	cmd := exec.CommandContext(t.Context(), "bash", script, upstream)
	cmd.Dir = t.TempDir() // the script must not depend on the caller's folder
	cmd.Env = append(os.Environ(), env...)
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
	t.Run("variants", func(t *testing.T) {
		for _, v := range variants {
			t.Run(v.name, func(t *testing.T) {
				t.Parallel()
				checkMakeDrift(t, v)
			})
		}
	})
	if after := treeState(t); after != before {
		t.Errorf("make drift changed the tree:\nbefore:\n%s\nafter:\n%s", before, after)
	}
}

// checkMakeDrift runs make drift on v and checks its verdict and exit status.
func checkMakeDrift(t *testing.T, v variant) {
	t.Helper()
	status, out := makeDrift(t, writeVariant(t, v))
	wantLastLine(t, out, v.fork)
	want := map[string]int{
		"drift: BREAKING: ": 1, "drift: WOULD NOT COMPILE: ": 1, "drift: TESTS FAIL: ": 1, "drift: BAD INPUT: ": 2, "drift: FAILED: ": 3,
	}[v.fork]
	if status != want {
		t.Errorf("exit status %d, want %d; output:\n%s", status, want, out)
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

func TestMakeDriftURL(t *testing.T) {
	src, err := os.ReadFile(filepath.Join(testdata, baseDoc))
	if err != nil {
		t.Fatal(err)
	}
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if r.URL.Path != "/openapi.yaml" {
			http.NotFound(w, r)
			return
		}
		_, _ = w.Write(src)
	}))
	t.Cleanup(srv.Close)
	status, out := makeDrift(t, srv.URL+"/openapi.yaml")
	if status != exitOK {
		t.Errorf("exit status %d, want 0; output:\n%s", status, out)
	}
	wantLastLine(t, out, "drift: NOTHING CHANGED: ")
	status, out = makeDrift(t, srv.URL+"/missing.yaml")
	if status != exitUsage {
		t.Errorf("exit status %d, want 2; output:\n%s", status, out)
	}
	wantLastLine(t, out, "drift: BAD INPUT: cannot fetch the document (above); no verdict.")
	if want := "writer-drift: BAD INPUT: cannot fetch " + srv.URL + "/missing.yaml: status 404"; !strings.Contains(out, want) {
		t.Errorf("output does not say %q:\n%s", want, out)
	}
}

// TestMakeDriftFailed: when writer-drift cannot be built, there is no verdict (exit 3).
func TestMakeDriftFailed(t *testing.T) {
	doc, err := filepath.Abs(filepath.Join(testdata, baseDoc))
	if err != nil {
		t.Fatal(err)
	}
	status, out := makeDrift(t, doc, "GO=false")
	if status != exitFailed {
		t.Errorf("exit status %d, want 3; output:\n%s", status, out)
	}
	wantLastLine(t, out, "drift: FAILED: cannot build cmd/writer-drift; no verdict.")
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

// TestSpecSyncNamesEveryPlace takes the source-url-and-archive variant into a copy of the
// repository with `make spec-sync`, runs every test there, and checks that each failure
// names a file to change, and that the property and coverage checks name what was added.
func TestSpecSyncNamesEveryPlace(t *testing.T) {
	t.Parallel()
	copyDir := copyRepo(t)
	doc := writeVariant(t, variants[indexOf(t, "source-url-and-archive")])
	if out, err := exec.CommandContext(t.Context(), "make", "-C", copyDir, "spec-sync", "UPSTREAM="+doc).CombinedOutput(); err != nil {
		t.Fatalf("make spec-sync: %v\n%s", err, out)
	}
	failures := map[string][]string{}
	place := regexp.MustCompile(`\b(writer|writertest|writer_test)/[\w/]*\.go\b`)
	for _, dir := range []string{copyDir, filepath.Join(copyDir, "writer_test")} {
		cmd := exec.CommandContext(t.Context(), "go", "test", "-json", "-count=1", "./...")
		cmd.Dir = dir
		out, _ := cmd.Output()
		for f, msgs := range failedTests(t, out) {
			failures[f.test] = msgs
			if slices.ContainsFunc(msgs, func(m string) bool { return !place.MatchString(m) }) && !failsAgain(t, dir, f) {
				// Not the new document's doing: a timing-sensitive test on a busy machine.
				t.Logf("after make spec-sync, %s failed once and passed alone: %q", f.test, msgs)
				continue
			}
			for _, m := range msgs {
				if !place.MatchString(m) {
					t.Errorf("after make spec-sync, %s fails without naming a file to change: %s", f.test, m)
				}
			}
		}
	}
	for name, want := range map[string]string{
		"TestWriterConvertsEveryProperty":     "file_response.source_url: package writer neither converts nor leaves out this property: convert it in writer/files.go",
		"TestWritertestConvertsEveryProperty": "file_response.source_url: writertest neither converts nor leaves out this property",
		"TestEveryOperationHasAWriterMethod":  "operation gatewayArchiveFile (POST /v1/files/{file_id}/archive) has no writer method",
	} {
		if !slices.ContainsFunc(failures[name], func(m string) bool { return strings.Contains(m, want) }) {
			t.Errorf("after make spec-sync, %s does not fail naming %q; failures: %q", name, want, failures[name])
		}
	}
}

// copyRepo copies the repository's files (repoFiles) into a temporary folder and returns it.
func copyRepo(t *testing.T) string {
	t.Helper()
	dir := t.TempDir()
	for _, name := range repoFiles(t, repoRoot) {
		src, err := os.ReadFile(filepath.Join(repoRoot, name))
		if err != nil {
			t.Fatal(err)
		}
		info, err := os.Stat(filepath.Join(repoRoot, name))
		if err != nil {
			t.Fatal(err)
		}
		dst := filepath.Join(dir, filepath.FromSlash(name))
		if err := os.MkdirAll(filepath.Dir(dst), 0o755); err != nil {
			t.Fatal(err)
		}
		if err := os.WriteFile(dst, src, info.Mode().Perm()); err != nil {
			t.Fatal(err)
		}
	}
	return dir
}

// TestGenerationThatDoesNotBuild: make spec-sync refuses a document whose client does not
// build and puts openapi.yaml and api/ back; make generate says api/ does not build.
func TestGenerationThatDoesNotBuild(t *testing.T) {
	t.Parallel()
	dir := copyRepo(t)
	read := func(name string) string {
		b, err := os.ReadFile(filepath.Join(dir, name))
		if err != nil {
			t.Fatal(err)
		}
		return string(b)
	}
	spec, gen := read("openapi.yaml"), read("api/api.gen.go")
	doc := writeVariant(t, variants[indexOf(t, "operation-name-clashes")])
	out, err := exec.CommandContext(t.Context(), "make", "-C", dir, "spec-sync", "UPSTREAM="+doc).CombinedOutput()
	if err == nil || !strings.Contains(string(out), "RetryFilesResponse redeclared") ||
		!strings.Contains(string(out), "spec-sync: FAILED: the client generated from "+doc+" does not build (above); openapi.yaml and api/ are unchanged.") {
		t.Errorf("make spec-sync of a clash: err = %v, output:\n%s", err, out)
	}
	if read("openapi.yaml") != spec || read("api/api.gen.go") != gen {
		t.Error("make spec-sync of a clash changed openapi.yaml or api/")
	}

	// An Overlay action that renames the retry operation to retryFiles makes the same clash.
	overlay := read("oapi-overlay.yaml") + "  - target: $.paths['/v1/files/retry'].post\n    update:\n      operationId: retryFiles\n"
	writeFile(t, filepath.Join(dir, "oapi-overlay.yaml"), overlay)
	out, err = exec.CommandContext(t.Context(), "make", "-C", dir, "generate").CombinedOutput()
	if err == nil || !strings.Contains(string(out), "generate: FAILED: api/ does not build (above)") {
		t.Errorf("make generate of a clash: err = %v, output:\n%s", err, out)
	}
}

// A failure is a failed test of a package, or a package that does not build (test "").
type failure struct{ pkg, test string }

// failsAgain runs the failed test alone in dir and reports whether it fails again.
func failsAgain(t *testing.T, dir string, f failure) bool {
	t.Helper()
	if f.test == "" {
		return true
	}
	run := "^" + strings.ReplaceAll(regexp.QuoteMeta(f.test), "/", "$/^") + "$"
	cmd := exec.CommandContext(t.Context(), "go", "test", "-count=1", "-run", run, f.pkg)
	cmd.Dir = dir
	return cmd.Run() != nil
}

// failedTests reads `go test -json` output and returns, for each failed test, the first line
// of each of its error messages; a package that does not build counts as a failure that
// names nothing. A test whose only failures are its subtests' is left out.
func failedTests(t *testing.T, out []byte) map[failure][]string {
	t.Helper()
	type event struct{ Action, Package, Test, Output, FailedBuild string }
	msgs := map[failure][]string{}
	var failed []failure
	message := regexp.MustCompile(`^\s+\w+_test\.go:\d+: (.*)`)
	for line := range strings.Lines(string(out)) {
		var e event
		if json.Unmarshal([]byte(line), &e) != nil {
			continue
		}
		f := failure{e.Package, e.Test}
		switch {
		case e.Action == "output" && e.Test != "":
			if m := message.FindStringSubmatch(e.Output); m != nil {
				msgs[f] = append(msgs[f], m[1])
			}
		case e.Action == "fail" && e.Test != "":
			failed = append(failed, f)
		case e.Action == "fail" && e.FailedBuild != "":
			failed = append(failed, f)
			msgs[f] = append(msgs[f], "package "+e.FailedBuild+" does not build")
		}
	}
	result := map[failure][]string{}
	for _, f := range failed {
		switch {
		case len(msgs[f]) > 0:
			result[f] = msgs[f]
		case !slices.ContainsFunc(failed, func(k failure) bool { return k.pkg == f.pkg && strings.HasPrefix(k.test, f.test+"/") }):
			result[f] = []string{"fails without a message"}
		}
	}
	return result
}
