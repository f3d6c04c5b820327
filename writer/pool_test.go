package writer

import (
	"context"
	"errors"
	"runtime"
	"slices"
	"sync/atomic"
	"testing"
	"time"
)

// sendAll sends n requests through drive with at most slots in flight: request i runs do(i)
// on its own goroutine, and its result applies take(i) on drive's.
func sendAll(slots, n int, do func(i int), take func(i int) error) error {
	return drive(context.Background(), slots, func(ctx context.Context, start start) {
		for i := range n {
			if !start(func() func() error { do(i); return func() error { return take(i) } }) {
				return
			}
		}
	})
}

func TestDriveBoundsWhatIsInFlightExactly(t *testing.T) {
	var now, most atomic.Int64
	handled := 0
	err := sendAll(3, 40, func(int) {
		if n := now.Add(1); n > most.Load() {
			most.Store(n)
		}
		time.Sleep(time.Millisecond)
		now.Add(-1)
	}, func(int) error { handled++; return nil })
	if err != nil || handled != 40 || most.Load() > 3 {
		t.Errorf("drive = %v, %d handled, %d at most in flight; want nil, 40, at most 3", err, handled, most.Load())
	}
}

func TestDriveAppliesResultsAsTheyComplete(t *testing.T) {
	// The first request is slow: the others' results are applied before its own.
	var order []int
	_ = sendAll(4, 4, func(i int) {
		if i == 0 {
			time.Sleep(200 * time.Millisecond)
		}
	}, func(i int) error { order = append(order, i); return nil })
	if len(order) != 4 || order[3] != 0 {
		t.Errorf("results applied in order %v, want the slow one last", order)
	}
}

func TestDriveWithOneSlotAppliesEachResultBeforeTheNextRequest(t *testing.T) {
	var handled atomic.Int64
	before := make([]int64, 5) // results applied when request i was sent
	_ = sendAll(1, 5, func(i int) { before[i] = handled.Load() }, func(int) error { handled.Add(1); return nil })
	if want := []int64{0, 1, 2, 3, 4}; !slices.Equal(before, want) {
		t.Errorf("results applied before each request: %v, want %v", before, want)
	}
}

func TestDriveStopsAtTheFirstError(t *testing.T) {
	stop := errors.New("stop")
	var sent atomic.Int64
	err := sendAll(2, 100, func(int) { sent.Add(1) }, func(int) error { return stop })
	if !errors.Is(err, stop) || sent.Load() > 2 {
		t.Errorf("drive = %v after %d requests, want the first error and no request after it", err, sent.Load())
	}
}

func TestDriveLeavesNoGoroutineWhenATakePanics(t *testing.T) {
	before := runtime.NumGoroutine()
	func() {
		defer func() { _ = recover() }()
		_ = sendAll(4, 100, func(int) { time.Sleep(time.Millisecond) }, func(i int) error {
			if i == 1 {
				panic("progress failed")
			}
			return nil
		})
	}()
	deadline := time.Now().Add(5 * time.Second)
	for runtime.NumGoroutine() > before && time.Now().Before(deadline) {
		time.Sleep(10 * time.Millisecond)
	}
	if n := runtime.NumGoroutine(); n > before {
		t.Errorf("%d goroutines after a take panicked, %d before", n, before)
	}
}
