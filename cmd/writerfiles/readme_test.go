package main

import (
	"bytes"
	"os"
	"path/filepath"
	"regexp"
	"slices"
	"strings"
	"testing"
)

// TestREADME: the README is a first page (under 200 lines, go get within the first 30), each
// Go block in it is a file of examples/ (which go test builds and runs), and each command in
// its sh blocks works as written.
func TestREADME(t *testing.T) {
	root := filepath.Join("..", "..")
	readme, err := os.ReadFile(filepath.Join(root, "README.md"))
	if err != nil {
		t.Fatal(err)
	}
	lines := strings.Split(string(readme), "\n")
	if len(lines) >= 200 {
		t.Errorf("README.md has %d lines, want under 200", len(lines))
	}
	if !slices.ContainsFunc(lines[:min(30, len(lines))], func(l string) bool { return strings.HasPrefix(l, "go get ") }) {
		t.Error("README.md has no go get line in its first 30 lines")
	}
	goMod, err := os.ReadFile(filepath.Join(root, "go.mod"))
	if err != nil {
		t.Fatal(err)
	}
	module := strings.TrimPrefix(strings.SplitN(string(goMod), "\n", 2)[0], "module ")

	blocks := regexp.MustCompile("(?ms)^```(\\w*)\n(.*?)^```$").FindAllStringSubmatch(string(readme), -1)
	examples, _ := filepath.Glob(filepath.Join(root, "examples", "*", "*.go"))
	var ran int
	for _, b := range blocks {
		lang, body := b[1], b[2]
		switch lang {
		case "go":
			if !isExampleFile(examples, body) {
				t.Errorf("a Go block of README.md is not a file of examples/, so nothing compiles it:\n%s", body)
			}
		case "sh":
			for _, line := range strings.Split(strings.TrimSpace(body), "\n") {
				cmd, _, _ := strings.Cut(line, "#")
				runREADMECommand(t, root, module, strings.Fields(cmd))
				ran++
			}
		default:
			t.Errorf("README.md has a block in %q; want go or sh, which this test checks", lang)
		}
	}
	if ran < 4 {
		t.Errorf("checked %d commands of README.md; want at least the demo, make test, go get and go install", ran)
	}
}

// runREADMECommand runs or checks one command of the README, from the repository root.
func runREADMECommand(t *testing.T, root, module string, args []string) {
	t.Helper()
	switch {
	case len(args) > 2 && args[0] == "go" && args[1] == "run" && args[2] == "./cmd/writerfiles":
		// This very program: run in this process, against the fake its --fake starts.
		code, stdout, stderr := runCLI(t, args[3:]...)
		if code != exitOK || stdout == "" {
			t.Errorf("%s: exit %d, stdout %q, stderr %q", strings.Join(args, " "), code, stdout, stderr)
		}
	case len(args) == 2 && args[0] == "make":
		// make test runs this test: check that the target exists rather than recurse.
		mk, err := os.ReadFile(filepath.Join(root, "Makefile"))
		if err != nil || !bytes.Contains(mk, []byte("\n"+args[1]+":")) {
			t.Errorf("%s: the Makefile has no target %s (%v)", strings.Join(args, " "), args[1], err)
		}
	case len(args) == 3 && args[0] == "go" && args[1] == "get":
		// Fetching needs the network: check that it names a library package of this module,
		// whose requirements go get then adds (the module's root package has none).
		dir, ok := strings.CutPrefix(args[2], module+"/")
		src, err := os.ReadFile(filepath.Join(root, dir, "doc.go"))
		if !ok || err != nil || bytes.Contains(src, []byte("\npackage main\n")) {
			t.Errorf("%s: want a library package of module %s (%v)", strings.Join(args, " "), module, err)
		}
	case len(args) == 3 && args[0] == "go" && args[1] == "install":
		pkg, version, _ := strings.Cut(args[2], "@")
		dir, ok := strings.CutPrefix(pkg, module+"/")
		src, err := os.ReadFile(filepath.Join(root, dir, "main.go"))
		if !ok || version == "" || err != nil || !bytes.Contains(src, []byte("\npackage main\n")) {
			t.Errorf("%s: want module/path@version of a command of this module (%v)", strings.Join(args, " "), err)
		}
	default:
		t.Errorf("README.md command %q: this test does not know how to check it; add a case", strings.Join(args, " "))
	}
}

// isExampleFile reports whether one of the files has exactly the content body.
func isExampleFile(files []string, body string) bool {
	for _, f := range files {
		if src, err := os.ReadFile(f); err == nil && string(src) == body {
			return true
		}
	}
	return false
}
