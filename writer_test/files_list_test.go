package writer_test

import (
	"cmp"
	"context"
	"errors"
	"fmt"
	"net/http"
	"net/url"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/writerfiles/writer-go/writer"
	"github.com/writerfiles/writer-go/writertest"
)

const (
	graphA = "31a8b75a-9a90-432f-8861-942229125333"
	graphB = "704ffd94-de04-4de2-9f8b-f9fc04831edd"
)

// fileID returns the i-th test file id, a UUID.
func fileID(i int) string { return fmt.Sprintf("%08x-0000-4000-8000-%012x", i*2654435761%(1<<32), i) }

// manyFiles returns n files created one second apart, except that each pair shares its
// creation time (so the order must fall back to the id), with statuses, graphs and types
// cycling so that every filter selects a known part.
func manyFiles(n int) []writertest.File {
	base := time.Date(2026, 1, 2, 3, 4, 5, 123456000, time.UTC)
	statuses := []writer.Status{writertest.StatusFailed, writertest.StatusCompleted, writertest.StatusInProgress}
	graphs := [][]string{{graphA}, {graphB}, {graphA, graphB}, {}}
	exts := []string{"pdf", "docx", "txt", "PDF", "csv"}
	files := make([]writertest.File, n)
	for i := range files {
		files[i] = writertest.File{
			ID:        fileID(i),
			Name:      fmt.Sprintf("file %d.%s", i, exts[i%len(exts)]),
			Status:    statuses[i%len(statuses)],
			GraphIDs:  graphs[i%len(graphs)],
			CreatedAt: base.Add(time.Duration(i/2) * time.Second),
		}
	}
	return files
}

// sortedIDs returns the ids of files ordered by creation time, then id.
func sortedIDs(files []writertest.File, desc bool) []string {
	files = slices.Clone(files)
	slices.SortFunc(files, func(a, b writertest.File) int {
		return cmp.Or(a.CreatedAt.Compare(b.CreatedAt), strings.Compare(a.ID, b.ID))
	})
	ids := make([]string, len(files))
	for i, f := range files {
		ids[i] = f.ID
	}
	if desc {
		slices.Reverse(ids)
	}
	return ids
}

// listQueries returns the query of every GET /v1/files the server received.
func listQueries(t *testing.T, srv *writertest.Server) []url.Values {
	t.Helper()
	var out []url.Values
	for _, r := range srv.Requests() {
		if r.Method == http.MethodGet && r.Path == "/v1/files" {
			q, err := url.ParseQuery(r.RawQuery)
			if err != nil {
				t.Fatalf("query %q: %v", r.RawQuery, err)
			}
			out = append(out, q)
		}
	}
	return out
}

// cursorModes are the two ways the fake can resolve a list cursor whose file no longer
// matches the filters; which way Writer works is not documented.
var cursorModes = []struct {
	name string
	opts []writertest.Option
}{
	{"positional cursors", nil},
	{"filtered cursors", []writertest.Option{writertest.WithFilteredCursors()}},
}

func collect(t *testing.T, seq func(func(writer.File, error) bool)) []writer.File {
	t.Helper()
	var out []writer.File
	for f, err := range seq {
		if err != nil {
			t.Fatalf("List: %v", err)
		}
		out = append(out, f)
	}
	return out
}

func ids(files []writer.File) []string {
	out := make([]string, len(files))
	for i, f := range files {
		out[i] = f.ID
	}
	return out
}

func TestListThousandFilesOverManyPagesInBothOrders(t *testing.T) {
	for _, m := range cursorModes {
		t.Run(m.name, func(t *testing.T) {
			client, srv := setup(t, m.opts)
			files := manyFiles(1000)
			srv.AddFiles(files...)

			for _, order := range []writer.Order{writer.OrderAsc, writer.OrderDesc} {
				t.Run(string(order), func(t *testing.T) {
					before := len(listQueries(t, srv))
					got := collect(t, client.Files.List(context.Background(), &writer.ListOptions{Order: order, Limit: 7}))
					if want := sortedIDs(files, order == writer.OrderDesc); !slices.Equal(ids(got), want) {
						t.Fatalf("got %d files, want all 1000 in %s order (created_at, then id)", len(got), order)
					}
					queries := listQueries(t, srv)[before:]
					if len(queries) != 143 {
						t.Errorf("got %d list requests, want 143 (1000 files, 7 per page)", len(queries))
					}
					for i, q := range queries {
						if q.Get("order") != string(order) || q.Get("limit") != "7" {
							t.Errorf("page %d query %v lost order or limit", i, q)
						}
						wantAfter := ""
						if i > 0 {
							wantAfter = got[i*7-1].ID
						}
						if q.Get("after") != wantAfter {
							t.Errorf("page %d after = %q, want the previous page's last id %q", i, q.Get("after"), wantAfter)
						}
					}
				})
			}
		})
	}
}

func TestListConvertsFiles(t *testing.T) {
	client, srv := setup(t, nil)
	created := time.Date(2024, 7, 10, 13, 34, 28, 301201000, time.UTC)
	srv.AddFiles(
		writertest.File{ID: idA, Name: "résumé.pdf", Status: writertest.StatusFailed, GraphIDs: []string{graphA, graphB}, CreatedAt: created},
		writertest.File{ID: "not-a-uuid-file", Name: "odd.txt", Status: "queued", CreatedAt: created.Add(time.Second)},
	)
	got := collect(t, client.Files.List(context.Background(), &writer.ListOptions{Order: writer.OrderAsc}))
	want := []writer.File{
		{ID: idA, Name: "résumé.pdf", Status: writer.StatusFailed, GraphIDs: []string{graphA, graphB}, CreatedAt: created},
		{ID: "not-a-uuid-file", Name: "odd.txt", Status: "queued", GraphIDs: []string{}, CreatedAt: created.Add(time.Second)},
	}
	if len(got) != len(want) {
		t.Fatalf("got %d files, want %d", len(got), len(want))
	}
	for i := range got {
		g, w := got[i], want[i]
		if g.ID != w.ID || g.Name != w.Name || g.Status != w.Status || !g.CreatedAt.Equal(w.CreatedAt) || !slices.Equal(g.GraphIDs, w.GraphIDs) {
			t.Errorf("file %d = %+v, want %+v", i, g, w)
		}
	}
}

func TestListFiltersKeptOnEveryPage(t *testing.T) {
	for _, m := range cursorModes {
		t.Run(m.name, func(t *testing.T) {
			client, srv := setup(t, m.opts)
			files := manyFiles(300)
			srv.AddFiles(files...)

			tests := []struct {
				name string
				opts writer.ListOptions
				keep func(writertest.File) bool
			}{
				{"status", writer.ListOptions{Status: writer.StatusFailed},
					func(f writertest.File) bool { return f.Status == writertest.StatusFailed }},
				{"graph", writer.ListOptions{GraphID: graphB},
					func(f writertest.File) bool { return slices.Contains(f.GraphIDs, graphB) }},
				{"types", writer.ListOptions{FileTypes: []string{"pdf", "csv"}},
					func(f writertest.File) bool {
						n := strings.ToLower(f.Name)
						return strings.HasSuffix(n, ".pdf") || strings.HasSuffix(n, ".csv")
					}},
				{"all three", writer.ListOptions{Status: writer.StatusCompleted, GraphID: graphA, FileTypes: []string{"docx"}},
					func(f writertest.File) bool {
						return f.Status == writertest.StatusCompleted && slices.Contains(f.GraphIDs, graphA) && strings.HasSuffix(f.Name, ".docx")
					}},
			}
			for _, tt := range tests {
				t.Run(tt.name, func(t *testing.T) {
					var want []writertest.File
					for _, f := range files {
						if tt.keep(f) {
							want = append(want, f)
						}
					}
					if len(want) < 10 {
						t.Fatalf("test data selects only %d files", len(want))
					}
					opts := tt.opts
					opts.Limit = 9
					before := len(listQueries(t, srv))
					got := collect(t, client.Files.List(context.Background(), &opts))
					if !slices.Equal(ids(got), sortedIDs(want, true)) {
						t.Fatalf("got %d files, want the %d that match, newest first", len(got), len(want))
					}
					queries := listQueries(t, srv)[before:]
					if len(queries) < 2 {
						t.Fatalf("got %d pages, want several", len(queries))
					}
					for i, q := range queries {
						if q.Get("status") != string(opts.Status) || q.Get("graph_id") != opts.GraphID ||
							q.Get("file_types") != strings.Join(opts.FileTypes, ",") {
							t.Errorf("page %d query %v lost a filter", i, q)
						}
						if _, ok := q["status"]; ok && opts.Status == "" {
							t.Errorf("page %d query %v sends an empty status", i, q)
						}
					}
				})
			}
		})
	}
}

func TestListPageCursorsForwardAndBack(t *testing.T) {
	for _, m := range cursorModes {
		t.Run(m.name, func(t *testing.T) {
			client, srv := setup(t, m.opts)
			files := manyFiles(25)
			srv.AddFiles(files...)
			all := sortedIDs(files, false)
			ctx := context.Background()
			opts := &writer.ListOptions{Order: writer.OrderAsc, Limit: 10}

			first, err := client.Files.ListPage(ctx, opts, writer.Cursor{})
			if err != nil {
				t.Fatalf("ListPage: %v", err)
			}
			if !slices.Equal(ids(first.Files), all[:10]) || !first.HasMore || first.FirstID != all[0] || first.LastID != all[9] {
				t.Fatalf("first page = %v more %v first %s last %s, want files 0..9 with more", ids(first.Files), first.HasMore, first.FirstID, first.LastID)
			}
			second, err := client.Files.ListPage(ctx, opts, writer.Cursor{After: first.LastID})
			if err != nil || !slices.Equal(ids(second.Files), all[10:20]) || !second.HasMore {
				t.Fatalf("second page = %v, %v; want files 10..19 with more", ids(second.Files), err)
			}
			third, err := client.Files.ListPage(ctx, opts, writer.Cursor{After: second.LastID})
			if err != nil || !slices.Equal(ids(third.Files), all[20:]) || third.HasMore {
				t.Fatalf("third page = %v more %v, %v; want files 20..24 and no more", ids(third.Files), third.HasMore, err)
			}
			back, err := client.Files.ListPage(ctx, opts, writer.Cursor{Before: third.FirstID})
			if err != nil || !slices.Equal(ids(back.Files), all[10:20]) || !back.HasMore {
				t.Fatalf("page before the third = %v more %v, %v; want files 10..19 with more before", ids(back.Files), back.HasMore, err)
			}
			start, err := client.Files.ListPage(ctx, opts, writer.Cursor{Before: back.FirstID})
			if err != nil || !slices.Equal(ids(start.Files), all[:10]) || start.HasMore {
				t.Fatalf("page before that = %v more %v, %v; want files 0..9 and nothing before", ids(start.Files), start.HasMore, err)
			}
		})
	}
}

func TestListDefaultsAreTheServers(t *testing.T) {
	client, srv := setup(t, nil)
	srv.AddFiles(manyFiles(120)...)
	page, err := client.Files.ListPage(context.Background(), nil, writer.Cursor{})
	if err != nil {
		t.Fatalf("ListPage: %v", err)
	}
	if len(page.Files) != 50 || !page.HasMore {
		t.Errorf("got %d files (more %v), want the server's default page of 50", len(page.Files), page.HasMore)
	}
	if q := srv.Requests()[0].RawQuery; q != "" {
		t.Errorf("query = %q, want none", q)
	}
}

func TestListRefusesBadOptionsBeforeSending(t *testing.T) {
	client, srv := setup(t, nil)
	tests := []struct {
		name string
		opts writer.ListOptions
		cur  writer.Cursor
		want string
	}{
		{"limit too big", writer.ListOptions{Limit: 101}, writer.Cursor{}, "ListOptions.Limit"},
		{"limit negative", writer.ListOptions{Limit: -1}, writer.Cursor{}, "ListOptions.Limit"},
		{"status", writer.ListOptions{Status: "done"}, writer.Cursor{}, "ListOptions.Status"},
		{"graph", writer.ListOptions{GraphID: "graph-1"}, writer.Cursor{}, "ListOptions.GraphID"},
		{"no types", writer.ListOptions{FileTypes: []string{}}, writer.Cursor{}, "ListOptions.FileTypes"},
		{"empty type", writer.ListOptions{FileTypes: []string{"pdf", ""}}, writer.Cursor{}, "ListOptions.FileTypes[1]"},
		{"comma", writer.ListOptions{FileTypes: []string{"pdf,docx"}}, writer.Cursor{}, "ListOptions.FileTypes[0]"},
		{"dot", writer.ListOptions{FileTypes: []string{".pdf"}}, writer.Cursor{}, "ListOptions.FileTypes[0]"},
		{"order", writer.ListOptions{Order: "newest"}, writer.Cursor{}, "ListOptions.Order"},
		{"two cursors", writer.ListOptions{}, writer.Cursor{After: idA, Before: idB}, "Cursor"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			_, err := client.Files.ListPage(context.Background(), &tt.opts, tt.cur)
			if !errors.Is(err, writer.ErrInvalidInput) || !strings.Contains(err.Error(), tt.want) {
				t.Errorf("ListPage = %v, want ErrInvalidInput naming %s", err, tt.want)
			}
			if tt.cur != (writer.Cursor{}) {
				return
			}
			n := 0
			for _, err := range client.Files.List(context.Background(), &tt.opts) {
				n++
				if !errors.Is(err, writer.ErrInvalidInput) {
					t.Errorf("List yielded %v, want ErrInvalidInput", err)
				}
			}
			if n != 1 {
				t.Errorf("List yielded %d times, want once", n)
			}
		})
	}
	if n := len(srv.Requests()); n != 0 {
		t.Errorf("server received %d requests, want none", n)
	}
}

func TestListStopsAfterFirstError(t *testing.T) {
	for _, m := range cursorModes {
		t.Run(m.name, func(t *testing.T) {
			client, srv := setup(t, m.opts, writer.WithMaxRetries(0))
			srv.AddFiles(manyFiles(30)...)
			var got []writer.File
			var errs []error
			for f, err := range client.Files.List(context.Background(), &writer.ListOptions{Limit: 10}) {
				if err != nil {
					errs = append(errs, err)
					continue
				}
				if len(got) == 0 {
					srv.FailNext(1, writertest.Fault{Status: http.StatusServiceUnavailable})
				}
				got = append(got, f)
			}
			if len(got) != 10 || len(errs) != 1 || !errors.Is(errs[0], writer.ErrServer) {
				t.Fatalf("got %d files and errors %v, want the first page then one ErrServer", len(got), errs)
			}
			if n := len(listQueries(t, srv)); n != 2 {
				t.Errorf("got %d list requests, want 2", n)
			}
		})
	}
}

func TestListBreakStopsPaging(t *testing.T) {
	for _, m := range cursorModes {
		t.Run(m.name, func(t *testing.T) {
			client, srv := setup(t, m.opts)
			srv.AddFiles(manyFiles(30)...)
			for _, err := range client.Files.List(context.Background(), &writer.ListOptions{Limit: 10}) {
				if err != nil {
					t.Fatal(err)
				}
				break
			}
			if n := len(listQueries(t, srv)); n != 1 {
				t.Errorf("got %d list requests after break, want 1", n)
			}
		})
	}
}

func TestListRefusesACursorThatDoesNotAdvance(t *testing.T) {
	client, srv := setup(t, nil)
	page := `{"data":[{"id":"` + idA + `","name":"a.pdf","created_at":"2024-07-10T13:34:28Z","graph_ids":[],"status":"failed"}],"has_more":true}`
	fault := writertest.Fault{Status: http.StatusOK, Header: http.Header{"Content-Type": {"application/json"}}, Body: page}
	srv.FailNext(2, fault)
	var errs []error
	n := 0
	for _, err := range client.Files.List(context.Background(), nil) {
		n++
		if err != nil {
			errs = append(errs, err)
		}
	}
	if len(errs) != 1 || !errors.Is(errs[0], writer.ErrInvalidResponse) {
		t.Fatalf("errors = %v, want one ErrInvalidResponse", errs)
	}
	if n != 3 {
		t.Errorf("List yielded %d values, want 2 files then the error", n)
	}
}

func TestListCursorWhoseFileLeftTheFilter(t *testing.T) {
	for _, m := range cursorModes {
		t.Run(m.name, func(t *testing.T) {
			client, srv := setup(t, m.opts, writer.WithMaxRetries(0))
			var failed []string
			for i := range 4 {
				srv.AddFiles(writertest.File{ID: fileID(i), Name: "f.pdf", Status: writertest.StatusFailed, CreatedAt: time.Unix(int64(i), 0)})
				failed = append(failed, fileID(i))
			}
			ctx := context.Background()
			opts := &writer.ListOptions{Status: writer.StatusFailed, Order: writer.OrderAsc, Limit: 2}
			first, err := client.Files.ListPage(ctx, opts, writer.Cursor{})
			if err != nil || !slices.Equal(ids(first.Files), failed[:2]) {
				t.Fatalf("first page = %v, %v; want %v", ids(first.Files), err, failed[:2])
			}
			// The cursor's file leaves status=failed before the next page is asked for.
			if err := client.Files.Retry(ctx, []string{first.LastID}); err != nil {
				t.Fatal(err)
			}
			second, err := client.Files.ListPage(ctx, opts, writer.Cursor{After: first.LastID})
			if m.opts == nil {
				if err != nil || !slices.Equal(ids(second.Files), failed[2:]) || second.HasMore {
					t.Errorf("second page = %v more %v, %v; want %v: the cursor keeps its place", ids(second.Files), second.HasMore, err, failed[2:])
				}
				return
			}
			var apiErr *writer.Error
			if !errors.As(err, &apiErr) || !errors.Is(err, writer.ErrBadRequest) || apiErr.Key != "fail.badRequest.invalidParameters" {
				t.Errorf("second page = %v, %v; want 400 fail.badRequest.invalidParameters: the cursor left the filter", ids(second.Files), err)
			}
		})
	}
}

func TestListEndsOnACursorCycle(t *testing.T) {
	client, srv := setup(t, nil)
	// Pages A, B, A, ...: the third page's last file is the cursor of the first.
	a := listAnswer(true, fileID(0)+"@1", fileID(1)+"@2")
	b := listAnswer(true, fileID(2)+"@3", fileID(3)+"@4")
	srv.FailNext(1, a)
	srv.FailNext(1, b)
	srv.FailNext(1, a)
	srv.FailNext(1, b)
	var got []string
	var err error
	for f, e := range client.Files.List(context.Background(), nil) {
		if e != nil {
			err = e
			break
		}
		got = append(got, f.ID)
	}
	if !errors.Is(err, writer.ErrInvalidResponse) || len(got) != 6 {
		t.Fatalf("List = %d files, %v; want 6 files, then ErrInvalidResponse", len(got), err)
	}
	if n := len(srv.Requests()); n != 3 {
		t.Errorf("sent %d list requests, want 3", n)
	}
}
