package docs_test

import (
	"context"
	"errors"
	"io/fs"
	"os"
	"os/exec"
	"path/filepath"
	"slices"
	"strings"
	"syscall"
	"testing"
	"time"
)

// shellTimeout bounds one shell block: the slowest, the regeneration recipe, builds
// oapi-codegen and the library in a module cache of its own.
const shellTimeout = 4 * time.Minute

// runShell runs text with bash -euo pipefail in dir with env, in a process group of its own
// that is killed when bash exits (a server the block started in the background included),
// and returns what it printed.
func runShell(ctx context.Context, dir string, env []string, text string) (string, error) {
	ctx, cancel := context.WithTimeout(ctx, shellTimeout)
	defer cancel()
	out, err := os.CreateTemp("", "docs-block-*.out")
	if err != nil {
		return "", err
	}
	defer os.Remove(out.Name())
	defer out.Close()
	cmd := exec.CommandContext(ctx, "bash", "-euo", "pipefail", "-c", text)
	cmd.Dir, cmd.Env = dir, env
	cmd.Stdin = nil
	cmd.Stdout, cmd.Stderr = out, out // a file: Wait does not wait for a background job's copy
	cmd.SysProcAttr = &syscall.SysProcAttr{Setpgid: true}
	cmd.Cancel = func() error { return syscall.Kill(-cmd.Process.Pid, syscall.SIGKILL) }
	runErr := cmd.Run()
	if cmd.Process != nil {
		_ = syscall.Kill(-cmd.Process.Pid, syscall.SIGKILL)
	}
	printed, err := os.ReadFile(out.Name())
	if err != nil {
		return "", err
	}
	if ctx.Err() != nil {
		runErr = errors.Join(runErr, ctx.Err())
	}
	return string(printed), runErr
}

// shellEnv is the environment of a shell block: this process's, without the variables that
// point the client or the go command elsewhere, with bin first on PATH. Builds are -trimpath,
// so that a go command in a temporary folder hits the build cache of the previous run.
func shellEnv(bin string, extra ...string) []string {
	env := slices.DeleteFunc(os.Environ(), func(kv string) bool {
		name, _, _ := strings.Cut(kv, "=")
		return strings.HasPrefix(name, "WRITER_") || name == "GOFLAGS" || name == "GOWORK" || name == "PATH"
	})
	return append(env, append([]string{"PATH=" + bin + string(os.PathListSeparator) + os.Getenv("PATH"), "GOWORK=off", "GOFLAGS=-trimpath", nestedVar + "=1"}, extra...)...)
}

// repoFiles lists the files below root that git tracks or would track, as slash paths: what
// a clone of the work tree would hold. Outside a git work tree (a copy of the published
// module, or the copy make drift tests), every file below root but those of the folders
// .git, .bin, .bench and .cache.
func repoFiles(t *testing.T, root string) []string {
	t.Helper()
	out, err := exec.CommandContext(t.Context(), "git", "-C", root, "ls-files", "-z", "--cached", "--others", "--exclude-standard").Output()
	if err != nil {
		return walkFiles(t, root)
	}
	var files []string
	for _, name := range strings.Split(strings.TrimRight(string(out), "\x00"), "\x00") {
		if info, err := os.Lstat(filepath.Join(root, name)); err == nil && info.Mode().IsRegular() {
			files = append(files, filepath.ToSlash(name))
		}
	}
	return files
}

// copyFiles copies files (slash paths below root) into dir, keeping their modes.
func copyFiles(t *testing.T, root, dir string, files []string) {
	t.Helper()
	for _, name := range files {
		src := filepath.Join(root, filepath.FromSlash(name))
		info, err := os.Stat(src)
		if err != nil {
			t.Fatal(err)
		}
		data, err := os.ReadFile(src)
		if err != nil {
			t.Fatal(err)
		}
		dst := filepath.Join(dir, filepath.FromSlash(name))
		if err := os.MkdirAll(filepath.Dir(dst), 0o755); err != nil {
			t.Fatal(err)
		}
		if err := os.WriteFile(dst, data, info.Mode().Perm()|fs.FileMode(0o200)); err != nil {
			t.Fatal(err)
		}
	}
}

// goBuild runs go build -o out pkg in dir.
func goBuild(t *testing.T, dir, out, pkg string) {
	t.Helper()
	cmd := exec.CommandContext(t.Context(), "go", "build", "-o", out, pkg)
	cmd.Dir = dir
	if b, err := cmd.CombinedOutput(); err != nil {
		t.Fatalf("go build %s in %s: %v\n%s", pkg, dir, err, b)
	}
}

// walkFiles lists the regular files below root, as slash paths, but those of the folders
// .git, .bin, .bench and .cache (tools and caches a work tree keeps).
func walkFiles(t *testing.T, root string) []string {
	t.Helper()
	var files []string
	err := filepath.WalkDir(root, func(path string, d fs.DirEntry, err error) error {
		if err != nil {
			return err
		}
		switch {
		case d.IsDir() && path != root && slices.Contains([]string{".git", ".bin", ".bench", ".cache"}, d.Name()):
			return filepath.SkipDir
		case d.Type().IsRegular():
			rel, err := filepath.Rel(root, path)
			if err != nil {
				return err
			}
			files = append(files, filepath.ToSlash(rel))
		}
		return nil
	})
	if err != nil {
		t.Fatalf("list the files below %s: %v", root, err)
	}
	return files
}
