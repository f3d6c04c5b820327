#!/usr/bin/env bash
# drift.sh compares openapi.yaml (the File API this client is generated from) with a newer copy
# of Writer's published OpenAPI document, restricted to /v1/files, using oasdiff pinned in
# tools/oasdiff/go.mod. What counts as breaking is set in tools/oasdiff/drift.yaml and
# tools/oasdiff/severity-levels.txt. The last line of output is the verdict.
#
# Usage: scripts/drift.sh <Writer's openapi.yaml: a file, or an http(s) URL>
#
# Exit status:
#   0  no change in /v1/files, or only non-breaking ones (then regeneration is due)
#   1  a breaking (error) or possibly breaking (warning) change in /v1/files
#   2  bad usage, or the document cannot be read or fetched
#   3  oasdiff cannot be built, or failed (for example, the document is not valid OpenAPI)
set -euo pipefail

root=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
go=${GO:-go}

if [ $# -ne 1 ] || [ -z "$1" ]; then
	echo "usage: make drift UPSTREAM=<Writer's openapi.yaml: a file or an http(s) URL>" >&2
	exit 2
fi
upstream=$1

# revision: the local file oasdiff reads; sync: how to take the document in afterwards.
case $upstream in
http://* | https://*)
	revision=$(mktemp "${TMPDIR:-/tmp}/writer-openapi.XXXXXX")
	trap 'rm -f "$revision"' EXIT
	if ! curl --fail --silent --show-error --location --max-time 120 --output "$revision" "$upstream"; then
		echo "drift: cannot fetch $upstream" >&2
		exit 2
	fi
	sync="curl -fsSL -o writer-openapi.yaml $upstream && make spec-sync UPSTREAM=writer-openapi.yaml"
	;;
*)
	if [ ! -f "$upstream" ] || [ ! -r "$upstream" ]; then
		echo "drift: cannot read $upstream: not a readable file" >&2
		exit 2
	fi
	revision=$(cd "$(dirname "$upstream")" && pwd)/$(basename "$upstream")
	sync="make spec-sync UPSTREAM=$upstream"
	;;
esac

# oasdiff runs from the repository root: openapi.yaml and the config are relative to it.
# `go tool -n` builds the pinned oasdiff once (then it is cached) and prints its path.
cd "$root"
if ! oasdiff=$("$go" tool -n -modfile=tools/oasdiff/go.mod oasdiff); then
	echo "drift: FAILED: cannot build oasdiff from tools/oasdiff/go.mod; no verdict." >&2
	exit 3
fi
changelog() {
	"$oasdiff" changelog --config tools/oasdiff/drift.yaml "$@" openapi.yaml "$revision"
}

echo "drift: openapi.yaml -> $upstream (paths under /v1/files)"
echo

# First, quietly: does oasdiff see any change in /v1/files at all (info or above)?
status=0
changelog --format json --fail-on INFO >/dev/null || status=$?
case $status in
0)
	echo "drift: OK: no breaking change in /v1/files, and no change to its operations or schemas:" \
		"nothing to regenerate."
	exit 0
	;;
1) ;;
*)
	echo "drift: FAILED: oasdiff exited with status $status; no verdict." >&2
	exit 3
	;;
esac

# Then the report, exit status 1 when a change is an error (breaking) or a warning.
status=0
report=$(changelog --fail-on WARN) || status=$?
printf '%s\n\n' "$report"
case $status in
0)
	echo "drift: OK: no breaking change in /v1/files, but the changes above are not in openapi.yaml:" \
		"regeneration is due ($sync)."
	;;
1)
	echo "drift: BREAKING: Writer changed /v1/files incompatibly (the errors and warnings above):" \
		"after $sync, package writer must change with the generated code."
	exit 1
	;;
*)
	echo "drift: FAILED: oasdiff exited with status $status; no verdict." >&2
	exit 3
	;;
esac
