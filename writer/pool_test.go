package writer

import (
	"context"
	"errors"
	"slices"
	"sync/atomic"
	"testing"
	"time"
)

func TestDriveBoundsWhatIsInFlightExactly(t *testing.T) {
	var now, most atomic.Int64
	handled := 0
	err := drive(context.Background(), 3, func(ctx context.Context, p *pool[int]) {
		for i := range 40 {
			if !p.acquire(ctx) {
				return
			}
			p.goSend(func() int {
				if n := now.Add(1); n > most.Load() {
					most.Store(n)
				}
				time.Sleep(time.Millisecond)
				now.Add(-1)
				return i
			})
		}
	}, func(int) error { handled++; return nil })
	if err != nil || handled != 40 || most.Load() > 3 {
		t.Errorf("drive = %v, %d handled, %d at most in flight; want nil, 40, at most 3", err, handled, most.Load())
	}
}

func TestDriveTakesResultsAsTheyComplete(t *testing.T) {
	// The first request is slow: the others' results are taken before its own.
	var order []int
	_ = drive(context.Background(), 4, func(ctx context.Context, p *pool[int]) {
		for i := range 4 {
			if !p.acquire(ctx) {
				return
			}
			p.goSend(func() int {
				if i == 0 {
					time.Sleep(200 * time.Millisecond)
				}
				return i
			})
		}
	}, func(i int) error { order = append(order, i); return nil })
	if len(order) != 4 || order[3] != 0 {
		t.Errorf("results taken in order %v, want the slow one last", order)
	}
}

func TestDriveWithOneSlotHandlesEachResultBeforeTheNextRequest(t *testing.T) {
	var events []string
	_ = drive(context.Background(), 1, func(ctx context.Context, p *pool[int]) {
		for i := range 3 {
			if !p.acquire(ctx) {
				return
			}
			events = append(events, "send") // the slot is free: the last result was handled
			p.goSend(func() int { return i })
		}
	}, func(int) error { events = append(events, "take"); return nil })
	if want := []string{"send", "take", "send", "take", "send", "take"}; !slices.Equal(events, want) {
		t.Errorf("events %v, want %v", events, want)
	}
}

func TestDriveStopsAtTheFirstError(t *testing.T) {
	stop := errors.New("stop")
	var sent atomic.Int64
	err := drive(context.Background(), 2, func(ctx context.Context, p *pool[error]) {
		for range 100 {
			if !p.acquire(ctx) {
				return
			}
			sent.Add(1)
			p.goSend(func() error { return stop })
		}
	}, func(err error) error { return err })
	if !errors.Is(err, stop) || sent.Load() > 3 {
		t.Errorf("drive = %v after %d requests, want the first error and no more than the slots allow", err, sent.Load())
	}
}
