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
	"github.com/writerfiles/writer-go/writer"
)

// Page sizes of GET /v1/files, from the spec's description of limit.
const (
	defaultPageSize = 50
	maxPageSize     = 100
)

// WithFilteredCursors makes GET /v1/files resolve an after or before cursor only among the
// files that match the request's filters (status, graph_id, file_types): a cursor whose file
// no longer matches them, for example a failed file that was retried since the previous
// page, gets 400 fail.badRequest.invalidParameters. Writer does not document which way it
// works; this is the stricter of the two plausible ways. By default a cursor marks
// its file's place among all files, whatever the file's status now.
func WithFilteredCursors() Option { return func(o *options) { o.filtered = true } }

// listFiles handles GET /v1/files: cursor pagination over the files ordered by created_at,
// then id, ascending or descending (order, default desc), filtered by status, graph_id and
// file_types (extensions of the name, case-insensitive, comma-separated).
//
// after=<id> answers the limit files that follow that file in the order, before=<id> the
// limit files that precede it (in the same order); has_more says whether more files lie
// beyond the page in that direction. By default the cursor is the position of the named
// file among all files, whatever its current status: a cursor file that has since left the
// filter (for example a failed file that was retried) still marks its place. Under
// WithFilteredCursors such a cursor is refused. Choices where Writer is silent: an
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
	status := writer.Status(q.Get("status"))
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

	s.mu.Lock()
	now := time.Now()
	// match returns f as of now if it passes the filters.
	match := func(f *file) (File, bool) {
		// Graph and type first: they do not change, and most files fail them.
		switch {
		case graph != "" && !slices.Contains(f.GraphIDs, graph): // both in canonical form
			return File{}, false
		case types != nil && !slices.Contains(types, strings.ToLower(strings.TrimPrefix(path.Ext(f.Name), "."))):
			return File{}, false
		}
		snap := s.snapshot(f, now)
		snap.Content = nil
		return snap, status == "" || snap.Status == status
	}
	files := s.byCreation()
	n := len(files)
	// at returns the k-th file in the listing's order.
	at := func(k int) *file {
		if order == "desc" {
			return files[n-1-k]
		}
		return files[k]
	}
	start, step := 0, 1 // walk the listing from start, forward (1) or back (-1)
	if id := cmp.Or(after, before); id != "" {
		f, ok := s.files[fileKey(id)]
		if !ok {
			s.mu.Unlock()
			badParam(w, "cursor file "+id+" not found")
			return
		}
		if _, ok := match(f); !ok && s.opt.filtered {
			s.mu.Unlock()
			badParam(w, "cursor file does not match the filters: "+id)
			return
		}
		k, _ := slices.BinarySearchFunc(files, f, byCreated)
		if order == "desc" {
			k = n - 1 - k
		}
		start = k + 1
		if before != "" {
			start, step = k-1, -1
		}
	}
	var page []File
	more := false
	for k := start; k >= 0 && k < n; k += step {
		f, ok := match(at(k))
		if !ok {
			continue
		}
		if len(page) == limit {
			more = true
			break
		}
		page = append(page, f)
	}
	s.mu.Unlock()
	if step < 0 {
		slices.Reverse(page)
	}

	out := api.FilesResponse{Data: make([]api.FileResponse, len(page)), HasMore: &more}
	for i, f := range page {
		out.Data[i] = fileResponse(f)
	}
	if len(page) > 0 {
		out.FirstId, out.LastId = &page[0].ID, &page[len(page)-1].ID
	}
	writeJSON(w, http.StatusOK, out)
}

// byCreation returns the files ordered by created_at, then id, ascending, so that a listing
// costs a binary search and a page of scanning rather than a sort of every file. The order
// is rebuilt after files were added or removed (which set s.sorted to nil). s.mu is held.
func (s *Server) byCreation() []*file {
	if s.sorted == nil {
		s.sorted = make([]*file, 0, len(s.files))
		for _, f := range s.files {
			s.sorted = append(s.sorted, f)
		}
		slices.SortFunc(s.sorted, byCreated)
	}
	return s.sorted
}

// byCreated orders files by created_at, then id: the order of a listing.
func byCreated(a, b *file) int {
	return cmp.Or(a.CreatedAt.Compare(b.CreatedAt), strings.Compare(a.ID, b.ID))
}

// badParam answers 400 with Writer's invalid-parameters error.
func badParam(w http.ResponseWriter, description string) {
	writeFail(w, http.StatusBadRequest, "fail.badRequest", "fail.badRequest.invalidParameters", description)
}
