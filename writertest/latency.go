package writertest

import (
	"net/http"
	"time"
)

// WithLatency delays every answer by d, as a network with a round trip of d would: the
// Server waits d after a request arrives, then handles it (faults and the simulated rate
// limit included). The wait ends early, with no answer, when the client goes away or the
// Server is closed. Default 0.
func WithLatency(d time.Duration) Option { return func(o *options) { o.latency = d } }

// delay waits the Server's latency for r, and reports whether r should still be answered.
func (s *Server) delay(r *http.Request) bool {
	if s.opt.latency <= 0 {
		return true
	}
	t := time.NewTimer(s.opt.latency)
	defer t.Stop()
	select {
	case <-t.C:
		return true
	case <-r.Context().Done():
	case <-s.closed:
	}
	return false
}
