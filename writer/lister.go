package writer

import (
	"context"
	"errors"
	"fmt"
	"net/http"
	"time"

	"github.com/google/uuid"
)

// lister reads a run's failed files a page at a time, oldest first, and gives each file
// once, whatever the server repeats: a repeat is an id taken before (compared as a UUID)
// or a file created before the cursor file, which the listing has passed. The cursor file
// is held back until the next page has answered, so that it is still in the failed filter
// when the cursor names it.
type lister struct {
	s       *FilesService
	q       listQuery
	after   string               // the cursor: the last file id of the previous page
	at      time.Time            // the cursor file's created_at, once started
	started bool                 // a page moved the cursor
	cursors map[string]struct{}  // every cursor so far
	taken   map[string]time.Time // ids taken since the previous cursor's created_at
	held    []uuid.UUID          // the cursor file, when it is to be retried
	done    bool
}

// listed is what one page gave: the ids to retry, the files found and those of them whose
// id is not a UUID (POST /v1/files/retry takes only UUIDs), the failed files outside the
// run's graph, and whether it was the last.
type listed struct {
	ids     []uuid.UUID
	found   int
	skipped []string
	outside int
	last    bool
}

func newLister(s *FilesService, q listQuery) *lister {
	return &lister{s: s, q: q, cursors: map[string]struct{}{}, taken: map[string]time.Time{}}
}

// errCursorBack: a page's last file was created before the cursor file.
var errCursorBack = errors.New("page's last file was created before the cursor file: paging would not advance")

// next reads the next page: nil and the error when it could not be read. The listing ends
// with a page that says has_more false or is empty; a page whose cursor would go back or
// come again ends it with ErrInvalidResponse, its files counted.
func (l *lister) next(ctx context.Context) (*listed, error) {
	page, err := l.s.listPage(ctx, l.q, Cursor{After: l.after})
	if err != nil {
		return nil, err
	}
	out := &listed{ids: l.held}
	l.held, l.done = nil, !page.HasMore || len(page.Files) == 0
	for i, f := range page.Files {
		// The filters are the server's: a file in another status is not retried, nor one
		// whose own graph_ids leave out the run's graph.
		if f.Status != StatusFailed || (l.started && f.CreatedAt.Before(l.at)) {
			continue
		}
		id, isUUID := parseUUID(f.ID)
		key := f.ID
		if isUUID {
			key = id.String()
		}
		if _, dup := l.taken[key]; dup {
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
	if out.last = l.done; l.done {
		return out, nil
	}
	// The last file becomes the cursor; the ids taken before the previous cursor's
	// created_at are forgotten, as the time alone tells them as repeats.
	after, err := nextCursor(page, l.after, l.cursors)
	if err != nil {
		return out, err
	}
	last := page.Files[len(page.Files)-1]
	if l.started && last.CreatedAt.Before(l.at) {
		return out, &Error{Operation: opList, StatusCode: http.StatusOK, Err: fmt.Errorf("%w: %w", ErrInvalidResponse, errCursorBack)}
	}
	for key, at := range l.taken {
		if l.started && at.Before(l.at) {
			delete(l.taken, key)
		}
	}
	l.after, l.at, l.started = after, last.CreatedAt, true
	return out, nil
}

// inGraph reports whether f's graph_ids hold graph, compared as UUIDs.
func inGraph(f File, graph uuid.UUID) bool {
	for _, g := range f.GraphIDs {
		if u, ok := parseUUID(g); ok && u == graph {
			return true
		}
	}
	return false
}
