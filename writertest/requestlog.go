package writertest

import (
	"bytes"
	"io"
	"net/http"
	"slices"
	"strings"
)

// WithRequestLog bounds the request log that Requests returns to the last n requests the
// Server received, for a Server that runs for long, such as the one writerfiles fake serve
// starts. With n 0 (or below) the Server keeps no log, and reads no request body for one.
// Default: every request, for the life of the Server.
func WithRequestLog(n int) Option { return func(o *options) { o.logLimit = max(n, 0) } }

// Requests returns a copy of the requests received so far that the log keeps (every one
// unless WithRequestLog bounds it), oldest first.
func (s *Server) Requests() []Request {
	s.mu.Lock()
	defer s.mu.Unlock()
	if n := s.opt.logLimit; n > 0 && len(s.requests) == n {
		k := s.logged % n // the oldest request kept
		return append(slices.Clone(s.requests[k:]), s.requests[:k]...)
	}
	return slices.Clone(s.requests)
}

// record adds r to the request log, if the Server keeps one. Of a JSON body it reads and
// keeps the first maxJSONBody bytes, and puts them back before the rest for the handler.
func (s *Server) record(r *http.Request, authorized bool) {
	if s.opt.logLimit == 0 {
		return
	}
	rec := Request{Method: r.Method, Path: r.URL.Path, RawQuery: r.URL.RawQuery, Header: r.Header.Clone(), Authorized: authorized}
	rec.Header.Del("Authorization")
	if strings.HasPrefix(r.Header.Get("Content-Type"), "application/json") {
		rec.Body, _ = io.ReadAll(io.LimitReader(r.Body, maxJSONBody))
		r.Body = readCloser{io.MultiReader(bytes.NewReader(rec.Body), r.Body), r.Body}
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	if n := s.opt.logLimit; n > 0 && len(s.requests) == n {
		s.requests[s.logged%n] = rec
	} else {
		s.requests = append(s.requests, rec)
	}
	s.logged++
}

// readCloser reads from a Reader and closes a Closer.
type readCloser struct {
	io.Reader
	io.Closer
}
