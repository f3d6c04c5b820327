package writertest

import "net/http"

// Fault is a canned answer the Server gives instead of handling a request: for example an
// HTML 502 from a proxy, a 429 with Retry-After, or a 200 with {"success": false}.
type Fault struct {
	Status int         // HTTP status; 0 means 500
	Header http.Header // extra response headers
	Body   string      // response body, sent as is
}

// FailNext makes the next n requests (of any operation, authorized or not) get f.
func (s *Server) FailNext(n int, f Fault) {
	s.mu.Lock()
	defer s.mu.Unlock()
	for range n {
		s.faults = append(s.faults, f)
	}
}

// fault answers with the next queued Fault, if any.
func (s *Server) fault(w http.ResponseWriter) bool {
	s.mu.Lock()
	if len(s.faults) == 0 {
		s.mu.Unlock()
		return false
	}
	f := s.faults[0]
	s.faults = s.faults[1:]
	s.mu.Unlock()
	for k, vs := range f.Header {
		w.Header()[k] = vs
	}
	status := f.Status
	if status == 0 {
		status = http.StatusInternalServerError
	}
	w.WriteHeader(status)
	_, _ = w.Write([]byte(f.Body))
	return true
}
