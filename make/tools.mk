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

# The nested test module; its steps are skipped when it does not exist.
WRITER_TEST_MOD := $(wildcard $(TOOLS_MK_ROOT)/writer_test/go.mod)

# Offline vulnerability DB, one folder per pinned golang.org/x/vulndb version
# (read from tools/vuln/go.mod when a recipe needs it, not on every make run).
VULNDB_CACHE   ?= $(TOOLS_MK_ROOT)/.cache/vulndb
VULNDB_VERSION  = $(shell awk '$$1 == "golang.org/x/vulndb" { print $$2 } \
	$$1 == "require" && $$2 == "golang.org/x/vulndb" { print $$3 }' $(TOOLS_MK_ROOT)/tools/vuln/go.mod)
VULNDB_DIR      = $(VULNDB_CACHE)/$(VULNDB_VERSION)

.PHONY: lint vet golangci-lint lint-fmt vuln vulndb tools-build

## lint: go vet, then golangci-lint, on the root module and writer_test/.
lint: vet golangci-lint

vet:
	cd $(TOOLS_MK_ROOT) && $(GO) vet ./...
ifneq ($(WRITER_TEST_MOD),)
	cd $(TOOLS_MK_ROOT)/writer_test && $(GO) vet ./...
endif

golangci-lint:
	cd $(TOOLS_MK_ROOT) && $(GOLANGCI) run $(GOLANGCI_FLAGS) ./...
ifneq ($(WRITER_TEST_MOD),)
	cd $(TOOLS_MK_ROOT)/writer_test && $(GOLANGCI) run $(GOLANGCI_FLAGS) ./...
endif

## lint-fmt: rewrite files as golangci-lint's formatters want (gofmt -s, goimports
## with this module's imports grouped last).
lint-fmt:
	cd $(TOOLS_MK_ROOT) && $(GOLANGCI) fmt ./...
ifneq ($(WRITER_TEST_MOD),)
	cd $(TOOLS_MK_ROOT)/writer_test && $(GOLANGCI) fmt ./...
endif

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
