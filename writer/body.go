package writer

import (
	"context"
	"errors"
	"fmt"
	"io"
	"net/http"
)

// errBodyTooLarge: a 2xx body longer than maxResponseBody.
var errBodyTooLarge = fmt.Errorf("body is longer than the %d MiB the client reads", maxResponseBody>>20)

// readBody reads a response body to its end, failing with errBodyTooLarge past limit bytes.
// When the server announced a length of at most limit, the buffer is allocated once at that
// size, plus one byte to see the end without growing: a false length costs at most limit.
// Otherwise io.ReadAll sizes it.
func readBody(resp *http.Response, limit int64) ([]byte, error) {
	src := io.LimitReader(resp.Body, limit+1)
	var b []byte
	var err error
	if n := resp.ContentLength; n >= 0 && n <= limit {
		b, err = readInto(make([]byte, 0, n+1), src)
	} else {
		b, err = io.ReadAll(src)
	}
	if int64(len(b)) > limit {
		return b[:limit], errBodyTooLarge
	}
	return b, err
}

// readInto appends r to b until io.EOF, growing b only when it is full.
func readInto(b []byte, r io.Reader) ([]byte, error) {
	for {
		if len(b) == cap(b) {
			b = append(b, 0)[:len(b)]
		}
		n, err := r.Read(b[len(b):cap(b)])
		b = b[:len(b)+n]
		switch {
		case errors.Is(err, io.EOF):
			return b, nil
		case err != nil:
			return b, err
		}
	}
}

// maxDrain bounds how much of a discarded response body is read so its connection can be
// reused; a longer body is closed instead.
const maxDrain = 64 << 10

// readErrorBody reads at most maxErrorBody bytes of a response that is not returned to the
// caller and closes it; nil for no response.
func readErrorBody(resp *http.Response) ([]byte, error) {
	if resp == nil {
		return nil, nil
	}
	body, err := io.ReadAll(io.LimitReader(resp.Body, maxErrorBody))
	_ = resp.Body.Close()
	return body, err
}

// drain reads a bounded part of a discarded body and closes it, so that the connection can
// be reused.
func drain(resp *http.Response) {
	if resp == nil || resp.Body == nil {
		return
	}
	_, _ = io.CopyN(io.Discard, resp.Body, maxDrain)
	_ = resp.Body.Close()
}

// cancelOnClose releases an attempt's context when the response body is closed, so the
// per-attempt timeout covers the headers but not the reading of the body.
type cancelOnClose struct {
	io.ReadCloser
	cancel context.CancelCauseFunc
}

func (b *cancelOnClose) Close() error {
	err := b.ReadCloser.Close()
	b.cancel(nil)
	return err
}
