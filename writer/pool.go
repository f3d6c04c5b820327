package writer

import (
	"context"
	"errors"
	"sync"
)

// start sends a request of a drive: it takes a slot (false when the run's context ended
// first) and calls send on a goroutine of its own. send returns what its result does to
// the run.
type start func(send func() (take func() error)) bool

// drive runs the requests produce sends, at most n at once, and applies their results on
// this goroutine as they complete. A slot is freed once its result was applied, so n
// bounds what is in flight exactly. The first error a take returns ends ctx for produce
// and the requests in flight (whose results are still applied), and is returned.
func drive(ctx context.Context, n int, produce func(context.Context, start)) error {
	ctx, cancel := context.WithCancelCause(ctx)
	defer cancel(nil)
	// A buffer of n: no send blocks, even when a take panicked and nothing reads results.
	slots, results := make(chan struct{}, n), make(chan func() error, n)
	go func() {
		var wg sync.WaitGroup
		produce(ctx, func(send func() func() error) bool {
			if ctx.Err() != nil {
				return false
			}
			select {
			case slots <- struct{}{}:
			case <-ctx.Done():
				return false
			}
			wg.Go(func() { results <- send() })
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
