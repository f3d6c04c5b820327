package writertest

import (
	"io"
	"net/http"
	"net/http/httptest"
	"slices"
	"strings"
	"testing"
)

// getFiles sends an authorized GET /v1/files/{id} to srv for each id.
func getFiles(t *testing.T, srv *Server, ids ...string) {
	t.Helper()
	for _, id := range ids {
		req, err := http.NewRequestWithContext(t.Context(), http.MethodGet, srv.URL+"/v1/files/"+id, nil)
		if err != nil {
			t.Fatal(err)
		}
		req.Header.Set("Authorization", "Bearer "+srv.APIKey)
		resp, err := http.DefaultClient.Do(req)
		if err != nil {
			t.Fatal(err)
		}
		resp.Body.Close()
	}
}

func paths(reqs []Request) []string {
	var out []string
	for _, r := range reqs {
		out = append(out, r.Path)
	}
	return out
}

func TestWithRequestLogKeepsTheLastN(t *testing.T) {
	ids := []string{"a", "b", "c", "d", "e", "f", "g"}
	for _, tt := range []struct {
		n           int
		want2, want []string // after 2 requests, after 7
	}{
		{3, []string{"/v1/files/a", "/v1/files/b"}, []string{"/v1/files/e", "/v1/files/f", "/v1/files/g"}},
		{7, []string{"/v1/files/a", "/v1/files/b"}, []string{"/v1/files/a", "/v1/files/b", "/v1/files/c", "/v1/files/d", "/v1/files/e", "/v1/files/f", "/v1/files/g"}},
		{0, nil, nil},
		{-1, nil, nil},
	} {
		srv := NewServer(t, WithRequestLog(tt.n))
		getFiles(t, srv, ids[:2]...)
		if got := paths(srv.Requests()); !slices.Equal(got, tt.want2) {
			t.Errorf("WithRequestLog(%d), 2 requests: Requests() = %q, want %q", tt.n, got, tt.want2)
		}
		getFiles(t, srv, ids[2:]...)
		if got := paths(srv.Requests()); !slices.Equal(got, tt.want) {
			t.Errorf("WithRequestLog(%d), 7 requests: Requests() = %q, want %q", tt.n, got, tt.want)
		}
	}
	srv := NewServer(t)
	getFiles(t, srv, ids...)
	if got := len(srv.Requests()); got != len(ids) {
		t.Errorf("by default Requests() holds %d requests, want all %d", got, len(ids))
	}
}

// countingReader is an endless run of x, counting the bytes read.
type countingReader struct{ n int }

func (c *countingReader) Read(p []byte) (int, error) {
	for i := range p {
		p[i] = 'x'
	}
	c.n += len(p)
	return len(p), nil
}

// TestRecordReadsAtMostOneMiB: the log reads at most 1 MiB of a JSON body, whoever sends
// it, and the handler still gets the body from its first byte.
func TestRecordReadsAtMostOneMiB(t *testing.T) {
	srv := NewServer(t)
	body := &countingReader{}
	req := httptest.NewRequestWithContext(t.Context(), http.MethodPost, "/v1/files/retry", io.MultiReader(strings.NewReader(`{"file_ids":"`), io.LimitReader(body, 8<<20)))
	req.Header.Set("Content-Type", "application/json")
	srv.record(req, false)
	if body.n > maxJSONBody {
		t.Errorf("record read %d bytes of the body, want at most %d", body.n, maxJSONBody)
	}
	if got := srv.Requests()[0].Body; len(got) != maxJSONBody || !strings.HasPrefix(string(got), `{"file_ids":"x`) {
		t.Errorf("the log keeps %d bytes starting %.20q, want the first %d", len(got), got, maxJSONBody)
	}
	head := make([]byte, 14)
	if _, err := io.ReadFull(req.Body, head); err != nil || string(head) != `{"file_ids":"x` {
		t.Errorf("the handler reads %q (%v), want the body from its start", head, err)
	}
}

// TestJSONBodyOverOneMiB: retry and addFileToGraph read at most 1 MiB of a body and answer
// a longer one 400.
func TestJSONBodyOverOneMiB(t *testing.T) {
	const id = "0a1f7d3c-5b9e-4c2a-8f6d-1e2b3c4d5e6f"
	for _, target := range []string{"/v1/files/retry", "/v1/graphs/" + testGraph + "/file"} {
		srv := NewServer(t, WithRequestLog(0))
		srv.AddGraphs(Graph{ID: testGraph})
		srv.AddFiles(File{ID: id, Status: StatusFailed})
		pad := &countingReader{}
		body := io.MultiReader(strings.NewReader(`{"file_ids":["`+id+`"],"file_id":"`+id+`","pad":"`), io.LimitReader(pad, 2<<20), strings.NewReader(`"}`))
		req := httptest.NewRequestWithContext(t.Context(), http.MethodPost, target, body)
		req.Header.Set("Authorization", "Bearer "+srv.APIKey)
		req.Header.Set("Content-Type", "application/json")
		w := httptest.NewRecorder()
		srv.srv.Config.Handler.ServeHTTP(w, req)
		if w.Code != http.StatusBadRequest || pad.n > maxJSONBody+64<<10 {
			t.Errorf("POST %s with a 2 MiB body: %d %s after reading %d bytes; want 400 after about 1 MiB", target, w.Code, w.Body, pad.n)
		}
	}
}
