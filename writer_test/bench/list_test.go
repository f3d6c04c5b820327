package bench

import (
	"context"
	"encoding/json"
	"fmt"
	"net/http"
	"net/http/httptest"
	"net/url"
	"testing"
	"time"

	"github.com/writerfiles/writer-go/writer"
)

// listFiles and listPageSize are the listing BenchmarkList pages through: 100 pages.
const (
	listFiles    = 10_000
	listPageSize = 100
)

// listBase is the created_at of file 0; file i was created i seconds later.
var listBase = time.Date(2026, 1, 1, 0, 0, 0, 0, time.UTC)

// fileID returns the id of file i of a synthetic listing, a canonical UUID that ends in i+1.
func fileID(i int) string { return fmt.Sprintf("3c90c3cc-0d44-4b50-8888-%012x", i+1) }

// page is a files_response page with its files as structs (the floor decodes into it).
type page struct {
	Data    []fileResponse `json:"data"`
	HasMore bool           `json:"has_more"`
	FirstID *string        `json:"first_id"`
	LastID  *string        `json:"last_id"`
}

// listPageBody returns the files_response of the files [from, to) of a listing of total.
func listPageBody(from, to, total int, status string) []byte {
	p := page{Data: make([]fileResponse, 0, to-from), HasMore: to < total}
	for i := from; i < to; i++ {
		p.Data = append(p.Data, fileResponse{
			ID: fileID(i), Name: fmt.Sprintf("report-%d.pdf", i), Status: status,
			CreatedAt: listBase.Add(time.Duration(i) * time.Second),
			GraphIDs:  []string{"9bf8a8b4-6a5e-4e0c-9d8d-2b1f7f0e7a10"},
		})
	}
	if len(p.Data) > 0 {
		p.FirstID, p.LastID = &p.Data[0].ID, &p.Data[len(p.Data)-1].ID
	}
	body, err := json.Marshal(p)
	if err != nil {
		panic(err)
	}
	return body
}

// newListServer starts a server on 127.0.0.1 that answers GET /v1/files?limit=100[&after=id]
// with the pages of a listing of listFiles completed files, computed once: the cost of a
// page on the server is a map lookup and a write, the same for client and floor.
func newListServer(tb testing.TB) *httptest.Server {
	tb.Helper()
	pages := map[string][]byte{} // by the after cursor that asks for the page
	for from := 0; from < listFiles; from += listPageSize {
		after := ""
		if from > 0 {
			after = fileID(from - 1)
		}
		pages[after] = listPageBody(from, min(from+listPageSize, listFiles), listFiles, "completed")
	}
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		q := r.URL.Query()
		switch {
		case r.Method != http.MethodGet || r.URL.Path != "/v1/files":
			http.NotFound(w, r)
			return
		case r.Header.Get("Authorization") != "Bearer "+apiKey:
			http.Error(w, `{"tpe":"unauthorized"}`, http.StatusUnauthorized)
			return
		case q.Get("limit") != fmt.Sprint(listPageSize):
			http.Error(w, "limit", http.StatusBadRequest)
			return
		}
		body, ok := pages[q.Get("after")]
		if !ok {
			http.Error(w, "unknown cursor", http.StatusBadRequest)
			return
		}
		w.Header().Set("Content-Type", "application/json")
		_, _ = w.Write(body)
	}))
	tb.Cleanup(srv.Close)
	return srv
}

// list is the floor's listing: GET /v1/files?limit=100, then with after set to the previous
// page's last file id until has_more is false, each page decoded into structs. It returns
// the number of files it saw.
func (f *floor) list(ctx context.Context) (int, error) {
	n, after := 0, ""
	for {
		q := url.Values{"limit": {fmt.Sprint(listPageSize)}}
		if after != "" {
			q.Set("after", after)
		}
		req, err := http.NewRequestWithContext(ctx, http.MethodGet, f.base+"/v1/files?"+q.Encode(), nil)
		if err != nil {
			return n, err
		}
		var p page
		if err := f.doJSON(req, &p); err != nil {
			return n, err
		}
		n += len(p.Data)
		if !p.HasMore || len(p.Data) == 0 {
			return n, nil
		}
		after = p.Data[len(p.Data)-1].ID
	}
}

// listImpls are the client's and the floor's listing of all listFiles files; each fails
// unless it saw every file.
func listImpls(tb testing.TB) [2]func() error {
	tb.Helper()
	srv := newListServer(tb)
	client := newClient(tb, srv.URL)
	fl := newFloor(srv.URL)
	ctx := context.Background()
	count := func(n int) error {
		if n != listFiles {
			return fmt.Errorf("listed %d files, want %d", n, listFiles)
		}
		return nil
	}
	return [2]func() error{
		func() error {
			n := 0
			for f, err := range client.Files.List(ctx, &writer.ListOptions{Limit: listPageSize}) {
				if err != nil {
					return err
				}
				if f.ID != "" {
					n++
				}
			}
			return count(n)
		},
		func() error {
			n, err := fl.list(ctx)
			if err != nil {
				return err
			}
			return count(n)
		},
	}
}

// BenchmarkList is Files.List over 10,000 files, 100 per page (100 requests per op),
// against the floor paging the same way.
func BenchmarkList(b *testing.B) {
	fns := listImpls(b)
	for i, impl := range []string{"client", "floor"} {
		b.Run("impl="+impl, func(b *testing.B) {
			if err := fns[i](); err != nil { // connect outside the timing
				b.Fatal(err)
			}
			b.ReportAllocs()
			b.ResetTimer()
			for range b.N {
				if err := fns[i](); err != nil {
					b.Fatal(err)
				}
			}
		})
	}
}

// BenchmarkListPair is BenchmarkList for make bench-check: client and floor in alternating
// blocks of one listing within one run (see runPair).
func BenchmarkListPair(b *testing.B) {
	fns := listImpls(b)
	for _, f := range fns {
		if err := f(); err != nil { // connect outside the timing
			b.Fatal(err)
		}
	}
	b.ResetTimer()
	runPairBlocks(b, 1, fns[0], fns[1])
}
