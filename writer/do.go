package writer

import (
	"bytes"
	"context"
	"encoding/json"
	"net/http"
	"net/url"
	"reflect"
	"strings"
)

// Request is a call of any Writer operation, for Client.Do: one that package writer does
// not wrap, or a new one of Writer's spec.
type Request struct {
	// Operation names the call in errors and retry events: the spec's operationId, such as
	// "findGraphWithFileStatus". Optional.
	Operation string
	// Method is the HTTP method, such as http.MethodGet.
	Method string
	// Path is the operation's path below the base URL, starting with "/", its parameters
	// escaped with url.PathEscape: "/v1/graphs/" + url.PathEscape(graphID).
	Path string
	// Query holds the query parameters; nil for none.
	Query url.Values
	// Body, when not nil, is sent as JSON (Content-Type: application/json): a []byte or
	// json.RawMessage as it is, any other value as json.Marshal writes it.
	Body any
	// Idempotent lets a POST or PATCH be retried as a GET is. Without it such a request is
	// retried only when it cannot have been processed, as an upload is.
	Idempotent bool
}

// Do sends req to the client's base URL with the same authentication, retry loop, errors
// and key redaction as every FilesService method, and decodes a 2xx JSON body into out (a
// pointer, as json.Unmarshal takes; nil discards the body; a 204 leaves out as it is).
//
// req and out are checked first: an empty or malformed Method, a Path that does not start
// with "/" or holds "." or ".." segments, a query or a fragment, or an out that is not a
// pointer, is an *InputError. Failures return
// *Error with the status sentinels, and ErrInvalidResponse for a body that does not decode
// into out or is longer than 8 MiB.
func (c *Client) Do(ctx context.Context, req Request, out any) error {
	op, err := c.operation(req)
	if err != nil {
		return err
	}
	if v := reflect.ValueOf(out); out != nil && (v.Kind() != reflect.Pointer || v.IsNil()) {
		return inputErr("out", -1, "", "must be nil or a non-nil pointer, as json.Unmarshal takes")
	}
	return c.doJSON(ctx, op, out, nil)
}

// operation checks req and returns the operation that sends it.
func (c *Client) operation(req Request) (*operation, error) {
	if req.Method == "" || strings.ContainsFunc(req.Method, func(r rune) bool { return r <= ' ' || r >= 0x7f || strings.ContainsRune(`"(),/:;<=>?@[\]{}`, r) }) {
		return nil, inputErr("Request.Method", -1, req.Method, "is not an HTTP method such as GET")
	}
	p, err := url.Parse(req.Path)
	switch {
	case err != nil || !strings.HasPrefix(req.Path, "/") || strings.HasPrefix(req.Path, "//"):
		return nil, inputErr("Request.Path", -1, req.Path, `must be a path below the base URL, starting with "/"`)
	case p.RawQuery != "" || p.Fragment != "" || strings.ContainsAny(req.Path, "?#"):
		return nil, inputErr("Request.Path", -1, req.Path, "must not hold a query or fragment; use Request.Query")
	}
	for _, seg := range strings.Split(p.Path, "/") {
		if seg == "." || seg == ".." {
			return nil, inputErr("Request.Path", -1, req.Path, `must not hold "." or ".." segments`)
		}
	}
	var body []byte
	switch b := req.Body.(type) {
	case nil:
	case []byte:
		body = b
	case json.RawMessage:
		body = b
	default:
		if body, err = json.Marshal(b); err != nil {
			return nil, inputErr("Request.Body", -1, "", "does not marshal as JSON: "+err.Error())
		}
	}
	u := *c.baseURL
	u.Path = c.baseURL.Path + p.Path
	u.RawPath = c.baseURL.EscapedPath() + p.EscapedPath()
	u.RawQuery = req.Query.Encode()
	target := u.String()
	unsafe := (req.Method == http.MethodPost || req.Method == http.MethodPatch) && !req.Idempotent
	return &operation{id: req.Operation, endpoint: c.key.redact(req.Method + " " + req.Path), unsafe: unsafe, request: func(int) (*http.Request, error) {
		if req.Body == nil {
			return http.NewRequest(req.Method, target, nil) //nolint:noctx // the loop sets the context of each attempt
		}
		r, err := http.NewRequest(req.Method, target, bytes.NewReader(body)) //nolint:noctx // as above
		if err == nil {
			r.Header.Set("Content-Type", "application/json")
		}
		return r, err
	}}, nil
}
