package writer

import (
	"context"
	"errors"
	"fmt"
	"net/http"
	"time"

	"github.com/google/uuid"
)

// lister reads the failed files of a run a page at a time, oldest first, and gives each
// file to retry once, whatever the server repeats. A file is a repeat when its id, compared
// as a UUID, was taken before, or when it was created before the cursor file: the listing
// has passed it. Only the ids taken at the cursor's created_at are kept to compare, so
// memory does not grow with the files. The last file of a page is the next page's cursor:
// it is held back until that page has answered, so that it is still failed, and so in the
// filter, when the cursor names it.
type lister struct {
	s       *FilesService
	q       listQuery
	after   string              // the cursor: the last file id of the previous page
	at      time.Time           // the cursor file's created_at, once started
	started bool                // a page moved the cursor
	cursors map[string]struct{} // every cursor so far
	taken   map[string]time.Time
	held    []uuid.UUID // the cursor file, when it is to be retried
	done    bool
}

// listed is what one page gave: the ids to retry, the files found (each counted once)
// and those found whose id is not a UUID.
type listed struct {
	ids     []uuid.UUID
	found   int
	skipped []string
	last    bool // the listing is done
}

func newLister(s *FilesService, q listQuery) *lister {
	return &lister{s: s, q: q, cursors: map[string]struct{}{}, taken: map[string]time.Time{}}
}

// errCursorBack: a page's last file was created before the cursor file: paging would not advance.
var errCursorBack = errors.New("page's last file was created before the cursor file: paging would not advance")

// next reads the next page: nil and the error when it could not be read. The listing ends
// with a page that says has_more false or is empty; a page whose cursor would go back or
// come again ends it with ErrInvalidResponse, its files counted.
func (l *lister) next(ctx context.Context) (*listed, error) {
	page, err := l.s.listPage(ctx, l.q, Cursor{After: l.after})
	if err != nil {
		return nil, err
	}
	out := listed{ids: l.held}
	l.held = nil
	l.done = !page.HasMore || len(page.Files) == 0
	for i, f := range page.Files {
		id, ok := l.take(f, &out)
		switch {
		case !ok:
		case i == len(page.Files)-1 && !l.done:
			l.held = []uuid.UUID{id}
		default:
			out.ids = append(out.ids, id)
		}
	}
	if !l.done {
		err = l.advance(page)
	}
	out.last = l.done
	return &out, err
}

// take counts f in out unless it is not failed or is a repeat, and returns its id when it
// is to be retried: a UUID (POST /v1/files/retry takes only UUIDs).
func (l *lister) take(f File, out *listed) (uuid.UUID, bool) {
	// The filter is the server's; a file it lets through in another status is not retried.
	if f.Status != StatusFailed || (l.started && f.CreatedAt.Before(l.at)) {
		return uuid.UUID{}, false
	}
	id, isUUID := parseUUID(f.ID)
	key := f.ID
	if isUUID {
		key = id.String()
	}
	if _, dup := l.taken[key]; dup {
		return uuid.UUID{}, false
	}
	l.taken[key] = f.CreatedAt
	out.found++
	if !isUUID {
		out.skipped = append(out.skipped, f.ID)
	}
	return id, isUUID
}

// advance moves the cursor to the last file of page and forgets the ids taken before the
// previous cursor's created_at, which the time alone tells as repeats.
func (l *lister) advance(page Page) error {
	after, err := nextCursor(page, l.after, l.cursors)
	if err != nil {
		return err
	}
	last := page.Files[len(page.Files)-1]
	if l.started && last.CreatedAt.Before(l.at) {
		return &Error{Operation: opList, StatusCode: http.StatusOK, Err: fmt.Errorf("%w: %w", ErrInvalidResponse, errCursorBack)}
	}
	for key, at := range l.taken { // those of the page just read stay one page more
		if l.started && at.Before(l.at) {
			delete(l.taken, key)
		}
	}
	l.after, l.at, l.started = after, last.CreatedAt, true
	return nil
}
