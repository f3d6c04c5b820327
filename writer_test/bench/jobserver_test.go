package bench

import (
	"encoding/json"
	"fmt"
	"net/http"
	"net/http/httptest"
	"strconv"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"golang.org/x/time/rate"
)

// jobServer answers like the API for a RetryFailedAndWait run: files 0..failed-1 are
// failed, the rest up to total completed (file i has the id fileID(i) and created_at
// listBase + i seconds). A retried failed file is in_progress for delay, then completed.
// GET /v1/files (status, order, limit, after), GET /v1/files/{id} and POST
// /v1/files/retry are served after the latency, behind a token bucket of pace requests per
// second (burst 2: a 429 otherwise) and, within the outage window, a 503.
type jobServer struct {
	*httptest.Server
	failed, total int
	delay         time.Duration
	latency       time.Duration
	lim           *rate.Limiter // nil: no limit

	mu          sync.Mutex
	retriedAt   []time.Time // zero: not retried
	outageFrom  time.Time   // zero: no outage
	outageUntil time.Time

	requests, refused, unavailable atomic.Int64
}

func newJobServer(tb testing.TB, failed, total int, delay, latency time.Duration, pace float64) *jobServer {
	tb.Helper()
	s := &jobServer{failed: failed, total: total, delay: delay, latency: latency, retriedAt: make([]time.Time, failed)}
	if pace > 0 {
		s.lim = rate.NewLimiter(rate.Limit(pace), 2)
	}
	s.Server = httptest.NewServer(http.HandlerFunc(s.serve))
	tb.Cleanup(s.Close)
	return s
}

// outage makes the server answer 503 to every request from now+after for d.
func (s *jobServer) outage(after, d time.Duration) {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.outageFrom = time.Now().Add(after)
	s.outageUntil = s.outageFrom.Add(d)
}

// serve answers after the latency: the rate limit and the outage see the request when it
// arrives (the latency is all on the way back); the answer shows the files as they are after.
func (s *jobServer) serve(w http.ResponseWriter, r *http.Request) {
	s.requests.Add(1)
	arrived := time.Now()
	s.mu.Lock()
	down := !s.outageFrom.IsZero() && !arrived.Before(s.outageFrom) && arrived.Before(s.outageUntil)
	s.mu.Unlock()
	limited := !down && s.lim != nil && !s.lim.Allow()
	time.Sleep(s.latency)
	switch {
	case down: // a server that is down limits nothing
		s.unavailable.Add(1)
		http.Error(w, `{"tpe":"fail.serviceUnavailable.temporary"}`, http.StatusServiceUnavailable)
		return
	case limited:
		s.refused.Add(1)
		w.Header().Set("Retry-After", "1")
		http.Error(w, `{"tpe":"fail.tooManyRequests.quotaExceeded"}`, http.StatusTooManyRequests)
		return
	}
	now := time.Now()
	w.Header().Set("Content-Type", "application/json")
	switch {
	case r.Method == http.MethodPost:
		s.retry(w, r, now)
	case r.URL.Path == "/v1/files":
		s.list(w, r, now)
	default:
		i, err := fileIndex(r.URL.Path[len("/v1/files/"):])
		if err != nil || i >= s.total {
			http.Error(w, `{"tpe":"fail.notFound"}`, http.StatusNotFound)
			return
		}
		_, _ = w.Write(s.file(nil, i, now))
	}
}

// status is file i's status at now.
func (s *jobServer) status(i int, now time.Time) string {
	if i >= s.failed {
		return "completed"
	}
	s.mu.Lock()
	at := s.retriedAt[i]
	s.mu.Unlock()
	switch {
	case at.IsZero():
		return "failed"
	case now.Sub(at) < s.delay:
		return "in_progress"
	}
	return "completed"
}

// file appends file i's file_response to b.
func (s *jobServer) file(b []byte, i int, now time.Time) []byte {
	return appendFile(b, i, s.status(i, now))
}

// appendFile appends the file_response of file i of a synthetic listing, with status, to b.
func appendFile(b []byte, i int, status string) []byte {
	b = append(b, `{"id":"`...)
	b = append(b, fileID(i)...)
	b = append(b, `","name":"report-`...)
	b = strconv.AppendInt(b, int64(i), 10)
	b = append(b, `.pdf","created_at":"`...)
	b = listBase.Add(time.Duration(i)*time.Second).AppendFormat(b, time.RFC3339)
	b = append(b, `","graph_ids":[],"status":"`...)
	b = append(b, status...)
	return append(b, `"}`...)
}

func (s *jobServer) list(w http.ResponseWriter, r *http.Request, now time.Time) {
	q := r.URL.Query()
	step := 1
	switch {
	case q.Get("limit") != strconv.Itoa(listPageSize):
		http.Error(w, "want limit=100, got "+r.URL.RawQuery, http.StatusBadRequest)
		return
	case q.Get("order") == "desc":
		step = -1
	case q.Get("order") != "asc":
		http.Error(w, "want order=asc or desc, got "+r.URL.RawQuery, http.StatusBadRequest)
		return
	}
	from := 0
	if step < 0 {
		from = s.total - 1
	}
	if after := q.Get("after"); after != "" {
		i, err := fileIndex(after)
		if err != nil {
			http.Error(w, err.Error(), http.StatusBadRequest)
			return
		}
		from = i + step
	}
	status := q.Get("status")
	b := append(make([]byte, 0, 64+listPageSize*200), `{"data":[`...)
	n, more := 0, false
	for i := from; i >= 0 && i < s.total; i += step {
		if status != "" && s.status(i, now) != status {
			continue
		}
		if n == listPageSize {
			more = true
			break
		}
		if n > 0 {
			b = append(b, ',')
		}
		b = s.file(b, i, now)
		n++
	}
	b = append(b, `],"has_more":`...)
	b = strconv.AppendBool(b, more)
	_, _ = w.Write(append(b, '}'))
}

func (s *jobServer) retry(w http.ResponseWriter, r *http.Request, now time.Time) {
	var body struct {
		FileIDs []string `json:"file_ids"`
	}
	if err := json.NewDecoder(r.Body).Decode(&body); err != nil {
		http.Error(w, err.Error(), http.StatusBadRequest)
		return
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	for _, id := range body.FileIDs {
		i, err := fileIndex(id)
		if err != nil || i >= s.failed {
			http.Error(w, fmt.Sprintf(`{"tpe":"fail.notFound","id":%q}`, id), http.StatusNotFound)
			return
		}
		if s.retriedAt[i].IsZero() {
			s.retriedAt[i] = now
		}
	}
	_, _ = w.Write(retryOK)
}
