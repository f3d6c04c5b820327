package writertest

import (
	"cmp"
	"net/http"
	"slices"
	"strconv"
	"strings"
	"time"

	"github.com/google/uuid"

	"github.com/writerfiles/writer-go/api"
)

// listGraphs handles GET /v1/graphs: cursor pagination over the graphs ordered by
// created_at, then id, ascending or descending (order, default desc), each with the
// file_status counts of its files as of now. after=<id> answers the limit graphs (default
// 50, 1 to 100) that follow that graph in the order, before=<id> the limit graphs that
// precede it (in the same order); has_more says whether more graphs lie beyond the page in
// that direction. As GET /v1/files does, the fake answers 400
// fail.badRequest.invalidParameters for a cursor that is not a UUID or names no graph, for
// both cursors, and for any parameter out of range.
func (s *Server) listGraphs(w http.ResponseWriter, r *http.Request) {
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
	order := cmp.Or(q.Get("order"), "desc")
	if order != "asc" && order != "desc" {
		badParam(w, "order must be asc or desc")
		return
	}
	after, before := q.Get("after"), q.Get("before")
	if after != "" && before != "" {
		badParam(w, "after and before cannot be used together")
		return
	}
	cursor := cmp.Or(after, before)
	if _, err := uuid.Parse(cursor); cursor != "" && (err != nil || len(cursor) != 36) {
		badParam(w, "after and before must be graph ids (UUIDs)")
		return
	}

	s.mu.Lock()
	graphs := slices.SortedFunc(func(yield func(Graph) bool) {
		for _, g := range s.graphs {
			if !yield(g) {
				return
			}
		}
	}, func(a, b Graph) int {
		return cmp.Or(a.CreatedAt.Compare(b.CreatedAt), strings.Compare(a.ID, b.ID))
	})
	if order == "desc" {
		slices.Reverse(graphs)
	}
	start, end := 0, len(graphs) // the graphs beyond the cursor: graphs[start:end]
	if cursor != "" {
		k := slices.IndexFunc(graphs, func(g Graph) bool { return g.ID == fileKey(cursor) })
		if k < 0 {
			s.mu.Unlock()
			badParam(w, "cursor graph "+cursor+" not found")
			return
		}
		if after != "" {
			start = k + 1
		} else {
			end = k
		}
	}
	more := end-start > limit
	if after != "" || cursor == "" {
		end = min(end, start+limit)
	} else {
		start = max(start, end-limit)
	}
	counts := s.fileCounts(time.Now())
	out := api.GraphsResponse{Data: make([]api.Graph, 0, end-start), HasMore: &more}
	for _, g := range graphs[start:end] {
		out.Data = append(out.Data, graphResponse(g, counts[g.ID]))
	}
	s.mu.Unlock()
	if len(out.Data) > 0 {
		out.FirstId, out.LastId = &out.Data[0].Id, &out.Data[len(out.Data)-1].Id
	}
	writeJSON(w, http.StatusOK, out)
}
