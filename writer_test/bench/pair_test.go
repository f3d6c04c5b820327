package bench

import (
	"runtime"
	"sync"
	"sync/atomic"
	"testing"
	"time"
)

// pairBlock is how many calls each goroutine makes before the other implementation takes
// over: blocks of a few to tens of milliseconds. Garbage collections are not forced between
// blocks (that made every block slower); a collection that the client's garbage causes may
// so fall in a floor block and the other way round, which shifts a share of GC work too
// small to see next to the noise of a shared machine.
const pairBlock = 32

// runPair measures the client against the floor on a shared, noisy machine: b.N calls of
// each, in alternating blocks (which one goes first changes every block), so that the load
// of other processes falls on both alike. It reports the time per call of each as the
// metrics client-ns/op and floor-ns/op: in parallel mode the wall time per call with all
// goroutines at work, the inverse of throughput. The usual ns/op covers both; it means
// little here.
func runPair(b *testing.B, parallel bool, client, floor func() error) {
	impls := [2]func() error{client, floor}
	size := pairBlock
	if parallel {
		size *= goroutines()
	}
	var took [2]time.Duration
	var calls [2]int
	for block := 0; calls[0] < b.N; block++ {
		n := min(size, b.N-calls[0])
		for j := range impls {
			i := (j + block) % 2
			start := time.Now()
			if err := runBlock(n, parallel, impls[i]); err != nil {
				b.Fatal(err)
			}
			took[i] += time.Since(start)
			calls[i] += n
		}
	}
	b.ReportMetric(float64(took[0])/float64(calls[0]), "client-ns/op")
	b.ReportMetric(float64(took[1])/float64(calls[1]), "floor-ns/op")
}

// runBlock makes n calls of f: one after another, or spread over goroutines() goroutines
// that take calls until none is left.
func runBlock(n int, parallel bool, f func() error) error {
	if !parallel {
		for range n {
			if err := f(); err != nil {
				return err
			}
		}
		return nil
	}
	var left atomic.Int64
	left.Store(int64(n))
	errs := make(chan error, goroutines())
	var wg sync.WaitGroup
	for range goroutines() {
		wg.Go(func() {
			for left.Add(-1) >= 0 {
				if err := f(); err != nil {
					errs <- err
					return
				}
			}
		})
	}
	wg.Wait()
	close(errs)
	return <-errs
}

// goroutines is how many goroutines the parallel benchmarks run: as many as b.RunParallel
// with b.SetParallelism(parallelism()) starts.
func goroutines() int { return parallelism() * runtime.GOMAXPROCS(0) }
