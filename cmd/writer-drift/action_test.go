package main

import (
	"errors"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"
)

// runAction runs scripts/writer-drift-action.sh, the shell step of the writer-drift GitHub
// Action, on doc with -spec openapi.yaml, offline, and returns its exit status and output.
func runAction(t *testing.T, doc string, env ...string) (int, string) {
	t.Helper()
	script, err := filepath.Abs(filepath.Join(repoRoot, "scripts", "writer-drift-action.sh"))
	if err != nil {
		t.Fatal(err)
	}
	spec, err := filepath.Abs(ourSpec)
	if err != nil {
		t.Fatal(err)
	}
	cmd := exec.CommandContext(t.Context(), "bash", script)
	cmd.Dir = t.TempDir()
	cmd.Env = append(os.Environ(), append([]string{"GITHUB_ACTIONS=", "WRITER_DRIFT_DOCUMENT=" + doc, "WRITER_DRIFT_SPEC=" + spec}, env...)...)
	out, err := cmd.CombinedOutput()
	if exit, ok := errors.AsType[*exec.ExitError](err); ok {
		return exit.ExitCode(), string(out)
	} else if err != nil {
		t.Fatalf("run %s: %v", script, err)
	}
	return 0, string(out)
}

// TestActionGivesWriterDriftsVerdicts: the Action's script gives the verdict line and the exit
// status of writer-drift on every form of Writer's document, a breaking and a refused variant,
// and a missing file.
func TestActionGivesWriterDriftsVerdicts(t *testing.T) {
	t.Parallel()
	docs := []string{
		filepath.Join(testdata, baseDoc),
		filepath.Join(testdata, referenceYAML),
		filepath.Join(testdata, referenceJSON),
		writeVariant(t, variants[indexOf(t, "retry-response-loses-success")]),
		writeVariant(t, variants[indexOf(t, "openapi-4")]),
		filepath.Join(t.TempDir(), "nowhere.yaml"),
	}
	spec, err := filepath.Abs(ourSpec)
	if err != nil {
		t.Fatal(err)
	}
	for _, doc := range docs {
		abs, err := filepath.Abs(doc)
		if err != nil {
			t.Fatal(err)
		}
		t.Run(filepath.Base(doc), func(t *testing.T) {
			t.Parallel()
			wantStatus, wantOut := runDrift("-spec", spec, abs)
			status, out := runAction(t, abs)
			if status != wantStatus || lastLine(out) != lastLine(wantOut) {
				t.Errorf("action: exit status %d, verdict %q; writer-drift: %d, %q\naction output:\n%s",
					status, lastLine(out), wantStatus, lastLine(wantOut), out)
			}
		})
	}
}

// TestActionOnGitHub: on GitHub Actions the script sets the outputs, annotates the warning and
// the verdict, and the report it quotes cannot issue workflow commands.
func TestActionOnGitHub(t *testing.T) {
	t.Parallel()
	dir := t.TempDir()
	outputs, summary := filepath.Join(dir, "output"), filepath.Join(dir, "summary")
	doc, err := filepath.Abs(filepath.Join(testdata, referenceYAML))
	if err != nil {
		t.Fatal(err)
	}
	status, out := runAction(t, doc, "GITHUB_ACTIONS=true", "GITHUB_OUTPUT="+outputs, "GITHUB_STEP_SUMMARY="+summary)
	if status != exitOK {
		t.Fatalf("exit status %d, want 0; output:\n%s", status, out)
	}
	wantLastLine(t, out, verdictNothing)
	got, err := os.ReadFile(outputs)
	if err != nil {
		t.Fatal(err)
	}
	if want := "status=0\nverdict=" + lastLine(out) + "\n"; string(got) != want {
		t.Errorf("GITHUB_OUTPUT = %q, want %q", got, want)
	}
	if s, err := os.ReadFile(summary); err != nil || !strings.Contains(string(s), lastLine(out)) {
		t.Errorf("the job summary does not hold the verdict (err %v): %q", err, s)
	}
	for _, want := range []string{
		"::warning title=writer-drift::the example at #/paths/~1v1~1files/post/responses/200/content/application~1json/example",
		"::notice title=writer-drift::" + verdictNothing,
	} {
		if !strings.Contains(out, want) {
			t.Errorf("output has no %q:\n%s", want, out)
		}
	}
	before, report, found := strings.Cut(out, "::stop-commands::")
	if !found || !strings.Contains(before, "::warning") {
		t.Fatalf("the report is not quoted between stop-commands and its token:\n%s", out)
	}
	token, _, _ := strings.Cut(report, "\n")
	if !strings.Contains(report, "writer-drift: WARNING: ") || !strings.Contains(report, "\n::"+token+"::\n") {
		t.Errorf("the report does not end its quoting with ::%s:: after the warnings:\n%s", token, out)
	}
}
