package writer

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"iter"
	"net/http"
	"strings"

	"github.com/writerfiles/writer-go/api"
)

// Order is the order of a listing by creation time (query parameter order).
type Order string

// The orders the spec allows.
const (
	// OrderDesc lists the newest files first. It is the server's default.
	OrderDesc Order = "desc"
	// OrderAsc lists the oldest files first.
	OrderAsc Order = "asc"
)

// Page sizes of GET /v1/files (query parameter limit).
const (
	minPageSize = 1
	maxPageSize = 100
)

// ListOptions filters and orders a listing of GET /v1/files. The zero value lists every
// file, newest first, 50 per page. Every field is checked before any request; a bad one
// returns an error matching ErrInvalidInput that names it.
type ListOptions struct {
	// Status keeps only files with this status (query status): StatusInProgress,
	// StatusCompleted or StatusFailed, the spec's enum. "" keeps every status.
	Status Status
	// GraphID keeps only files in this Knowledge Graph (query graph_id), a UUID.
	GraphID string
	// FileTypes keeps only files with these extensions, without the dot, for example
	// {"pdf", "docx"} (query file_types, comma-separated). Each must be non-empty and hold
	// no comma, space or dot.
	FileTypes []string
	// Order is the order by creation time (query order). "" is the server's default,
	// OrderDesc.
	Order Order
	// Limit is the number of files per page, 1 to 100 (query limit). 0 is the server's
	// default, 50.
	Limit int
}

// Cursor selects a page of a listing by an id that the previous page showed (a file id
// for FilesService.ListPage, a graph id for GraphsService.ListPage): After gives the page
// that follows that item, Before the page that precedes it. The zero Cursor gives the
// first page. At most one of the two may be set.
type Cursor struct {
	// After is the id of the last item of the previous page (its LastID): query after.
	After string
	// Before is the id of the first item of the current page (its FirstID): query before.
	Before string
}

// Page is one answer of GET /v1/files, the spec's files_response.
type Page struct {
	// Files are the page's files (files_response.data), in the listing's order.
	Files []File
	// HasMore reports whether more files follow in the direction of the cursor
	// (files_response.has_more).
	HasMore bool
	// FirstID and LastID are files_response.first_id and last_id: the ids of the first and
	// last file of the page, or "" when the server left them out.
	FirstID, LastID string
	// Extra holds the properties of files_response that the spec this version was generated
	// from does not declare, keyed by name, as raw JSON; nil when there are none.
	Extra map[string]json.RawMessage
}

// listQuery is a checked ListOptions in the generated client's form.
type listQuery struct {
	params    api.GatewayGetFilesParams // without cursor
	fileTypes string
}

// checkListOptions checks opts (nil is the zero value) and converts them. Errors name the
// fields as in, for example, "<of>.GraphID", and show no secret of k.
func (k *apiKey) checkListOptions(of string, opts *ListOptions) (listQuery, error) {
	var q listQuery
	if opts == nil {
		return q, nil
	}
	switch opts.Status {
	case "":
	case StatusInProgress, StatusCompleted, StatusFailed:
		st := api.GatewayGetFilesParamsStatus(opts.Status)
		q.params.Status = &st
	default:
		return q, k.inputErr(of+".Status", -1, string(opts.Status), "is not in_progress, completed or failed (the spec's enum)")
	}
	if opts.GraphID != "" {
		u, ok := parseUUID(opts.GraphID)
		if !ok {
			return q, k.inputErr(of+".GraphID", -1, opts.GraphID, "is not a UUID (8-4-4-4-12 hexadecimal digits)")
		}
		q.params.GraphId = &u
	}
	if opts.FileTypes != nil {
		types, err := k.checkFileTypes(of+".FileTypes", opts.FileTypes)
		if err != nil {
			return q, err
		}
		q.fileTypes = types
		q.params.FileTypes = &q.fileTypes
	}
	switch opts.Order {
	case "":
	case OrderAsc, OrderDesc:
		o := api.GatewayGetFilesParamsOrder(opts.Order)
		q.params.Order = &o
	default:
		return q, k.inputErr(of+".Order", -1, string(opts.Order), "is not asc or desc")
	}
	switch {
	case opts.Limit == 0:
	case opts.Limit < minPageSize || opts.Limit > maxPageSize:
		return q, inputErr(of+".Limit", -1, fmt.Sprint(opts.Limit), "is outside 1..100 (0 takes the server's default, 50)")
	default:
		n := int32(opts.Limit)
		q.params.Limit = &n
	}
	return q, nil
}

// checkFileTypes checks file extensions and joins them with commas for query file_types.
func (k *apiKey) checkFileTypes(field string, types []string) (string, error) {
	if len(types) == 0 {
		return "", inputErr(field, -1, "", "is empty; leave it nil to keep every type")
	}
	for i, t := range types {
		if t == "" {
			return "", inputErr(field, i, "", "is empty")
		}
		for _, r := range t {
			if r <= ' ' || r == 0x7f || r == ',' || r == '.' {
				return "", k.inputErr(field, i, t, "must be an extension without dot, comma or space, such as pdf")
			}
		}
	}
	return strings.Join(types, ","), nil
}

// ListPage returns one page of files: GET /v1/files (operationId gatewayGetFiles) with the
// filters of opts (nil lists everything) and the cursor cur. Use it to page by hand, for
// example backwards with Cursor{Before: page.FirstID}; List pages forward for you.
//
// opts and cur are checked before any request: a bad filter, or both After and Before set,
// returns an *InputError (ErrInvalidInput). Failures return *Error matching the status
// sentinels (ErrBadRequest for parameters Writer refuses, ErrRateLimited, ErrServer, ...),
// and ErrInvalidResponse for a body that is not a files_response (data and has_more
// required, at most 100 files, each with its required properties). The call is retried as
// the client's policy allows.
func (s *FilesService) ListPage(ctx context.Context, opts *ListOptions, cur Cursor) (Page, error) {
	q, err := s.client.key.checkListOptions("ListOptions", opts)
	if err != nil {
		return Page{}, err
	}
	if cur.After != "" && cur.Before != "" {
		return Page{}, inputErr("Cursor", -1, "", "has both After and Before; set at most one")
	}
	return s.listPage(ctx, q, cur)
}

// List returns an iterator over every file that matches opts (nil lists everything), in
// the order of opts.Order. It calls GET /v1/files (operationId gatewayGetFiles) one page
// at a time as the loop advances, with the filters of opts on every page and query after
// set to the last file id of the previous page, until a page says has_more is false or
// comes back empty. Breaking out of the loop stops the paging.
//
// The iterator yields a non-nil error at most once, and then stops: an error matching
// ErrInvalidInput for bad options (before any request), *Error for a failed page (status
// sentinels as in ListPage), or *Error matching ErrInvalidResponse when a page's last id
// is empty, repeats the cursor, or is a cursor used before (A, B, A, ...), any of which
// would page for ever. It keeps every cursor of the listing: one id per page.
//
//	for f, err := range client.Files.List(ctx, &writer.ListOptions{Status: writer.StatusFailed}) {
//		if err != nil {
//			return err
//		}
//		fmt.Println(f.ID, f.Name)
//	}
func (s *FilesService) List(ctx context.Context, opts *ListOptions) iter.Seq2[File, error] {
	return func(yield func(File, error) bool) {
		q, err := s.client.key.checkListOptions("ListOptions", opts)
		if err != nil {
			yield(File{}, err)
			return
		}
		var after string
		cursors := map[string]struct{}{}
		for {
			page, err := s.listPage(ctx, q, Cursor{After: after})
			if err != nil {
				yield(File{}, err)
				return
			}
			for _, f := range page.Files {
				if !yield(f, nil) {
					return
				}
			}
			if !page.HasMore || len(page.Files) == 0 {
				return
			}
			if after, err = nextCursor(page, after, cursors); err != nil {
				yield(File{}, err)
				return
			}
		}
	}
}

// Why paging stops with ErrInvalidResponse: a page's last id would not move the cursor, or
// would move it to one used before, which would repeat pages for ever.
var (
	errStuckCursor = errors.New("page's last id is empty or repeats the cursor: paging would not advance")
	errCursorCycle = errors.New("page's last id is a cursor used before: paging would cycle")
)

// nextCursor returns the after cursor that follows page: its last file's id, as Writer's
// SDKs do (first_id and last_id are optional in the spec). used holds every cursor of the
// listing so far; nextCursor adds the new one.
func nextCursor(page Page, after string, used map[string]struct{}) (string, error) {
	return advanceCursor(opList, page.Files[len(page.Files)-1].ID, after, used)
}

// advanceCursor returns next, the last id of a page of the listing op, as the after cursor
// that follows the cursor after, and adds it to used, every cursor of the listing so far.
// An id that would not advance the paging is an *Error matching ErrInvalidResponse.
func advanceCursor(op, next, after string, used map[string]struct{}) (string, error) {
	cause := errStuckCursor
	if next != "" && next != after {
		if _, cycle := used[next]; !cycle {
			used[next] = struct{}{}
			return next, nil
		}
		cause = errCursorCycle
	}
	return "", &Error{Operation: op, StatusCode: http.StatusOK, Err: fmt.Errorf("%w: %w", ErrInvalidResponse, cause)}
}

// listPage sends one GET /v1/files with a checked query.
func (s *FilesService) listPage(ctx context.Context, q listQuery, cur Cursor) (Page, error) {
	params := q.params
	if cur.After != "" {
		params.After = &cur.After
	}
	if cur.Before != "" {
		params.Before = &cur.Before
	}
	r, err := s.client.do(ctx, &operation{id: opList, request: func(int) (*http.Request, error) {
		return api.NewGatewayGetFilesRequest(s.client.server, &params)
	}})
	if err != nil {
		return Page{}, err
	}
	// data absent or null decodes to nil, [] to an empty slice; has_more absent to nil.
	var out api.FilesResponse
	body, err := r.decodeShaped(&out, filesShape)
	if err != nil {
		return Page{}, err
	}
	switch {
	case out.Data == nil || out.HasMore == nil:
		return Page{}, r.fail(fmt.Errorf("%w: files_response without data or has_more", ErrInvalidResponse))
	case len(out.Data) > maxPageSize:
		return Page{}, r.fail(fmt.Errorf("%w: a page of %d files, more than the %d allowed", ErrInvalidResponse, len(out.Data), maxPageSize))
	}
	for i, f := range out.Data {
		if missing := missingFileProperty(f); missing != "" {
			return Page{}, r.fail(fmt.Errorf("%w: data[%d] has no %s", ErrInvalidResponse, i, missing))
		}
	}
	page := Page{Files: make([]File, len(out.Data)), HasMore: *out.HasMore}
	for i, f := range out.Data {
		page.Files[i] = fileFrom(f)
	}
	if out.FirstId != nil {
		page.FirstID = *out.FirstId
	}
	if out.LastId != nil {
		page.LastID = *out.LastId
	}
	if body != nil {
		filesExtra(&page, body)
	}
	return page, nil
}

// withStatus returns q with its status filter set to st.
func withStatus(q listQuery, st Status) listQuery {
	s := api.GatewayGetFilesParamsStatus(st)
	q.params.Status = &s
	return q
}
