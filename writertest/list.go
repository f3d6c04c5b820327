package writertest

import (
	"cmp"
	"net/http"
	"path"
	"slices"
	"strconv"
	"strings"
	"time"

	"github.com/google/uuid"

	"github.com/writerfiles/writer-go/api"
)

// Page sizes of GET /v1/files, from the spec's description of limit.
const (
	defaultPageSize = 50
	maxPageSize     = 100
)

// listFiles handles GET /v1/files: cursor pagination over the files ordered by created_at,
// then id, ascending or descending (order, default desc), filtered by status, graph_id and
// file_types (extensions of the name, case-insensitive, comma-separated).
//
// after=<id> answers the files that follow that file in the order, before=<id> the limit
// files that precede it (in the same order); has_more says whether more files lie beyond
// the page in that direction. The cursor is the position of the named file, whatever its
// current status: a cursor file that has since left the filter (for example a failed file
// that was retried) still marks its place. Choices where Writer is silent (UNKNOWN): an
// unknown cursor id, both cursors, or any parameter out of range is a 400
// fail.badRequest.invalidParameters.
func (s *Server) listFiles(w http.ResponseWriter, r *http.Request) {
	q := r.URL.Query()
	limit := defaultPageSize
	if v := q.Get("limit"); v != "" {
		n, err := strconv.Atoi(v)
		if err != nil || n < 1 || n > maxPageSize {
			badParam(w, "limit must be an integer from 1 to 100")
			return
		}
		limit = n
	}
	order := q.Get("order")
	switch order {
	case "":
		order = "desc"
	case "asc", "desc":
	default:
		badParam(w, "order must be asc or desc")
		return
	}
	status := q.Get("status")
	switch status {
	case "", StatusInProgress, StatusCompleted, StatusFailed:
	default:
		badParam(w, "status must be in_progress, completed or failed")
		return
	}
	graph := q.Get("graph_id")
	if graph != "" {
		u, err := uuid.Parse(graph)
		if err != nil {
			badParam(w, "graph_id must be a UUID")
			return
		}
		graph = u.String()
	}
	var types []string
	if v := q.Get("file_types"); v != "" {
		types = strings.Split(strings.ToLower(v), ",")
	}
	after, before := q.Get("after"), q.Get("before")
	if after != "" && before != "" {
		badParam(w, "after and before cannot be used together")
		return
	}

	desc := order == "desc"
	less := func(a, b File) int {
		c := cmp.Or(a.CreatedAt.Compare(b.CreatedAt), strings.Compare(a.ID, b.ID))
		if desc {
			c = -c
		}
		return c
	}

	s.mu.Lock()
	now := time.Now()
	var cursor File
	if id := cmp.Or(after, before); id != "" {
		f, ok := s.files[id]
		if !ok {
			s.mu.Unlock()
			badParam(w, "cursor file "+id+" not found")
			return
		}
		cursor = f.File
	}
	var match []File
	for _, f := range s.files {
		// Cursor, graph and type first: they do not change, and most files fail them.
		switch {
		case after != "" && less(f.File, cursor) <= 0:
			continue
		case before != "" && less(f.File, cursor) >= 0:
			continue
		case graph != "" && !slices.ContainsFunc(f.GraphIDs, func(g string) bool { return strings.EqualFold(g, graph) }):
			continue
		case types != nil && !slices.Contains(types, strings.ToLower(strings.TrimPrefix(path.Ext(f.Name), "."))):
			continue
		}
		snap := s.snapshot(f, now)
		if status != "" && snap.Status != status {
			continue
		}
		snap.Content = nil
		match = append(match, snap)
	}
	s.mu.Unlock()

	slices.SortFunc(match, less)
	page, more := match, false
	if len(match) > limit {
		more = true
		if before != "" {
			page = match[len(match)-limit:]
		} else {
			page = match[:limit]
		}
	}
	out := api.FilesResponse{Data: make([]api.FileResponse, len(page)), HasMore: more}
	for i, f := range page {
		out.Data[i] = fileResponse(f)
	}
	if len(page) > 0 {
		out.FirstId, out.LastId = &page[0].ID, &page[len(page)-1].ID
	}
	writeJSON(w, http.StatusOK, out)
}

// badParam answers 400 with Writer's invalid-parameters error.
func badParam(w http.ResponseWriter, description string) {
	writeFail(w, http.StatusBadRequest, "fail.badRequest", "fail.badRequest.invalidParameters", description)
}
