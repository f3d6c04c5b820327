# make/tools.mk: pinned developer tooling, included by the main Makefile
# (`include make/tools.mk`); also usable alone: `make -f make/tools.mk lint vuln`.
#
# Every tool is a Go tool pinned in its own module under tools/ and built from
# the Go module proxy by `go tool` on first use (then cached in GOCACHE):
#   tools/lint/go.mod  golangci-lint v2 (config: .golangci.yml)
#   tools/vuln/go.mod  govulncheck, and indexdb from golang.org/x/vulndb, which
#                      turns the OSV reports shipped in that (pinned) module into
#                      an offline vulnerability database under .cache/vulndb/.

GO ?= go

# Repo root: the parent of this file's folder, whatever the current directory.
TOOLS_MK_ROOT := $(abspath $(dir $(abspath $(lastword $(MAKEFILE_LIST))))..)

GOLANGCI    = $(GO) tool -modfile=$(TOOLS_MK_ROOT)/tools/lint/go.mod golangci-lint
GOVULNCHECK = $(GO) tool -modfile=$(TOOLS_MK_ROOT)/tools/vuln/go.mod govulncheck
INDEXDB     = $(GO) tool -modfile=$(TOOLS_MK_ROOT)/tools/vuln/go.mod indexdb

GOLANGCI_FLAGS    ?=
GOVULNCHECK_FLAGS ?=

# The modules `make lint` covers: the library (root), the nested test modules, the tracing
# example and the tools modules that hold our own code (the other tools/ modules only pin
# third-party tools).
# A module whose folder does not exist is skipped. From a nested module folder,
# golangci-lint finds the root .golangci.yml by looking in the parent folders.
LINT_MODULES := $(patsubst %/go.mod,%,$(wildcard $(addprefix $(TOOLS_MK_ROOT)/,\
	go.mod writer_test/go.mod writer_test/redis/go.mod examples/tracing/go.mod cmd/writer-drift/go.mod \
	tools/benchcheck/go.mod)))

# $(call in-lint-modules,COMMAND) is one recipe line per module, `cd MODULE && COMMAND`:
# make prints each before running it and stops at the first that fails.
define newline


endef
in-lint-modules = $(foreach m,$(LINT_MODULES),cd $(m) && $(1)$(newline))

# Offline vulnerability DB, one folder per pinned golang.org/x/vulndb version
# (read from tools/vuln/go.mod when a recipe needs it, not on every make run).
VULNDB_CACHE   ?= $(TOOLS_MK_ROOT)/.cache/vulndb
VULNDB_VERSION  = $(shell awk '$$1 == "golang.org/x/vulndb" { print $$2 } \
	$$1 == "require" && $$2 == "golang.org/x/vulndb" { print $$3 }' $(TOOLS_MK_ROOT)/tools/vuln/go.mod)
VULNDB_DIR      = $(VULNDB_CACHE)/$(VULNDB_VERSION)

.PHONY: lint vet golangci-lint lint-fmt vuln vulndb tools-build

## lint: go vet, then golangci-lint, on each of LINT_MODULES.
lint: vet golangci-lint

## vet: go vet on each of LINT_MODULES.
vet:
	$(call in-lint-modules,$(GO) vet ./...)

## golangci-lint: golangci-lint (pinned, config .golangci.yml) on each of LINT_MODULES.
golangci-lint:
	$(call in-lint-modules,$(GOLANGCI) run $(GOLANGCI_FLAGS) ./...)

## lint-fmt: rewrite the files of LINT_MODULES as golangci-lint's formatters want
## (gofmt -s, goimports with this module's imports grouped last).
lint-fmt:
	$(call in-lint-modules,$(GOLANGCI) fmt ./...)

## vuln: govulncheck of the root module against the offline database.
## It exits non-zero when reachable vulnerable code is found, in the
## standard library too (that one is fixed only by a newer Go).
vuln: vulndb
	cd $(TOOLS_MK_ROOT) && $(GOVULNCHECK) -db file://$(VULNDB_DIR) $(GOVULNCHECK_FLAGS) ./...

## vulndb: build the offline database if it is missing.
vulndb:
	@test -n "$(VULNDB_VERSION)" || { echo "golang.org/x/vulndb is not in tools/vuln/go.mod" >&2; exit 1; }
	@if [ ! -f "$(VULNDB_DIR)/index/modules.json" ]; then \
		set -e; \
		echo "building offline vulnerability database $(VULNDB_DIR)"; \
		cd $(TOOLS_MK_ROOT)/tools/vuln; \
		$(GO) mod download golang.org/x/vulndb; \
		src=$$($(GO) list -m -f '{{.Dir}}' golang.org/x/vulndb); \
		rm -rf "$(VULNDB_DIR).tmp"; \
		$(INDEXDB) -vulns "$$src/data/osv" -out "$(VULNDB_DIR).tmp"; \
		rm -rf "$(VULNDB_DIR)"; \
		mv "$(VULNDB_DIR).tmp" "$(VULNDB_DIR)"; \
	fi

## tools-build: build the pinned tools into the Go build cache (warms CI).
tools-build:
	$(GOLANGCI) version
	$(GOVULNCHECK) -version
	$(INDEXDB) -h >/dev/null 2>&1
