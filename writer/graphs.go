package writer

import (
	"context"
	"encoding/json"
	"fmt"
	"math"
	"net/http"
	"reflect"
	"slices"
	"time"

	"github.com/google/uuid"

	"github.com/writerfiles/writer-go/api"
)

// GraphsService is the part of Writer's Knowledge Graph API that files need (spec tag
// "KG API", paths under /v1/graphs), reached as Client.Graphs: a graph's file_status counts,
// and which files a graph holds. Each method checks its arguments before any request
// (ErrInvalidInput), and returns *Error for every failure that reached the network.
//
// The four operations, one request each (retried as the client's RetryPolicy allows):
//
//	Get              GET    /v1/graphs/{graph_id}                   findGraphWithFileStatus
//	List, ListPage   GET    /v1/graphs                              findGraphsWithFileStatus
//	AddFile          POST   /v1/graphs/{graph_id}/file              addFileToGraph
//	RemoveFile       DELETE /v1/graphs/{graph_id}/file/{file_id}    removeFileFromGraph
//
// Creating, renaming and deleting graphs are not wrapped: Client.Do reaches them.
type GraphsService struct {
	client *Client
}

// Graph is a Knowledge Graph and the processing status of its files: the spec's graph.
type Graph struct {
	// ID is graph.id, a UUID, in lower case.
	ID string
	// Name is graph.name.
	Name string
	// Description is graph.description; "" when absent.
	Description string
	// Type is how the graph's files arrive (graph.type): GraphTypeManual,
	// GraphTypeConnector, GraphTypeWeb, or another value as Writer sent it.
	Type GraphType
	// CreatedAt is when the graph was created (graph.created_at, RFC 3339).
	CreatedAt time.Time
	// FileStatus counts the graph's files by processing status (graph.file_status).
	FileStatus GraphFileStatus
	// Extra holds the properties of graph that Graph does not carry, keyed by name, as raw
	// JSON: urls (a web graph's connector URLs) and those the spec this version was
	// generated from does not declare; nil when there are none.
	Extra map[string]json.RawMessage
}

// GraphType is the kind of a Knowledge Graph, graph.type.
type GraphType string

// The graph types the spec's enum graph_type lists.
const (
	// GraphTypeManual: files are uploaded through Writer's UI or the API.
	GraphTypeManual GraphType = "manual"
	// GraphTypeConnector: files come from a data connector such as Google Drive.
	GraphTypeConnector GraphType = "connector"
	// GraphTypeWeb: URLs are connected to the graph.
	GraphTypeWeb GraphType = "web"
)

// GraphFileStatus counts a graph's files by processing status, the spec's
// graph_file_status, as of Writer's answer: the counts follow the files' own statuses
// (file_response.status) as Writer processes them. Total minus the other three counts the
// files in any other status.
type GraphFileStatus struct {
	// Total is the number of files in the graph (total). Files in a status other than the
	// three below count only here.
	Total int
	// InProgress is the number of files being processed (in_progress).
	InProgress int
	// Completed is the number of files processed (completed).
	Completed int
	// Failed is the number of files whose processing failed (failed).
	Failed int
}

// The shapes of graph and graphs_response, from the generated types' json tags. graph's
// urls is left out of the shape, so that Graph.Extra carries it.
var (
	graphShape  = shape{slices.DeleteFunc(jsonNames(reflect.TypeFor[api.Graph]()), func(n string) bool { return n == "urls" })}
	graphsShape = shape{jsonNames(reflect.TypeFor[api.GraphsResponse]()), nil, graphShape[0]}
)

// Get returns a graph and the counts of its files by processing status: GET
// /v1/graphs/{graph_id} (operationId findGraphWithFileStatus). One request tells whether
// any file of the graph is still in progress.
//
// graphID must be a UUID (either case); another value is an *InputError for graph_id.
// Failures return *Error (GraphID: graphID): ErrNotFound for an unknown graph,
// ErrInvalidResponse for an answer that is not a graph about graphID (id, created_at and
// the four counts of file_status required, counts not negative), and the other status
// sentinels.
func (s *GraphsService) Get(ctx context.Context, graphID string) (Graph, error) {
	id, err := s.client.key.checkGraphID("graph_id", graphID)
	if err != nil {
		return Graph{}, err
	}
	r, err := s.client.do(ctx, &operation{id: opGraphGet, request: func(int) (*http.Request, error) {
		return api.NewFindGraphWithFileStatusRequest(s.client.server, id)
	}})
	if err != nil {
		return Graph{}, s.client.key.withIDs(err, "", graphID)
	}
	g, err := r.graph()
	if err == nil && g.ID != id.String() {
		err = r.fail(fmt.Errorf("%w: the answer is about graph %s, not the one asked for", ErrInvalidResponse, g.ID))
	}
	if err != nil {
		return Graph{}, s.client.key.withIDs(err, "", graphID)
	}
	return g, nil
}

// graph decodes the answer as a graph, which graphProblem must accept.
func (r *reply) graph() (Graph, error) {
	var out api.Graph
	body, err := r.decodeShaped(&out, graphShape)
	if err != nil {
		return Graph{}, err
	}
	if problem := graphProblem(out); problem != "" {
		return Graph{}, r.fail(fmt.Errorf("%w: graph %s", ErrInvalidResponse, problem))
	}
	g := graphFrom(out)
	if body != nil {
		g.Extra = extraOf(body, graphShape[0])
	}
	return g, nil
}

// graphProblem says what makes g, as decoded, not a graph: the first required property
// missing (id, created_at, file_status and its counts) or a count below zero or above what
// an int holds; "" when there is none.
func graphProblem(g api.Graph) string {
	switch {
	case g.Id == uuid.Nil:
		return "without id"
	case g.CreatedAt.IsZero():
		return "without created_at"
	}
	fs := g.FileStatus
	for _, c := range []struct {
		name string
		n    *int64
	}{{"total", fs.Total}, {"in_progress", fs.InProgress}, {"completed", fs.Completed}, {"failed", fs.Failed}} {
		switch {
		case c.n == nil:
			return "without file_status." + c.name
		case *c.n < 0 || *c.n > math.MaxInt:
			return fmt.Sprintf("with file_status.%s %d", c.name, *c.n)
		}
	}
	return ""
}

// graphFrom converts a graph that graphProblem accepts to a Graph.
func graphFrom(g api.Graph) Graph {
	fs := g.FileStatus
	out := Graph{
		ID:         g.Id.String(),
		Name:       g.Name,
		Type:       GraphType(g.Type),
		CreatedAt:  g.CreatedAt,
		FileStatus: GraphFileStatus{Total: int(*fs.Total), InProgress: int(*fs.InProgress), Completed: int(*fs.Completed), Failed: int(*fs.Failed)},
	}
	if g.Description != nil {
		out.Description = *g.Description
	}
	return out
}

// AddFile puts a file in a graph: POST /v1/graphs/{graph_id}/file (operationId
// addFileToGraph) with graph_file_request {"file_id": fileID}. It returns the file as
// Writer answers (file_response). Writer then processes the file for the graph; Get
// counts it.
//
// graphID must be a UUID (an *InputError for graph_id otherwise); fileID is checked as in
// FilesService.Get (an *InputError for file_id). Failures return *Error (GraphID:
// graphID, FileID: fileID): ErrNotFound for an unknown graph or file, ErrInvalidResponse
// for an answer that is not a file_response about fileID, and the other status sentinels.
// Adding a file twice leaves it in the graph once, so the call is retried as the client's
// policy allows.
func (s *GraphsService) AddFile(ctx context.Context, graphID, fileID string) (File, error) {
	id, err := s.client.key.checkGraphID("graph_id", graphID)
	if err != nil {
		return File{}, err
	}
	if err := s.client.key.checkFileID("file_id", -1, fileID); err != nil {
		return File{}, err
	}
	body := api.GraphFileRequest{FileId: fileID}
	r, err := s.client.do(ctx, &operation{id: opGraphAddFile, request: func(int) (*http.Request, error) {
		return api.NewAddFileToGraphRequest(s.client.server, id, body)
	}})
	if err != nil {
		return File{}, s.client.key.withIDs(err, fileID, graphID)
	}
	f, err := r.file()
	if err == nil && !sameID(f.ID, fileID) {
		err = r.fail(fmt.Errorf("%w: the answer is about file %q, not the one asked for", ErrInvalidResponse, oneLine(r.key.redact(f.ID), 80)))
	}
	if err != nil {
		return File{}, s.client.key.withIDs(err, fileID, graphID)
	}
	return f, nil
}

// RemoveFile takes a file out of a graph; the file stays stored: DELETE
// /v1/graphs/{graph_id}/file/{file_id} (operationId removeFileFromGraph). Success is 204
// No Content, or 2xx with delete_file_response {"id": fileID, "deleted": true}.
//
// graphID must be a UUID (an *InputError for graph_id otherwise); fileID is checked as in
// FilesService.Get (an *InputError for file_id). Failures return *Error (GraphID:
// graphID, FileID: fileID) matching the status sentinels (ErrNotFound for an unknown graph
// or file, or a file not in the graph), ErrNotDeleted for "deleted": false, and
// ErrInvalidResponse for a body without id or deleted, or about another file. DELETE is
// retried as the client's policy allows: ErrNotFound with Error.Attempts > 1 means an
// earlier attempt may have removed the file.
func (s *GraphsService) RemoveFile(ctx context.Context, graphID, fileID string) error {
	id, err := s.client.key.checkGraphID("graph_id", graphID)
	if err != nil {
		return err
	}
	if err := s.client.key.checkFileID("file_id", -1, fileID); err != nil {
		return err
	}
	var out api.DeleteFileResponse
	err = s.client.doJSON(ctx, &operation{id: opGraphRemoveFile, request: func(int) (*http.Request, error) {
		return api.NewRemoveFileFromGraphRequest(s.client.server, id, fileID)
	}}, &out, deletedFile(&out, fileID))
	return s.client.key.withIDs(err, fileID, graphID)
}
