// Command benchcheck checks writer-go's performance targets: ours (the client)
// against the floor (a hand-written net/http call), each target a ratio of medians, never an
// absolute time.
//
//	go test -c -o bench.test ./bench            # in writer_test
//	benchcheck -bin writer_test/bench.test [-rounds 20] [-benchtime 250ms] [-checks regexp] [-v]
//
// Times come from paired benchmarks (BenchmarkRetryPair), which run the client and the floor
// in alternating blocks of a few milliseconds within one run and report client-ns/op and
// floor-ns/op: on a shared machine, where other processes take the CPU in bursts of seconds,
// that is what lets both sides meet the same load. Allocation counts are exact and come
// from the separate benchmarks (BenchmarkRetry/.../impl=client and impl=floor).
//
// Every round runs every benchmark the selected checks need once, each in its own process
// with -count=1, in an order reversed from one round to the next. Each round gives each check
// a score, the ratio (or for counts the difference) of ours and the floor in that round;
// benchcheck compares the median score with the target, so a round's load, which both sides
// of a paired benchmark met, cancels out. It prints each median ratio with its target, the
// medians of both sides for reference, and PASS or FAIL, and exits 1 when a target is missed
// (2 when a benchmark could not be run).
//
// A new target is a row of checks.
package main

import (
	"bytes"
	"context"
	"flag"
	"fmt"
	"os"
	"os/exec"
	"os/signal"
	"regexp"
	"slices"
	"strings"
	"syscall"
	"text/tabwriter"
	"time"

	"golang.org/x/perf/benchfmt"
)

// A measure is where one side's value comes from: a benchmark's full name and a unit.
type measure struct {
	bench string // e.g. "BenchmarkRetryPair/mode=seq/ids=10"
	unit  string // benchfmt unit: "sec/op", "allocs/op", "B/op", or a custom one such as "client-sec/op"
}

// A check is one target: ours against the floor. Each round gives one score, a ratio or a
// difference of the two values that round measured; the median score meets the target or not.
type check struct {
	name        string  // shown, e.g. "Retry seq ids=10"
	label       string  // the metric's name as shown, e.g. "time/op"
	ours, floor measure // the same benchmark for a paired one, two benchmarks otherwise
	benchtime   string  // -test.benchtime for these benchmarks; "" takes the -benchtime flag
	rounds      int     // at most this many rounds for these benchmarks; 0 takes the -rounds flag
	target      string  // shown, e.g. "<= 1.10x"
	score       func(ours, floor float64) float64
	pass        func(score float64) bool
	format      string // how a score is shown, e.g. "%.3fx"; "" shows it as a value of label
}

// checks are the performance targets (docs/performance.md). Retry: sequential time at most
// 1.25x the floor's and at most 40 more allocations per call; at concurrency 32 (the client
// with its default transport, the floor with one tuned for 32 connections) at least 0.8x the
// floor's throughput, the same 1.25x per call under load. List of 10,000 files (100 pages):
// time at most 1.25x the floor's and at most 2 more allocations per file. Upload and Download
// of 64 MiB: bytes allocated per call below 1 MiB (an absolute bound: counts are exact; the
// floor's value is shown for reference), and throughput at least 0.80x the floor's (both are
// bound by copying 64 MiB through the loopback; the margin absorbs the noise of a few calls
// per round). Every client of these is unpaced (writer.NoRateLimit), so that they measure the
// calls. RetryFailed, unpaced: peak heap over 100,000 files below 64 MiB, and over 1,000,000
// files at most 2x that (no floor here: "floor" is the 100,000-file run). The heap is
// near-deterministic and a 1,000,000-file run takes about 8 s, so these run in 3 rounds only.
// RetryFailed by a client paced at 20 requests per second against a server enforcing that
// rate: wall time within 5% of the ideal (requests / rate) and no 429; a run takes 7 s, so 3
// rounds.
var checks = func() []check {
	var cs []check
	for _, ids := range []int{1, 10, 100} {
		seq := fmt.Sprintf("BenchmarkRetryPair/mode=seq/ids=%d", ids)
		par := fmt.Sprintf("BenchmarkRetryPair/mode=par/ids=%d", ids)
		alone := func(impl string) string {
			return fmt.Sprintf("BenchmarkRetry/mode=seq/impl=%s/ids=%d", impl, ids)
		}
		cs = append(cs,
			timeRatioAtMost(fmt.Sprintf("Retry seq ids=%d", ids), seq, 1.25),
			excessAtMost(fmt.Sprintf("Retry seq ids=%d", ids), "allocs/op",
				measure{alone("client"), "allocs/op"}, measure{alone("floor"), "allocs/op"}, "200x", 40),
			throughputRatioAtLeast(fmt.Sprintf("Retry par32 ids=%d", ids), par, 0.80),
		)
	}
	list := timeRatioAtMost("List 10000 files", "BenchmarkListPair", 1.25)
	list.benchtime = "10x"
	cs = append(cs, list,
		excessAtMost("List 10000 files", "allocs/op",
			measure{"BenchmarkList/impl=client", "allocs/op"}, measure{"BenchmarkList/impl=floor", "allocs/op"}, "3x", 10000*2))
	for _, op := range []string{"upload", "download"} {
		alone := func(impl string) measure {
			return measure{fmt.Sprintf("BenchmarkTransfer/op=%s/impl=%s", op, impl), "B/op"}
		}
		pair := throughputRatioAtLeast(fmt.Sprintf("Transfer 64MiB %s", op), "BenchmarkTransferPair/op="+op, 0.80)
		pair.benchtime = "8x"
		cs = append(cs,
			valueAtMost(fmt.Sprintf("Transfer 64MiB %s", op), "B/op", alone("client"), alone("floor"), "3x", 1<<20),
			pair,
		)
	}
	heap := func(files int) measure {
		return measure{fmt.Sprintf("BenchmarkRetryFailed/files=%d", files), "peak-heap-MiB"}
	}
	small := valueAtMost("RetryFailed 100000 files", "peak heap", heap(100_000), heap(100_000), "1x", 64)
	growth := ratioAtMost("RetryFailed 1000000/100000 files", "peak heap", heap(1_000_000), heap(100_000), "1x", 2)
	small.rounds, growth.rounds = 3, 3
	cs = append(cs, small, growth)
	paced := measure{"BenchmarkRetryFailedPaced", "elapsed/ideal"}
	refused := measure{"BenchmarkRetryFailedPaced", "429s"}
	pacing := within("RetryFailed paced 20/s", "elapsed/ideal", paced, "1x", 0.95, 1.05)
	no429 := valueAtMost("RetryFailed paced 20/s", "429s", refused, refused, "1x", 1)
	pacing.rounds, no429.rounds = 3, 3
	cs = append(cs, pacing, no429)
	return append(cs, jobChecks()...)
}()

// jobChecks are the targets of RetryFailedAndWait (docs/performance.md), each run in 3
// rounds (a run takes 7 to 21 s; the heap run, near-deterministic, in 1), every run by a
// client paced with writer.WithRequestsPerMinute against a server enforcing the same pace:
// over 10,000 failed files among 15,000, elapsed at most 1.10x the ideal at 0.2 and 1.67
// requests in flight and at most 1.35x at 4 (a cursor-paged listing sends one page per round
// trip: 100 pages at 200 ms are 20 s against an ideal of about 12 s, so the run lists from
// both ends), requests at
// most 1.10x the least, no 429; over 1,000,000 files, unpaced, peak heap below 64 MiB;
// through a 60 s outage (time-scaled 30 times), no retry request lost and elapsed within
// 1.10 x ideal + outage + the longest backoff step (RetryPolicy.MaxRetryAfter, scaled);
// with a GraphID over 1,000 files of one graph, at most 1 request per wait round.
func jobChecks() []check {
	var cs []check
	for _, c := range []struct {
		inflight string
		elapsed  float64
	}{{"1.67", 1.10}, {"0.2", 1.10}, {"4", 1.35}} {
		bench := "BenchmarkRetryAndWait/inflight=" + c.inflight
		name := "RetryAndWait " + c.inflight + " in flight"
		cs = append(cs,
			atMost(name, "elapsed/ideal", measure{bench, "elapsed/ideal"}, c.elapsed),
			atMost(name, "requests/least", measure{bench, "requests/least"}, 1.10),
			valueAtMost(name, "429s", measure{bench, "429s"}, measure{bench, "429s"}, "1x", 1))
	}
	heap := measure{"BenchmarkRetryAndWaitMillion", "peak-heap-MiB"}
	cs = append(cs, valueAtMost("RetryAndWait 1000000 files", "peak heap", heap, heap, "1x", 64))
	outage := "BenchmarkRetryAndWaitOutage"
	cs = append(cs,
		atMost("RetryAndWait outage", "elapsed/bound", measure{outage, "elapsed/bound"}, 1),
		valueAtMost("RetryAndWait outage", "lost batches", measure{outage, "lost"}, measure{outage, "lost"}, "1x", 1),
		atMost("RetryAndWait graph 1000 files", "requests/round", measure{"BenchmarkRetryAndWaitGraph", "requests/round"}, 1))
	for i := range cs {
		cs[i].benchtime, cs[i].rounds = "1x", 3
		if strings.HasSuffix(cs[i].name, "files") {
			cs[i].rounds = 1
		}
	}
	return cs
}

// paired returns the two measures of a paired benchmark. It reports client-ns/op and
// floor-ns/op, which benchfmt reads as client-sec/op and floor-sec/op.
func paired(bench string) (ours, floor measure) {
	return measure{bench, "client-sec/op"}, measure{bench, "floor-sec/op"}
}

// timeRatioAtMost: ours' time per call is at most limit times the floor's.
func timeRatioAtMost(name, bench string, limit float64) check {
	ours, floor := paired(bench)
	return check{
		name: name, label: "time/op", ours: ours, floor: floor, target: fmt.Sprintf("<= %.2fx", limit),
		score:  func(o, f float64) float64 { return o / f },
		pass:   func(r float64) bool { return r <= limit },
		format: "%.3fx",
	}
}

// throughputRatioAtLeast: ours' calls per second are at least limit times the floor's.
func throughputRatioAtLeast(name, bench string, limit float64) check {
	ours, floor := paired(bench)
	return check{
		name: name, label: "throughput", ours: ours, floor: floor, target: fmt.Sprintf(">= %.2fx", limit),
		score:  func(o, f float64) float64 { return f / o },
		pass:   func(r float64) bool { return r >= limit },
		format: "%.3fx",
	}
}

// excessAtMost: ours' value exceeds the floor's by at most limit (for exact counts).
func excessAtMost(name, label string, ours, floor measure, benchtime string, limit float64) check {
	return check{
		name: name, label: label, ours: ours, floor: floor, benchtime: benchtime,
		target: fmt.Sprintf("<= floor%+g", limit),
		score:  func(o, f float64) float64 { return o - f },
		pass:   func(d float64) bool { return d <= limit },
		format: "%+g",
	}
}

// valueAtMost: ours' value is below limit, whatever the floor's (for exact counts such as
// bytes allocated; the floor's value is shown for reference).
func valueAtMost(name, label string, ours, floor measure, benchtime string, limit float64) check {
	return check{
		name: name, label: label, ours: ours, floor: floor, benchtime: benchtime,
		target: "< " + show(label, limit),
		score:  func(o, _ float64) float64 { return o },
		pass:   func(v float64) bool { return v < limit },
	}
}

// ratioAtMost: ours' value is at most limit times the floor's (for values measured once per
// run, such as a peak heap).
func ratioAtMost(name, label string, ours, floor measure, benchtime string, limit float64) check {
	return check{
		name: name, label: label, ours: ours, floor: floor, benchtime: benchtime,
		target: fmt.Sprintf("<= %.2fx", limit),
		score:  func(o, f float64) float64 { return o / f },
		pass:   func(r float64) bool { return r <= limit },
		format: "%.3fx",
	}
}

// within: a value that needs no floor (the benchmark computes its own ratio to the ideal)
// lies in [lo, hi]. The floor column repeats it.
func within(name, label string, m measure, benchtime string, lo, hi float64) check {
	return check{
		name: name, label: label, ours: m, floor: m, benchtime: benchtime,
		target: fmt.Sprintf("%.2fx to %.2fx", lo, hi),
		score:  func(o, _ float64) float64 { return o },
		pass:   func(v float64) bool { return lo <= v && v <= hi },
		format: "%.3fx",
	}
}

// atMost: a value that needs no floor (the benchmark computes its own ratio) is at most
// limit. The floor column repeats it.
func atMost(name, label string, m measure, limit float64) check {
	return check{
		name: name, label: label, ours: m, floor: m,
		target: fmt.Sprintf("<= %.2fx", limit),
		score:  func(o, _ float64) float64 { return o },
		pass:   func(v float64) bool { return v <= limit },
		format: "%.3fx",
	}
}

// A run is one benchmark run with its -benchtime.
type run struct {
	bench, benchtime string
	rounds           int // the run takes part in rounds 1 to this one
}

func main() {
	bin := flag.String("bin", "", "the benchmark test binary (go test -c ./bench in writer_test)")
	rounds := flag.Int("rounds", 20, "runs of each benchmark, interleaved (at least 10)")
	benchtime := flag.String("benchtime", "250ms", "-test.benchtime of the timed runs")
	only := flag.String("checks", "", "run only the checks whose name matches this regexp")
	verbose := flag.Bool("v", false, "print every run's result")
	flag.Parse()
	if *bin == "" || *rounds < 1 || flag.NArg() > 0 {
		flag.Usage()
		os.Exit(2)
	}
	selected, err := selectChecks(*only)
	if err != nil {
		fatal(err)
	}
	var runs []run
	for _, c := range selected {
		bt := cmp(c.benchtime, *benchtime)
		for _, m := range []measure{c.ours, c.floor} {
			if r := (run{m.bench, bt, c.roundsOf(*rounds)}); !slices.Contains(runs, r) {
				runs = append(runs, r)
			}
		}
	}
	start := time.Now()
	fmt.Printf("benchcheck: %d checks, %d benchmarks, %d interleaved rounds, -benchtime=%s; medians compared as ratios\n",
		len(selected), len(runs), *rounds, *benchtime)

	// An interrupt or a SIGTERM (a CI job's timeout) cancels ctx, and exec.CommandContext
	// then kills the benchmark that is running instead of leaving it behind.
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM)

	// samples[bench][unit] holds one value per round.
	samples := map[string]map[string][]float64{}
	var cpu string
	for round := range *rounds {
		order := slices.Clone(runs)
		if round%2 == 1 {
			slices.Reverse(order)
		}
		for _, r := range order {
			if round >= r.rounds {
				continue
			}
			values, out, err := runOnce(ctx, *bin, r)
			if ctx.Err() != nil {
				fatal(fmt.Errorf("stopped by a signal during %s", r.bench))
			}
			if err != nil {
				fatal(fmt.Errorf("%s: %w\n%s", r.bench, err, out))
			}
			if cpu == "" {
				cpu = cpuLine(out)
			}
			if samples[r.bench] == nil {
				samples[r.bench] = map[string][]float64{}
			}
			for unit, v := range values {
				samples[r.bench][unit] = append(samples[r.bench][unit], v)
			}
			if *verbose {
				fmt.Printf("  round %d %s: %v\n", round+1, r.bench, values)
			}
		}
	}

	stop() // from here on, a signal stops benchcheck itself, as usual

	fmt.Printf("machine: %s, GOMAXPROCS as go test sets it (absolute numbers are machine-dependent)\n\n", cpu)
	tw := tabwriter.NewWriter(os.Stdout, 0, 0, 2, ' ', 0)
	fmt.Fprintln(tw, "check\tmetric\tours\tfloor\tmedian ratio\ttarget\tresult")
	failed := 0
	for _, c := range selected {
		oursVals, floorVals := samples[c.ours.bench][c.ours.unit], samples[c.floor.bench][c.floor.unit]
		n := c.roundsOf(*rounds)
		if len(oursVals) != n || len(floorVals) != n {
			fatal(fmt.Errorf("%s %s: %d and %d values of %s and %s, want %d each",
				c.name, c.label, len(oursVals), len(floorVals), c.ours.unit, c.floor.unit, n))
		}
		scores := make([]float64, n)
		for i := range scores {
			scores[i] = c.score(oursVals[i], floorVals[i])
		}
		score := median(scores)
		result := "PASS"
		if !c.pass(score) {
			result = "FAIL"
			failed++
		}
		o, f := median(oursVals), median(floorVals)
		got := show(c.label, score)
		if c.format != "" {
			got = fmt.Sprintf(c.format, score)
		}
		fmt.Fprintf(tw, "%s\t%s\t%s\t%s\t%s\t%s\t%s\n", c.name, c.label, show(c.label, o), show(c.label, f), got, c.target, result)
	}
	tw.Flush()
	fmt.Printf("\nbenchcheck: %d of %d checks failed, in %s\n", failed, len(selected), time.Since(start).Round(time.Second))
	if failed > 0 {
		os.Exit(1)
	}
}

// roundsOf is how many rounds c's benchmarks take part in when the flag asks for rounds.
func (c check) roundsOf(rounds int) int {
	if c.rounds > 0 {
		return min(c.rounds, rounds)
	}
	return rounds
}

func cmp(s, fallback string) string {
	if s == "" {
		return fallback
	}
	return s
}

func selectChecks(expr string) ([]check, error) {
	if expr == "" {
		return checks, nil
	}
	re, err := regexp.Compile(expr)
	if err != nil {
		return nil, fmt.Errorf("-checks: %w", err)
	}
	var out []check
	for _, c := range checks {
		if re.MatchString(c.name + " " + c.label) {
			out = append(out, c)
		}
	}
	if len(out) == 0 {
		return nil, fmt.Errorf("-checks %q matches no check", expr)
	}
	return out, nil
}

// runOnce runs one benchmark (by its full name) once and returns its values by unit.
func runOnce(ctx context.Context, bin string, r run) (map[string]float64, []byte, error) {
	// bin is the test binary the user asked benchcheck to run (-bin); the other arguments
	// come from the checks table.
	cmd := exec.CommandContext(ctx, bin, "-test.run=^$", "-test.bench="+benchPattern(r.bench), //nolint:gosec // G204: bin is the test binary named by -bin
		"-test.benchmem", "-test.count=1", "-test.benchtime="+r.benchtime)
	out, err := cmd.CombinedOutput()
	if err != nil {
		return nil, out, err
	}
	var got map[string]float64
	rd := benchfmt.NewReader(bytes.NewReader(out), r.bench)
	for rd.Scan() {
		res, ok := rd.Result().(*benchfmt.Result)
		if !ok {
			continue
		}
		if got != nil {
			return nil, out, fmt.Errorf("more than one result")
		}
		// benchfmt drops the "Benchmark" prefix.
		if n := "Benchmark" + stripProcs(res.Name.String()); n != r.bench {
			return nil, out, fmt.Errorf("ran %s", n)
		}
		got = map[string]float64{}
		for _, v := range res.Values {
			got[v.Unit] = v.Value
		}
	}
	if err := rd.Err(); err != nil {
		return nil, out, err
	}
	if got == nil {
		return nil, out, fmt.Errorf("no result")
	}
	return got, out, nil
}

// benchPattern is the -test.bench pattern that matches exactly the benchmark name: one
// anchored regexp per level.
func benchPattern(name string) string {
	parts := strings.Split(name, "/")
	for i, p := range parts {
		parts[i] = "^" + regexp.QuoteMeta(p) + "$"
	}
	return strings.Join(parts, "/")
}

// procsSuffix is the -GOMAXPROCS suffix that go test appends to a benchmark name.
var procsSuffix = regexp.MustCompile(`-\d+$`)

func stripProcs(name string) string { return procsSuffix.ReplaceAllString(name, "") }

func cpuLine(out []byte) string {
	for line := range strings.Lines(string(out)) {
		if v, ok := strings.CutPrefix(line, "cpu: "); ok {
			return strings.TrimSpace(v)
		}
	}
	return "unknown cpu"
}

func median(xs []float64) float64 {
	if len(xs) == 0 {
		return 0
	}
	s := slices.Sorted(slices.Values(xs))
	n := len(s)
	if n%2 == 1 {
		return s[n/2]
	}
	return (s[n/2-1] + s[n/2]) / 2
}

// show formats a median for people: time per call in µs, throughput in calls/s, bytes in
// MiB, counts as they are.
func show(label string, v float64) string {
	switch label {
	case "time/op":
		return fmt.Sprintf("%.1fµs", v*1e6)
	case "throughput":
		return fmt.Sprintf("%.0f/s", 1/v)
	case "B/op":
		if v < 1<<20 {
			return fmt.Sprintf("%.1f KiB", v/(1<<10))
		}
		return fmt.Sprintf("%.2f MiB", v/(1<<20))
	case "peak heap":
		return fmt.Sprintf("%.2f MiB", v)
	}
	return fmt.Sprintf("%g", v)
}

func fatal(err error) {
	fmt.Fprintln(os.Stderr, "benchcheck:", err)
	os.Exit(2)
}
