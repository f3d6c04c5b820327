package writer

import (
	"context"
	"encoding/json"
	"fmt"
	"net/http"
)

// maxResponseBody caps the bytes of a 2xx JSON body that the client reads, after any
// decompression: a real page of 100 files is about 30 KB. A longer body is ErrInvalidResponse.
const maxResponseBody = 8 << 20

// doJSON runs op, decodes the JSON body of its answer into out (a generated type; nil
// discards the body) and returns check(r), or nil when check is nil. An answer of 204 No
// Content, which the operations that call it take as success without a body, is nil at once.
func (c *Client) doJSON(ctx context.Context, op *operation, out any, check func(r *reply) error) error {
	r, err := c.do(ctx, op)
	switch {
	case err != nil:
		return err
	case r.empty():
		return nil
	case out == nil:
		drain(r.resp)
	default:
		if err := r.decode(out); err != nil {
			return err
		}
	}
	if check == nil {
		return nil
	}
	return check(r)
}

// decode reads the answer's JSON body, at most maxResponseBody bytes, into v (a generated
// type) and closes it. A body that is too long, cut short or does not parse is an *Error
// matching ErrInvalidResponse.
func (r *reply) decode(v any) error {
	_, err := r.decodeBody(v)
	return err
}

// decodeBody is decode that also returns the body it decoded.
func (r *reply) decodeBody(v any) ([]byte, error) {
	defer r.resp.Body.Close()
	body, err := readBody(r.resp, maxResponseBody)
	if err == nil {
		err = json.Unmarshal(body, v)
	}
	if err != nil {
		return nil, r.invalid(body[:min(len(body), maxErrorBody)], err)
	}
	return body, nil
}

// invalid is the *Error for an answer whose body (an excerpt of which is body) does not
// match the spec for the reason err.
func (r *reply) invalid(body []byte, err error) *Error {
	e := r.fail(fmt.Errorf("%w: %w", ErrInvalidResponse, r.key.scrub(err)))
	e.Body = r.key.redactBody(body)
	return e
}

// fail is the *Error for the answer with the cause err, such as ErrNotDeleted.
func (r *reply) fail(err error) *Error {
	return &Error{
		Operation:  r.op.id,
		endpoint:   r.op.endpoint,
		StatusCode: r.resp.StatusCode,
		RequestID:  r.key.redact(requestID(r.resp.Header)),
		Attempts:   r.attempts,
		Err:        err,
	}
}

// empty reports whether the answer is 204 No Content, whose body is discarded.
func (r *reply) empty() bool {
	if r.resp.StatusCode != http.StatusNoContent {
		return false
	}
	drain(r.resp)
	return true
}
