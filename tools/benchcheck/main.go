// Command benchcheck checks writer-go's performance targets (issue 6): it runs each pair of
// benchmarks, ours (impl=client) and the hand-written net/http floor (impl=floor),
// interleaved in one run, and compares the medians as ratios, never absolute times.
//
//	go test -c -o bench.test ./bench            # in writer_test
//	benchcheck -bin writer_test/bench.test [-rounds 10] [-benchtime 300ms] [-pairs regexp]
//
// Every round runs every pair once, each benchmark in its own process with -count=1, the
// order of the two alternating from round to round, so that the noise of a shared machine
// falls on both sides alike. It prints each ratio with its target and PASS or FAIL, and
// exits 1 when any target is missed (2 when a benchmark could not be run).
//
// A new target is a row of pairs.
package main

import (
	"bytes"
	"flag"
	"fmt"
	"os"
	"os/exec"
	"regexp"
	"slices"
	"strings"
	"text/tabwriter"
	"time"

	"golang.org/x/perf/benchfmt"
)

// A pair is two benchmarks that do the same work: bench with impl=client and impl=floor.
type pair struct {
	name   string  // shown, e.g. "Retry seq ids=10"
	bench  string  // full benchmark name with %s for the impl, e.g. "BenchmarkRetry/mode=seq/impl=%s/ids=10"
	checks []check // targets, each on one metric
}

// A check is one target on one metric of a pair.
type check struct {
	unit   string // benchfmt unit of the metric: "sec/op", "allocs/op", "B/op", or a custom one
	label  string // shown as the metric's name
	target string // shown, e.g. "<= 1.10x"
	// eval compares the medians of ours and the floor: what to show, and whether it passes.
	eval func(ours, floor float64) (got string, ok bool)
}

// pairs are the targets of issue 6. Retry: sequential time at most 1.10x the floor and at
// most 20 more allocations; at concurrency 32 (client with its default transport, floor with
// a tuned one) at least 0.9x the floor's throughput.
var pairs = func() []pair {
	var ps []pair
	for _, ids := range []int{1, 10, 100} {
		ps = append(ps,
			pair{
				name:   fmt.Sprintf("Retry seq ids=%d", ids),
				bench:  fmt.Sprintf("BenchmarkRetry/mode=seq/impl=%%s/ids=%d", ids),
				checks: []check{timeRatioAtMost(1.10), excessAtMost("allocs/op", "allocs/op", 20)},
			},
			pair{
				name:   fmt.Sprintf("Retry par32 ids=%d", ids),
				bench:  fmt.Sprintf("BenchmarkRetry/mode=par/impl=%%s/ids=%d", ids),
				checks: []check{throughputRatioAtLeast(0.90)},
			},
		)
	}
	return ps
}()

// timeRatioAtMost: ours' time per op is at most max times the floor's.
func timeRatioAtMost(max float64) check {
	return check{
		unit: "sec/op", label: "time/op", target: fmt.Sprintf("<= %.2fx", max),
		eval: func(ours, floor float64) (string, bool) {
			r := ours / floor
			return fmt.Sprintf("%.3fx", r), r <= max
		},
	}
}

// throughputRatioAtLeast: ours' operations per second are at least min times the floor's.
func throughputRatioAtLeast(min float64) check {
	return check{
		unit: "sec/op", label: "throughput", target: fmt.Sprintf(">= %.2fx", min),
		eval: func(ours, floor float64) (string, bool) {
			r := floor / ours
			return fmt.Sprintf("%.3fx", r), r >= min
		},
	}
}

// excessAtMost: ours' metric exceeds the floor's by at most max (for exact counts).
func excessAtMost(unit, label string, max float64) check {
	return check{
		unit: unit, label: label, target: fmt.Sprintf("<= floor%+g", max),
		eval: func(ours, floor float64) (string, bool) {
			d := ours - floor
			return fmt.Sprintf("%+g", d), d <= max
		},
	}
}

func main() {
	bin := flag.String("bin", "", "the benchmark test binary (go test -c ./bench in writer_test)")
	rounds := flag.Int("rounds", 10, "runs of each benchmark, interleaved")
	benchtime := flag.String("benchtime", "300ms", "-test.benchtime of each run")
	only := flag.String("pairs", "", "check only the pairs whose name matches this regexp")
	verbose := flag.Bool("v", false, "print every run's result")
	flag.Parse()
	if *bin == "" || *rounds < 1 || flag.NArg() > 0 {
		flag.Usage()
		os.Exit(2)
	}
	selected, err := selectPairs(*only)
	if err != nil {
		fatal(err)
	}
	start := time.Now()
	fmt.Printf("benchcheck: %d pairs, %d interleaved rounds, -benchtime=%s, medians compared\n", len(selected), *rounds, *benchtime)

	// samples[benchmark name][unit] holds one value per round.
	samples := map[string]map[string][]float64{}
	var cpu string
	for round := range *rounds {
		for i, p := range selected {
			order := []string{"client", "floor"}
			if (round+i)%2 == 1 {
				slices.Reverse(order)
			}
			for _, impl := range order {
				name := fmt.Sprintf(p.bench, impl)
				res, out, err := run(*bin, name, *benchtime)
				if err != nil {
					fatal(fmt.Errorf("%s: %w\n%s", name, err, out))
				}
				if cpu == "" {
					cpu = cpuLine(out)
				}
				if samples[name] == nil {
					samples[name] = map[string][]float64{}
				}
				for unit, v := range res {
					samples[name][unit] = append(samples[name][unit], v)
				}
				if *verbose {
					fmt.Printf("  round %d %s: %v\n", round+1, name, res)
				}
			}
		}
	}

	fmt.Printf("machine: %s (absolute numbers are machine-dependent; the targets are ratios)\n\n", cpu)
	tw := tabwriter.NewWriter(os.Stdout, 0, 0, 2, ' ', 0)
	fmt.Fprintln(tw, "pair\tmetric\tours\tfloor\tours vs floor\ttarget\tresult")
	failed := 0
	for _, p := range selected {
		ours, floor := samples[fmt.Sprintf(p.bench, "client")], samples[fmt.Sprintf(p.bench, "floor")]
		for _, c := range p.checks {
			o, f := median(ours[c.unit]), median(floor[c.unit])
			got, ok := c.eval(o, f)
			result := "PASS"
			if !ok {
				result = "FAIL"
				failed++
			}
			fmt.Fprintf(tw, "%s\t%s\t%s\t%s\t%s\t%s\t%s\n", p.name, c.label, show(c.label, o), show(c.label, f), got, c.target, result)
		}
	}
	tw.Flush()
	fmt.Printf("\nbenchcheck: %d checks failed, in %s\n", failed, time.Since(start).Round(time.Second))
	if failed > 0 {
		os.Exit(1)
	}
}

func selectPairs(expr string) ([]pair, error) {
	if expr == "" {
		return pairs, nil
	}
	re, err := regexp.Compile(expr)
	if err != nil {
		return nil, fmt.Errorf("-pairs: %w", err)
	}
	var out []pair
	for _, p := range pairs {
		if re.MatchString(p.name) {
			out = append(out, p)
		}
	}
	if len(out) == 0 {
		return nil, fmt.Errorf("-pairs %q matches no pair", expr)
	}
	return out, nil
}

// run runs the one benchmark named name (its full name) once and returns its values by unit.
func run(bin, name, benchtime string) (map[string]float64, []byte, error) {
	cmd := exec.Command(bin, "-test.run=^$", "-test.bench="+benchPattern(name),
		"-test.benchmem", "-test.count=1", "-test.benchtime="+benchtime)
	out, err := cmd.CombinedOutput()
	if err != nil {
		return nil, out, err
	}
	var got map[string]float64
	r := benchfmt.NewReader(bytes.NewReader(out), name)
	for r.Scan() {
		res, ok := r.Result().(*benchfmt.Result)
		if !ok {
			continue
		}
		if got != nil {
			return nil, out, fmt.Errorf("more than one result")
		}
		// benchfmt drops the "Benchmark" prefix.
		if n := "Benchmark" + stripProcs(res.Name.String()); n != name {
			return nil, out, fmt.Errorf("ran %s", n)
		}
		got = map[string]float64{}
		for _, v := range res.Values {
			got[v.Unit] = v.Value
		}
	}
	if err := r.Err(); err != nil {
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

// show formats a median for people: time per op in µs, throughput in ops/s, counts as is.
func show(label string, v float64) string {
	switch label {
	case "time/op":
		return fmt.Sprintf("%.1fµs", v*1e6)
	case "throughput":
		return fmt.Sprintf("%.0f/s", 1/v)
	}
	return fmt.Sprintf("%g", v)
}

func fatal(err error) {
	fmt.Fprintln(os.Stderr, "benchcheck:", err)
	os.Exit(2)
}
