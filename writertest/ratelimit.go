package writertest

import (
	"net/http"
	"strconv"
	"time"
)

// WithRateLimit simulates Writer's per-account rate limit: at most n authorized requests in
// each fixed window of length every (Writer's is 400 per minute); the others get 429 with
// Writer's fail.tooManyRequests.quotaExceeded error, Retry-After (whole seconds, rounded up)
// and retry-after-ms (milliseconds) until the window ends. A window starts with the first
// request after the previous one ended. Whether Writer sends these headers is not
// documented; the fake sends both, as Writer's SDKs read them. Default: no limit.
func WithRateLimit(n int, every time.Duration) Option {
	return func(o *options) { o.rateN, o.rateEvery = n, every }
}

// window is the state of the simulated rate limit.
type window struct {
	start   time.Time
	count   int // requests in the window, refused ones included
	limited int // requests refused with 429 since the Server started
}

// RateLimited returns how many requests the simulated rate limit refused with 429.
func (s *Server) RateLimited() int {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.limit.limited
}

// rateLimit answers 429 when the request exceeds the simulated rate limit.
func (s *Server) rateLimit(w http.ResponseWriter) bool {
	if s.opt.rateN <= 0 {
		return false
	}
	s.mu.Lock()
	now := time.Now()
	if now.Sub(s.limit.start) >= s.opt.rateEvery {
		s.limit.start, s.limit.count = now, 0
	}
	s.limit.count++
	if s.limit.count <= s.opt.rateN {
		s.mu.Unlock()
		return false
	}
	s.limit.limited++
	wait := s.limit.start.Add(s.opt.rateEvery).Sub(now)
	s.mu.Unlock()
	ms := max(wait.Milliseconds(), 1)
	w.Header().Set("Retry-After", strconv.FormatInt((ms+999)/1000, 10))
	w.Header().Set("Retry-After-Ms", strconv.FormatInt(ms, 10))
	writeFail(w, http.StatusTooManyRequests, "fail.tooManyRequests", "fail.tooManyRequests.quotaExceeded",
		"rate limit: "+strconv.Itoa(s.opt.rateN)+" requests per "+s.opt.rateEvery.String())
	return true
}
