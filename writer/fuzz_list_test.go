package writer

import (
	"context"
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"strings"
	"sync"
	"testing"
	"time"
)

// fuzzFiles is the number of files the random list server of FuzzListServer knows. Each has
// a fixed id and created_at (files 2k and 2k+1 share one), as a file's do.
const fuzzFiles = 12

// randomLister is a GET /v1/files that answers from script: each page takes a byte for its
// length (0 to 5 files, so pages may be empty), a byte per file for which of fuzzFiles it
// is (repeats welcome), and a byte for has_more. When script runs out, pages are empty and
// end the listing. POST /v1/files/retry counts each id it carries and accepts.
type randomLister struct {
	mu      sync.Mutex
	script  []byte
	pages   int
	retried map[string]int
}

func (l *randomLister) next() byte {
	if len(l.script) == 0 {
		return 0
	}
	b := l.script[0]
	l.script = l.script[1:]
	return b
}

func (l *randomLister) RoundTrip(req *http.Request) (*http.Response, error) {
	l.mu.Lock()
	defer l.mu.Unlock()
	body := `{"success":true}`
	if req.Method == http.MethodPost {
		var in struct {
			FileIDs []string `json:"file_ids"`
		}
		if err := json.NewDecoder(req.Body).Decode(&in); err != nil {
			return nil, err
		}
		for _, id := range in.FileIDs {
			l.retried[id]++
		}
	} else {
		l.pages++
		var files []string
		for range l.next() % 6 {
			k := int(l.next()) % fuzzFiles
			files = append(files, fmt.Sprintf(`{"id":"%08d-0000-4000-8000-000000000000","name":"f.pdf","created_at":"%s","graph_ids":[],"status":"failed"}`,
				k, time.Date(2026, 1, 1, 0, 0, k/2, 0, time.UTC).Format(time.RFC3339)))
		}
		body = fmt.Sprintf(`{"data":[%s],"has_more":%t}`, strings.Join(files, ","), l.next()%2 == 1)
	}
	return &http.Response{StatusCode: http.StatusOK, Header: http.Header{"Content-Type": {"application/json"}},
		Body: io.NopCloser(strings.NewReader(body)), ContentLength: int64(len(body)), Request: req}, nil
}

// FuzzListServer plays a random list server against List and RetryFailed. The bound: each
// listing ends after at most fuzzFiles+1 pages (every page after the first names a cursor,
// one of the server's fuzzFiles ids, and no cursor is used twice), and no file is retried
// twice.
func FuzzListServer(f *testing.F) {
	f.Add([]byte{2, 0, 1, 1, 2, 2, 3, 1, 2, 0, 1, 1}, byte(1))
	f.Add([]byte{3, 0, 1, 2, 1, 3, 3, 4, 5, 1, 3, 0, 1, 2, 1}, byte(2))
	f.Add([]byte{1, 5, 1, 0, 1, 1, 5, 1}, byte(3))
	f.Add([]byte{5, 0, 0, 1, 1, 2, 1, 5, 2, 2, 3, 3, 4, 1}, byte(4))
	f.Fuzz(func(t *testing.T, script []byte, batch byte) {
		for _, name := range []string{"List", "RetryFailed"} {
			l := &randomLister{script: script, retried: map[string]int{}}
			c, err := NewClient(WithAPIKey("k"), WithMaxRetries(0), WithRequestsPerMinute(NoRateLimit), WithHTTPClient(&http.Client{Transport: l}))
			if err != nil {
				t.Fatal(err)
			}
			ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
			if name == "List" {
				for _, err := range c.Files.List(ctx, nil) {
					if err != nil {
						break
					}
				}
			} else {
				_, _ = c.Files.RetryFailed(ctx, &RetryFailedOptions{BatchSize: 1 + int(batch%5)})
			}
			timedOut := ctx.Err() != nil
			cancel()
			if timedOut || l.pages > fuzzFiles+1 {
				t.Fatalf("%s read %d pages (timed out: %v), want at most %d", name, l.pages, timedOut, fuzzFiles+1)
			}
			for id, n := range l.retried {
				if n > 1 {
					t.Fatalf("%s retried %s %d times", name, id, n)
				}
			}
		}
	})
}
