package writer_test

import (
	"context"
	"errors"
	"fmt"
	"io"
	"net/http"
	"slices"
	"strings"
	"testing"

	"github.com/getkin/kin-openapi/openapi3"
	"github.com/getkin/kin-openapi/routers/gorillamux"

	"github.com/writerfiles/writer-go/writer"
	"github.com/writerfiles/writer-go/writertest"
)

// specOp is one operation of openapi.yaml.
type specOp struct {
	ID, Method, Path string
}

func (o specOp) String() string { return o.ID + " (" + o.Method + " " + o.Path + ")" }

// specOperations returns every operation of doc, ordered by path, then method.
func specOperations(doc *openapi3.T) []specOp {
	var ops []specOp
	for path, item := range doc.Paths.Map() {
		for method, op := range item.Operations() {
			ops = append(ops, specOp{ID: op.OperationID, Method: method, Path: path})
		}
	}
	slices.SortFunc(ops, func(a, b specOp) int { return strings.Compare(a.Path+" "+a.Method, b.Path+" "+b.Method) })
	return ops
}

// coverageRow says which writer method sends an operation. call runs the method against a
// fake holding coverageFixture and must succeed.
type coverageRow struct {
	operationID string
	method      string // as a caller writes it, for messages
	call        func(ctx context.Context, c *writer.Client) error
}

// coverageFixture is the file every row's fake holds: failed, so that Retry accepts it,
// with content, so that Download has bytes to send, and in coverageGraph, so that
// RemoveFile can take it out.
var coverageFixture = writertest.File{ID: idA, Name: "a.txt", Status: writertest.StatusFailed, ContentType: "text/plain", Content: []byte("hello"), GraphIDs: []string{graphA}}

// coverageGraph is the graph every row's fake holds.
var coverageGraph = writertest.Graph{ID: graphA, Name: "Docs"}

// coverageRows maps every operation of openapi.yaml to the writer methods that wrap it.
// RetryFailed and WaitProcessed are workflows over several operations, not wrappers.
var coverageRows = []coverageRow{
	{"gatewayGetFiles", "Files.List", func(ctx context.Context, c *writer.Client) error {
		for _, err := range c.Files.List(ctx, nil) {
			if err != nil {
				return err
			}
		}
		return nil
	}},
	{"gatewayGetFiles", "Files.ListPage", func(ctx context.Context, c *writer.Client) error {
		_, err := c.Files.ListPage(ctx, nil, writer.Cursor{})
		return err
	}},
	{"gatewayGetFile", "Files.Get", func(ctx context.Context, c *writer.Client) error {
		_, err := c.Files.Get(ctx, idA)
		return err
	}},
	{"gatewayUploadFile", "Files.Upload", func(ctx context.Context, c *writer.Client) error {
		_, err := c.Files.Upload(ctx, writer.UploadParams{Name: "b.txt", Body: strings.NewReader("hi")})
		return err
	}},
	{"gatewayDownloadFile", "Files.Download", func(ctx context.Context, c *writer.Client) error {
		d, err := c.Files.Download(ctx, idA)
		if err != nil {
			return err
		}
		_, err = io.Copy(io.Discard, d.Body)
		return errors.Join(err, d.Body.Close())
	}},
	{"gatewayDeleteFile", "Files.Delete", func(ctx context.Context, c *writer.Client) error {
		return c.Files.Delete(ctx, idA)
	}},
	{"gatewayRetryFailedFiles", "Files.Retry", func(ctx context.Context, c *writer.Client) error {
		return c.Files.Retry(ctx, []string{idA})
	}},
	{"findGraphsWithFileStatus", "Graphs.List", func(ctx context.Context, c *writer.Client) error {
		for _, err := range c.Graphs.List(ctx, nil) {
			if err != nil {
				return err
			}
		}
		return nil
	}},
	{"findGraphsWithFileStatus", "Graphs.ListPage", func(ctx context.Context, c *writer.Client) error {
		_, err := c.Graphs.ListPage(ctx, nil, writer.Cursor{})
		return err
	}},
	{"findGraphWithFileStatus", "Graphs.Get", func(ctx context.Context, c *writer.Client) error {
		_, err := c.Graphs.Get(ctx, graphA)
		return err
	}},
	{"addFileToGraph", "Graphs.AddFile", func(ctx context.Context, c *writer.Client) error {
		_, err := c.Graphs.AddFile(ctx, graphA, idA)
		return err
	}},
	{"removeFileFromGraph", "Graphs.RemoveFile", func(ctx context.Context, c *writer.Client) error {
		return c.Graphs.RemoveFile(ctx, graphA, idA)
	}},
}

// checkCoverage compares the operations of doc with rows: every operation needs a row, and
// every row must name an operation of doc.
func checkCoverage(doc *openapi3.T, rows []coverageRow) []string {
	var problems []string
	inSpec := map[string]bool{}
	for _, op := range specOperations(doc) {
		inSpec[op.ID] = true
		if !slices.ContainsFunc(rows, func(r coverageRow) bool { return r.operationID == op.ID }) {
			problems = append(problems, fmt.Sprintf("operation %s has no writer method: add one in writer/ and its row to coverageRows in writer_test/coverage_test.go", op))
		}
	}
	for _, r := range rows {
		if !inSpec[r.operationID] {
			problems = append(problems, fmt.Sprintf("row %s -> %s: openapi.yaml has no operation %s: remove or rename the row in writer_test/coverage_test.go", r.operationID, r.method, r.operationID))
		}
	}
	return problems
}

// checkRowSends runs row.call against a fresh fake and routes every request the fake
// received through doc: all of them must be row's operation, and there must be at least one.
func checkRowSends(t *testing.T, doc *openapi3.T, row coverageRow) error {
	t.Helper()
	client, srv := setup(t, nil)
	srv.AddGraphs(coverageGraph)
	srv.AddFiles(coverageFixture)
	if err := row.call(context.Background(), client); err != nil {
		return fmt.Errorf("%s: %w", row.method, err)
	}
	doc.Servers = openapi3.Servers{{URL: srv.URL}}
	router, err := gorillamux.NewRouter(doc)
	if err != nil {
		return fmt.Errorf("route openapi.yaml: %w", err)
	}
	reqs := srv.Requests()
	if len(reqs) == 0 {
		return fmt.Errorf("%s sent no request; its row names %s", row.method, row.operationID)
	}
	for _, r := range reqs {
		req, err := http.NewRequestWithContext(t.Context(), r.Method, srv.URL+r.Path, nil)
		if err != nil {
			return err
		}
		route, _, err := router.FindRoute(req)
		if err != nil {
			return fmt.Errorf("%s sent %s %s, which is no operation of openapi.yaml", row.method, r.Method, r.Path)
		}
		if got := route.Operation.OperationID; got != row.operationID {
			return fmt.Errorf("%s sent %s %s, operation %s, but its row names %s", row.method, r.Method, r.Path, got, row.operationID)
		}
	}
	return nil
}

func TestEveryOperationHasAWriterMethod(t *testing.T) {
	doc := loadSpec(t, "http://127.0.0.1")
	for _, p := range checkCoverage(doc, coverageRows) {
		t.Error(p)
	}
	for _, row := range coverageRows {
		t.Run(row.method, func(t *testing.T) {
			if err := checkRowSends(t, loadSpec(t, "http://127.0.0.1"), row); err != nil {
				t.Error(err)
			}
		})
	}
}

// TestErrorsNameTheEndpoint: for every operation, a failed call's error starts with the
// method and path template that openapi.yaml gives for its operationId, then the path
// parameters the call was given, which the *Error carries (GraphID, FileID; for
// addFileToGraph, FileID is its request body's file_id).
func TestErrorsNameTheEndpoint(t *testing.T) {
	ops := specOperations(loadSpec(t, "http://127.0.0.1"))
	for _, row := range coverageRows {
		t.Run(row.method, func(t *testing.T) {
			i := slices.IndexFunc(ops, func(o specOp) bool { return o.ID == row.operationID })
			if i < 0 {
				t.Fatalf("openapi.yaml has no operation %s", row.operationID)
			}
			client, srv := setup(t, nil, writer.WithMaxRetries(0))
			srv.AddGraphs(coverageGraph)
			srv.AddFiles(coverageFixture)
			srv.FailNext(1, writertest.Fault{Status: http.StatusBadRequest})
			err := row.call(context.Background(), client)
			var apiErr *writer.Error
			if !errors.As(err, &apiErr) {
				t.Fatalf("%s against a 400: err = %v, want *writer.Error", row.method, err)
			}
			want := fmt.Sprintf("writer: %s %s (%s)", ops[i].Method, ops[i].Path, ops[i].ID)
			for _, p := range []struct{ name, value string }{{"graph_id", apiErr.GraphID}, {"file_id", apiErr.FileID}} {
				named := strings.Contains(ops[i].Path, "{"+p.name+"}") || (p.name == "file_id" && ops[i].ID == "addFileToGraph")
				if named != (p.value != "") {
					t.Errorf("%s: the *Error's %s is %q, want it set exactly when the path (or addFileToGraph's body) has %s", row.method, p.name, p.value, p.name)
				}
				if p.value != "" {
					want += fmt.Sprintf(" %s %q", p.name, p.value)
				}
			}
			want += ": status 400"
			if !strings.HasPrefix(err.Error(), want) {
				t.Errorf("%s: Error() = %q, want it to start with %q", row.method, err, want)
			}
		})
	}
}

func TestCoverageCheckNamesAnOperationWithoutMethod(t *testing.T) {
	doc := loadSpec(t, "http://127.0.0.1")
	doc.Paths.Delete("/v1/files/{file_id}/archive") // in case openapi.yaml gained it
	base := checkCoverage(doc, coverageRows)
	responses := openapi3.NewResponses()
	doc.Paths.Set("/v1/files/{file_id}/archive", &openapi3.PathItem{
		Post: &openapi3.Operation{OperationID: "gatewayArchiveFile", Responses: responses},
	})
	got := newProblems(base, checkCoverage(doc, coverageRows))
	want := []string{"operation gatewayArchiveFile (POST /v1/files/{file_id}/archive) has no writer method: add one in writer/ and its row to coverageRows in writer_test/coverage_test.go"}
	if !slices.Equal(got, want) {
		t.Errorf("problems = %q, want %q", got, want)
	}
}

func TestCoverageCheckNamesAStaleRow(t *testing.T) {
	doc := loadSpec(t, "http://127.0.0.1")
	base := checkCoverage(doc, coverageRows)
	rows := append(slices.Clone(coverageRows), coverageRow{operationID: "gatewayRenameFile", method: "Files.Rename"})
	got := newProblems(base, checkCoverage(doc, rows))
	want := []string{"row gatewayRenameFile -> Files.Rename: openapi.yaml has no operation gatewayRenameFile: remove or rename the row in writer_test/coverage_test.go"}
	if !slices.Equal(got, want) {
		t.Errorf("problems = %q, want %q", got, want)
	}
}

// newProblems returns the problems of got that are not in base: those a test's edit made,
// whatever else a newer openapi.yaml brings.
func newProblems(base, got []string) []string {
	return slices.DeleteFunc(got, func(p string) bool { return slices.Contains(base, p) })
}

func TestCoverageCheckCatchesARowThatLies(t *testing.T) {
	cases := []struct {
		row  coverageRow
		want string
	}{
		{coverageRow{"gatewayGetFile", "Files.Delete", func(ctx context.Context, c *writer.Client) error {
			return c.Files.Delete(ctx, idA)
		}}, "Files.Delete sent DELETE /v1/files/" + idA + ", operation gatewayDeleteFile, but its row names gatewayGetFile"},
		{coverageRow{"gatewayGetFile", "nothing", func(context.Context, *writer.Client) error {
			return nil
		}}, "nothing sent no request; its row names gatewayGetFile"},
	}
	for _, c := range cases {
		t.Run(c.row.method, func(t *testing.T) {
			err := checkRowSends(t, loadSpec(t, "http://127.0.0.1"), c.row)
			if err == nil || err.Error() != c.want {
				t.Errorf("checkRowSends = %v, want %q", err, c.want)
			}
		})
	}
}
