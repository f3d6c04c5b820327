package writer

import (
	"context"
	"errors"
	"sync"
)

// pool runs the requests of a workflow run, at most n at once, and hands their results to
// the run's goroutine in the order they complete. A request's slot is taken before it is
// sent and freed only once its result was handled, so n bounds what is in flight exactly,
// and with n = 1 each result is handled before the next request leaves.
//
// One producer goroutine takes slots (acquire) and starts requests (goSend) or hands in a
// result of its own (put); it calls close when done. The run's goroutine ranges over
// results and calls handled after each.
type pool[T any] struct {
	slots   chan struct{}
	results chan T
	wg      sync.WaitGroup
}

func newPool[T any](n int) *pool[T] {
	return &pool[T]{slots: make(chan struct{}, n), results: make(chan T)}
}

// acquire takes a slot, or reports false when ctx ended first.
func (p *pool[T]) acquire(ctx context.Context) bool {
	if ctx.Err() != nil {
		return false
	}
	select {
	case p.slots <- struct{}{}:
		return true
	case <-ctx.Done():
		return false
	}
}

// goSend runs send on a goroutine of its own, in the slot just taken, and hands in its result.
func (p *pool[T]) goSend(send func() T) {
	p.wg.Go(func() { p.results <- send() })
}

// put hands in a result of the producer's, in the slot just taken.
func (p *pool[T]) put(r T) { p.results <- r }

// handled frees the slot of the result just handled.
func (p *pool[T]) handled() { <-p.slots }

// close waits for the requests started and then ends results.
func (p *pool[T]) close() {
	p.wg.Wait()
	close(p.results)
}

// drive runs produce on a goroutine of its own with a pool of n slots, and hands each
// result to take on this goroutine, as they complete. The first error take returns ends
// ctx for produce and the requests in flight (whose results still reach take), and is
// returned once every result was handled.
func drive[T any](ctx context.Context, n int, produce func(context.Context, *pool[T]), take func(T) error) error {
	ctx, cancel := context.WithCancelCause(ctx)
	defer cancel(nil)
	p := newPool[T](n)
	go func() {
		defer p.close()
		produce(ctx, p)
	}()
	var stop error
	for r := range p.results {
		if err := take(r); err != nil && stop == nil {
			stop = err
			cancel(errRunStopped)
		}
		p.handled()
	}
	return stop
}

// errRunStopped is the cause of the run context's end when a result stopped the run.
var errRunStopped = errors.New("writer: the run stopped")
