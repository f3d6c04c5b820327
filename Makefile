# writer-go: every command a developer or CI runs. `make help` lists them.
SHELL := /bin/bash
.SHELLFLAGS := -eu -o pipefail -c
GO ?= go

# Modules of this repository: the library, the end-to-end test module, the importers' drift
# command and the pinned tools.
TEST_MODULE := writer_test
REDIS_MODULE := writer_test/redis
DRIFT_MODULE := cmd/writer-drift
TOOL_MODULES := $(wildcard tools/*/go.mod) $(DRIFT_MODULE)/go.mod

.PHONY: help generate spec-sync check-generated test
help: ## list the targets (those of make/tools.mk too)
	@{ grep -hE '^[a-z-]+:.*## ' $(MAKEFILE_LIST) | sed -E 's/:.*## /\t/'; \
	  grep -hE '^## [a-z-]+: ' $(MAKEFILE_LIST) | sed -E 's/^## ([a-z-]+): /\1\t/'; } | column -t -s "$$(printf '\t')"

generate: ## regenerate api/ from openapi.yaml with the pinned oapi-codegen; fails if api/ does not build
	@GO="$(GO)" bash scripts/generate.sh

spec-sync: ## take Writer's published document UPSTREAM=<file or URL> into openapi.yaml and regenerate (unchanged if it does not build)
	@test -n "$(UPSTREAM)" || { echo "usage: make spec-sync UPSTREAM=<Writer's openapi.yaml: a file or an http(s) URL>"; exit 2; }
	@GO="$(GO)" bash scripts/generate.sh "$(if $(filter http://% https://%,$(UPSTREAM)),$(UPSTREAM),$(abspath $(UPSTREAM)))"

check-generated: generate ## fail if regeneration or go mod tidy would change any file
	$(GO) mod tidy -diff
	cd $(TEST_MODULE) && $(GO) mod tidy -diff
	cd $(REDIS_MODULE) && $(GO) mod tidy -diff
	cd examples/tracing && $(GO) mod tidy -diff
	@for m in $(dir $(TOOL_MODULES)); do (cd $$m && $(GO) mod tidy -diff) || exit 1; done
	@out=$$(git status --porcelain); if [ -n "$$out" ]; then \
		echo "check-generated: the tree differs from what is committed (regenerate and commit):"; \
		echo "$$out"; git --no-pager diff --stat; exit 1; fi

test: ## all tests, race detector on (library, CLI, fake, end-to-end suite, docs, examples with their own go.mod)
	$(GO) test -race -count=1 ./...
	cd $(TEST_MODULE) && $(GO) test -race -count=1 ./...
	cd examples/tracing && $(GO) test -race -count=1 ./...

.PHONY: redis-test
redis-test: ## two processes retrying at one limit shared through Redis; needs redis-server (apt-get install redis-server)
	cd $(REDIS_MODULE) && $(GO) test -count=1 ./...

include make/tools.mk

# --- spec drift (docs/spec-drift.md) -------------------------------------------------------
# How long fetching UPSTREAM by URL may take, body included (writer-drift -timeout).
DRIFT_TIMEOUT ?= 30s

.PHONY: drift drift-test
drift: ## what Writer's newer document UPSTREAM=<file or URL> means for this client (its File API only)
	@test -n "$(UPSTREAM)" || { echo "usage: make drift UPSTREAM=<Writer's openapi.yaml: a file or an http(s) URL>"; exit 2; }
	@GO="$(GO)" DRIFT_TIMEOUT="$(DRIFT_TIMEOUT)" bash scripts/drift.sh "$(UPSTREAM)"

drift-test: ## tests of spec-sync, make drift, the importers' writer-drift (module zip included) and the GitHub Action's script, offline
	cd $(DRIFT_MODULE) && $(GO) test -count=1 -timeout 20m ./...

# --- fuzzing -------------------------------------------------------------------------------
# A count of inputs (Nx), not a duration: with a duration, go1.26's fuzz coordinator can fail a
# target with a bare "context deadline exceeded" as the time runs out (golang/go#75804, fixed in
# go1.27). A duration still works: FUZZTIME=30s.
FUZZTIME ?= 50000x

FUZZ_PACKAGES := ./writer ./cmd/writerfiles

.PHONY: fuzz
fuzz: ## run each fuzz target in ./writer and ./cmd/writerfiles for FUZZTIME (default 50000x: inputs); crashers land in the package's testdata/fuzz
	@for pkg in $(FUZZ_PACKAGES); do \
		targets=$$($(GO) test -list='^Fuzz' $$pkg | grep '^Fuzz'); test -n "$$targets"; \
		for f in $$targets; do \
			echo "fuzz $$pkg $$f for $(FUZZTIME)"; \
			$(GO) test -run='^$$' -fuzz="^$$f\$$" -fuzztime=$(FUZZTIME) $$pkg || exit 1; \
		done; \
	done

# --- performance. Benchmarks live in writer_test/bench; make test never runs them. ----------
BENCH ?= .
BENCHTIME ?= 500ms
COUNT ?= 10
BENCH_OUT ?= .bench/bench.txt
CHECK_ROUNDS ?= 20
CHECK_BENCHTIME ?= 250ms
BENCHSTAT := $(GO) tool -modfile=$(CURDIR)/tools/benchcheck/go.mod benchstat

.PHONY: bench bench-check
bench: ## run the benchmarks (BENCH, BENCHTIME, COUNT) into BENCH_OUT; benchstat shows client vs floor
	@mkdir -p $(dir $(BENCH_OUT))
	cd $(TEST_MODULE) && $(GO) test -run='^$$' -bench='$(BENCH)' -benchmem -count=$(COUNT) -benchtime=$(BENCHTIME) ./bench > $(abspath $(BENCH_OUT))
	@echo "== separate runs: client vs floor (time is noisy on a shared machine; counts are exact)"
	$(BENCHSTAT) -filter '.name:Retry' -col /impl $(BENCH_OUT)
	@echo "== paired runs: client and floor alternating in one run (what make bench-check compares)"
	$(BENCHSTAT) -filter '.name:(RetryPair OR ListPair OR TransferPair) .unit:(client-sec/op OR floor-sec/op)' $(BENCH_OUT)
	@echo "== List, Upload/Download 64 MiB: client vs floor (separate runs)"
	$(BENCHSTAT) -filter '.name:(List OR Transfer)' -col /impl $(BENCH_OUT)
	@echo "== RetryFailed: wall time and peak heap (limiter off); paced at 20/s: elapsed/ideal and 429s"
	$(BENCHSTAT) -filter '.name:(RetryFailed OR RetryFailedPaced)' $(BENCH_OUT)

bench-check: ## check the performance targets: each pair interleaved CHECK_ROUNDS times, medians as ratios
	@mkdir -p .bench
	cd $(TEST_MODULE) && $(GO) test -c -o $(CURDIR)/.bench/bench.test ./bench
	$(GO) run -C tools/benchcheck . -bin $(CURDIR)/.bench/bench.test -rounds $(CHECK_ROUNDS) -benchtime $(CHECK_BENCHTIME)
