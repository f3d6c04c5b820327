package docs_test

import (
	"archive/zip"
	"os"
	"os/exec"
	"path"
	"path/filepath"
	"slices"
	"strings"
	"testing"
)

const modulePath = "github.com/writerfiles/writer-go"

// release is the version under which the test serves the library from a local module proxy.
const release = "v1.999.0"

// publish serves the library at root (the files git knows, less the nested modules, as a
// release holds them) as version release in a module proxy folder at proxy.
func publish(t *testing.T, root, proxy string, files []string) {
	t.Helper()
	var nested []string
	for _, f := range files {
		if dir := path.Dir(f); path.Base(f) == "go.mod" && dir != "." {
			nested = append(nested, dir+"/")
		}
	}
	at := filepath.Join(proxy, modulePath, "@v")
	if err := os.MkdirAll(at, 0o755); err != nil {
		t.Fatal(err)
	}
	z, err := os.Create(filepath.Join(at, release+".zip"))
	if err != nil {
		t.Fatal(err)
	}
	zw := zip.NewWriter(z)
	for _, f := range files {
		if slices.ContainsFunc(nested, func(dir string) bool { return strings.HasPrefix(f, dir) }) {
			continue
		}
		w, err := zw.Create(modulePath + "@" + release + "/" + f)
		if err != nil {
			t.Fatal(err)
		}
		data, err := os.ReadFile(filepath.Join(root, filepath.FromSlash(f)))
		if err != nil {
			t.Fatal(err)
		}
		if _, err := w.Write(data); err != nil {
			t.Fatal(err)
		}
	}
	if err := zw.Close(); err != nil {
		t.Fatal(err)
	}
	if err := z.Close(); err != nil {
		t.Fatal(err)
	}
	gomod, err := os.ReadFile(filepath.Join(root, "go.mod"))
	if err != nil {
		t.Fatal(err)
	}
	write(t, filepath.Join(at, release+".mod"), string(gomod))
	write(t, filepath.Join(at, release+".info"), `{"Version":"`+release+`","Time":"2026-12-01T00:00:00Z"}`)
	write(t, filepath.Join(at, "list"), release+"\n")
}

// consumerEnv is the environment of the go commands of a module that requires the published
// release: a module cache of its own (the made-up release never enters the real one), filled
// from the local proxy, then from the real module cache, then from GOPROXY; no checksum
// database is asked.
func consumerEnv(t *testing.T, work, proxy string) []string {
	t.Helper()
	out, err := exec.CommandContext(t.Context(), "go", "env", "GOMODCACHE", "GOPROXY").Output()
	if err != nil {
		t.Fatal(err)
	}
	v := strings.Split(strings.TrimSpace(string(out)), "\n")
	proxies := []string{"file://" + filepath.ToSlash(proxy), "file://" + filepath.ToSlash(filepath.Join(v[0], "cache", "download"))}
	if len(v) > 1 && v[1] != "" && v[1] != "off" {
		proxies = append(proxies, v[1])
	}
	return []string{
		"GOMODCACHE=" + filepath.Join(work, "modcache"),
		"GOPROXY=" + strings.Join(proxies, ","),
		"GOFLAGS=-modcacherw -mod=mod -trimpath", // -trimpath: builds in this cache hit the build cache next time
		"GONOSUMDB=" + modulePath,
		"GOSUMDB=off",
	}
}
