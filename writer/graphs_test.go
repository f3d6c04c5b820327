package writer_test

import (
	"context"
	"errors"
	"io"
	"net/http"
	"net/http/httptest"
	"strings"
	"sync/atomic"
	"testing"

	"github.com/writerfiles/writer-go/writer"
)

const graphID = "5e6f7a8b-9c0d-4e1f-8a2b-3c4d5e6f7a8b"

// graphJSON is a graph about graphID with file_status counts, without the closing brace.
const graphJSON = `{"id":"` + graphID + `","name":"Docs","created_at":"2026-01-02T03:04:05Z","type":"manual","file_status":{"total":4,"in_progress":1,"completed":2,"failed":1}`

// graphServer answers GET /v1/graphs/{id} with graph and GET /v1/graphs with a page holding
// it, and counts the requests.
func graphServer(t *testing.T, graph string) (*writer.Client, *atomic.Int32) {
	t.Helper()
	var n atomic.Int32
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		n.Add(1)
		_, _ = io.Copy(io.Discard, r.Body)
		w.Header().Set("Content-Type", "application/json")
		if r.URL.Path == "/v1/graphs" {
			_, _ = io.WriteString(w, `{"data":[`+graph+`],"has_more":false}`)
			return
		}
		_, _ = io.WriteString(w, graph)
	}))
	t.Cleanup(srv.Close)
	return doClient(t, srv, writer.WithMaxRetries(0)), &n
}

// graphsOf returns the graph that Get and ListPage convert from the server's answer.
func graphsOf(ctx context.Context, c *writer.Client) (map[string]writer.Graph, error) {
	g, err := c.Graphs.Get(ctx, graphID)
	if err != nil {
		return nil, err
	}
	page, err := c.Graphs.ListPage(ctx, nil, writer.Cursor{})
	if err != nil {
		return nil, err
	}
	if len(page.Graphs) != 1 {
		return nil, errors.New("ListPage gave no graph")
	}
	return map[string]writer.Graph{"Get": g, "ListPage": page.Graphs[0]}, nil
}

func TestGraphConverts(t *testing.T) {
	c, _ := graphServer(t, graphJSON+`,"description":"all of them","urls":[{"url":"https://docs.invalid/","status":"odd"}],"owner":"me"}`)
	got, err := graphsOf(context.Background(), c)
	if err != nil {
		t.Fatal(err)
	}
	for how, g := range got {
		if g.ID != graphID || g.Name != "Docs" || g.Description != "all of them" || g.Type != writer.GraphTypeManual ||
			g.CreatedAt.Year() != 2026 || g.FileStatus != (writer.GraphFileStatus{Total: 4, InProgress: 1, Completed: 2, Failed: 1}) {
			t.Errorf("%s: graph = %+v", how, g)
		}
		// urls, whose status here is not the spec's web_connector_url_state, is kept raw.
		if len(g.Extra) != 2 || string(g.Extra["owner"]) != `"me"` || !strings.Contains(string(g.Extra["urls"]), `"odd"`) {
			t.Errorf("%s: Extra = %q, want urls and owner", how, g.Extra)
		}
	}
}

func TestGraphAnswersThatAreNotAGraph(t *testing.T) {
	for _, tc := range []struct{ name, graph string }{
		{"no in_progress", strings.Replace(graphJSON, `"in_progress":1,`, ``, 1) + "}"},
		{"null total", strings.Replace(graphJSON, `"total":4`, `"total":null`, 1) + "}"},
		{"no file_status", strings.Split(graphJSON, `,"file_status"`)[0] + "}"},
		{"negative count", strings.Replace(graphJSON, `"failed":1`, `"failed":-1`, 1) + "}"},
		{"no id", strings.Replace(graphJSON, `"id":"`+graphID+`",`, ``, 1) + "}"},
		{"no created_at", strings.Replace(graphJSON, `"created_at":"2026-01-02T03:04:05Z",`, ``, 1) + "}"},
		{"count not a number", strings.Replace(graphJSON, `"completed":2`, `"completed":"2"`, 1) + "}"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			c, _ := graphServer(t, tc.graph)
			_, err := graphsOf(context.Background(), c)
			var apiErr *writer.Error
			if !errors.Is(err, writer.ErrInvalidResponse) || !errors.As(err, &apiErr) || apiErr.Operation != "findGraphWithFileStatus" {
				t.Errorf("Get = %v, want *Error of findGraphWithFileStatus matching ErrInvalidResponse", err)
			}
			_, err = c.Graphs.ListPage(context.Background(), nil, writer.Cursor{})
			if !errors.Is(err, writer.ErrInvalidResponse) || !errors.As(err, &apiErr) || apiErr.Operation != "findGraphsWithFileStatus" {
				t.Errorf("ListPage = %v, want *Error of findGraphsWithFileStatus matching ErrInvalidResponse", err)
			}
		})
	}
}

func TestGraphGetRefusesAnAnswerAboutAnotherGraph(t *testing.T) {
	c, _ := graphServer(t, strings.Replace(graphJSON, graphID, "6e6f7a8b-9c0d-4e1f-8a2b-3c4d5e6f7a8b", 1)+"}")
	if _, err := c.Graphs.Get(context.Background(), graphID); !errors.Is(err, writer.ErrInvalidResponse) {
		t.Errorf("Get = %v, want ErrInvalidResponse", err)
	}
	// The same graph in upper case is the graph asked for.
	g, err := c.Graphs.Get(context.Background(), "6E6F7A8B-9C0D-4E1F-8A2B-3C4D5E6F7A8B")
	if err != nil || g.ID != "6e6f7a8b-9c0d-4e1f-8a2b-3c4d5e6f7a8b" {
		t.Errorf("Get in upper case = %+v, %v; want the graph, its id in lower case", g, err)
	}
}

func TestGraphsRefuseBadIDsBeforeSending(t *testing.T) {
	c, n := graphServer(t, graphJSON+"}")
	ctx := context.Background()
	for _, tc := range []struct {
		name, field string
		call        func() error
	}{
		{"Get empty", "graph_id", func() error { _, err := c.Graphs.Get(ctx, ""); return err }},
		{"Get name", "graph_id", func() error { _, err := c.Graphs.Get(ctx, "Docs"); return err }},
		{"Get braces", "graph_id", func() error { _, err := c.Graphs.Get(ctx, "{"+graphID+"}"); return err }},
		{"AddFile graph", "graph_id", func() error { _, err := c.Graphs.AddFile(ctx, "g1", graphID); return err }},
		{"AddFile file", "file_id", func() error { _, err := c.Graphs.AddFile(ctx, graphID, "../x"); return err }},
		{"RemoveFile graph", "graph_id", func() error { return c.Graphs.RemoveFile(ctx, graphID+"0", graphID) }},
		{"RemoveFile file", "file_id", func() error { return c.Graphs.RemoveFile(ctx, graphID, "") }},
		{"ListPage after", "Cursor.After", func() error {
			_, err := c.Graphs.ListPage(ctx, nil, writer.Cursor{After: "docs"})
			return err
		}},
		{"ListPage before", "Cursor.Before", func() error {
			_, err := c.Graphs.ListPage(ctx, nil, writer.Cursor{Before: "docs"})
			return err
		}},
		{"ListPage both", "Cursor", func() error {
			_, err := c.Graphs.ListPage(ctx, nil, writer.Cursor{After: graphID, Before: graphID})
			return err
		}},
		{"ListPage order", "GraphListOptions.Order", func() error {
			_, err := c.Graphs.ListPage(ctx, &writer.GraphListOptions{Order: "newest"}, writer.Cursor{})
			return err
		}},
		{"ListPage limit", "GraphListOptions.Limit", func() error {
			_, err := c.Graphs.ListPage(ctx, &writer.GraphListOptions{Limit: 101}, writer.Cursor{})
			return err
		}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			var inErr *writer.InputError
			if err := tc.call(); !errors.As(err, &inErr) || inErr.Field != tc.field {
				t.Errorf("err = %v, want *InputError for %s", err, tc.field)
			}
		})
	}
	if got := n.Load(); got != 0 {
		t.Errorf("server got %d requests, want none", got)
	}
}
