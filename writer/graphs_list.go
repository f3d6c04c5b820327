package writer

import (
	"context"
	"encoding/json"
	"fmt"
	"iter"
	"net/http"

	"github.com/writerfiles/writer-go/api"
)

// GraphListOptions orders a listing of GET /v1/graphs. The zero value lists every graph,
// newest first, 50 per page. Every field is checked before any request; a bad one returns
// an error matching ErrInvalidInput that names it.
type GraphListOptions struct {
	// Order is the order by creation time (query order). "" is the server's default,
	// OrderDesc.
	Order Order
	// Limit is the number of graphs per page, 1 to 100 (query limit). 0 is the server's
	// default, 50.
	Limit int
}

// GraphPage is one answer of GET /v1/graphs, the spec's graphs_response.
type GraphPage struct {
	// Graphs are the page's graphs (graphs_response.data), in the listing's order.
	Graphs []Graph
	// HasMore reports whether more graphs follow in the direction of the cursor
	// (graphs_response.has_more).
	HasMore bool
	// FirstID and LastID are graphs_response.first_id and last_id: the ids of the first and
	// last graph of the page, or "" when the server left them out.
	FirstID, LastID string
	// Extra holds the properties of graphs_response that the spec this version was
	// generated from does not declare, keyed by name, as raw JSON; nil when there are none.
	Extra map[string]json.RawMessage
}

// checkGraphListOptions checks opts (nil is the zero value) and converts them.
func checkGraphListOptions(opts *GraphListOptions) (api.FindGraphsWithFileStatusParams, error) {
	var p api.FindGraphsWithFileStatusParams
	if opts == nil {
		return p, nil
	}
	switch opts.Order {
	case "":
	case OrderAsc, OrderDesc:
		o := api.FindGraphsWithFileStatusParamsOrder(opts.Order)
		p.Order = &o
	default:
		return p, inputErr("GraphListOptions.Order", -1, string(opts.Order), "is not asc or desc")
	}
	switch {
	case opts.Limit == 0:
	case opts.Limit < minPageSize || opts.Limit > maxPageSize:
		return p, inputErr("GraphListOptions.Limit", -1, fmt.Sprint(opts.Limit), "is outside 1..100 (0 takes the server's default, 50)")
	default:
		n := int32(opts.Limit)
		p.Limit = &n
	}
	return p, nil
}

// ListPage returns one page of graphs: GET /v1/graphs (operationId
// findGraphsWithFileStatus) in the order of opts (nil: newest first) from the cursor cur,
// whose ids are graph ids. Use it to page by hand, for example backwards with
// Cursor{Before: page.FirstID}; List pages forward for you.
//
// opts and cur are checked before any request: a bad option, a cursor id that is not a
// UUID, or both After and Before set, returns an *InputError (ErrInvalidInput). Failures
// return *Error matching the status sentinels, and ErrInvalidResponse for a body that is
// not a graphs_response (data and has_more required, at most 100 graphs, each a graph as
// Get requires). The call is retried as the client's policy allows.
func (s *GraphsService) ListPage(ctx context.Context, opts *GraphListOptions, cur Cursor) (GraphPage, error) {
	params, err := checkGraphListOptions(opts)
	if err != nil {
		return GraphPage{}, err
	}
	if cur.After != "" && cur.Before != "" {
		return GraphPage{}, inputErr("Cursor", -1, "", "has both After and Before; set at most one")
	}
	for _, c := range []struct{ field, id string }{{"Cursor.After", cur.After}, {"Cursor.Before", cur.Before}} {
		if c.id != "" {
			if _, err := s.client.key.checkGraphID(c.field, c.id); err != nil {
				return GraphPage{}, err
			}
		}
	}
	return s.listPage(ctx, params, cur)
}

// List returns an iterator over every graph, in the order of opts.Order (nil: newest
// first). It calls GET /v1/graphs (operationId findGraphsWithFileStatus) one page at a
// time as the loop advances, with query after set to the last graph id of the previous
// page, until a page says has_more is false or comes back empty. Breaking out of the loop
// stops the paging.
//
// The iterator yields a non-nil error at most once, and then stops: an error matching
// ErrInvalidInput for bad options (before any request), *Error for a failed page (status
// sentinels as in ListPage), or *Error matching ErrInvalidResponse when a page's last id
// repeats the cursor or is a cursor used before (A, B, A, ...), either of which would page
// for ever. It keeps every cursor of the listing: one id per page.
//
//	for g, err := range client.Graphs.List(ctx, nil) {
//		if err != nil {
//			return err
//		}
//		fmt.Println(g.Name, g.FileStatus.InProgress)
//	}
func (s *GraphsService) List(ctx context.Context, opts *GraphListOptions) iter.Seq2[Graph, error] {
	return func(yield func(Graph, error) bool) {
		params, err := checkGraphListOptions(opts)
		if err != nil {
			yield(Graph{}, err)
			return
		}
		var after string
		cursors := map[string]struct{}{}
		for {
			page, err := s.listPage(ctx, params, Cursor{After: after})
			if err != nil {
				yield(Graph{}, err)
				return
			}
			for _, g := range page.Graphs {
				if !yield(g, nil) {
					return
				}
			}
			if !page.HasMore || len(page.Graphs) == 0 {
				return
			}
			if after, err = advanceCursor(opGraphList, page.Graphs[len(page.Graphs)-1].ID, after, cursors); err != nil {
				yield(Graph{}, err)
				return
			}
		}
	}
}

// listPage sends one GET /v1/graphs with checked parameters and a cursor of graph ids
// (UUIDs, as ListPage checks them and List takes them from answers).
func (s *GraphsService) listPage(ctx context.Context, params api.FindGraphsWithFileStatusParams, cur Cursor) (GraphPage, error) {
	if u, ok := parseUUID(cur.After); ok {
		params.After = &u
	}
	if u, ok := parseUUID(cur.Before); ok {
		params.Before = &u
	}
	r, err := s.client.do(ctx, &operation{id: opGraphList, request: func(int) (*http.Request, error) {
		return api.NewFindGraphsWithFileStatusRequest(s.client.server, &params)
	}})
	if err != nil {
		return GraphPage{}, err
	}
	var out api.GraphsResponse
	body, err := r.decodeShaped(&out, graphsShape)
	if err != nil {
		return GraphPage{}, err
	}
	switch {
	case out.Data == nil || out.HasMore == nil:
		return GraphPage{}, r.fail(fmt.Errorf("%w: graphs_response without data or has_more", ErrInvalidResponse))
	case len(out.Data) > maxPageSize:
		return GraphPage{}, r.fail(fmt.Errorf("%w: a page of %d graphs, more than the %d allowed", ErrInvalidResponse, len(out.Data), maxPageSize))
	}
	page := GraphPage{Graphs: make([]Graph, len(out.Data)), HasMore: *out.HasMore}
	for i, g := range out.Data {
		if problem := graphProblem(g); problem != "" {
			return GraphPage{}, r.fail(fmt.Errorf("%w: data[%d] is a graph %s", ErrInvalidResponse, i, problem))
		}
		page.Graphs[i] = graphFrom(g)
	}
	if out.FirstId != nil {
		page.FirstID = out.FirstId.String()
	}
	if out.LastId != nil {
		page.LastID = out.LastId.String()
	}
	if body != nil {
		graphsExtra(&page, body)
	}
	return page, nil
}

// graphsExtra sets the Extra of page and of its graphs from body, the graphs_response that
// page was converted from.
func graphsExtra(page *GraphPage, body []byte) {
	page.Extra = extraOf(body, graphsShape[0])
	var out struct {
		Data []json.RawMessage `json:"data"`
	}
	if json.Unmarshal(body, &out) != nil || len(out.Data) != len(page.Graphs) {
		return
	}
	for i, g := range out.Data {
		page.Graphs[i].Extra = extraOf(g, graphShape[0])
	}
}
