package writer_test

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"maps"
	"net/http"
	"net/http/httptest"
	"reflect"
	"slices"
	"testing"
	"time"

	"github.com/getkin/kin-openapi/openapi3"

	"github.com/writerfiles/writer-go/writer"
	"github.com/writerfiles/writer-go/writertest"
)

// A conversion says what becomes of each property of one schema of openapi.yaml on one side:
// package writer (reading answers, writing requests) or writertest (writing answers).
// Every property is in exactly one of fields, via and left.
type conversion struct {
	schema string
	where  string            // the code that converts the schema: the place to change
	fields map[string]string // property -> the Go field that holds it (checked by a round trip)
	via    map[string]string // property -> how else the code uses it
	left   map[string]string // property -> why it is deliberately left out
}

// writerConversions: every schema of openapi.yaml, as package writer reads or writes it.
var writerConversions = []conversion{
	{schema: "file_response", where: "writer/files.go (File, fileFrom)",
		fields: map[string]string{"id": "ID", "name": "Name", "created_at": "CreatedAt", "graph_ids": "GraphIDs", "status": "Status"}},
	{schema: "files_response", where: "writer/list.go (Page, listPage)",
		fields: map[string]string{"data": "Files", "has_more": "HasMore", "first_id": "FirstID", "last_id": "LastID"}},
	{schema: "delete_file_response", where: "writer/files.go (Delete) and writer/graphs.go (RemoveFile)",
		via:  map[string]string{"deleted": "false: Delete and RemoveFile return ErrNotDeleted"},
		left: map[string]string{"id": "it is the id Delete or RemoveFile was given"}},
	{schema: "retry_files_request", where: "writer/files.go (Retry, retry)",
		via: map[string]string{"file_ids": "the ids given to Retry"}},
	{schema: "retry_files_response", where: "writer/files.go (retry)",
		via: map[string]string{"success": "false: Retry returns ErrRetryNotAccepted"}},
	{schema: "fail_response", where: "writer/errors.go (Error, parseErrorBody)",
		fields: map[string]string{"tpe": "Type"},
		via:    map[string]string{"errors": "the first fail_message gives Error.Key and Error.Description"},
		left:   map[string]string{"extras": "Writer documents no content for it; Error.Body keeps the whole body"}},
	{schema: "fail_message", where: "writer/errors.go (Error, parseErrorBody)",
		fields: map[string]string{"key": "Key", "description": "Description"},
		left:   map[string]string{"extras": "Writer documents no content for it; Error.Body keeps the whole body"}},
	{schema: "graph", where: "writer/graphs.go (Graph, graphFrom)",
		fields: map[string]string{"id": "ID", "name": "Name", "description": "Description", "created_at": "CreatedAt",
			"type": "Type", "file_status": "FileStatus", "urls": "Extra"}},
	{schema: "graph_file_status", where: "writer/graphs.go (GraphFileStatus, graphFrom)",
		fields: map[string]string{"total": "Total", "in_progress": "InProgress", "completed": "Completed", "failed": "Failed"}},
	{schema: "graphs_response", where: "writer/graphs_list.go (GraphPage, listPage)",
		fields: map[string]string{"data": "Graphs", "has_more": "HasMore", "first_id": "FirstID", "last_id": "LastID"}},
	{schema: "graph_file_request", where: "writer/graphs.go (AddFile)",
		via: map[string]string{"file_id": "the file id given to AddFile"}},
	{schema: "graph_type", where: "writer/graphs.go (GraphType)"},
	{schema: "web_connector_url", where: "writer/graphs.go (Graph.Extra)",
		left: map[string]string{"url": webConnector, "status": webConnector, "exclude_urls": webConnector, "type": webConnector}},
	{schema: "web_connector_url_state", where: "writer/graphs.go (Graph.Extra)",
		left: map[string]string{"status": webConnector, "error_type": webConnector}},
	{schema: "web_connector_url_status", where: "writer/graphs.go (Graph.Extra)"},
	{schema: "web_connector_url_error_type", where: "writer/graphs.go (Graph.Extra)"},
	{schema: "web_connector_url_type", where: "writer/graphs.go (Graph.Extra)"},
}

// webConnector is why the properties of a web graph's URLs are left out: they are not about
// files, and graph.urls reaches Graph.Extra as raw JSON.
const webConnector = "a web graph's connector settings, not about files: Graph.Extra keeps graph.urls as raw JSON"

// writertestConversions: every schema of openapi.yaml, as the fake writes or reads it.
var writertestConversions = []conversion{
	{schema: "file_response", where: "writertest/server.go (File) and writertest/handlers.go (fileResponse)",
		fields: map[string]string{"id": "ID", "name": "Name", "created_at": "CreatedAt", "graph_ids": "GraphIDs", "status": "Status"}},
	{schema: "files_response", where: "writertest/list.go",
		via: map[string]string{"data": "a page of the Server's files", "has_more": "more files after the page",
			"first_id": "the page's first id", "last_id": "the page's last id"}},
	{schema: "delete_file_response", where: "writertest/handlers.go (deleteFile) and writertest/graphs.go (removeFileFromGraph)",
		via: map[string]string{"id": "the deleted or removed file's id", "deleted": "always true"}},
	{schema: "retry_files_request", where: "writertest/handlers.go (retry)",
		via: map[string]string{"file_ids": "File.RetryRequests counts them"}},
	{schema: "retry_files_response", where: "writertest/handlers.go (retry)",
		via: map[string]string{"success": "true for an accepted retry"}},
	{schema: "fail_response", where: "writertest/handlers.go (writeFail)",
		via: map[string]string{"tpe": "writeFail's tpe", "errors": "one fail_message", "extras": "always {}"}},
	{schema: "fail_message", where: "writertest/handlers.go (writeFail)",
		via: map[string]string{"key": "writeFail's key", "description": "writeFail's description", "extras": "always {}"}},
	{schema: "graph", where: "writertest/graphs.go (Graph, graphResponse)",
		fields: map[string]string{"id": "ID", "name": "Name", "description": "Description", "created_at": "CreatedAt"},
		via:    map[string]string{"file_status": "counted from the files' graph_ids and statuses on every request", "type": "always manual"},
		left:   map[string]string{"urls": "the fake's graphs are manual: no web connector"}},
	{schema: "graph_file_status", where: "writertest/graphs.go (fileCounts)",
		via: map[string]string{"total": "the files whose graph_ids name the graph", "in_progress": "those of them in_progress",
			"completed": "those of them completed", "failed": "those of them failed"}},
	{schema: "graphs_response", where: "writertest/graphs_list.go",
		via: map[string]string{"data": "a page of the Server's graphs", "has_more": "more graphs after the page",
			"first_id": "the page's first id", "last_id": "the page's last id"}},
	{schema: "graph_file_request", where: "writertest/graphs.go (addFileToGraph)",
		via: map[string]string{"file_id": "the file that joins the graph"}},
	{schema: "graph_type", where: "writertest/graphs.go (graphResponse)"},
	{schema: "web_connector_url", where: "writertest/graphs.go (graphResponse)",
		left: map[string]string{"url": noConnector, "status": noConnector, "exclude_urls": noConnector, "type": noConnector}},
	{schema: "web_connector_url_state", where: "writertest/graphs.go (graphResponse)",
		left: map[string]string{"status": noConnector, "error_type": noConnector}},
	{schema: "web_connector_url_status", where: "writertest/graphs.go (graphResponse)"},
	{schema: "web_connector_url_error_type", where: "writertest/graphs.go (graphResponse)"},
	{schema: "web_connector_url_type", where: "writertest/graphs.go (graphResponse)"},
}

// noConnector is why the fake leaves out the properties of a web graph's URLs.
const noConnector = "the fake's graphs are manual: no web connector"

// checkConversions names every property of every schema of doc that convs neither maps nor
// leaves out, every schema without a conversion, and every row that names nothing in doc.
func checkConversions(doc *openapi3.T, side string, convs []conversion) []string {
	var problems []string
	for _, name := range slices.Sorted(maps.Keys(doc.Components.Schemas)) {
		if !slices.ContainsFunc(convs, func(c conversion) bool { return c.schema == name }) {
			problems = append(problems, fmt.Sprintf("schema %s: %s has no conversion for it: add its row to writer_test/properties_test.go and convert it in %s", name, side, side))
		}
	}
	for _, c := range convs {
		ref := doc.Components.Schemas[c.schema]
		if ref == nil || ref.Value == nil {
			problems = append(problems, fmt.Sprintf("schema %s: openapi.yaml has no such schema: remove or rename its row in writer_test/properties_test.go", c.schema))
			continue
		}
		props := ref.Value.Properties
		for _, p := range slices.Sorted(maps.Keys(props)) {
			n := 0
			for _, m := range []map[string]string{c.fields, c.via, c.left} {
				if _, ok := m[p]; ok {
					n++
				}
			}
			switch n {
			case 0:
				problems = append(problems, fmt.Sprintf("%s.%s: %s neither converts nor leaves out this property: convert it in %s, or list it as left out, with the reason, in writer_test/properties_test.go", c.schema, p, side, c.where))
			case 2, 3:
				problems = append(problems, fmt.Sprintf("%s.%s: listed more than once in writer_test/properties_test.go", c.schema, p))
			}
		}
		for _, m := range []map[string]string{c.fields, c.via, c.left} {
			for _, p := range slices.Sorted(maps.Keys(m)) {
				if _, ok := props[p]; !ok {
					problems = append(problems, fmt.Sprintf("%s.%s: openapi.yaml has no such property: remove it from writer_test/properties_test.go and from %s", c.schema, p, c.where))
				}
			}
		}
	}
	return problems
}

func TestWriterConvertsEveryProperty(t *testing.T) {
	for _, p := range checkConversions(loadSpec(t, "http://127.0.0.1"), "package writer", writerConversions) {
		t.Error(p)
	}
}

func TestWritertestConvertsEveryProperty(t *testing.T) {
	for _, p := range checkConversions(loadSpec(t, "http://127.0.0.1"), "writertest", writertestConversions) {
		t.Error(p)
	}
}

func TestPropertyCheckNamesANewProperty(t *testing.T) {
	doc := loadSpec(t, "http://127.0.0.1")
	props := doc.Components.Schemas["file_response"].Value.Properties
	delete(props, "source_url") // in case openapi.yaml gained it
	base := checkConversions(doc, "package writer", writerConversions)
	props["source_url"] = openapi3.NewSchemaRef("", openapi3.NewStringSchema())
	got := newProblems(base, checkConversions(doc, "package writer", writerConversions))
	want := []string{"file_response.source_url: package writer neither converts nor leaves out this property: convert it in writer/files.go (File, fileFrom), or list it as left out, with the reason, in writer_test/properties_test.go"}
	if !slices.Equal(got, want) {
		t.Errorf("problems = %q, want %q", got, want)
	}
}

// TestWriterFieldsHoldTheirProperties: an answer with every property of file_response,
// files_response, fail_response, graph and graphs_response set reaches the Go field each
// row names.
func TestWriterFieldsHoldTheirProperties(t *testing.T) {
	doc := loadSpec(t, "http://127.0.0.1")
	file := sample(doc, "file_response")
	file["id"] = idA // Get checks that the answer is about the file it asked for
	list := sample(doc, "files_response")
	fail := sample(doc, "fail_response")
	graph := sample(doc, "graph") // its id is graphA, as Graphs.Get checks
	graphs := sample(doc, "graphs_response")
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("Content-Type", "application/json")
		var body any = file
		switch r.URL.Path {
		case "/v1/files":
			body = list
		case "/v1/graphs":
			body = graphs
		case "/v1/graphs/" + graphA:
			body = graph
		case "/v1/files/" + unknownID:
			w.WriteHeader(http.StatusBadRequest)
			body = fail
		}
		_ = json.NewEncoder(w).Encode(body)
	}))
	t.Cleanup(srv.Close)
	client, err := writer.NewClient(writer.WithBaseURL(srv.URL), writer.WithAPIKey("properties-test-key"), writer.WithMaxRetries(0), writer.WithRequestsPerMinute(writer.NoRateLimit))
	if err != nil {
		t.Fatal(err)
	}
	ctx := context.Background()
	f, err := client.Files.Get(ctx, idA)
	if err != nil {
		t.Fatal(err)
	}
	page, err := client.Files.ListPage(ctx, nil, writer.Cursor{})
	if err != nil {
		t.Fatal(err)
	}
	_, err = client.Files.Get(ctx, unknownID)
	var apiErr *writer.Error
	if !errors.As(err, &apiErr) {
		t.Fatalf("Get against a 400: err = %v, want *writer.Error", err)
	}
	g, err := client.Graphs.Get(ctx, graphA)
	if err != nil {
		t.Fatal(err)
	}
	graphPage, err := client.Graphs.ListPage(ctx, nil, writer.Cursor{})
	if err != nil {
		t.Fatal(err)
	}
	checks := map[string]any{"file_response": f, "files_response": page, "fail_response": *apiErr, "fail_message": *apiErr,
		"graph": g, "graph_file_status": g.FileStatus, "graphs_response": graphPage}
	for _, c := range writerConversions {
		got, ok := checks[c.schema]
		if !ok && len(c.fields) > 0 {
			t.Errorf("%s: no round trip checks its fields %v", c.schema, c.fields)
			continue
		}
		for _, p := range slices.Sorted(maps.Keys(c.fields)) {
			field := reflect.ValueOf(got).FieldByName(c.fields[p])
			if !field.IsValid() {
				t.Errorf("%s.%s: %T has no field %s", c.schema, p, got, c.fields[p])
			} else if field.IsZero() {
				t.Errorf("%s.%s: %T.%s is empty after an answer that set it", c.schema, p, got, c.fields[p])
			}
		}
	}
}

// TestWritertestFieldsReachTheAnswer: a writertest.File and a writertest.Graph with every
// field of the file_response and graph rows set are answered with each of those properties
// set.
func TestWritertestFieldsReachTheAnswer(t *testing.T) {
	srv := writertest.NewServer(t)
	created := time.Date(2026, 1, 2, 3, 4, 5, 0, time.UTC)
	file := writertest.File{ID: idA, Name: "a.pdf", Status: writertest.StatusFailed, GraphIDs: []string{graphA}, CreatedAt: created}
	graph := writertest.Graph{ID: graphA, Name: "Docs", Description: "all of them", CreatedAt: created}
	srv.AddFiles(file)
	srv.AddGraphs(graph)
	answers := map[string]struct {
		in   any
		path string
	}{
		"file_response": {file, "/v1/files/" + idA},
		"graph":         {graph, "/v1/graphs/" + graphA},
	}
	for _, c := range writertestConversions {
		if len(c.fields) == 0 {
			continue
		}
		a, ok := answers[c.schema]
		if !ok {
			t.Errorf("%s: no answer checks its fields %v", c.schema, c.fields)
			continue
		}
		for _, p := range slices.Sorted(maps.Keys(c.fields)) {
			if reflect.ValueOf(a.in).FieldByName(c.fields[p]).IsZero() {
				t.Errorf("%s.%s: set %T.%s in this test", c.schema, p, a.in, c.fields[p])
			}
		}
		req, err := http.NewRequestWithContext(t.Context(), http.MethodGet, srv.URL+a.path, nil)
		if err != nil {
			t.Fatal(err)
		}
		req.Header.Set("Authorization", "Bearer "+srv.APIKey)
		resp, err := http.DefaultClient.Do(req)
		if err != nil {
			t.Fatal(err)
		}
		var got map[string]any
		err = json.NewDecoder(resp.Body).Decode(&got)
		resp.Body.Close()
		if err != nil {
			t.Fatal(err)
		}
		for _, p := range slices.Sorted(maps.Keys(c.fields)) {
			if v, ok := got[p]; !ok || reflect.ValueOf(v).IsZero() {
				t.Errorf("%s.%s: the fake's answer %v does not carry %T.%s", c.schema, p, got, a.in, c.fields[p])
			}
		}
	}
}

// sample is a JSON object of schema name of doc with every property set, to a value that
// its type and format allow and that is not the zero value.
func sample(doc *openapi3.T, name string) map[string]any {
	v, _ := sampleOf(doc.Components.Schemas[name].Value, name).(map[string]any)
	return v
}

func sampleOf(s *openapi3.Schema, name string) any {
	switch {
	case s.Type.Is("boolean"):
		return true
	case s.Type.Is("integer"), s.Type.Is("number"):
		return 7
	case s.Type.Is("array"):
		return []any{sampleOf(s.Items.Value, name)}
	case s.Type.Is("object") || len(s.Properties) > 0:
		out := map[string]any{}
		for p, ref := range s.Properties {
			out[p] = sampleOf(ref.Value, p)
		}
		if len(out) == 0 {
			out["k"] = "v"
		}
		return out
	case s.Format == "uuid":
		return graphA
	case s.Format == "date-time":
		return "2026-01-02T03:04:05Z"
	}
	return "sample " + name
}
