package writer_test

import (
	"bytes"
	"compress/gzip"
	"context"
	"errors"
	"fmt"
	"io"
	"net"
	"net/http"
	"net/http/httptest"
	"runtime"
	"runtime/metrics"
	"strconv"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/writerfiles/writer-go/writer"
)

// The hostile-server suite: each case is a server on 127.0.0.1 that answers one hostile or
// broken way, driven through the public API. Every case bounds its time (a context deadline)
// and its requests, measures the heap's growth during the call, and checks every text the
// library returns for the API key, which every server echoes wherever it can.

// hostileKey is the API key of the suite; no text the library returns may hold it.
const hostileKey = "sk-hostile-SECRET-0123456789"

// maxHeapGrowth bounds how much one call may grow the heap, whatever the server answers.
const maxHeapGrowth = 64 << 20

// A hostileCase is one server's way of answering and the call made against it.
type hostileCase struct {
	name    string
	handler http.HandlerFunc
	call    func(ctx context.Context, c *writer.Client) error
	// want is the error the call must match; nil means it must succeed.
	want error
	// maxRequests bounds the requests the server may receive (0: 1 + the client's retries).
	maxRequests int64
	// opts are added to the suite's client options.
	opts []writer.Option
	// deadline bounds the call (0: 5 s).
	deadline time.Duration
}

const (
	askedID = "6f1b2c3d-4e5f-4a6b-8c7d-8e9f0a1b2c3d"
	otherID = "7a2c3d4e-5f6a-4b7c-9d8e-9f0a1b2c3d4e"
)

// fileJSON is a complete file_response for id.
func fileJSON(id string) string {
	return `{"id":"` + id + `","name":"a.pdf","created_at":"2026-05-01T12:00:00Z","graph_ids":[],"status":"completed"}`
}

func getFile(ctx context.Context, c *writer.Client) error {
	_, err := c.Files.Get(ctx, askedID)
	return err
}

func listPage(ctx context.Context, c *writer.Client) error {
	_, err := c.Files.ListPage(ctx, nil, writer.Cursor{})
	return err
}

func deleteFile(ctx context.Context, c *writer.Client) error {
	return c.Files.Delete(ctx, askedID)
}

func retryFiles(ctx context.Context, c *writer.Client) error {
	return c.Files.Retry(ctx, []string{askedID})
}

func uploadFile(ctx context.Context, c *writer.Client) error {
	_, err := c.Files.Upload(ctx, writer.UploadParams{Name: "a.pdf", Body: strings.NewReader("%PDF")})
	return err
}

// jsonAnswer writes status with a JSON content type and body.
func jsonAnswer(status int, body string) http.HandlerFunc {
	return func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("Content-Type", "application/json")
		w.Header().Set("X-Request-Id", hostileKey)
		w.WriteHeader(status)
		_, _ = io.WriteString(w, body)
	}
}

// endless writes status, then prefix, then filler until the client goes away or limit bytes.
func endless(status int, prefix string, limit int64) http.HandlerFunc {
	return func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("Content-Type", "application/json")
		w.WriteHeader(status)
		_, _ = io.WriteString(w, prefix)
		chunk := []byte(strings.Repeat("a", 64<<10))
		for sent := int64(0); sent < limit; sent += int64(len(chunk)) {
			if _, err := w.Write(chunk); err != nil {
				return
			}
		}
	}
}

// gzipBomb sends a gzip-compressed body of prefix then size zero bytes, about 1 KiB on the
// wire per MiB: one gzip member of 1 MiB of zeros, repeated (a gzip stream may hold many).
func gzipBomb(status int, prefix string, size int64) http.HandlerFunc {
	return func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("Content-Type", "application/json")
		w.Header().Set("Content-Encoding", "gzip")
		w.WriteHeader(status)
		zw := gzip.NewWriter(w)
		_, _ = io.WriteString(zw, prefix)
		_ = zw.Close()
		member := zeroMember()
		for sent := int64(0); sent < size; sent += 1 << 20 {
			if _, err := w.Write(member); err != nil {
				return
			}
		}
	}
}

// zeroMember is a gzip member of 1 MiB of zero bytes.
var zeroMember = sync.OnceValue(func() []byte {
	var b bytes.Buffer
	zw, _ := gzip.NewWriterLevel(&b, gzip.BestCompression)
	_, _ = zw.Write(make([]byte, 1<<20))
	_ = zw.Close()
	return b.Bytes()
})

// pageOfFiles is a files_response of n files, about 130 bytes each.
func pageOfFiles(n int) string {
	var b strings.Builder
	b.WriteString(`{"data":[`)
	for i := range n {
		if i > 0 {
			b.WriteByte(',')
		}
		b.WriteString(fileJSON(fmt.Sprintf("6f1b2c3d-4e5f-4a6b-8c7d-%012x", i)))
	}
	b.WriteString(`],"has_more":false}`)
	return b.String()
}

// raw hijacks the connection and writes s as the whole response.
func raw(s string) http.HandlerFunc { return hijacked(s, 0) }

// hugeHeader sends the start of a 200 whose one header line is size bytes long.
func hugeHeader(size int64) http.HandlerFunc {
	return func(w http.ResponseWriter, r *http.Request) {
		conn, buf, err := http.NewResponseController(w).Hijack()
		if err != nil {
			return
		}
		defer conn.Close()
		_, _ = buf.WriteString("HTTP/1.1 200 OK\r\nX-Huge: ")
		chunk := []byte(strings.Repeat("k", 64<<10))
		for sent := int64(0); sent < size; sent += int64(len(chunk)) {
			if _, err := buf.Write(chunk); err != nil {
				return
			}
		}
	}
}

// redirectTo answers every request with a redirect to location(r).
func redirectTo(code int, location func(r *http.Request) string) http.HandlerFunc {
	return func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("Location", location(r))
		w.WriteHeader(code)
	}
}

// drip sends the headers of a 200, then one byte of body every interval.
func drip(interval time.Duration) http.HandlerFunc {
	return func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("Content-Type", "application/json")
		w.WriteHeader(http.StatusOK)
		rc := http.NewResponseController(w)
		for {
			if _, err := io.WriteString(w, " "); err != nil {
				return
			}
			_ = rc.Flush()
			select {
			case <-r.Context().Done():
				return
			case <-time.After(interval):
			}
		}
	}
}

// echoKey is Writer's error body with the key in every field, as a server that echoes the
// Authorization header might send it.
var echoKey = `{"tpe":"` + hostileKey + `","errors":[{"description":"Bearer ` + hostileKey + `","key":"` + hostileKey + `","extras":{"k":"` + hostileKey + `"}}],"extras":{}}`

func hostileCases() []hostileCase {
	invalid := writer.ErrInvalidResponse
	return []hostileCase{
		// Bodies that are huge, compressed or many.
		{name: "200 body of 200 MiB", handler: endless(200, `{"id":"`, 200<<20), call: getFile, want: invalid, maxRequests: 1},
		{name: "200 gzip bomb of 1 GiB", handler: gzipBomb(200, `{"id":"`, 1<<30), call: getFile, want: invalid, maxRequests: 1},
		{name: "200 gzip bomb list", handler: gzipBomb(200, `{"data":[`, 1<<30), call: listPage, want: invalid, maxRequests: 1},
		{name: "200 list of 100,000 files", handler: jsonAnswer(200, pageOfFiles(100_000)), call: listPage, want: invalid, maxRequests: 1},
		{name: "200 list of 60,000 files, just under the body cap", handler: jsonAnswer(200, pageOfFiles(60_000)), call: listPage, want: invalid, maxRequests: 1},
		{name: "200 list of 101 files", handler: jsonAnswer(200, pageOfFiles(101)), call: listPage, want: invalid, maxRequests: 1},
		{name: "503 body of 200 MiB", handler: endless(503, "busy ", 200<<20), call: getFile, want: writer.ErrServer},
		{name: "503 gzip bomb", handler: gzipBomb(503, "busy", 1<<30), call: retryFiles, want: writer.ErrServer},
		{name: "200 header of 200 MiB", handler: hugeHeader(200 << 20), call: getFile, want: errAny},
		// Truncated, slow, of the wrong type or shape.
		{name: "200 truncated", handler: raw("HTTP/1.1 200 OK\r\nContent-Type: application/json\r\nContent-Length: 500\r\n\r\n" + fileJSON(askedID)[:40]), call: getFile, want: io.ErrUnexpectedEOF, maxRequests: 1},
		{name: "200 cut JSON", handler: jsonAnswer(200, `{"id":`), call: getFile, want: invalid, maxRequests: 1},
		{name: "200 drips a byte every 50ms", handler: drip(50 * time.Millisecond), call: getFile, want: context.DeadlineExceeded, maxRequests: 1, deadline: time.Second},
		{name: "headers never come", handler: func(w http.ResponseWriter, r *http.Request) { <-r.Context().Done() },
			call: getFile, want: context.DeadlineExceeded, opts: []writer.Option{writer.WithRequestTimeout(100 * time.Millisecond)}, deadline: time.Second},
		{name: "200 null file", handler: jsonAnswer(200, `null`), call: getFile, want: invalid, maxRequests: 1},
		{name: "200 empty object file", handler: jsonAnswer(200, `{}`), call: getFile, want: invalid, maxRequests: 1},
		{name: "200 array for a file", handler: jsonAnswer(200, `[]`), call: getFile, want: invalid, maxRequests: 1},
		{name: "200 string for a file", handler: jsonAnswer(200, `"`+hostileKey+`"`), call: getFile, want: invalid, maxRequests: 1},
		{name: "200 id of the wrong type", handler: jsonAnswer(200, `{"id":12345,"name":"a","created_at":"2026-05-01T12:00:00Z","graph_ids":[],"status":"failed"}`), call: getFile, want: invalid, maxRequests: 1},
		{name: "200 file without graph_ids", handler: jsonAnswer(200, `{"id":"`+askedID+`","name":"a","created_at":"2026-05-01T12:00:00Z","status":"failed"}`), call: getFile, want: invalid, maxRequests: 1},
		{name: "200 HTML page", handler: func(w http.ResponseWriter, r *http.Request) {
			w.Header().Set("Content-Type", "text/html")
			_, _ = io.WriteString(w, "<html>"+hostileKey+"</html>")
		}, call: getFile, want: invalid, maxRequests: 1},
		{name: "200 upload answer {}", handler: jsonAnswer(200, `{}`), call: uploadFile, want: invalid, maxRequests: 1},
		{name: "204 for a file", handler: jsonAnswer(204, ``), call: getFile, want: invalid, maxRequests: 1},
		{name: "200 list {}", handler: jsonAnswer(200, `{}`), call: listPage, want: invalid, maxRequests: 1},
		{name: "200 list null", handler: jsonAnswer(200, `null`), call: listPage, want: invalid, maxRequests: 1},
		{name: "200 list without has_more", handler: jsonAnswer(200, `{"data":[]}`), call: listPage, want: invalid, maxRequests: 1},
		{name: "200 list without data", handler: jsonAnswer(200, `{"has_more":false}`), call: listPage, want: invalid, maxRequests: 1},
		{name: "200 list of an empty file", handler: jsonAnswer(200, `{"data":[{}],"has_more":false}`), call: listPage, want: invalid, maxRequests: 1},
		{name: "200 delete {}", handler: jsonAnswer(200, `{}`), call: deleteFile, want: invalid, maxRequests: 1},
		{name: "200 delete without deleted", handler: jsonAnswer(200, `{"id":"`+askedID+`"}`), call: deleteFile, want: invalid, maxRequests: 1},
		{name: "204 delete", handler: jsonAnswer(204, ``), call: deleteFile, maxRequests: 1},
		{name: "200 retry []", handler: jsonAnswer(200, `[]`), call: retryFiles, want: invalid, maxRequests: 1},
		{name: "204 retry", handler: jsonAnswer(204, ``), call: retryFiles, maxRequests: 1},
		// Answers about other ids.
		{name: "200 Get about another id", handler: jsonAnswer(200, fileJSON(otherID)), call: getFile, want: invalid, maxRequests: 1},
		{name: "200 Get about the key", handler: jsonAnswer(200, fileJSON(hostileKey)), call: getFile, want: invalid, maxRequests: 1},
		{name: "200 delete of another id", handler: jsonAnswer(200, `{"id":"`+otherID+`","deleted":true}`), call: deleteFile, want: invalid, maxRequests: 1},
		// Redirects of every kind.
		{name: "redirect to itself", handler: redirectTo(http.StatusFound, func(r *http.Request) string { return r.URL.Path }), call: getFile, want: errAny, maxRequests: 11},
		{name: "redirects that never end", handler: redirectTo(http.StatusTemporaryRedirect, func(r *http.Request) string {
			return r.URL.Path + "/x"
		}), call: retryFiles, want: errAny, maxRequests: 11},
		{name: "redirect loop with the key in Location", handler: redirectTo(http.StatusMovedPermanently, func(r *http.Request) string {
			return "/v1/files/" + askedID + "?key=" + hostileKey
		}), call: getFile, want: errAny, maxRequests: 11},
		{name: "redirect with the key as user information", handler: redirectTo(http.StatusFound, func(r *http.Request) string {
			return "http://" + hostileKey + "@" + r.Host + r.URL.Path
		}), call: getFile, want: errAny, maxRequests: 11},
		{name: "redirect to ftp", handler: redirectTo(http.StatusFound, func(r *http.Request) string { return "ftp://" + hostileKey + "@127.0.0.1/x" }), call: getFile, want: errAny, maxRequests: 1},
		{name: "301 without Location", handler: jsonAnswer(http.StatusMovedPermanently, echoKey), call: getFile, want: errAny, maxRequests: 1},
		{name: "308 with a body that echoes the key", handler: func(w http.ResponseWriter, r *http.Request) {
			w.Header().Set("Location", "::bad"+hostileKey)
			w.WriteHeader(http.StatusPermanentRedirect)
			_, _ = io.WriteString(w, hostileKey)
		}, call: deleteFile, want: errAny},
		// The key echoed in every field and header.
		{name: "401 echoes the key everywhere", handler: func(w http.ResponseWriter, r *http.Request) {
			for _, h := range []string{"X-Request-Id", "Request-Id", "Retry-After", "Retry-After-Ms", "X-Should-Retry", "Www-Authenticate"} {
				w.Header().Set(h, r.Header.Get("Authorization"))
			}
			jsonAnswer(http.StatusUnauthorized, echoKey)(w, r)
		}, call: retryFiles, want: writer.ErrUnauthorized, maxRequests: 1},
		{name: "429 echoes the key", handler: func(w http.ResponseWriter, r *http.Request) {
			w.Header().Set("Retry-After", hostileKey)
			jsonAnswer(http.StatusTooManyRequests, echoKey)(w, r)
		}, call: getFile, want: writer.ErrRateLimited},
		{name: "200 created_at is the key", handler: jsonAnswer(200, strings.Replace(fileJSON(askedID), "2026-05-01T12:00:00Z", hostileKey, 1)), call: getFile, want: invalid, maxRequests: 1},
		{name: "200 graph_ids hold the key", handler: jsonAnswer(200, strings.Replace(fileJSON(askedID), `[]`, `["`+hostileKey+`"]`, 1)), call: getFile, want: invalid, maxRequests: 1},
		{name: "200 status is a number echoing the key", handler: func(w http.ResponseWriter, r *http.Request) {
			w.Header().Set("X-Request-Id", digitKey)
			_, _ = io.WriteString(w, `{"id":"`+askedID+`","status":`+digitKey+`}`)
		}, call: getFile, want: invalid, maxRequests: 1, opts: []writer.Option{writer.WithAPIKey(digitKey)}},
		{name: "malformed status line echoes the key", handler: raw("HTTP/1.1 " + hostileKey + "\r\n\r\n"), call: getFile, want: errAny},
		{name: "malformed header echoes the key", handler: raw("HTTP/1.1 200 OK\r\n" + hostileKey + "\r\n\r\n"), call: getFile, want: errAny},
	}
}

// digitKey is an API key of digits only, which a JSON decode error may quote as a number.
const digitKey = "123456789012345678901234"

// errAny stands for "any error" in hostileCase.want.
var errAny = errors.New("any error")

func TestHostileServers(t *testing.T) {
	for _, tc := range hostileCases() {
		t.Run(tc.name, func(t *testing.T) {
			runHostile(t, tc)
		})
	}
}

// runHostile serves tc's handler on 127.0.0.1, counting requests, makes tc's call against
// it and checks the outcome.
func runHostile(t *testing.T, tc hostileCase) {
	t.Helper()
	var requests atomic.Int64
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		requests.Add(1)
		tc.handler(w, r)
	}))
	defer srv.Close()
	growth, err := callHostile(t, srv.URL, tc)
	checkHostile(t, tc, err, requests.Load(), growth)
}

// callHostile makes tc's call against url within a deadline and returns how much the heap
// grew during it, at most, and its error.
func callHostile(t *testing.T, url string, tc hostileCase) (uint64, error) {
	t.Helper()
	// The client's own transport, whose limits are part of what is tested.
	opts := append([]writer.Option{
		writer.WithBaseURL(url), writer.WithAPIKey(hostileKey),
		writer.WithRetryPolicy(writer.RetryPolicy{BaseDelay: time.Millisecond, MaxDelay: 2 * time.Millisecond, MaxRetryAfter: time.Second}),
		writer.WithRequestsPerMinute(writer.NoRateLimit),
	}, tc.opts...)
	client, err := writer.NewClient(opts...)
	if err != nil {
		t.Fatal(err)
	}
	deadline := tc.deadline
	if deadline == 0 {
		deadline = 5 * time.Second
	}
	ctx, cancel := context.WithTimeout(t.Context(), deadline)
	defer cancel()
	heap := watchHeap()
	err = tc.call(ctx, client)
	return heap(), err
}

// checkHostile checks a case's outcome: the error wanted, the requests bounded, the heap's
// growth bounded, and no text of the error chain holding a key.
func checkHostile(t *testing.T, tc hostileCase, err error, requests int64, growth uint64) {
	t.Helper()
	switch {
	case tc.want == nil && err != nil:
		t.Errorf("err = %v, want success", err)
	case errors.Is(tc.want, errAny) && err == nil:
		t.Errorf("err = nil, want an error")
	case tc.want != nil && !errors.Is(tc.want, errAny) && !errors.Is(err, tc.want):
		t.Errorf("err = %v, want it to match %v", err, tc.want)
	}
	limit := tc.maxRequests
	if limit == 0 {
		limit = 5 // 1 + the default 4 retries
	}
	if requests > limit {
		t.Errorf("the server got %d requests, want at most %d", requests, limit)
	}
	t.Logf("%d requests, heap growth %.1f MiB, err: %v", requests, float64(growth)/(1<<20), err)
	if growth > maxHeapGrowth {
		t.Errorf("the heap grew by %d MiB during the call, want at most %d MiB", growth>>20, maxHeapGrowth>>20)
	}
	// Half the key stands for any part of it that a cap or cut left behind.
	checkNoKey(t, err, hostileKey, digitKey, hostileKey[:len(hostileKey)/2])
}

// checkNoKey fails if %v or %+v of err, or the text or fields of any error in its chain,
// holds one of keys.
func checkNoKey(t *testing.T, err error, keys ...string) {
	t.Helper()
	texts := []string{fmt.Sprintf("%v", err), fmt.Sprintf("%+v", err)}
	for _, e := range chain(err) {
		texts = append(texts, e.Error(), fmt.Sprintf("%+v", e))
		var apiErr *writer.Error
		if errors.As(e, &apiErr) {
			texts = append(texts, string(apiErr.Body), apiErr.Type, apiErr.Key, apiErr.Description, apiErr.RequestID)
		}
	}
	for _, s := range texts {
		for _, k := range keys {
			if i := strings.Index(s, k); i >= 0 {
				t.Errorf("the error chain of %v holds the key: ...%q...", err, s[max(i-40, 0):min(i+len(k)+40, len(s))])
				return
			}
		}
	}
}

// chain returns err and every error it wraps, depth first.
func chain(err error) []error {
	if err == nil {
		return nil
	}
	out := []error{err}
	switch u := err.(type) { //nolint:errorlint // walking the chain by hand
	case interface{ Unwrap() error }:
		out = append(out, chain(u.Unwrap())...)
	case interface{ Unwrap() []error }:
		for _, e := range u.Unwrap() {
			out = append(out, chain(e)...)
		}
	}
	return out
}

// watchHeap samples the bytes of heap objects until the returned function is called, which
// returns the largest growth seen over the level at the start.
func watchHeap() func() uint64 {
	runtime.GC()
	sample := []metrics.Sample{{Name: "/memory/classes/heap/objects:bytes"}}
	read := func() uint64 {
		metrics.Read(sample)
		return sample[0].Value.Uint64()
	}
	base := read()
	var peak atomic.Uint64
	done := make(chan struct{})
	var wg sync.WaitGroup
	wg.Add(1)
	go func() {
		defer wg.Done()
		for {
			if v := read(); v > peak.Load() {
				peak.Store(v)
			}
			select {
			case <-done:
				return
			case <-time.After(100 * time.Microsecond):
			}
		}
	}()
	return func() uint64 {
		close(done)
		wg.Wait()
		if v := read(); v > peak.Load() {
			peak.Store(v)
		}
		return max(peak.Load(), base) - base
	}
}

// TestHostileRedirectToAnotherHost: a redirect from the API to another host is followed
// without the key, and the answer there is used.
func TestHostileRedirectToAnotherHost(t *testing.T) {
	var otherAuth atomic.Value
	other := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		otherAuth.Store(r.Header.Get("Authorization"))
		jsonAnswer(http.StatusOK, fileJSON(askedID))(w, r)
	}))
	defer other.Close()
	tc := hostileCase{handler: redirectTo(http.StatusTemporaryRedirect, func(r *http.Request) string { return other.URL + r.URL.Path }), call: getFile}
	runHostile(t, tc)
	if got, _ := otherAuth.Load().(string); got != "" {
		t.Errorf("the other host got Authorization %q, want none", got)
	}
}

// TestHostileTLS: a certificate that does not verify, or a server that does not speak TLS,
// fails at once: one connection, no retry.
func TestHostileTLS(t *testing.T) {
	for _, name := range []string{"untrusted certificate", "plain HTTP server"} {
		t.Run(name, func(t *testing.T) {
			var conns atomic.Int64
			srv := httptest.NewUnstartedServer(jsonAnswer(200, fileJSON(askedID)))
			srv.Config.ConnState = func(_ net.Conn, s http.ConnState) {
				if s == http.StateNew {
					conns.Add(1)
				}
			}
			if name == "untrusted certificate" {
				srv.StartTLS()
			} else {
				srv.Start()
			}
			defer srv.Close()
			url := "https://" + strings.TrimPrefix(strings.TrimPrefix(srv.URL, "https://"), "http://")
			tc := hostileCase{call: getFile, want: errAny}
			growth, err := callHostile(t, url, tc)
			checkHostile(t, tc, err, 0, growth)
			if n := conns.Load(); n != 1 {
				t.Errorf("%d connections, want 1 (not retried): %v", n, err)
			}
		})
	}
}

// TestHostileBaseURLWithKey: NewClient refuses a base URL that carries the key as user
// information, and its error does not show it.
func TestHostileBaseURLWithKey(t *testing.T) {
	for _, base := range []string{
		"https://" + hostileKey + "@api.writer.com",
		"https://user:" + hostileKey + "@api.writer.com",
		"https://" + hostileKey + ":x@[::1",
		"https://" + hostileKey + "@api.writer.com:" + hostileKey,
		"http://example.com/" + hostileKey + "/v1",
	} {
		_, err := writer.NewClient(writer.WithAPIKey(hostileKey), writer.WithBaseURL(base))
		if !errors.Is(err, writer.ErrInvalidInput) {
			t.Errorf("NewClient(%q) = %v, want ErrInvalidInput", base, err)
		}
		checkNoKey(t, err, hostileKey)
	}
}

// TestHostileStatusCodes: any status a server can send ends the call with an *Error or a
// success, within its requests, without the key.
func TestHostileStatusCodes(t *testing.T) {
	for _, code := range []int{100, 199, 201, 202, 203, 206, 226, 299, 300, 304, 399, 400, 418, 451, 499, 500, 599, 600, 999} {
		t.Run(strconv.Itoa(code), func(t *testing.T) {
			tc := hostileCase{handler: raw("HTTP/1.1 " + strconv.Itoa(code) + " " + hostileKey + "\r\nContent-Type: application/json\r\nContent-Length: 2\r\n\r\n{}"),
				call: deleteFile, want: errAny}
			runHostile(t, tc)
		})
	}
}
