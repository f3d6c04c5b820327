package writertest

import (
	"io"
	"net/http"
	"strconv"
	"time"
)

// Fault is a canned answer the Server gives instead of handling a request. The zero Fault
// is a 500 with an empty body. Examples:
//
//	Fault{Status: 502, Header: http.Header{"Content-Type": {"text/html"}}, Body: "<html>..."} // a proxy's page
//	Fault{Status: 429, Header: http.Header{"Retry-After": {"2"}}}                           // rate limited
//	Fault{Status: 307, Header: http.Header{"Location": {otherURL}}}                         // a redirect
//	Fault{Delay: time.Minute}                       // no headers until the client gives up
//	Fault{Drop: DropAfterRead}                      // connection closed, no response
//	Fault{Status: 200, Body: `{"succ`, Truncate: true} // Content-Length promises more
type Fault struct {
	Status int         // HTTP status; 0 means 500
	Header http.Header // extra response headers
	Body   string      // response body, sent as is

	// Delay holds the response headers back this long after the request was read. The wait
	// ends early, with no response, when the client closes the connection or the Server is
	// closed, so a long Delay costs a test nothing once its client has timed out.
	Delay time.Duration
	// Drop closes the connection instead of answering (after Delay).
	Drop Drop
	// Truncate declares a Content-Length one byte longer than Body, sends Body and closes
	// the connection, as a connection cut in the middle of a response does.
	Truncate bool
}

// Drop says when a Fault closes the connection without a response.
type Drop int

const (
	// DropNone answers normally.
	DropNone Drop = iota
	// DropBeforeRead closes the connection once the request headers are read, before its
	// body is read. The request is recorded without its body.
	DropBeforeRead
	// DropAfterRead closes the connection after reading the whole request, as a server that
	// crashed while processing it does.
	DropAfterRead
)

// FailNext makes the next n requests (of any operation, authorized or not) get f. Faults
// queue up: FailNext(2, a) then FailNext(1, b) answers a twice, then b.
//
// A dropped connection that Go's http.Transport had reused from its idle pool may be retried
// by the Transport itself for idempotent methods (GET, HEAD), so such a request can reach
// the Server twice for one attempt of the client.
func (s *Server) FailNext(n int, f Fault) {
	s.mu.Lock()
	defer s.mu.Unlock()
	for range n {
		s.faults = append(s.faults, f)
	}
}

// Connections returns how many TCP connections the Server has accepted, so tests can check
// that clients reuse connections.
func (s *Server) Connections() int {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.conns
}

// nextFault removes and returns the next queued Fault, if any.
func (s *Server) nextFault() (Fault, bool) {
	s.mu.Lock()
	defer s.mu.Unlock()
	if len(s.faults) == 0 {
		return Fault{}, false
	}
	f := s.faults[0]
	s.faults = s.faults[1:]
	return f, true
}

// fault answers r with the next queued Fault, recording r, and reports whether there was
// one.
func (s *Server) fault(w http.ResponseWriter, r *http.Request, authorized bool) bool {
	f, ok := s.nextFault()
	if !ok {
		return false
	}
	if f.Drop == DropBeforeRead {
		r.Body = http.NoBody // recorded without the body, which is never read
		s.record(r, authorized)
		closeConn(w)
		return true
	}
	s.record(r, authorized)
	// Reading the whole request lets the server notice when the client goes away.
	_, _ = io.Copy(io.Discard, r.Body)
	if f.Delay > 0 {
		t := time.NewTimer(f.Delay)
		defer t.Stop()
		select {
		case <-t.C:
		case <-r.Context().Done():
			return true
		case <-s.closed:
			return true
		}
	}
	status := f.Status
	if status == 0 {
		status = http.StatusInternalServerError
	}
	switch {
	case f.Drop == DropAfterRead:
		closeConn(w)
	case f.Truncate:
		writeTruncated(w, status, f)
	default:
		for k, vs := range f.Header {
			w.Header()[k] = vs
		}
		w.WriteHeader(status)
		_, _ = io.WriteString(w, f.Body)
	}
	return true
}

// closeConn closes the request's connection without writing anything.
func closeConn(w http.ResponseWriter) {
	conn, _, err := http.NewResponseController(w).Hijack()
	if err == nil {
		_ = conn.Close()
	}
}

// writeTruncated writes f as a raw HTTP/1.1 response whose Content-Length is one byte more
// than the body sent, then closes the connection.
func writeTruncated(w http.ResponseWriter, status int, f Fault) {
	conn, buf, err := http.NewResponseController(w).Hijack()
	if err != nil {
		return
	}
	defer conn.Close()
	h := f.Header.Clone()
	if h == nil {
		h = http.Header{}
	}
	h.Set("Content-Length", strconv.Itoa(len(f.Body)+1))
	_, _ = buf.WriteString("HTTP/1.1 " + strconv.Itoa(status) + " " + http.StatusText(status) + "\r\n")
	_ = h.Write(buf)
	_, _ = buf.WriteString("\r\n" + f.Body)
	_ = buf.Flush()
}
