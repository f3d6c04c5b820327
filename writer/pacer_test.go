package writer

import (
	"context"
	"errors"
	"net/http"
	"testing"
	"testing/synctest"
	"time"

	"golang.org/x/time/rate"
)

// TestPacerSlowsDownButNeverSpeedsUp: a 429 halves the pace down to 6 requests per minute,
// or to the configured pace when that is lower; it never raises it.
func TestPacerSlowsDownButNeverSpeedsUp(t *testing.T) {
	for _, tt := range []struct {
		rpm  int
		want rate.Limit // the pace after one 429, requests per second
	}{
		{rpm: 400, want: rate.Limit(400.0 / 60 / 2)},
		{rpm: 10, want: minPace},
		{rpm: 1, want: rate.Limit(1.0 / 60)},
	} {
		synctest.Test(t, func(t *testing.T) {
			p, err := newPacer("RequestsPerMinute", tt.rpm)
			if err != nil {
				t.Fatal(err)
			}
			calls := 0
			err = p.do(context.Background(), func() error {
				calls++
				if calls == 1 {
					return &Error{StatusCode: http.StatusTooManyRequests, RetryAfter: time.Millisecond}
				}
				return nil
			})
			if err != nil || calls != 2 {
				t.Fatalf("rpm %d: do = %v after %d calls, want nil after 2", tt.rpm, err, calls)
			}
			// The call after the 429 gave back a twentieth of the configured pace.
			want := min(tt.want+p.pace/20, p.pace)
			if got := p.lim.Limit(); got != want {
				t.Errorf("rpm %d: pace after a 429 and a success = %v/s, want %v/s", tt.rpm, got, want)
			}
		})
	}
}

// TestPacerStopsWhenTheNextTokenIsPastTheDeadline: after a 429, a next token due after ctx's
// deadline ends do at once with that 429's *Error, which also matches the refusal and
// context.DeadlineExceeded.
func TestPacerStopsWhenTheNextTokenIsPastTheDeadline(t *testing.T) {
	synctest.Test(t, func(t *testing.T) {
		p, err := newPacer("RequestsPerMinute", 6) // a token every 10 s
		if err != nil {
			t.Fatal(err)
		}
		ctx, cancel := context.WithTimeout(context.Background(), 5*time.Second)
		defer cancel()
		start := time.Now()
		err = p.do(ctx, func() error { return &Error{StatusCode: http.StatusTooManyRequests, RetryAfter: time.Second} })
		var e *Error
		if !errors.As(err, &e) || e.StatusCode != http.StatusTooManyRequests || !errors.Is(err, errDueAfterDeadline) || !errors.Is(err, context.DeadlineExceeded) {
			t.Errorf("do = %v; want the 429's *Error matching errDueAfterDeadline and context.DeadlineExceeded", err)
		}
		if took := time.Since(start); took != time.Second {
			t.Errorf("do took %v (virtual time), want 1s: the Retry-After pause, then no wait for a token past the deadline", took)
		}
	})
}

// TestPacerHalvesOncePerBurst: 429s to requests that were in flight together halve the pace
// once, not once each; a 429 to a request sent after that halves it again.
func TestPacerHalvesOncePerBurst(t *testing.T) {
	synctest.Test(t, func(t *testing.T) {
		p, err := newPacer("RequestsPerMinute", 400)
		if err != nil {
			t.Fatal(err)
		}
		sent := time.Now()
		time.Sleep(time.Millisecond)
		for range 8 {
			p.slowDown(sent, time.Millisecond)
		}
		if got, want := p.lim.Limit(), rate.Limit(400.0/60/2); got != want {
			t.Errorf("after a burst of 8 429s the pace is %v/s, want %v/s", got, want)
		}
		time.Sleep(time.Millisecond)
		p.slowDown(time.Now(), time.Millisecond)
		if got, want := p.lim.Limit(), rate.Limit(400.0/60/4); got != want {
			t.Errorf("after a later 429 the pace is %v/s, want %v/s", got, want)
		}
		if p.slowed() != 9 {
			t.Errorf("slowed() = %d, want 9, one per 429", p.slowed())
		}
	})
}
