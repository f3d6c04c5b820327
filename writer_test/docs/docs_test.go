// Package docs_test runs the documentation: every fenced shell and Go block of README.md and
// docs/*.md runs or compiles here, unless an excerpt mark stands right before it (the rules
// are in docs/testing.md).
package docs_test

import (
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"sync/atomic"
	"testing"
	"time"
)

// upstreamDoc is Writer's published document the regeneration recipe takes in.
const upstreamDoc = "testdata/upstream-openapi-2026-04-14.yaml"

// consumerSection is the section whose shell block runs in an importer's module, as its text
// says ("in your module's folder, with writer-drift installed as above, V ... and
// WRITER_OPENAPI ..."); every other shell block runs in a copy of the repository.
var consumerSection = struct{ page, heading string }{"docs/spec-drift.md", "Regenerating from the published module"}

// nestedVar is set in the environment of every block the test runs, so that a block that
// runs the test suite fails at once instead of running the blocks again.
const nestedVar = "WRITER_GO_DOCS_BLOCK"

func TestDocs(t *testing.T) {
	if os.Getenv(nestedVar) != "" {
		t.Fatalf("a documentation block runs this test (%s is set): mark the block as an excerpt", nestedVar)
	}
	root, err := filepath.Abs(filepath.Join("..", ".."))
	if err != nil {
		t.Fatal(err)
	}
	var goBlocks, shellBlocks []block
	excerpts := 0
	for _, page := range pages(t, root) {
		for _, b := range readBlocks(t, root, page) {
			switch {
			case b.excerpt:
				excerpts++
				t.Logf("%s: an excerpt (%s), not run", b, b.lang)
			case b.lang == goLang:
				goBlocks = append(goBlocks, b)
			default:
				shellBlocks = append(shellBlocks, b)
			}
		}
	}
	var goCompiled, shellRan, consumerRan atomic.Int32
	var shellStarted atomic.Bool
	t.Run("group", func(t *testing.T) {
		t.Run("go", func(t *testing.T) {
			t.Parallel()
			goCompiled.Store(int32(compileGo(t, root, goBlocks)))
		})
		t.Run("shell", func(t *testing.T) {
			t.Parallel()
			shellStarted.Store(true)
			work := t.TempDir()
			bin := filepath.Join(work, "bin")
			goBuild(t, root, filepath.Join(bin, "writerfiles"), "./cmd/writerfiles")
			goBuild(t, filepath.Join(root, "cmd", "writer-drift"), filepath.Join(bin, "writer-drift"), ".")
			files := repoFiles(t, root)
			for _, b := range shellBlocks {
				if b.page == consumerSection.page && b.heading == consumerSection.heading {
					t.Run("consumer", func(t *testing.T) {
						t.Parallel()
						runInConsumer(t, root, bin, files, b)
						consumerRan.Add(1)
					})
					continue
				}
				repo := filepath.Join(work, "repo") // the same path each time: go builds hit the cache
				if err := os.RemoveAll(repo); err != nil {
					t.Fatal(err)
				}
				copyFiles(t, root, repo, files)
				start := time.Now()
				out, err := runShell(t.Context(), repo, shellEnv(bin), b.text)
				if err != nil {
					t.Errorf("%s: %v; the block:\n%s\nprinted:\n%s", b, err, b.text, out)
					continue
				}
				t.Logf("%s: ran in %.1f s", b, time.Since(start).Seconds())
				shellRan.Add(1)
			}
		})
	})
	if shellStarted.Load() && consumerRan.Load() != 1 {
		t.Errorf("the shell block of %s %q ran %d times, want once: it is the regeneration recipe", consumerSection.page, consumerSection.heading, consumerRan.Load())
	}
	t.Logf("%d blocks: %d Go compiled (of %d), %d shell run (of %d), %d excerpts",
		len(goBlocks)+len(shellBlocks)+excerpts, goCompiled.Load(), len(goBlocks), shellRan.Load()+consumerRan.Load(), len(shellBlocks), excerpts)
}

// compileGo writes the Go blocks into one module that requires the library from root, then
// runs go vet and go test on it: every block compiles, and the tests the pages show pass. It
// returns how many blocks compiled.
func compileGo(t *testing.T, root string, blocks []block) int {
	t.Helper()
	var files []goFile
	for _, b := range blocks {
		f, err := goFileOf(b)
		if err != nil {
			t.Errorf("%s: %v", b, err)
			continue
		}
		files = append(files, f)
	}
	dir := t.TempDir()
	writeModule(t, dir, root, files)
	env := append(shellEnv(filepath.Join(dir, "no-bin")), "GOFLAGS=-mod=mod -trimpath")
	for _, args := range [][]string{{"vet", "./..."}, {"test", "-count=1", "./..."}} {
		cmd := exec.CommandContext(t.Context(), "go", args...)
		cmd.Dir, cmd.Env = dir, env
		if out, err := cmd.CombinedOutput(); err != nil {
			t.Errorf("go %s on the Go blocks (each file names its block in its first line): %v\n%s", strings.Join(args, " "), err, out)
			for _, f := range files {
				t.Logf("%s/%s:\n%s", f.dir, f.name, f.content())
			}
			return 0
		}
	}
	for _, f := range files {
		t.Logf("%s: compiled as %s/%s", f.block, f.dir, f.name)
	}
	return len(files)
}

// runInConsumer runs block b in an importer's module, as the regeneration recipe expects:
// a module that requires the library at version release (served from a local module proxy
// made of root's files), writer-drift installed in .bin and on PATH, V the version and
// WRITER_OPENAPI Writer's document.
func runInConsumer(t *testing.T, root, bin string, files []string, b block) {
	t.Helper()
	work := t.TempDir()
	proxy := filepath.Join(work, "proxy")
	publish(t, root, proxy, files)
	consumer := filepath.Join(work, "consumer")
	write(t, filepath.Join(consumer, "go.mod"), "module example.com/consumer\n\ngo 1.26.0\n\nrequire "+modulePath+" "+release+"\n")
	write(t, filepath.Join(consumer, "main.go"), "package main\n\nimport \"github.com/writerfiles/writer-go/writer\"\n\nfunc main() { _, _ = writer.NewClient() }\n")
	drift, err := os.ReadFile(filepath.Join(bin, "writer-drift"))
	if err != nil {
		t.Fatal(err)
	}
	write(t, filepath.Join(consumer, ".bin", "writer-drift"), string(drift))
	if err := os.Chmod(filepath.Join(consumer, ".bin", "writer-drift"), 0o755); err != nil {
		t.Fatal(err)
	}
	env := shellEnv(bin, append(consumerEnv(t, work, proxy), "V="+release, "WRITER_OPENAPI="+filepath.Join(root, upstreamDoc))...)
	if out, err := runShell(t.Context(), consumer, env, "go mod tidy"); err != nil {
		t.Fatalf("go mod tidy in the consumer module: %v\n%s", err, out)
	}
	start := time.Now()
	out, err := runShell(t.Context(), consumer, env, b.text)
	if err != nil {
		t.Fatalf("%s: %v; the block:\n%s\nprinted:\n%s", b, err, b.text, out)
	}
	t.Logf("%s: ran in %.1f s in a module that requires writer-go %s", b, time.Since(start).Seconds(), release)
}
