package writer

import (
	"context"
	"errors"
	"sync"
)

// start is how a producer of drive sends a request: it takes one of the run's slots (false
// when the run's context ended first) and calls send, on a goroutine of its own or, inline,
// on the producer's, whose next step needs its result. send returns what its result does
// to the run.
type start func(send func() (take func() error), inline bool) bool

// drive runs the requests of a workflow run, at most n at once, and applies their results
// (the take functions their sends return) on this goroutine, in the order they complete.
// produce runs on a goroutine of its own and sends each request through start. A request's
// slot is freed only once its result was applied, so n bounds what is in flight exactly,
// and with n = 1 each result is applied before the next request leaves. The first error a
// take returns ends ctx for produce and the requests in flight (whose results are still
// applied), and is returned.
func drive(ctx context.Context, n int, produce func(context.Context, start)) error {
	ctx, cancel := context.WithCancelCause(ctx)
	defer cancel(nil)
	slots, results := make(chan struct{}, n), make(chan func() error)
	go func() {
		var wg sync.WaitGroup
		produce(ctx, func(send func() func() error, inline bool) bool {
			if ctx.Err() != nil {
				return false
			}
			select {
			case slots <- struct{}{}:
			case <-ctx.Done():
				return false
			}
			if inline {
				results <- send()
			} else {
				wg.Go(func() { results <- send() })
			}
			return true
		})
		wg.Wait()
		close(results)
	}()
	var stop error
	for take := range results {
		if err := take(); err != nil && stop == nil {
			stop = err
			cancel(errRunStopped)
		}
		<-slots
	}
	return stop
}

// errRunStopped is the cause of the run context's end when a result stopped the run.
var errRunStopped = errors.New("writer: the run stopped")
