package main

import (
	"bytes"
	"errors"
	"io"
	"io/fs"
	"os"
	"os/exec"
	"path"
	"path/filepath"
	"slices"
	"strings"
	"testing"

	"golang.org/x/mod/module"
	"golang.org/x/mod/zip"
)

// release is the version the test publishes both modules under, in a local module proxy.
const release = "v1.999.0"

// TestImporterCommand is the drift check as an importer meets it: this repository's two
// modules are zipped as the Go module proxy serves them, a consumer module requires the
// library and imports package writer, and the documented command installs writer-drift with
// `go install ...@version` and runs it in the consumer's folder. Modules come from the local
// proxy and the module cache; only a module missing from both is fetched from GOPROXY.
func TestImporterCommand(t *testing.T) {
	work := t.TempDir()
	proxy := filepath.Join(work, "proxy")
	root := publish(t, proxy, modulePath, repoRoot)
	publish(t, proxy, modulePath+"/cmd/writer-drift", ".")

	// What the library's zip holds: the spec, not the nested modules.
	unpacked := filepath.Join(work, "unpacked")
	if err := zip.Unzip(unpacked, root, filepath.Join(proxy, modulePath, "@v", release+".zip")); err != nil {
		t.Fatalf("unzip: %v", err)
	}
	for _, f := range []string{"openapi.yaml", "writer/client.go"} {
		if _, err := os.Stat(filepath.Join(unpacked, f)); err != nil {
			t.Errorf("the module zip lacks %s: %v", f, err)
		}
	}
	for _, dir := range []string{"cmd/writer-drift", "writer_test", "tools"} {
		if _, err := os.Stat(filepath.Join(unpacked, dir)); err == nil {
			t.Errorf("the module zip holds %s/, a module of its own", dir)
		}
	}

	consumer := filepath.Join(work, "consumer")
	writeFile(t, filepath.Join(consumer, "go.mod"), "module example.com/consumer\n\ngo 1.26.0\n\nrequire "+modulePath+" "+release+"\n")
	writeFile(t, filepath.Join(consumer, "main.go"), `package main

import "github.com/writerfiles/writer-go/writer"

func main() { _, _ = writer.NewClient(writer.WithAPIKey("k")) }
`)
	env := goEnv(t, work, proxy)
	goCmd(t, consumer, env, "mod", "tidy")
	goCmd(t, consumer, env, "build", "./...")
	graph := goCmd(t, consumer, env, "list", "-m", "all")
	for _, tool := range []string{"github.com/oasdiff/", "github.com/getkin/kin-openapi", "github.com/oapi-codegen/oapi-codegen"} {
		if strings.Contains(graph, tool) {
			t.Errorf("a program that imports writer depends on %s:\n%s", tool, graph)
		}
	}

	// The documented command, installed at the release the consumer requires.
	bin := filepath.Join(work, "bin")
	goCmd(t, consumer, append(env, "GOBIN="+bin), "install", modulePath+"/cmd/writer-drift@"+release)
	cases := []struct {
		name, doc string
		status    int
		line      string
	}{
		{"published", filepath.Join(testdata, baseDoc), exitOK, verdictNothing + "no change to the operations or schemas of the File API since writer-go " + release},
		{"breaking", writeVariant(t, variants[indexOf(t, "retry-response-loses-success")]), exitBreaking, verdictBreaking},
		{"added", writeVariant(t, variants[indexOf(t, "source-url-and-archive")]), exitOK, verdictAdded + "writer-go " + release + " keeps working, but does not wrap what Writer added: operation gatewayArchiveFile (POST /v1/files/{file_id}/archive); property file_response.source_url."},
		{"unreadable", filepath.Join(work, "nowhere.yaml"), exitUsage, "writer-drift: BAD INPUT: cannot read "},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			doc, err := filepath.Abs(c.doc)
			if err != nil {
				t.Fatal(err)
			}
			cmd := exec.CommandContext(t.Context(), filepath.Join(bin, "writer-drift"), doc)
			cmd.Dir, cmd.Env = consumer, env
			out, err := cmd.CombinedOutput()
			status := 0
			if exit, ok := errors.AsType[*exec.ExitError](err); ok {
				status = exit.ExitCode()
			} else if err != nil {
				t.Fatal(err)
			}
			if status != c.status {
				t.Errorf("exit status %d, want %d; output:\n%s", status, c.status, out)
			}
			wantLastLine(t, string(out), c.line)
		})
	}
	if after := goCmd(t, consumer, env, "list", "-m", "all"); after != graph {
		t.Errorf("installing and running writer-drift changed the consumer's module graph:\n%s", after)
	}
	regenerate(t, consumer, bin, append(env, "PATH="+bin+string(os.PathListSeparator)+os.Getenv("PATH")))
}

// regenerate runs the commands of "Regenerating from the published module" in
// docs/spec-drift.md in the consumer's folder, then make generate, make spec-sync and make
// drift in the copy they make, and checks that each gives today's api/api.gen.go and that writer-drift
// reads the replacement folder. env has writer-drift, installed in bin, on its PATH.
func regenerate(t *testing.T, consumer, bin string, env []string) {
	t.Helper()
	doc, err := os.ReadFile(filepath.Join(repoRoot, "docs", "spec-drift.md"))
	if err != nil {
		t.Fatal(err)
	}
	_, section, _ := strings.Cut(string(doc), "\n## Regenerating from the published module\n")
	_, block, _ := strings.Cut(section, "```sh\n")
	block, _, found := strings.Cut(block, "```")
	if !found {
		t.Fatal("docs/spec-drift.md has no sh block under \"Regenerating from the published module\"")
	}
	upstream, err := filepath.Abs(filepath.Join(testdata, baseDoc))
	if err != nil {
		t.Fatal(err)
	}
	want, err := os.ReadFile(filepath.Join(repoRoot, "api", "api.gen.go"))
	if err != nil {
		t.Fatal(err)
	}
	copyDir := filepath.Join(consumer, "third_party", "writer-go")
	unchanged := func(step string) {
		t.Helper()
		if got, err := os.ReadFile(filepath.Join(copyDir, "api", "api.gen.go")); err != nil || !bytes.Equal(got, want) {
			t.Errorf("after %s, the copy's api/api.gen.go differs from this repository's (err %v)", step, err)
		}
	}
	run := func(dir string, env []string, name string, args ...string) string {
		t.Helper()
		cmd := exec.CommandContext(t.Context(), name, args...)
		cmd.Dir, cmd.Env = dir, env
		out, err := cmd.CombinedOutput()
		if err != nil {
			t.Fatalf("%s %s: %v\n%s", name, strings.Join(args, " "), err, out)
		}
		return string(out)
	}
	// The recipe runs writer-drift as the install line above leaves it: .bin/writer-drift.
	installed, err := os.ReadFile(filepath.Join(bin, "writer-drift"))
	if err != nil {
		t.Fatal(err)
	}
	if err := os.MkdirAll(filepath.Join(consumer, ".bin"), 0o755); err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(filepath.Join(consumer, ".bin", "writer-drift"), installed, 0o755); err != nil {
		t.Fatal(err)
	}
	run(consumer, append(env, "V="+release, "WRITER_OPENAPI="+upstream), "bash", "-euo", "pipefail", "-c", block)
	unchanged("the documented commands")
	run(copyDir, env, "make", "--no-print-directory", "generate")
	unchanged("make generate")
	run(copyDir, env, "make", "--no-print-directory", "spec-sync", "UPSTREAM="+upstream)
	unchanged("make spec-sync")
	out := run(copyDir, env, "make", "--no-print-directory", "drift", "UPSTREAM="+upstream) // the copy has no git and no cmd/writer-drift
	wantLastLine(t, out, "drift: NOTHING CHANGED: ")
	out = run(consumer, env, filepath.Join(bin, "writer-drift"), upstream)
	wantLastLine(t, out, verdictNothing+"no change to the operations or schemas of the File API since writer-go "+release+" (replaced by "+copyDir+")")
}

// publish zips the module in dir (the files git knows, as a release would hold them) into
// the proxy folder as version release, and returns the module version.
func publish(t *testing.T, proxy, modPath, dir string) module.Version {
	t.Helper()
	m := module.Version{Path: modPath, Version: release}
	var files []zip.File
	for _, name := range repoFiles(t, dir) {
		files = append(files, diskFile{dir: dir, name: name})
	}
	at := filepath.Join(proxy, modPath, "@v")
	if err := os.MkdirAll(at, 0o755); err != nil {
		t.Fatal(err)
	}
	z, err := os.Create(filepath.Join(at, release+".zip"))
	if err != nil {
		t.Fatal(err)
	}
	if err := zip.Create(z, m, files); err != nil {
		t.Fatalf("zip %s: %v", modPath, err)
	}
	if err := z.Close(); err != nil {
		t.Fatal(err)
	}
	gomod, err := os.ReadFile(filepath.Join(dir, "go.mod"))
	if err != nil {
		t.Fatal(err)
	}
	writeFile(t, filepath.Join(at, release+".mod"), string(gomod))
	writeFile(t, filepath.Join(at, release+".info"), `{"Version":"`+release+`","Time":"2026-12-01T00:00:00Z"}`)
	writeFile(t, filepath.Join(at, "list"), release+"\n")
	return m
}

// repoFiles lists the files below dir that git tracks or would track, as slash paths
// relative to dir: what a commit of the work tree would hold.
func repoFiles(t *testing.T, dir string) []string {
	t.Helper()
	out, err := exec.CommandContext(t.Context(), "git", "-C", dir, "ls-files", "-z", "--cached", "--others", "--exclude-standard", ".").Output()
	if err != nil {
		t.Fatalf("git ls-files: %v", err)
	}
	var files []string
	for _, name := range strings.Split(strings.TrimRight(string(out), "\x00"), "\x00") {
		if _, err := os.Lstat(filepath.Join(dir, name)); err == nil { // not deleted since
			files = append(files, filepath.ToSlash(name))
		}
	}
	return files
}

// goEnv is the environment of the consumer's go commands: a module cache of its own (so the
// made-up release never enters the real one), filled from the local proxy, then from the
// real module cache, then from GOPROXY.
func goEnv(t *testing.T, work, proxy string) []string {
	t.Helper()
	cache, err := exec.CommandContext(t.Context(), "go", "env", "GOMODCACHE", "GOPROXY").Output()
	if err != nil {
		t.Fatal(err)
	}
	v := strings.Split(strings.TrimSpace(string(cache)), "\n")
	proxies := []string{fileURL(proxy), fileURL(filepath.Join(v[0], "cache", "download"))}
	if len(v) > 1 && v[1] != "" && v[1] != "off" {
		proxies = append(proxies, v[1])
	}
	return append(slices.DeleteFunc(os.Environ(), func(kv string) bool {
		return strings.HasPrefix(kv, "GOFLAGS=") || strings.HasPrefix(kv, "GOPROXY=") || strings.HasPrefix(kv, "GOMODCACHE=")
	}),
		"GOMODCACHE="+filepath.Join(work, "modcache"),
		"GOPROXY="+strings.Join(proxies, ","),
		"GOFLAGS=-modcacherw -mod=mod",
		"GONOSUMDB="+modulePath, // the made-up release is in no checksum database
		"GOSUMDB=off",           // and nothing else may ask it: every other module comes from a cache
		"GOWORK=off",
	)
}

func fileURL(dir string) string { return "file://" + filepath.ToSlash(dir) }

// goCmd runs go in dir and returns its standard output, failing the test on an error.
func goCmd(t *testing.T, dir string, env []string, args ...string) string {
	t.Helper()
	cmd := exec.CommandContext(t.Context(), "go", args...)
	cmd.Dir, cmd.Env = dir, env
	var stderr strings.Builder
	cmd.Stderr = &stderr
	out, err := cmd.Output()
	if err != nil {
		t.Fatalf("go %s: %v\n%s", strings.Join(args, " "), err, stderr.String())
	}
	return string(out)
}

func writeFile(t *testing.T, name, content string) {
	t.Helper()
	if err := os.MkdirAll(filepath.Dir(name), 0o755); err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(name, []byte(content), 0o644); err != nil {
		t.Fatal(err)
	}
}

// diskFile is a file of a module for zip.Create.
type diskFile struct{ dir, name string }

func (f diskFile) Path() string                 { return path.Clean(f.name) }
func (f diskFile) Lstat() (fs.FileInfo, error)  { return os.Lstat(filepath.Join(f.dir, f.name)) }
func (f diskFile) Open() (io.ReadCloser, error) { return os.Open(filepath.Join(f.dir, f.name)) }
