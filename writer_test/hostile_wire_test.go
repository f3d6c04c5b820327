package writer_test

import (
	"bytes"
	"compress/gzip"
	"context"
	"io"
	"net/http"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/writerfiles/writer-go/writer"
)

// More of the hostile-server suite: answers that bend HTTP itself (1xx, lengths that lie,
// close-delimited bodies), waits no client should honour, and the key where a plain search
// for it misses it: escaped in JSON, compressed, cut in two by a body cap, or in the
// Location of a redirect to another host.

// listAll reads every page of List, stopping at the first error.
func listAll(ctx context.Context, c *writer.Client) error {
	for _, err := range c.Files.List(ctx, nil) {
		if err != nil {
			return err
		}
	}
	return nil
}

// hijacked writes head as the start of the response, then filler until the client goes
// away or limit bytes were sent.
func hijacked(head string, limit int64) http.HandlerFunc {
	return func(w http.ResponseWriter, r *http.Request) {
		conn, buf, err := http.NewResponseController(w).Hijack()
		if err != nil {
			return
		}
		defer conn.Close()
		_, _ = buf.WriteString(head)
		chunk := []byte(strings.Repeat("a", 64<<10))
		for sent := int64(0); sent < limit; sent += int64(len(chunk)) {
			if _, err := buf.Write(chunk); err != nil {
				return
			}
		}
		_ = buf.Flush()
	}
}

// gzipped answers status with body gzip-compressed.
func gzipped(status int, body string) http.HandlerFunc {
	return func(w http.ResponseWriter, r *http.Request) {
		var b bytes.Buffer
		zw := gzip.NewWriter(&b)
		_, _ = io.WriteString(zw, body)
		_ = zw.Close()
		w.Header().Set("Content-Type", "application/json")
		w.Header().Set("Content-Encoding", "gzip")
		w.WriteHeader(status)
		_, _ = w.Write(b.Bytes())
	}
}

// withHeader answers as next does, with header k set to v.
func withHeader(k, v string, next http.HandlerFunc) http.HandlerFunc {
	return func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set(k, v)
		next(w, r)
	}
}

// jsonEscaped is hostileKey with every letter written as a JSON \u escape.
func jsonEscaped(s string) string {
	var b strings.Builder
	for _, r := range s {
		if 'A' <= r && r <= 'Z' || 'a' <= r && r <= 'z' {
			b.WriteString(`\u` + strconv.FormatInt(int64(r)+0x10000, 16)[1:])
			continue
		}
		b.WriteRune(r)
	}
	return b.String()
}

// keyAcrossCap is filler that puts the first half of the key just before a 1 MiB body cap
// and the rest after it.
func keyAcrossCap(prefix string) string {
	half := len(hostileKey) / 2
	return prefix + strings.Repeat(" ", 1<<20-len(prefix)-half) + hostileKey + " "
}

func wireCases() []hostileCase {
	invalid := writer.ErrInvalidResponse
	escaped := jsonEscaped(hostileKey)
	return []hostileCase{
		{name: "1xx answers that never end", handler: hijacked("HTTP/1.1 103 Early Hints\r\nLink: <"+hostileKey+">\r\n\r\n"+
			strings.Repeat("HTTP/1.1 100 Continue\r\n\r\n", 10_000), 0), call: getFile, want: errAny},
		{name: "1xx with the key, then a file", handler: raw("HTTP/1.1 103 " + hostileKey + "\r\nLink: " + hostileKey + "\r\n\r\n" +
			"HTTP/1.1 200 OK\r\nContent-Type: application/json\r\nContent-Length: " + strconv.Itoa(len(fileJSON(askedID))) + "\r\n\r\n" + fileJSON(askedID)),
			call: getFile, maxRequests: 1},
		{name: "204 delete with a body that never ends", handler: hijacked("HTTP/1.1 204 No Content\r\n\r\n", 200<<20), call: deleteFile, maxRequests: 1},
		{name: "200 Content-Length of 2^62, short body", handler: raw("HTTP/1.1 200 OK\r\nContent-Type: application/json\r\nContent-Length: 4611686018427387904\r\n\r\n" + fileJSON(askedID)),
			call: getFile, want: io.ErrUnexpectedEOF, maxRequests: 1},
		{name: "200 Content-Length of 8 MiB, short body", handler: raw("HTTP/1.1 200 OK\r\nContent-Type: application/json\r\nContent-Length: 8388608\r\n\r\n" + fileJSON(askedID)),
			call: getFile, want: io.ErrUnexpectedEOF, maxRequests: 1},
		{name: "200 Content-Length shorter than the body", handler: raw("HTTP/1.1 200 OK\r\nContent-Type: application/json\r\nContent-Length: 10\r\n\r\n" + fileJSON(askedID)),
			call: getFile, want: invalid, maxRequests: 1},
		{name: "200 two Content-Lengths", handler: raw("HTTP/1.1 200 OK\r\nContent-Length: 2\r\nContent-Length: 3\r\n\r\n{}"), call: getFile, want: errAny},
		{name: "HTTP/1.0 close-delimited 200 of 200 MiB", handler: hijacked("HTTP/1.0 200 OK\r\nContent-Type: application/json\r\n\r\n{\"id\":\"", 200<<20),
			call: getFile, want: invalid, maxRequests: 1},
		{name: "HTTP/1.0 close-delimited 503 of 200 MiB", handler: hijacked("HTTP/1.0 503 Busy\r\n\r\n", 200<<20), call: getFile, want: writer.ErrServer},
		{name: "503 drips its body", handler: func(w http.ResponseWriter, r *http.Request) {
			w.Header().Set("Content-Type", "text/plain")
			w.WriteHeader(http.StatusServiceUnavailable)
			drip(50*time.Millisecond)(w, r)
		}, call: getFile, want: context.DeadlineExceeded, maxRequests: 1, deadline: time.Second},
		{name: "429 Retry-After of 10 years", handler: withHeader("Retry-After", "315360000", jsonAnswer(429, echoKey)), call: getFile, want: writer.ErrRateLimited, maxRequests: 1},
		{name: "503 Retry-After a date in 10 years", handler: withHeader("Retry-After", time.Now().AddDate(10, 0, 0).UTC().Format(http.TimeFormat), jsonAnswer(503, echoKey)),
			call: getFile, want: writer.ErrRateLimited, maxRequests: 1},
		{name: "429 retry-after-ms of 1e300", handler: withHeader("Retry-After-Ms", "1"+strings.Repeat("0", 300), jsonAnswer(429, echoKey)), call: getFile, want: writer.ErrRateLimited, maxRequests: 1},
		{name: "list page with has_more and no data", handler: jsonAnswer(200, `{"data":[],"has_more":true}`), call: listAll, maxRequests: 1},
		{name: "401 gzip body echoing the key", handler: gzipped(401, echoKey), call: getFile, want: writer.ErrUnauthorized, maxRequests: 1},
		{name: "401 body with the key as JSON escapes", handler: jsonAnswer(401, strings.ReplaceAll(echoKey, hostileKey, escaped)), call: getFile, want: writer.ErrUnauthorized, maxRequests: 1},
		{name: "200 file id with the key as JSON escapes", handler: jsonAnswer(200, fileJSON(escaped)), call: getFile, want: invalid, maxRequests: 1},
		{name: "401 body with the key across the 1 MiB cap", handler: jsonAnswer(401, keyAcrossCap("")), call: getFile, want: writer.ErrUnauthorized, maxRequests: 1},
		{name: "200 bad JSON with the key across the 1 MiB excerpt", handler: jsonAnswer(200, keyAcrossCap(`{"id":`)), call: getFile, want: invalid, maxRequests: 1},
	}
}

func TestHostileWire(t *testing.T) {
	for _, tc := range wireCases() {
		t.Run(tc.name, func(t *testing.T) {
			runHostile(t, tc)
		})
	}
}

// TestHostileRedirectElsewhereWithKey: a redirect to another host whose Location holds the
// key, there refused, leaves the key out of every error.
func TestHostileRedirectElsewhereWithKey(t *testing.T) {
	tc := hostileCase{handler: redirectTo(http.StatusFound, func(r *http.Request) string {
		return "http://127.0.0.1:1/" + hostileKey + "?k=" + hostileKey + "#" + hostileKey
	}), call: getFile, want: errAny}
	runHostile(t, tc)
}
