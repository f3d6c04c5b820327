package writer

import (
	"context"
	"errors"
	"fmt"
	"maps"
	"net/http"
	"slices"
	"time"

	"github.com/google/uuid"

	"github.com/writerfiles/writer-go/api"
)

// lister reads a run's failed files a page at a time from one end, oldest or newest first,
// and gives each file once (the cursor file after the next page answered). Its rules for
// repeats, two ends, ties and servers that ignore order: docs/workflow.md ("The run",
// "Each file once").
type lister struct {
	s       *FilesService
	q       listQuery
	desc    bool                 // newest first
	other   *lister              // the listing from the other end; none: an empty lister
	after   string               // the cursor: the last file id of the previous page; "": none yet
	at      time.Time            // the cursor file's created_at
	cursors map[string]struct{}  // every cursor so far
	taken   map[string]time.Time // ids taken since the previous cursor's created_at
	held    []uuid.UUID          // the cursor file (newest first, with its ties) when to be retried
	gave    []uuid.UUID          // the ids to retry its last page gave
	done    bool                 // no more pages
	met     bool                 // done, and the listing complete
}

// listed is what one page gave: the ids to retry, the files found, those of them whose id
// is not a UUID, and the failed files outside the run's graph.
type listed struct {
	ids     []uuid.UUID
	found   int
	skipped []string
	outside int
}

func newLister(s *FilesService, q listQuery, desc bool) *lister {
	if desc {
		o := api.GatewayGetFilesParamsOrderDesc
		q.params.Order = &o
	}
	return &lister{s: s, q: q, desc: desc, other: &lister{},
		cursors: map[string]struct{}{}, taken: map[string]time.Time{}}
}

// errCursorBack: a page's last file lies before the cursor file in the listing's order.
var errCursorBack = errors.New(
	"page's last file lies before the cursor file in the listing's order: paging would not advance")

// passed reports whether the listing went past a file created at t.
func (l *lister) passed(t time.Time) bool {
	return l.after != "" && ((!l.desc && t.Before(l.at)) || (l.desc && t.After(l.at)))
}

// fetch reads the next page.
func (l *lister) fetch(ctx context.Context) (Page, error) {
	return l.s.listPage(ctx, l.q, Cursor{After: l.after})
}

// take takes the page fetch read and returns what it gave. A page whose cursor would go
// back or come again ends the listing with ErrInvalidResponse, its files counted.
func (l *lister) take(page Page) (*listed, error) {
	if l.desc && (!newestFirst(page.Files) || (l.after == "" && len(page.Files) < 2)) {
		l.done = true // what it holds stays held until the listing ends
		return &listed{}, nil
	}
	out := &listed{ids: l.held}
	l.held, l.done = nil, !page.HasMore || len(page.Files) == 0
	for i, f := range page.Files {
		// The server's filters are checked: status, and graph_ids below.
		if f.Status != StatusFailed || l.passed(f.CreatedAt) {
			continue
		}
		id, isUUID := parseUUID(f.ID)
		key := f.ID
		if isUUID {
			key = id.String()
		}
		if l.other.passed(f.CreatedAt) {
			l.done = true // the other listing has every file from here on
			continue
		}
		_, mine := l.taken[key]
		if _, theirs := l.other.taken[key]; mine || theirs {
			continue
		}
		l.taken[key] = f.CreatedAt
		if l.q.params.GraphId != nil && !inGraph(f, *l.q.params.GraphId) {
			out.outside++
			continue
		}
		out.found++
		switch {
		case !isUUID:
			out.skipped = append(out.skipped, f.ID)
		case i == len(page.Files)-1 && !l.done:
			l.held = []uuid.UUID{id}
		default:
			out.ids = append(out.ids, id)
		}
	}
	if l.done {
		l.met = true // at the other end of the listing, or where it met the other listing
		return out, nil
	}
	// The last file becomes the cursor; the previous cursor's time alone tells older ids.
	after, err := nextCursor(page, l.after, l.cursors)
	if err != nil {
		return out, err
	}
	last := page.Files[len(page.Files)-1]
	if l.passed(last.CreatedAt) {
		return out, &Error{Operation: opList, StatusCode: http.StatusOK,
			Err: fmt.Errorf("%w: %w", ErrInvalidResponse, errCursorBack)}
	}
	maps.DeleteFunc(l.taken, func(_ string, at time.Time) bool { return l.passed(at) })
	if l.desc { // the cursor's ties wait with it: the other end may name one as its cursor
		out.ids = slices.DeleteFunc(out.ids, func(id uuid.UUID) bool {
			at, ok := l.taken[id.String()]
			if ok = ok && at.Equal(last.CreatedAt); ok {
				l.held = append(l.held, id)
			}
			return ok
		})
	}
	l.after, l.at = after, last.CreatedAt
	return out, nil
}

// newestFirst reports whether the files' times show newest-first order: none newer than
// the one before, and the last older than the first.
func newestFirst(files []File) bool {
	return slices.IsSortedFunc(files, func(a, b File) int { return b.CreatedAt.Compare(a.CreatedAt) }) &&
		(len(files) < 2 || files[len(files)-1].CreatedAt.Before(files[0].CreatedAt))
}

// inGraph reports whether f's graph_ids hold graph, compared as UUIDs.
func inGraph(f File, graph uuid.UUID) bool {
	return slices.ContainsFunc(f.GraphIDs, func(g string) bool {
		u, ok := parseUUID(g)
		return ok && u == graph
	})
}
