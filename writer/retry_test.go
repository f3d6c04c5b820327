package writer

import (
	"net/http"
	"strings"
	"testing"
	"time"
)

func TestRetryAfterParsing(t *testing.T) {
	now := time.Date(2026, 5, 1, 12, 0, 0, 0, time.UTC)
	longest := time.Duration(1<<63 - 1)
	tests := []struct {
		ms, after string
		want      time.Duration
	}{
		{"", "", 0},
		{"", "2", 2 * time.Second},
		{"", " 2 ", 2 * time.Second},
		{"", "1.5", 1500 * time.Millisecond},
		{"", "0", 0},
		{"", "-1", 0},
		{"", "+3", 0},
		{"", "1e3", 0},
		{"", "0x10", 0},
		{"", "NaN", 0},
		{"", "Inf", 0},
		{"", "abc", 0},
		{"", "99999999999999999999999", longest},
		{"", now.Add(90 * time.Second).Format(http.TimeFormat), 90 * time.Second},
		{"", now.Add(-time.Hour).Format(http.TimeFormat), 0},
		{"250", "10", 250 * time.Millisecond},
		{"1.5", "", 1500 * time.Microsecond},
		{"junk", "3", 3 * time.Second},
		{"1e400", "3", 3 * time.Second},
		{"99999999999999999999999", "", longest},
	}
	for _, tt := range tests {
		h := http.Header{}
		if tt.ms != "" {
			h.Set("Retry-After-Ms", tt.ms)
		}
		if tt.after != "" {
			h.Set("Retry-After", tt.after)
		}
		if got := retryAfter(h, now); got != tt.want {
			t.Errorf("retryAfter(retry-after-ms %q, Retry-After %q) = %v, want %v", tt.ms, tt.after, got, tt.want)
		}
	}
}

func TestBackoffScheduleAndJitter(t *testing.T) {
	d := &Client{policy: withPolicyDefaults(RetryPolicy{})}
	steps := []time.Duration{500 * time.Millisecond, time.Second, 2 * time.Second, 4 * time.Second, 8 * time.Second, 8 * time.Second}
	for i, step := range append(steps, make([]time.Duration, 60)...) {
		if step == 0 {
			step = 8 * time.Second // every later step is capped
		}
		seen := map[time.Duration]bool{}
		for range 50 {
			w := d.backoff(false, i+1)
			if w < step*3/4 || w > step {
				t.Fatalf("backoff(%d) = %v, want within [%v, %v]", i+1, w, step*3/4, step)
			}
			seen[w] = true
		}
		if len(seen) < 2 {
			t.Errorf("backoff(%d) gave one value in 50 draws: no jitter", i+1)
		}
	}
}

func FuzzRetryAfter(f *testing.F) {
	now := time.Date(2026, 5, 1, 12, 0, 0, 0, time.UTC)
	for _, s := range []string{"", "0", "1", "2.5", "120", "-1", "1e3", "0x10", "NaN", "Inf", " 7 ", ".5", "5.", ".",
		"99999999999999999999999999", "Fri, 01 May 2026 12:01:30 GMT", "Friday, 01-May-26 12:01:30 GMT", "Fri May  1 12:01:30 2026"} {
		f.Add(s, s)
		f.Add("", s)
	}
	f.Fuzz(func(t *testing.T, ms, after string) {
		h := http.Header{"Retry-After-Ms": {ms}, "Retry-After": {after}}
		got := retryAfter(h, now)
		if got < 0 {
			t.Fatalf("retryAfter(%q, %q) = %v, negative", ms, after, got)
		}
		if d, ok := scaled(strings.TrimSpace(ms), time.Millisecond); ok && got != d {
			t.Fatalf("retryAfter(%q, %q) = %v, want retry-after-ms's %v", ms, after, got, d)
		}
		if got != retryAfter(h, now) {
			t.Fatalf("retryAfter(%q, %q) is not deterministic", ms, after)
		}
	})
}
