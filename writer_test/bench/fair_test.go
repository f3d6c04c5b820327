package bench

import (
	"bytes"
	"context"
	"io"
	"net/http"
	"net/http/httptest"
	"sync"
	"testing"
)

// TestClientAndFloorSendTheSameRequest keeps the comparison fair: both send the same method,
// path and body bytes with the same headers set, and both accept the same response.
func TestClientAndFloorSendTheSameRequest(t *testing.T) {
	type seen struct {
		method, path, body                   string
		auth, contentType, userAgent, accept string
	}
	var mu sync.Mutex
	var got []seen
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		body, _ := io.ReadAll(r.Body)
		mu.Lock()
		got = append(got, seen{r.Method, r.URL.Path, string(body),
			r.Header.Get("Authorization"), r.Header.Get("Content-Type"), r.Header.Get("User-Agent"), r.Header.Get("Accept-Encoding")})
		mu.Unlock()
		r.Body = io.NopCloser(bytes.NewReader(body))
		serveRetry(w, r)
	}))
	defer srv.Close()
	ids := fileIDs(3)
	client := newClient(t, srv.URL)
	if err := client.Files.Retry(context.Background(), ids); err != nil {
		t.Fatalf("client: %v", err)
	}
	if err := newFloor(srv.URL).retry(context.Background(), ids); err != nil {
		t.Fatalf("floor: %v", err)
	}
	if len(got) != 2 {
		t.Fatalf("server saw %d requests, want 2", len(got))
	}
	c, f := got[0], got[1]
	if c.method != f.method || c.path != f.path || c.body != f.body {
		t.Errorf("client sent %s %s %s,\nfloor sent  %s %s %s", c.method, c.path, c.body, f.method, f.path, f.body)
	}
	if c.auth != f.auth || c.contentType != f.contentType || c.accept != f.accept {
		t.Errorf("headers differ: client %+v, floor %+v", c, f)
	}
	if c.userAgent == "" || f.userAgent == "" {
		t.Errorf("User-Agent missing: client %q, floor %q", c.userAgent, f.userAgent)
	}
}
