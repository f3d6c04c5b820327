package writer_test

import (
	"context"
	"errors"
	"io"
	"maps"
	"net/http"
	"net/http/httptest"
	"slices"
	"strings"
	"testing"

	"github.com/writerfiles/writer-go/writer"
)

const (
	extraID   = "3c90c3cc-0d44-4b50-8888-8dd25736052a"
	extraFile = `{"id":"` + extraID + `","name":"a.pdf","created_at":"2026-01-02T03:04:05Z","graph_ids":[],"status":"completed"`
)

// extraServer answers GET and POST /v1/files and GET /v1/files/{id} with file, a
// file_response, and pages of files with pageExtra added to files_response.
func extraServer(t *testing.T, file, pageExtra string) *writer.Client {
	t.Helper()
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		_, _ = io.Copy(io.Discard, r.Body)
		w.Header().Set("Content-Type", "application/json")
		if r.Method == http.MethodGet && r.URL.Path == "/v1/files" {
			_, _ = io.WriteString(w, `{"data":[`+file+`],"has_more":false`+pageExtra+`}`)
			return
		}
		_, _ = io.WriteString(w, file)
	}))
	t.Cleanup(srv.Close)
	return doClient(t, srv, writer.WithMaxRetries(0))
}

// filesOf returns the file of each path that converts a file_response: Get, Upload,
// ListPage and List, and the page of ListPage.
func filesOf(t *testing.T, c *writer.Client) (map[string]writer.File, writer.Page) {
	t.Helper()
	ctx := context.Background()
	got := map[string]writer.File{}
	f, err := c.Files.Get(ctx, extraID)
	if err != nil {
		t.Fatalf("Get: %v", err)
	}
	got["Get"] = f
	if f, err = c.Files.Upload(ctx, writer.UploadParams{Name: "a.pdf", Body: strings.NewReader("%PDF")}); err != nil {
		t.Fatalf("Upload: %v", err)
	}
	got["Upload"] = f
	page, err := c.Files.ListPage(ctx, nil, writer.Cursor{})
	if err != nil || len(page.Files) != 1 {
		t.Fatalf("ListPage: %d files, %v; want 1 file", len(page.Files), err)
	}
	got["ListPage"] = page.Files[0]
	for f, err := range c.Files.List(ctx, nil) {
		if err != nil {
			t.Fatalf("List: %v", err)
		}
		got["List"] = f
	}
	return got, page
}

func TestFileExtraKeepsUndeclaredProperties(t *testing.T) {
	c := extraServer(t, extraFile+`,"origin_url":"https://example.com/a.pdf","origin":{"kind":"crawl","depth":[1,2]}}`, `,"total":1`)
	files, page := filesOf(t, c)
	want := map[string]string{"origin_url": `"https://example.com/a.pdf"`, "origin": `{"kind":"crawl","depth":[1,2]}`}
	for path, f := range files {
		got := map[string]string{}
		for k, v := range f.Extra {
			got[k] = string(v)
		}
		if !maps.Equal(got, want) {
			t.Errorf("%s: File.Extra = %v, want %v", path, got, want)
		}
		if f.ID != extraID || f.Name != "a.pdf" || f.Status != writer.StatusCompleted || f.CreatedAt.IsZero() {
			t.Errorf("%s: declared properties lost: %+v", path, f)
		}
	}
	if got := string(page.Extra["total"]); got != "1" || len(page.Extra) != 1 {
		t.Errorf("Page.Extra = %v, want total: 1", page.Extra)
	}
}

func TestFileExtraIsNilWithoutUndeclaredProperties(t *testing.T) {
	// Property names match without regard to case, as encoding/json matches them.
	for _, file := range []string{extraFile + `}`, strings.Replace(extraFile, `"name"`, `"Name"`, 1) + `}`} {
		files, page := filesOf(t, extraServer(t, file, ""))
		for path, f := range files {
			if f.Extra != nil {
				t.Errorf("%s of %s: File.Extra = %v, want nil", path, file, f.Extra)
			}
		}
		if page.Extra != nil {
			t.Errorf("Page.Extra = %v, want nil", page.Extra)
		}
	}
}

// An undeclared property does not hide a declared one of the wrong type that follows it.
func TestFileExtraStillChecksDeclaredProperties(t *testing.T) {
	c := extraServer(t, `{"origin_url":"x",`+strings.TrimPrefix(strings.Replace(extraFile, `"name":"a.pdf"`, `"name":7`, 1), "{")+`}`, "")
	_, err := c.Files.Get(context.Background(), extraID)
	if !errors.Is(err, writer.ErrInvalidResponse) {
		t.Errorf("Get: err = %v, want ErrInvalidResponse", err)
	}
	_, err = c.Files.ListPage(context.Background(), nil, writer.Cursor{})
	if !errors.Is(err, writer.ErrInvalidResponse) {
		t.Errorf("ListPage: err = %v, want ErrInvalidResponse", err)
	}
}

// Only keys count, wherever the text of a value looks like one.
func TestFileExtraReadsOnlyKeys(t *testing.T) {
	for _, tc := range []struct {
		name, file string
		want       []string
	}{
		{"a quoted key in a value", strings.Replace(extraFile, `"a.pdf"`, `"a\",\"origin_url\":\"x.pdf"`, 1) + `}`, nil},
		{"a value ending in a backslash", strings.Replace(extraFile, `"a.pdf"`, `"a\\"`, 1) + `,"origin_url":"x"}`, []string{"origin_url"}},
		{"space before the colon", extraFile + `,"origin_url" : "x"}`, []string{"origin_url"}},
		{"an escaped declared key", strings.Replace(extraFile, `"name"`, `"n\u0061me"`, 1) + `}`, nil},
		{"an escaped undeclared key", extraFile + `,"origin_r\u0065f":1}`, []string{"origin_ref"}},
		{"declared names nested in an undeclared object", extraFile + `,"origin":{"id":"x","data":[{"name":1}]}}`, []string{"origin"}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			files, _ := filesOf(t, extraServer(t, tc.file, ""))
			for path, f := range files {
				if got := slices.Sorted(maps.Keys(f.Extra)); !slices.Equal(got, tc.want) {
					t.Errorf("%s: File.Extra has %q, want %q", path, got, tc.want)
				}
			}
		})
	}
}
