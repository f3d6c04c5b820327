package main

import (
	"encoding/json"
	"fmt"
	"net/http"
	"strconv"
	"strings"
	"testing"
	"unicode/utf8"

	"github.com/writerfiles/writer-go/writertest"
)

// forgedID is the id a hostile name tries to put at the start of a line of the listing.
const forgedID = "9c4e5f6a-7b8c-4d9e-8fa0-1b2c3d4e5f60"

// hostileNames are names an uploader may choose to take over the terminal of whoever lists
// the files, or to forge a row of the listing, by the ids of the files that carry them.
var hostileNames = map[string]string{
	"a1b2c3d4-0000-4000-8000-000000000001": "\x1b]0;owned\x07\x1b[2J.pdf",                                      // retitles, clears
	"a1b2c3d4-0000-4000-8000-000000000002": "a.pdf\n" + forgedID + "  failed       2026-01-01 00:00:00  b.pdf", // a row of its own
	"a1b2c3d4-0000-4000-8000-000000000003": "report\rEVIL.pdf",                                                 // overwrites its line
	"a1b2c3d4-0000-4000-8000-000000000004": "\u009b31mred.pdf",                                                 // C1 CSI
	"a1b2c3d4-0000-4000-8000-000000000005": "cod\u202Efdp.exe",                                                 // right-to-left override
	"a1b2c3d4-0000-4000-8000-000000000006": "\u2066isolated\u2069.txt",                                         // isolate
	"a1b2c3d4-0000-4000-8000-000000000007": "line\u2028separator.txt",                                          // U+2028
}

// graphicLines fails the test when out has a character that is not graphic other than the
// newline that ends each line, and returns its lines.
func graphicLines(t *testing.T, what, out string) []string {
	t.Helper()
	if !utf8.ValidString(out) {
		t.Errorf("%s: output is not valid UTF-8: %q", what, out)
	}
	lines := strings.Split(strings.TrimSuffix(out, "\n"), "\n")
	for _, l := range lines {
		if i := strings.IndexFunc(l, func(r rune) bool { return !strconv.IsGraphic(r) }); i >= 0 {
			t.Errorf("%s: line %q holds %U", what, l, []rune(l[i:])[0])
		}
	}
	return lines
}

// TestServerTextIsShownEscaped: names that hold escape sequences, line breaks, C1 controls,
// bidirectional overrides and line separators are shown escaped by list, get and retry, one
// line per file; --json keeps them exact.
func TestServerTextIsShownEscaped(t *testing.T) {
	srv := newServer(t)
	for id, name := range hostileNames {
		srv.AddFiles(writertest.File{ID: id, Name: name, Status: writertest.StatusFailed})
	}
	code, out, stderr := runCLI(t, "list")
	if code != exitOK {
		t.Fatalf("list: exit %d, stderr %q", code, stderr)
	}
	lines := graphicLines(t, "list", out)
	if want := 1 + 3 + len(hostileNames) + 1; len(lines) != want { // header, files, count
		t.Errorf("list printed %d lines, want %d:\n%s", len(lines), want, out)
	}
	for _, l := range lines {
		if strings.HasPrefix(l, forgedID) {
			t.Errorf("list has a forged row %q", l)
		}
	}
	for id, name := range hostileNames {
		if !strings.Contains(out, id+"  failed       2026") && !strings.Contains(out, shown(name)) {
			t.Errorf("list lacks %s shown as %s:\n%s", id, shown(name), out)
		}
		code, out, _ := runCLI(t, "get", id)
		if lines := graphicLines(t, "get "+id, out); code != exitOK || len(lines) != 5 || lines[1] != "Name:     "+shown(name) {
			t.Errorf("get %s: exit %d, %q; want 5 lines, the name shown as %s", id, code, out, shown(name))
		}
	}

	code, out, _ = runCLI(t, "--json", "list")
	if code != exitOK {
		t.Fatalf("--json list: exit %d", code)
	}
	names := map[string]string{}
	for _, l := range strings.Split(strings.TrimSpace(out), "\n") {
		var f struct{ ID, Name string }
		if err := json.Unmarshal([]byte(l), &f); err != nil {
			t.Fatalf("--json list: line %q: %v", l, err)
		}
		names[f.ID] = f.Name
	}
	for id, name := range hostileNames {
		if names[id] != name {
			t.Errorf("--json list: %s named %q, want %q exactly", id, names[id], name)
		}
	}
}

// hostileFile is a file_response whose status, undeclared properties and their values hold
// what a terminal would act on, escaped in JSON or not (owner's U+202E).
const hostileFile = `{"id":"` + forgedID + `","name":"x.pdf","created_at":"2026-01-01T00:00:00Z","graph_ids":[],` +
	`"status":"\u001b[32mcompleted","note\u202e":"\u0007bell\u2028","owner":{"name":"` + "\u202e" + `evil"},"pages":12}`

// TestServerStatusAndExtraAreShownEscaped: get shows the status and the properties the spec
// does not declare escaped, each on a line of its own; get --json prints them as the
// server sent them.
func TestServerStatusAndExtraAreShownEscaped(t *testing.T) {
	srv := newServer(t)
	answer := writertest.Fault{Status: http.StatusOK, Header: http.Header{"Content-Type": {"application/json"}}, Body: hostileFile}
	srv.FailNext(1, answer)
	code, out, stderr := runCLI(t, "get", forgedID)
	if code != exitOK {
		t.Fatalf("get: exit %d, stderr %q", code, stderr)
	}
	lines := graphicLines(t, "get", out)
	want := []string{
		"Status:   " + shown("\x1b[32mcompleted"),
		`Extra:    "note\u202e": "\abell\u2028"`,
		`          owner: "{\"name\":\"\u202eevil\"}"`,
		`          pages: 12`,
	}
	if len(lines) != 8 || lines[2] != want[0] || strings.Join(lines[5:], "\n") != strings.Join(want[1:], "\n") {
		t.Errorf("get printed\n%s\nwant the status line %q and the Extra lines\n%s", out, want[0], strings.Join(want[1:], "\n"))
	}

	srv.FailNext(1, answer)
	code, out, _ = runCLI(t, "--json", "get", forgedID)
	var got map[string]any
	if err := json.Unmarshal([]byte(out), &got); code != exitOK || err != nil || strings.Count(out, "\n") != 1 {
		t.Fatalf("get --json: exit %d, %q (%v); want one JSON line", code, out, err)
	}
	var sent map[string]any
	if err := json.Unmarshal([]byte(hostileFile), &sent); err != nil {
		t.Fatal(err)
	}
	for _, k := range []string{"status", "note\u202e", "owner", "pages"} {
		if g, w := jsonText(t, got[k]), jsonText(t, sent[k]); g != w {
			t.Errorf("get --json: %q = %s, want %s as the server sent it", k, g, w)
		}
	}
}

func jsonText(t *testing.T, v any) string {
	t.Helper()
	b, err := json.Marshal(v)
	if err != nil {
		t.Fatal(err)
	}
	return string(b)
}

// TestServerErrorTextIsShownEscaped: an error whose description holds escape sequences and
// bidirectional overrides reaches stderr on one line of graphic characters.
func TestServerErrorTextIsShownEscaped(t *testing.T) {
	srv := newServer(t)
	srv.FailNext(1, writertest.Fault{Status: http.StatusNotFound, Header: http.Header{"Content-Type": {"application/json"}},
		Body: `{"tpe":"fail.notFound","errors":[{"description":"gone\u001b]0;owned\u0007\n\u202eevil","key":"k","extras":{}}],"extras":{}}`})
	code, _, stderr := runCLI(t, "get", doneC)
	if lines := graphicLines(t, "get's error", stderr); code != exitFailure || len(lines) != 1 || !strings.Contains(stderr, "404") {
		t.Errorf("get: exit %d, stderr %q; want 1 and one line naming the 404", code, stderr)
	}
}

// TestBadFlagIsShownEscaped: a flag that is not defined, before or after the command, is
// named on stderr escaped, as server text is.
func TestBadFlagIsShownEscaped(t *testing.T) {
	newServer(t)
	const bad = "--\x1b]0;pwn\a"
	for _, args := range [][]string{{bad, "list"}, {"list", bad}} {
		code, _, stderr := runCLI(t, args...)
		graphicLines(t, fmt.Sprintf("%q", args), stderr)
		if code != exitUsage || !strings.Contains(stderr, `\x1b]0;pwn\a`) {
			t.Errorf("writerfiles %q: exit %d, stderr %q; want 2 and the flag escaped", args, code, stderr)
		}
	}
}
