package main

import (
	"bytes"
	"context"
	"fmt"
	"net/http"
	"net/http/httptest"
	"os"
	"os/exec"
	"path/filepath"
	"strconv"
	"strings"
	"syscall"
	"testing"
)

// The tests of reading a document: one reader with one size limit, one redirect limit and a
// timeout for a file, a URL and what `make drift` fetches, and no credential of a URL shown.

// Credentials a URL carries; no output may hold them.
const (
	urlPassword = "s3cretPASS"
	urlToken    = "t0kenVALUE"
)

// hugeBody is the size of the documents over the limit: 200 MB.
const hugeBody = 200 << 20

// documentServer serves testdata/<baseDoc> at /openapi.yaml, 404 at /missing.yaml, a body of
// hugeBody bytes at /huge.yaml (streamed, no Content-Length) and /huge-declared.yaml (with
// it), redirects at /hops/N (N more before the document), and at /slow.yaml never answers.
func documentServer(t *testing.T) *httptest.Server {
	t.Helper()
	src, err := os.ReadFile(filepath.Join(testdata, baseDoc))
	if err != nil {
		t.Fatal(err)
	}
	mux := http.NewServeMux()
	mux.HandleFunc("/openapi.yaml", func(w http.ResponseWriter, _ *http.Request) { _, _ = w.Write(src) })
	huge := func(declared bool) http.HandlerFunc {
		return func(w http.ResponseWriter, _ *http.Request) {
			if declared {
				w.Header().Set("Content-Length", strconv.Itoa(hugeBody))
			}
			chunk := bytes.Repeat([]byte("# padding\n"), 1<<16)
			for n := 0; n < hugeBody; n += len(chunk) {
				if _, err := w.Write(chunk); err != nil {
					return // the reader gave up: what the limit is for
				}
			}
		}
	}
	mux.HandleFunc("/huge.yaml", huge(false))
	mux.HandleFunc("/huge-declared.yaml", huge(true))
	mux.HandleFunc("/hops/{n}", func(w http.ResponseWriter, r *http.Request) {
		n, _ := strconv.Atoi(r.PathValue("n"))
		if n == 0 {
			http.Redirect(w, r, "/openapi.yaml?token="+urlToken, http.StatusFound)
			return
		}
		http.Redirect(w, r, fmt.Sprintf("/hops/%d?token=%s", n-1, urlToken), http.StatusFound)
	})
	mux.HandleFunc("/slow.yaml", func(_ http.ResponseWriter, r *http.Request) { <-r.Context().Done() })
	srv := httptest.NewServer(mux)
	t.Cleanup(srv.Close)
	return srv
}

// secretURL is the URL of path on srv with a user, a password and a token in its query.
func secretURL(srv *httptest.Server, path string) string {
	return strings.Replace(srv.URL, "http://", "http://ci:"+urlPassword+"@", 1) + path + "?token=" + urlToken + "&v=1"
}

// noSecret fails the test when out holds the password or the token of secretURL.
func noSecret(t *testing.T, out string) {
	t.Helper()
	if strings.Contains(out, urlPassword) || strings.Contains(out, urlToken) {
		t.Errorf("output shows a credential of the URL:\n%s", out)
	}
}

func TestURLCredentialsNeverShown(t *testing.T) {
	t.Parallel()
	srv := documentServer(t)
	shownURL := srv.URL + "/openapi.yaml?token=***&v=***"
	t.Run("writer-drift", func(t *testing.T) {
		t.Parallel()
		status, out := runDrift("-spec", ourSpec, secretURL(srv, "/openapi.yaml"))
		if status != exitOK || !strings.Contains(out, shownURL) {
			t.Errorf("exit status %d, want 0, and the URL shown as %s; output:\n%s", status, shownURL, out)
		}
		wantLastLine(t, out, verdictNothing)
		noSecret(t, out)
	})
	t.Run("writer-drift 404 after redirects", func(t *testing.T) {
		t.Parallel()
		status, out := runDrift("-spec", ourSpec, secretURL(srv, "/missing.yaml"))
		if status != exitUsage {
			t.Errorf("exit status %d, want 2; output:\n%s", status, out)
		}
		noSecret(t, out)
	})
	t.Run("writer-drift -sync", func(t *testing.T) {
		t.Parallel()
		status, out := runDrift("-sync", "-in", secretURL(srv, "/openapi.yaml"), "-out", filepath.Join(t.TempDir(), "openapi.yaml"))
		if status != exitOK || !strings.Contains(out, shownURL) {
			t.Errorf("exit status %d, want 0, and the URL shown as %s; output:\n%s", status, shownURL, out)
		}
		noSecret(t, out)
	})
	t.Run("make drift", func(t *testing.T) {
		t.Parallel()
		for _, path := range []string{"/openapi.yaml", "/missing.yaml"} {
			_, out := makeDrift(t, secretURL(srv, path))
			if !strings.Contains(out, srv.URL+path+"?token=***") {
				t.Errorf("make drift does not show the URL without its credentials; output:\n%s", out)
			}
			noSecret(t, out)
		}
	})
}

func TestTooLarge(t *testing.T) {
	t.Parallel()
	srv := documentServer(t)
	file := filepath.Join(t.TempDir(), "huge.yaml")
	if err := os.WriteFile(file, nil, 0o644); err != nil {
		t.Fatal(err)
	}
	if err := os.Truncate(file, hugeBody); err != nil { // sparse: 200 MB without the disk space
		t.Fatal(err)
	}
	const want = "too large: the document is over the limit of 64 MiB"
	for _, doc := range []string{file, srv.URL + "/huge.yaml", srv.URL + "/huge-declared.yaml"} {
		t.Run("writer-drift "+doc, func(t *testing.T) {
			t.Parallel()
			status, out := runDrift("-spec", ourSpec, doc)
			if status != exitUsage || !strings.Contains(lastLine(out), want) {
				t.Errorf("exit status %d, want 2 and %q in the last line; output:\n%s", status, want, out)
			}
		})
	}
	for _, doc := range []string{file, srv.URL + "/huge.yaml"} {
		t.Run("make drift "+doc, func(t *testing.T) {
			t.Parallel()
			status, out := makeDrift(t, doc)
			if status != exitUsage || !strings.Contains(out, want) {
				t.Errorf("exit status %d, want 2 and %q; output:\n%s", status, want, out)
			}
			wantLastLine(t, out, "drift: BAD INPUT: ")
		})
	}
}

// TestTooLargePeakMemory runs the built command on a 200 MB file and a 200 MB streamed body,
// and checks its peak resident memory (the kernel's count) stays under 256 MiB.
func TestTooLargePeakMemory(t *testing.T) {
	t.Parallel()
	srv := documentServer(t)
	bin := buildDrift(t)
	file := filepath.Join(t.TempDir(), "huge.yaml")
	if err := os.WriteFile(file, bytes.Repeat([]byte("# padding\n"), hugeBody/10), 0o644); err != nil {
		t.Fatal(err)
	}
	for _, doc := range []string{file, srv.URL + "/huge.yaml"} {
		status, peak, out := peakOf(t, bin, "-spec", ourSpec, doc)
		if status != exitUsage || !strings.Contains(out, "too large") {
			t.Errorf("%s: exit status %d, want 2 and too large; output:\n%s", doc, status, out)
		}
		t.Logf("%s: peak memory %d MiB", doc, peak>>20)
		if peak >= 256<<20 {
			t.Errorf("%s: peak memory %d MiB, want under 256 MiB", doc, peak>>20)
		}
	}
}

// peakEnv names, in the environment of this test binary run again as a helper, the command
// whose peak memory it measures (arguments separated by newlines).
const peakEnv = "WRITER_DRIFT_TEST_PEAK_OF"

// TestMain is the helper of peakOf when peakEnv is set, and the tests otherwise.
func TestMain(m *testing.M) {
	if args := os.Getenv(peakEnv); args != "" {
		os.Exit(measurePeak(strings.Split(args, "\n")))
	}
	os.Exit(m.Run())
}

// measurePeak runs args and prints its output, then its exit status and peak resident memory
// in bytes on a last line. On Linux a child starts with the peak of the process that started
// it: this small helper starts it so that the count is the child's own.
func measurePeak(args []string) int {
	cmd := exec.CommandContext(context.Background(), args[0], args[1:]...)
	out, _ := cmd.CombinedOutput()
	rusage, ok := cmd.ProcessState.SysUsage().(*syscall.Rusage)
	if !ok {
		fmt.Println("no resource usage")
		return 1
	}
	fmt.Printf("%s\n%d %d\n", out, cmd.ProcessState.ExitCode(), rusage.Maxrss<<10) // Maxrss is in KiB on Linux
	return 0
}

// peakOf runs a command through the helper and returns its exit status, peak resident memory
// in bytes and output.
func peakOf(t *testing.T, args ...string) (status int, peak int64, output string) {
	t.Helper()
	cmd := exec.CommandContext(t.Context(), os.Args[0], "-test.run=^$")
	cmd.Env = append(os.Environ(), peakEnv+"="+strings.Join(args, "\n"))
	out, err := cmd.Output()
	if err != nil {
		t.Fatalf("helper: %v: %s", err, out)
	}
	body := strings.TrimRight(string(out), "\n")
	last := lastLine(body)
	if _, err := fmt.Sscan(last, &status, &peak); err != nil {
		t.Fatalf("helper printed %q: %v", last, err)
	}
	return status, peak, strings.TrimSuffix(body, last)
}

// TestLargeDocumentReadWhole: a valid 40 MB document whose File API comes after 40 MB of
// other text gives the same verdict by URL as from a file: nothing is cut.
func TestLargeDocumentReadWhole(t *testing.T) {
	t.Parallel()
	src, err := os.ReadFile(filepath.Join(testdata, baseDoc))
	if err != nil {
		t.Fatal(err)
	}
	big := append(bytes.Repeat([]byte("# Writer's other APIs\n"), (40<<20)/22), src...)
	file := filepath.Join(t.TempDir(), "big.yaml")
	if err := os.WriteFile(file, big, 0o644); err != nil {
		t.Fatal(err)
	}
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, _ *http.Request) { _, _ = w.Write(big) }))
	t.Cleanup(srv.Close)
	for _, doc := range []string{file, srv.URL + "/big.yaml"} {
		status, out := runDrift("-spec", ourSpec, doc)
		if status != exitOK {
			t.Errorf("%s: exit status %d, want 0; output:\n%s", doc, status, out)
		}
		wantLastLine(t, out, verdictNothing)
	}
}

func TestRedirectLimit(t *testing.T) {
	t.Parallel()
	srv := documentServer(t)
	status, out := runDrift("-spec", ourSpec, srv.URL+fmt.Sprintf("/hops/%d", maxRedirects-1))
	if status != exitOK {
		t.Errorf("%d redirects: exit status %d, want 0; output:\n%s", maxRedirects, status, out)
	}
	status, out = runDrift("-spec", ourSpec, srv.URL+fmt.Sprintf("/hops/%d", maxRedirects))
	if status != exitUsage || !strings.Contains(lastLine(out), fmt.Sprintf("more than %d redirects", maxRedirects)) {
		t.Errorf("%d redirects: exit status %d, want 2 naming the limit; output:\n%s", maxRedirects+1, status, out)
	}
	noSecret(t, out)
}

// TestTimeoutWithNotice: a server that never answers is given up after -timeout, and a notice
// says the command waits once the fetch takes longer than noticeAfter.
func TestTimeoutWithNotice(t *testing.T) {
	t.Parallel()
	srv := documentServer(t)
	timeout := noticeAfter + noticeAfter/4
	status, out := runDrift("-timeout", timeout.String(), "-spec", ourSpec, srv.URL+"/slow.yaml")
	if status != exitUsage {
		t.Errorf("exit status %d, want 2; output:\n%s", status, out)
	}
	for _, want := range []string{
		"writer-drift: waiting for " + srv.URL + "/slow.yaml (gives up after " + timeout.String(),
		"writer-drift: BAD INPUT: cannot fetch " + srv.URL + "/slow.yaml: no complete answer within " + timeout.String() + " (-timeout)",
	} {
		if !strings.Contains(out, want) {
			t.Errorf("output does not say %q:\n%s", want, out)
		}
	}
	if status, out := runDrift("-timeout", "0s", "-spec", ourSpec, srv.URL+"/openapi.yaml"); status != exitUsage {
		t.Errorf("-timeout 0s: exit status %d, want 2; output:\n%s", status, out)
	}
}

// buildDrift builds writer-drift, for the tests that measure the process.
func buildDrift(t *testing.T) string {
	t.Helper()
	bin := filepath.Join(t.TempDir(), "writer-drift")
	if out, err := exec.CommandContext(t.Context(), "go", "build", "-o", bin, ".").CombinedOutput(); err != nil {
		t.Fatalf("go build: %v: %s", err, out)
	}
	return bin
}
