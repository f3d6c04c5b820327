package writer

import (
	"context"
	"errors"
	"io"
	"net/http"
	"net/http/httptest"
	"sync/atomic"
	"testing"
	"testing/synctest"
	"time"

	"golang.org/x/time/rate"
)

func TestPaceHalvesOncePerBurstAndRecovers(t *testing.T) {
	p := newPace(400, nil)
	full := rate.Limit(400.0 / 60)
	sent := time.Now()
	p.answered(http.StatusTooManyRequests, sent, 0)
	p.answered(http.StatusTooManyRequests, sent, 0) // sent before the halving: the same burst
	if got := p.lim.Limit(); got != full/2 {
		t.Fatalf("pace after a burst of two 429s = %v/s, want %v/s", got, full/2)
	}
	p.answered(http.StatusTooManyRequests, time.Now(), 0) // sent after it: a new burst
	if got := p.lim.Limit(); got != full/4 {
		t.Fatalf("pace after a second burst = %v/s, want %v/s", got, full/4)
	}
	for range 30 {
		p.answered(http.StatusOK, time.Now(), 0)
	}
	if got := p.lim.Limit(); got != full {
		t.Errorf("pace after 30 answers = %v/s, want back at %v/s and no higher", got, full)
	}
}

func TestPaceNeverSlowsBelowItsFloor(t *testing.T) {
	for _, tt := range []struct {
		rpm  int
		want rate.Limit
	}{{400, minPace}, {1, rate.Limit(1.0 / 60)}} {
		p := newPace(tt.rpm, nil)
		for range 20 {
			p.answered(http.StatusTooManyRequests, time.Now().Add(time.Hour), 0)
		}
		if got := p.lim.Limit(); got != tt.want {
			t.Errorf("rpm %d: pace after 20 bursts of 429 = %v/s, want %v/s", tt.rpm, got, tt.want)
		}
	}
}

func TestPaceWaitRefusesASlotPastTheDeadline(t *testing.T) {
	synctest.Test(t, func(t *testing.T) {
		p := newPace(6, nil) // a slot every 10 s
		ctx, cancel := context.WithTimeout(context.Background(), 5*time.Second)
		defer cancel()
		if err := p.wait(ctx); err != nil {
			t.Fatalf("first wait = %v, want the burst's slot", err)
		}
		start := time.Now()
		err := p.wait(ctx)
		if !errors.Is(err, context.DeadlineExceeded) || time.Since(start) != 0 {
			t.Errorf("second wait = %v after %v, want DeadlineExceeded at once", err, time.Since(start))
		}
	})
}

// countWaits is a Limiter that lets every request go and counts them.
type countWaits struct{ n int }

func (c *countWaits) Wait(context.Context) error { c.n++; return nil }

func TestPaceWithACallersLimiterHoldsAfter429(t *testing.T) {
	synctest.Test(t, func(t *testing.T) {
		lim := &countWaits{}
		p := newPace(0, lim)
		p.answered(http.StatusTooManyRequests, time.Now(), 3*time.Second)
		start := time.Now()
		if err := p.wait(context.Background()); err != nil || lim.n != 1 {
			t.Fatalf("wait = %v with %d Limiter waits, want nil and 1", err, lim.n)
		}
		if got := time.Since(start); got != 3*time.Second {
			t.Errorf("wait after a 429 asking for 3 s took %v", got)
		}
		p.answered(http.StatusTooManyRequests, time.Now(), 0) // no hint: 1 s
		start = time.Now()
		_ = p.wait(context.Background())
		if got := time.Since(start); got != slowDownPause {
			t.Errorf("wait after a 429 without a hint took %v, want %v", got, slowDownPause)
		}
	})
}

func TestNoPaceNeverWaits(t *testing.T) {
	p := newPace(NoRateLimit, nil)
	ctx, cancel := context.WithCancel(context.Background())
	cancel()
	p.answered(http.StatusTooManyRequests, time.Now(), time.Hour)
	if err := p.wait(ctx); err != nil || p != nil {
		t.Errorf("unpaced wait = %v, want nil without looking at ctx", err)
	}
}

func TestPaceHoldIsCappedAtTheLongestHonouredWait(t *testing.T) {
	// One 429 asking for a year must not hold back a Client with a caller's Limiter: the
	// hold is the longest wait the Client honours (MaxRetryAfter), and a call whose
	// deadline comes first fails at once.
	var n atomic.Int64
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if n.Add(1) == 1 {
			w.Header().Set("Retry-After", "31536000")
			w.WriteHeader(http.StatusTooManyRequests)
			return
		}
		w.Header().Set("Content-Type", "application/json")
		_, _ = io.WriteString(w, `{"id":"x","name":"a.pdf","created_at":"2026-05-01T12:00:00Z","graph_ids":[],"status":"completed"}`)
	}))
	defer srv.Close()
	c := testClient(t, srv.URL, nil)
	c.pace = newPace(0, &countWaits{})
	if _, err := c.Files.Get(context.Background(), "x"); !errors.Is(err, ErrRateLimited) {
		t.Fatalf("first Get = %v, want ErrRateLimited", err)
	}
	if hold := time.Until(c.pace.holdUntil); hold > c.policy.MaxRetryAfter {
		t.Errorf("hold after a 429 asking for a year = %v, want at most %v", hold, c.policy.MaxRetryAfter)
	}
	ctx, cancel := context.WithTimeout(context.Background(), c.policy.MaxRetryAfter/2)
	defer cancel()
	start := time.Now()
	if _, err := c.Files.Get(ctx, "x"); !errors.Is(err, context.DeadlineExceeded) || time.Since(start) > c.policy.MaxRetryAfter/4 {
		t.Errorf("Get held past its deadline = %v after %v, want DeadlineExceeded at once", err, time.Since(start))
	}
}

func TestPaceWaitEndedByACauseMatchesCanceled(t *testing.T) {
	p := newPace(6, nil)
	_ = p.wait(context.Background()) // the burst's slot: the next is 10 s away
	ctx, cancel := context.WithCancelCause(context.Background())
	quit := errors.New("interrupted")
	time.AfterFunc(10*time.Millisecond, func() { cancel(quit) })
	if err := p.wait(ctx); !errors.Is(err, context.Canceled) || !errors.Is(err, quit) {
		t.Errorf("wait = %v, want context.Canceled and the cause", err)
	}
}
