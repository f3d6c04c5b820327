package writertest

import (
	"net/http"
	"slices"
	"strconv"
	"time"

	"github.com/google/uuid"

	"github.com/writerfiles/writer-go/api"
)

// Graph is a Knowledge Graph held by the fake. Which files it holds is not stored with it:
// a file is in a graph when its File.GraphIDs name it, and the graph's file_status counts
// are computed from those files' statuses on every request, so they always agree with them.
type Graph struct {
	ID          string    // graph.id, a UUID; kept in canonical form (see AddGraphs)
	Name        string    // graph.name
	Description string    // graph.description; "" leaves it out of the answer
	CreatedAt   time.Time // zero: the time it was added
}

// AddGraphs stores graphs, replacing any with the same id. Their files are those whose
// File.GraphIDs name them: AddFiles, uploads with a graph id, and addFileToGraph put files
// in a graph. Graph.ID is kept in canonical form (graphKey); an id that is not a UUID (the
// spec's graph.id is format uuid) fails the test, and no graph is stored; with a Server
// from Start, it panics.
func (s *Server) AddGraphs(graphs ...Graph) {
	keys := make([]string, len(graphs))
	for i, g := range graphs {
		key, ok := graphKey(g.ID)
		if !ok {
			if s.tb != nil {
				s.tb.Helper()
			}
			s.refuse("AddGraphs: graph id " + strconv.Quote(g.ID) + " is not a UUID")
			return
		}
		keys[i] = key
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	if s.graphs == nil {
		s.graphs = map[string]Graph{}
	}
	now := time.Now().UTC()
	for i, g := range graphs {
		if g.CreatedAt.IsZero() {
			g.CreatedAt = now
		}
		g.ID = keys[i]
		s.graphs[g.ID] = g
	}
}

// graphKey returns the canonical form of a graph id, the form in which the Server keeps and
// compares graph ids: a UUID in lower case, 8-4-4-4-12. id may be a UUID in any form
// uuid.Parse takes (either case, without hyphens, urn:uuid:, in braces); ok is false for
// any other id.
func graphKey(id string) (key string, ok bool) {
	u, err := uuid.Parse(id)
	return u.String(), err == nil
}

// graphRoutes adds the Knowledge Graph operations that files need to mux.
func (s *Server) graphRoutes(mux *http.ServeMux) {
	mux.HandleFunc("GET /v1/graphs", s.listGraphs)
	mux.HandleFunc("GET /v1/graphs/{graph_id}", s.getGraph)
	mux.HandleFunc("POST /v1/graphs/{graph_id}/file", s.addFileToGraph)
	mux.HandleFunc("DELETE /v1/graphs/{graph_id}/file/{file_id}", s.removeFileFromGraph)
}

// pathGraph returns the graph that the request's graph_id names: valid is false for an id
// that is not a UUID, found for an unknown graph. s.mu is held.
func (s *Server) pathGraph(r *http.Request) (g Graph, valid, found bool) {
	id := r.PathValue("graph_id")
	if _, err := uuid.Parse(id); err != nil || len(id) != 36 {
		return Graph{}, false, false
	}
	g, found = s.graphs[fileKey(id)] // fileKey of a 36-character UUID is its graphKey
	return g, true, found
}

// getGraph handles GET /v1/graphs/{graph_id}: the graph with the file_status counts of the
// files whose graph_ids name it, as of now.
func (s *Server) getGraph(w http.ResponseWriter, r *http.Request) {
	s.mu.Lock()
	g, valid, found := s.pathGraph(r)
	var out api.Graph
	if found {
		out = graphResponse(g, s.fileCounts(time.Now())[g.ID])
	}
	s.mu.Unlock()
	switch {
	case !valid:
		badParam(w, "graph_id must be a UUID")
	case !found:
		writeFail(w, http.StatusNotFound, "fail.notFound", "fail.notFound.resource", "graph not found")
	default:
		writeJSON(w, http.StatusOK, out)
	}
}

// addFileToGraph handles POST /v1/graphs/{graph_id}/file with graph_file_request: the file
// joins the graph (a file already in it stays, once), and the answer is its file_response,
// whose graph_ids name the graph. An unknown graph or file answers 404, a body without
// file_id 400.
func (s *Server) addFileToGraph(w http.ResponseWriter, r *http.Request) {
	var req api.GraphFileRequest
	if err := decodeJSON(w, r, &req); err != nil || req.FileId == "" {
		badParam(w, "the body must be graph_file_request with a file_id")
		return
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	g, valid, found := s.pathGraph(r)
	f, known := s.files[fileKey(req.FileId)]
	switch {
	case !valid:
		badParam(w, "graph_id must be a UUID")
		return
	case !found:
		writeFail(w, http.StatusNotFound, "fail.notFound", "fail.notFound.resource", "graph not found")
		return
	case !known:
		writeFail(w, http.StatusNotFound, "fail.notFound", "fail.notFound.resource", "file not found")
		return
	}
	if !slices.Contains(f.GraphIDs, g.ID) {
		f.GraphIDs = append(slices.Clip(f.GraphIDs), g.ID)
	}
	writeJSON(w, http.StatusOK, fileResponse(s.snapshot(f, time.Now())))
}

// removeFileFromGraph handles DELETE /v1/graphs/{graph_id}/file/{file_id}: the file leaves
// the graph and stays stored. An unknown graph or file, or a file that is not in the graph,
// answers 404 (Writer does not document the last). The answer is delete_file_response
// {id: file_id, deleted: true}.
func (s *Server) removeFileFromGraph(w http.ResponseWriter, r *http.Request) {
	id := r.PathValue("file_id")
	s.mu.Lock()
	defer s.mu.Unlock()
	g, valid, found := s.pathGraph(r)
	f, known := s.files[fileKey(id)]
	switch {
	case !valid:
		badParam(w, "graph_id must be a UUID")
		return
	case !found:
		writeFail(w, http.StatusNotFound, "fail.notFound", "fail.notFound.resource", "graph not found")
		return
	case !known || !slices.Contains(f.GraphIDs, g.ID):
		writeFail(w, http.StatusNotFound, "fail.notFound", "fail.notFound.resource", "file not found in the graph")
		return
	}
	f.GraphIDs = slices.DeleteFunc(slices.Clone(f.GraphIDs), func(id string) bool { return id == g.ID })
	deleted := true
	writeJSON(w, http.StatusOK, api.DeleteFileResponse{Id: id, Deleted: &deleted})
}

// fileCounts returns the graph_file_status of every graph that some file names, by the
// graph's id (graphKey): each file counted once per graph, in total and under its status as of
// now (a status other than in_progress, completed and failed only in total). s.mu is held.
func (s *Server) fileCounts(now time.Time) map[string]api.GraphFileStatus {
	counts := map[string]*[4]int64{} // total, in_progress, completed, failed
	for _, f := range s.files {
		if len(f.GraphIDs) == 0 {
			continue
		}
		status := s.snapshot(f, now).Status
		seen := make([]string, 0, len(f.GraphIDs))
		for _, key := range f.GraphIDs {
			if slices.Contains(seen, key) {
				continue
			}
			seen = append(seen, key)
			c := counts[key]
			if c == nil {
				c = new([4]int64)
				counts[key] = c
			}
			c[0]++
			switch status {
			case StatusInProgress:
				c[1]++
			case StatusCompleted:
				c[2]++
			case StatusFailed:
				c[3]++
			}
		}
	}
	out := make(map[string]api.GraphFileStatus, len(counts))
	for key, c := range counts {
		out[key] = api.GraphFileStatus{Total: &c[0], InProgress: &c[1], Completed: &c[2], Failed: &c[3]}
	}
	return out
}

// graphResponse converts g and its counts (the zero value: no files) to the spec's graph.
// The fake's graphs are all of type manual: their files come from uploads and AddFiles.
func graphResponse(g Graph, counts api.GraphFileStatus) api.Graph {
	var zero int64
	for _, c := range []**int64{&counts.Total, &counts.InProgress, &counts.Completed, &counts.Failed} {
		if *c == nil {
			*c = &zero
		}
	}
	out := api.Graph{Id: uuid.MustParse(g.ID), Name: g.Name, CreatedAt: g.CreatedAt, FileStatus: counts, Type: api.Manual}
	if g.Description != "" {
		out.Description = &g.Description
	}
	return out
}
