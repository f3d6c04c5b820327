package writer_test

import (
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

// countsOf returns what a graph's file_status must say about files: each file whose
// graph_ids hold graph counted once, in total and under its status.
func countsOf(files []writer.File, graph string) writer.GraphFileStatus {
	var c writer.GraphFileStatus
	for _, f := range files {
		if !slices.ContainsFunc(f.GraphIDs, func(g string) bool { return strings.EqualFold(g, graph) }) {
			continue
		}
		c.Total++
		switch f.Status {
		case writer.StatusInProgress:
			c.InProgress++
		case writer.StatusCompleted:
			c.Completed++
		case writer.StatusFailed:
			c.Failed++
		}
	}
	return c
}

// checkCounts fails the test unless the graph's file_status, read by Get and by List,
// is want and agrees with the statuses of the files that Files.List gives.
func checkCounts(t *testing.T, client *writer.Client, graph string, want writer.GraphFileStatus) {
	t.Helper()
	ctx := context.Background()
	g, err := client.Graphs.Get(ctx, graph)
	if err != nil {
		t.Fatalf("Graphs.Get: %v", err)
	}
	if g.FileStatus != want {
		t.Errorf("Graphs.Get file_status = %+v, want %+v", g.FileStatus, want)
	}
	var listed []writer.Graph
	for g, err := range client.Graphs.List(ctx, nil) {
		if err != nil {
			t.Fatalf("Graphs.List: %v", err)
		}
		listed = append(listed, g)
	}
	if i := slices.IndexFunc(listed, func(l writer.Graph) bool { return l.ID == graph }); i < 0 || listed[i].FileStatus != want {
		t.Errorf("Graphs.List gives %+v, want graph %s with file_status %+v", listed, graph, want)
	}
	if got := countsOf(collect(t, client.Files.List(ctx, &writer.ListOptions{GraphID: graph})), graph); got != want {
		t.Errorf("the graph's files, listed, have the counts %+v; Graphs.Get says %+v", got, want)
	}
}

func TestGraphCountsAgreeWithTheFilesAfterUploadsAndRetries(t *testing.T) {
	// Processing takes an hour: uploaded and retried files stay in progress for the test.
	client, srv := setup(t, []writertest.Option{writertest.WithProcessingDelay(time.Hour)})
	srv.AddGraphs(writertest.Graph{ID: graphA, Name: "Docs"}, writertest.Graph{ID: graphB, Name: "Other"})
	srv.AddFiles(
		writertest.File{ID: fileID(1), Name: "a.pdf", Status: writertest.StatusFailed, GraphIDs: []string{graphA}},
		writertest.File{ID: fileID(2), Name: "b.pdf", Status: writertest.StatusCompleted, GraphIDs: []string{graphA, strings.ToUpper(graphB)}},
		writertest.File{ID: fileID(3), Name: "c.pdf", Status: "queued", GraphIDs: []string{graphA, graphA}},
		writertest.File{ID: fileID(4), Name: "d.pdf", Status: writertest.StatusFailed},
	)
	checkCounts(t, client, graphA, writer.GraphFileStatus{Total: 3, Completed: 1, Failed: 1})
	checkCounts(t, client, graphB, writer.GraphFileStatus{Total: 1, Completed: 1})

	ctx := context.Background()
	for _, name := range []string{"e.pdf", "f.pdf"} {
		if _, err := client.Files.Upload(ctx, writer.UploadParams{Name: name, Body: strings.NewReader("%PDF"), GraphID: graphA}); err != nil {
			t.Fatalf("Upload: %v", err)
		}
	}
	if err := client.Files.Retry(ctx, []string{fileID(1), fileID(4)}); err != nil {
		t.Fatalf("Retry: %v", err)
	}
	checkCounts(t, client, graphA, writer.GraphFileStatus{Total: 5, InProgress: 3, Completed: 1})

	if err := client.Files.Delete(ctx, fileID(2)); err != nil {
		t.Fatalf("Delete: %v", err)
	}
	checkCounts(t, client, graphA, writer.GraphFileStatus{Total: 4, InProgress: 3})
	checkCounts(t, client, graphB, writer.GraphFileStatus{})
}

func TestGraphCountsFollowRetryOutcomes(t *testing.T) {
	client, srv := setup(t, []writertest.Option{writertest.WithRetryOutcome(func(id string) writer.Status {
		if id == fileID(1) {
			return writer.StatusFailed
		}
		return writer.StatusCompleted
	})})
	srv.AddGraphs(writertest.Graph{ID: graphA, Name: "Docs"})
	for i := range 4 {
		srv.AddFiles(writertest.File{ID: fileID(i), Name: "a.pdf", Status: writertest.StatusFailed, GraphIDs: []string{graphA}})
	}
	checkCounts(t, client, graphA, writer.GraphFileStatus{Total: 4, Failed: 4})
	rep, err := client.Files.RetryFailedAndWait(context.Background(), &writer.RetryFailedOptions{GraphID: graphA})
	if err != nil || rep.Retried != 4 {
		t.Fatalf("RetryFailedAndWait = %+v, %v; want 4 retried", rep, err)
	}
	checkCounts(t, client, graphA, writer.GraphFileStatus{Total: 4, Completed: 3, Failed: 1})
}

// TestGraphCountsFollowProcessing reads a graph while its uploads and a retried file are
// processed: every read counts each file once, under in_progress or its outcome, and the
// in_progress count reaches 0 with the uploads completed and the retried file failed again.
func TestGraphCountsFollowProcessing(t *testing.T) {
	client, srv := setup(t, []writertest.Option{
		writertest.WithProcessingDelay(20 * time.Millisecond),
		writertest.WithRetryOutcome(func(string) writer.Status { return writer.StatusFailed }),
	})
	srv.AddGraphs(writertest.Graph{ID: graphA, Name: "Docs"})
	srv.AddFiles(writertest.File{ID: idA, Name: "a.pdf", Status: writertest.StatusFailed, GraphIDs: []string{graphA}})
	ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
	defer cancel()
	for i := range 3 {
		if _, err := client.Files.Upload(ctx, writer.UploadParams{Name: fmt.Sprintf("%d.txt", i), Body: strings.NewReader("hi"), GraphID: graphA}); err != nil {
			t.Fatalf("Upload: %v", err)
		}
	}
	if err := client.Files.Retry(ctx, []string{idA}); err != nil {
		t.Fatalf("Retry: %v", err)
	}
	for {
		g, err := client.Graphs.Get(ctx, graphA)
		if err != nil {
			t.Fatalf("Graphs.Get: %v", err)
		}
		c := g.FileStatus
		if c.Total != 4 || c.InProgress+c.Completed+c.Failed != 4 || c.Completed > 3 || c.Failed > 1 {
			t.Fatalf("file_status = %+v, want 4 files: 3 uploads in progress or completed, 1 retry in progress or failed", c)
		}
		if c.InProgress == 0 {
			break
		}
		time.Sleep(5 * time.Millisecond)
	}
	checkCounts(t, client, graphA, writer.GraphFileStatus{Total: 4, Completed: 3, Failed: 1})
}

func TestGraphAddAndRemoveFile(t *testing.T) {
	client, srv := setup(t, nil)
	srv.AddGraphs(writertest.Graph{ID: graphA, Name: "Docs"}, writertest.Graph{ID: graphB, Name: "Other"})
	srv.AddFiles(writertest.File{ID: idA, Name: "a.pdf", Status: writertest.StatusCompleted, GraphIDs: []string{graphB}})
	ctx := context.Background()

	f, err := client.Graphs.AddFile(ctx, graphA, idA)
	if err != nil {
		t.Fatalf("AddFile: %v", err)
	}
	if f.ID != idA || !slices.Equal(f.GraphIDs, []string{graphB, graphA}) {
		t.Errorf("AddFile = %+v, want file %s in both graphs", f, idA)
	}
	// Adding it again (as a retried request does) leaves it in the graph once.
	if _, err := client.Graphs.AddFile(ctx, strings.ToUpper(graphA), idA); err != nil {
		t.Fatalf("AddFile again: %v", err)
	}
	if got, err := client.Files.Get(ctx, idA); err != nil || !slices.Equal(got.GraphIDs, []string{graphB, graphA}) {
		t.Errorf("Files.Get after AddFile = %+v, %v; want graph_ids [%s %s]", got, err, graphB, graphA)
	}
	checkCounts(t, client, graphA, writer.GraphFileStatus{Total: 1, Completed: 1})

	if err := client.Graphs.RemoveFile(ctx, graphA, idA); err != nil {
		t.Fatalf("RemoveFile: %v", err)
	}
	if got, err := client.Files.Get(ctx, idA); err != nil || !slices.Equal(got.GraphIDs, []string{graphB}) {
		t.Errorf("Files.Get after RemoveFile = %+v, %v; want the file, in graph %s only", got, err, graphB)
	}
	checkCounts(t, client, graphA, writer.GraphFileStatus{})
	checkCounts(t, client, graphB, writer.GraphFileStatus{Total: 1, Completed: 1})

	var apiErr *writer.Error
	if err := client.Graphs.RemoveFile(ctx, graphA, idA); !errors.Is(err, writer.ErrNotFound) || !errors.As(err, &apiErr) || apiErr.Operation != "removeFileFromGraph" {
		t.Errorf("RemoveFile of a file not in the graph = %v, want ErrNotFound of removeFileFromGraph", err)
	}
}

func TestGraphsAnswerNotFound(t *testing.T) {
	client, srv := setup(t, nil)
	srv.AddGraphs(writertest.Graph{ID: graphA, Name: "Docs"})
	srv.AddFiles(writertest.File{ID: idA, Name: "a.pdf", Status: writertest.StatusCompleted})
	ctx := context.Background()
	for _, tc := range []struct {
		name, op string
		call     func() error
	}{
		{"Get unknown graph", "findGraphWithFileStatus", func() error { _, err := client.Graphs.Get(ctx, graphB); return err }},
		{"AddFile unknown graph", "addFileToGraph", func() error { _, err := client.Graphs.AddFile(ctx, graphB, idA); return err }},
		{"AddFile unknown file", "addFileToGraph", func() error { _, err := client.Graphs.AddFile(ctx, graphA, unknownID); return err }},
		{"RemoveFile unknown graph", "removeFileFromGraph", func() error { return client.Graphs.RemoveFile(ctx, graphB, idA) }},
		{"RemoveFile unknown file", "removeFileFromGraph", func() error { return client.Graphs.RemoveFile(ctx, graphA, unknownID) }},
	} {
		t.Run(tc.name, func(t *testing.T) {
			var apiErr *writer.Error
			if err := tc.call(); !errors.Is(err, writer.ErrNotFound) || !errors.As(err, &apiErr) || apiErr.Operation != tc.op {
				t.Errorf("err = %v, want ErrNotFound of %s", err, tc.op)
			}
		})
	}
	if f, _ := srv.File(idA); len(f.GraphIDs) != 0 {
		t.Errorf("file graph_ids = %v after failed calls, want none", f.GraphIDs)
	}
}

func TestGraphsRefuseBadInputBeforeSending(t *testing.T) {
	client, srv := setup(t, nil)
	ctx := context.Background()
	for _, tc := range []struct {
		name, field string
		call        func() error
	}{
		{"Get", "graph_id", func() error { _, err := client.Graphs.Get(ctx, "docs"); return err }},
		{"AddFile graph", "graph_id", func() error { _, err := client.Graphs.AddFile(ctx, "", idA); return err }},
		{"AddFile file", "file_id", func() error { _, err := client.Graphs.AddFile(ctx, graphA, "a/b"); return err }},
		{"RemoveFile graph", "graph_id", func() error { return client.Graphs.RemoveFile(ctx, "urn:uuid:"+graphA, idA) }},
		{"RemoveFile file", "file_id", func() error { return client.Graphs.RemoveFile(ctx, graphA, "..") }},
		{"List order", "GraphListOptions.Order", func() error {
			for _, err := range client.Graphs.List(ctx, &writer.GraphListOptions{Order: "up"}) {
				return err
			}
			return nil
		}},
		{"List limit", "GraphListOptions.Limit", func() error {
			for _, err := range client.Graphs.List(ctx, &writer.GraphListOptions{Limit: -1}) {
				return err
			}
			return nil
		}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			var inErr *writer.InputError
			if err := tc.call(); !errors.As(err, &inErr) || inErr.Field != tc.field {
				t.Errorf("err = %v, want *InputError for %s", err, tc.field)
			}
		})
	}
	if n := len(srv.Requests()); n != 0 {
		t.Errorf("server received %d requests, want none", n)
	}
}

// manyGraphs adds n graphs to srv, created one second apart except that each pair shares
// its creation time (so the order falls back to the id), and returns their ids, oldest
// first.
func manyGraphs(srv *writertest.Server, n int) []string {
	base := time.Date(2026, 1, 2, 3, 4, 5, 0, time.UTC)
	graphs := make([]writertest.Graph, n)
	for i := range graphs {
		graphs[i] = writertest.Graph{ID: fileID(n - i), Name: fmt.Sprintf("graph %d", i), CreatedAt: base.Add(time.Duration(i/2) * time.Second)}
	}
	srv.AddGraphs(graphs...)
	slices.SortFunc(graphs, func(a, b writertest.Graph) int {
		if c := a.CreatedAt.Compare(b.CreatedAt); c != 0 {
			return c
		}
		return strings.Compare(a.ID, b.ID)
	})
	out := make([]string, n)
	for i, g := range graphs {
		out[i] = g.ID
	}
	return out
}

// graphQueries returns the query of every GET /v1/graphs the server received.
func graphQueries(t *testing.T, srv *writertest.Server) []url.Values {
	t.Helper()
	var out []url.Values
	for _, r := range srv.Requests() {
		if r.Method == http.MethodGet && r.Path == "/v1/graphs" {
			q, err := url.ParseQuery(r.RawQuery)
			if err != nil {
				t.Fatalf("query %q: %v", r.RawQuery, err)
			}
			out = append(out, q)
		}
	}
	return out
}

func graphIDs(graphs []writer.Graph) []string {
	out := make([]string, len(graphs))
	for i, g := range graphs {
		out[i] = g.ID
	}
	return out
}

func TestGraphsListPagesInBothOrders(t *testing.T) {
	client, srv := setup(t, nil)
	all := manyGraphs(srv, 250)
	for _, order := range []writer.Order{writer.OrderAsc, writer.OrderDesc} {
		t.Run(string(order), func(t *testing.T) {
			before := len(graphQueries(t, srv))
			var got []writer.Graph
			for g, err := range client.Graphs.List(context.Background(), &writer.GraphListOptions{Order: order, Limit: 7}) {
				if err != nil {
					t.Fatalf("List: %v", err)
				}
				got = append(got, g)
			}
			want := slices.Clone(all)
			if order == writer.OrderDesc {
				slices.Reverse(want)
			}
			if !slices.Equal(graphIDs(got), want) {
				t.Fatalf("got %d graphs, want all 250 in %s order (created_at, then id)", len(got), order)
			}
			queries := graphQueries(t, srv)[before:]
			if len(queries) != 36 {
				t.Errorf("got %d list requests, want 36 (250 graphs, 7 per page)", len(queries))
			}
			for i, q := range queries {
				wantAfter := ""
				if i > 0 {
					wantAfter = got[i*7-1].ID
				}
				if q.Get("order") != string(order) || q.Get("limit") != "7" || q.Get("after") != wantAfter {
					t.Errorf("page %d query %v, want order %s, limit 7, after %q", i, q, order, wantAfter)
				}
			}
		})
	}
}

func TestGraphsListPageCursorsForwardAndBack(t *testing.T) {
	client, srv := setup(t, nil)
	all := manyGraphs(srv, 25)
	ctx := context.Background()
	opts := &writer.GraphListOptions{Order: writer.OrderAsc, Limit: 10}

	first, err := client.Graphs.ListPage(ctx, opts, writer.Cursor{})
	if err != nil || !slices.Equal(graphIDs(first.Graphs), all[:10]) || !first.HasMore || first.FirstID != all[0] || first.LastID != all[9] {
		t.Fatalf("first page = %v more %v first %s last %s, %v; want graphs 0..9 with more", graphIDs(first.Graphs), first.HasMore, first.FirstID, first.LastID, err)
	}
	second, err := client.Graphs.ListPage(ctx, opts, writer.Cursor{After: first.LastID})
	if err != nil || !slices.Equal(graphIDs(second.Graphs), all[10:20]) || !second.HasMore {
		t.Fatalf("second page = %v, %v; want graphs 10..19 with more", graphIDs(second.Graphs), err)
	}
	third, err := client.Graphs.ListPage(ctx, opts, writer.Cursor{After: second.LastID})
	if err != nil || !slices.Equal(graphIDs(third.Graphs), all[20:]) || third.HasMore {
		t.Fatalf("third page = %v more %v, %v; want graphs 20..24 and no more", graphIDs(third.Graphs), third.HasMore, err)
	}
	back, err := client.Graphs.ListPage(ctx, opts, writer.Cursor{Before: third.FirstID})
	if err != nil || !slices.Equal(graphIDs(back.Graphs), all[10:20]) || !back.HasMore {
		t.Fatalf("page before the third = %v more %v, %v; want graphs 10..19 with more before", graphIDs(back.Graphs), back.HasMore, err)
	}
	start, err := client.Graphs.ListPage(ctx, opts, writer.Cursor{Before: back.FirstID})
	if err != nil || !slices.Equal(graphIDs(start.Graphs), all[:10]) || start.HasMore {
		t.Fatalf("page before that = %v more %v, %v; want graphs 0..9 and nothing before", graphIDs(start.Graphs), start.HasMore, err)
	}
	if _, err := client.Graphs.ListPage(ctx, opts, writer.Cursor{After: unknownID}); !errors.Is(err, writer.ErrBadRequest) {
		t.Errorf("ListPage after an unknown graph = %v, want ErrBadRequest", err)
	}
}

func TestGraphsListDefaultsAreTheServers(t *testing.T) {
	client, srv := setup(t, nil)
	manyGraphs(srv, 60)
	page, err := client.Graphs.ListPage(context.Background(), nil, writer.Cursor{})
	if err != nil || len(page.Graphs) != 50 || !page.HasMore {
		t.Fatalf("ListPage = %d graphs, more %v, %v; want the server's default page of 50 with more", len(page.Graphs), page.HasMore, err)
	}
	if q := srv.Requests()[0].RawQuery; q != "" {
		t.Errorf("query = %q, want none", q)
	}
}

// graphsAnswer is a 200 with a graphs_response of graphs with the given ids.
func graphsAnswer(hasMore bool, ids ...string) writertest.Fault {
	var data []string
	for _, id := range ids {
		data = append(data, `{"id":"`+id+`","name":"g","created_at":"2026-01-01T00:00:00Z","type":"manual","file_status":{"total":0,"in_progress":0,"completed":0,"failed":0}}`)
	}
	body := fmt.Sprintf(`{"data":[%s],"has_more":%t}`, strings.Join(data, ","), hasMore)
	return writertest.Fault{Status: http.StatusOK, Header: http.Header{"Content-Type": {"application/json"}}, Body: body}
}

// listGraphsUntilError lists every graph and returns how many it gave, and its error.
func listGraphsUntilError(client *writer.Client) (int, error) {
	n := 0
	for _, err := range client.Graphs.List(context.Background(), nil) {
		if err != nil {
			return n, err
		}
		n++
	}
	return n, nil
}

func TestGraphsListEndsOnAHostileServer(t *testing.T) {
	for _, tc := range []struct {
		name    string
		answers []writertest.Fault
		graphs  int // given before the error
		pages   int // requested
	}{
		{"repeated cursor", []writertest.Fault{graphsAnswer(true, fileID(1)), graphsAnswer(true, fileID(1)), graphsAnswer(true, fileID(1))}, 2, 2},
		{"cycle", []writertest.Fault{
			graphsAnswer(true, fileID(1), fileID(2)), graphsAnswer(true, fileID(3), fileID(4)),
			graphsAnswer(true, fileID(1), fileID(2)), graphsAnswer(true, fileID(3), fileID(4)),
		}, 6, 3},
	} {
		t.Run(tc.name, func(t *testing.T) {
			client, srv := setup(t, nil)
			for _, a := range tc.answers {
				srv.FailNext(1, a)
			}
			n, err := listGraphsUntilError(client)
			var apiErr *writer.Error
			if !errors.Is(err, writer.ErrInvalidResponse) || !errors.As(err, &apiErr) || apiErr.Operation != "findGraphsWithFileStatus" || n != tc.graphs {
				t.Fatalf("List = %d graphs, %v; want %d graphs, then ErrInvalidResponse of findGraphsWithFileStatus", n, err, tc.graphs)
			}
			if got := len(graphQueries(t, srv)); got != tc.pages {
				t.Errorf("sent %d list requests, want %d", got, tc.pages)
			}
		})
	}
}

func TestGraphsListStopsAfterFirstErrorAndOnBreak(t *testing.T) {
	client, srv := setup(t, nil, writer.WithMaxRetries(0))
	manyGraphs(srv, 30)
	n := 0
	var errs []error
	for _, err := range client.Graphs.List(context.Background(), &writer.GraphListOptions{Limit: 10}) {
		if err != nil {
			errs = append(errs, err)
			continue
		}
		if n == 0 {
			srv.FailNext(1, writertest.Fault{Status: http.StatusServiceUnavailable})
		}
		n++
	}
	if n != 10 || len(errs) != 1 || !errors.Is(errs[0], writer.ErrServer) {
		t.Fatalf("got %d graphs and errors %v, want the first page then one ErrServer", n, errs)
	}
	before := len(graphQueries(t, srv))
	for _, err := range client.Graphs.List(context.Background(), &writer.GraphListOptions{Limit: 10}) {
		if err != nil {
			t.Fatal(err)
		}
		break
	}
	if got := len(graphQueries(t, srv)) - before; got != 1 {
		t.Errorf("got %d list requests after break, want 1", got)
	}
}
