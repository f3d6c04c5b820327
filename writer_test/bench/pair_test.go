package bench

import (
	"runtime"
	"sync"
	"sync/atomic"
	"testing"
	"time"
)

// seqBlock is how many calls a sequential paired benchmark makes before the other
// implementation takes over: blocks of a fraction of a millisecond for Retry. The finer the
// alternation, the more alike the load both sides meet: with blocks of 32 calls (2-3 ms), the
// client/floor ratio of one 300 ms run of Retry with 100 ids spread from 0.93 to 1.22 over
// 10 runs; with blocks of 4, from 0.97 to 1.06 (median 1.04 both ways). The time taken per
// block (two clock readings) is nothing next to a call of tens of microseconds.
const seqBlock = 4

// parBlock is how many calls each goroutine makes per block in a parallel paired benchmark:
// all goroutines meet at the end of a block, and in blocks of 32 calls that wait for the
// slowest goroutine is small next to the block.
const parBlock = 32

// runPair measures the client against the floor on a shared, noisy machine: b.N calls of
// each, in alternating blocks (which one goes first changes every block), so that the load
// of other processes falls on both alike. It reports the time per call of each as the
// metrics client-ns/op and floor-ns/op: in parallel mode the wall time per call with all
// goroutines at work, the inverse of throughput. The usual ns/op covers both; it means
// little here. Garbage collections are not forced between blocks (that made every block
// slower), so a collection caused by the client's garbage may run during a floor block and
// the other way round; the GC work shifted that way (the client allocates about 10% more
// bytes per call) is small next to the noise of a shared machine.
func runPair(b *testing.B, parallel bool, client, floor func() error) {
	b.Helper()
	size, run := seqBlock, runSerial
	if parallel {
		w := startWorkers(goroutines())
		defer w.stop()
		size, run = parBlock*goroutines(), w.run
	}
	pairLoop(b, size, run, client, floor)
}

// runPairBlocks is runPair, sequential, in blocks of size calls: for calls that take tens of
// milliseconds, such as a 64 MiB transfer, where blocks of seqBlock would be too long.
func runPairBlocks(b *testing.B, size int, client, floor func() error) {
	b.Helper()
	pairLoop(b, size, runSerial, client, floor)
}

// pairLoop makes b.N calls of client and of floor in alternating blocks of size calls, each
// block run by run, and reports client-ns/op and floor-ns/op.
func pairLoop(b *testing.B, size int, run func(int, func() error) error, client, floor func() error) {
	b.Helper()
	impls := [2]func() error{client, floor}
	var took [2]time.Duration
	var calls [2]int
	for block := 0; calls[0] < b.N; block++ {
		n := min(size, b.N-calls[0])
		for j := range impls {
			i := (j + block) % 2
			start := time.Now()
			if err := run(n, impls[i]); err != nil {
				b.Fatal(err)
			}
			took[i] += time.Since(start)
			calls[i] += n
		}
	}
	b.ReportMetric(float64(took[0])/float64(calls[0]), "client-ns/op")
	b.ReportMetric(float64(took[1])/float64(calls[1]), "floor-ns/op")
}

// runSerial makes n calls of f, one after another.
func runSerial(n int, f func() error) error {
	for range n {
		if err := f(); err != nil {
			return err
		}
	}
	return nil
}

// workers are goroutines that live through a whole paired benchmark, as b.RunParallel's do:
// a goroutine started per block would pay for growing its stack again every block.
type workers struct {
	blocks []chan func() // one per worker: the block's work
	wg     sync.WaitGroup
}

func startWorkers(n int) *workers {
	w := &workers{blocks: make([]chan func(), n)}
	for i := range w.blocks {
		w.blocks[i] = make(chan func())
		go func() {
			for work := range w.blocks[i] {
				work()
				w.wg.Done()
			}
		}()
	}
	return w
}

// run makes n calls of f spread over the workers, each taking calls until none is left.
func (w *workers) run(n int, f func() error) error {
	var left atomic.Int64
	left.Store(int64(n))
	errs := make(chan error, len(w.blocks))
	w.wg.Add(len(w.blocks))
	for _, block := range w.blocks {
		block <- func() {
			for left.Add(-1) >= 0 {
				if err := f(); err != nil {
					errs <- err
					return
				}
			}
		}
	}
	w.wg.Wait()
	close(errs)
	return <-errs
}

func (w *workers) stop() {
	for _, block := range w.blocks {
		close(block)
	}
}

// goroutines is how many goroutines the parallel benchmarks run: as many as b.RunParallel
// with b.SetParallelism(parallelism()) starts.
func goroutines() int { return parallelism() * runtime.GOMAXPROCS(0) }
