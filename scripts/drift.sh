#!/usr/bin/env bash
# drift.sh is `make drift`: it compares openapi.yaml with a newer copy of Writer's published
# OpenAPI document (the File API: the paths under /v1/files and the graph operations files
# need) and says what a fork must do. writer-drift (cmd/writer-drift) judges the contract; when
# nothing breaks, the new document is taken in, generated and built in a temporary copy of the
# repository, never in the tree. The last line
# of output is the verdict (docs/spec-drift.md lists them).
#
# Usage: bash scripts/drift.sh <Writer's openapi.yaml: a file, or an http(s) URL>
#
# Exit status: 0 nothing changed or compatible; 1 breaking, or regenerating would not compile
# or would fail the tests; 2 bad usage or an unreadable document; 3 the check itself failed.
set -euo pipefail

root=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
go=${GO:-go}

if [ $# -ne 1 ] || [ -z "$1" ]; then
	echo "usage: make drift UPSTREAM=<Writer's openapi.yaml: a file or an http(s) URL>" >&2
	exit 2
fi
upstream=$1
timeout=${DRIFT_TIMEOUT:-30s}
tmp=$(mktemp -d "${TMPDIR:-/tmp}/writer-drift.XXXXXX")
trap 'rm -rf "$tmp"' EXIT

failed() {
	echo "drift: FAILED: $*; no verdict." >&2
	exit 3
}

# A clone builds writer-drift from cmd/writer-drift; a copy of the published module (which has
# no cmd/writer-drift) uses the installed one.
if [ -f "$root/cmd/writer-drift/go.mod" ]; then
	"$go" build -C "$root/cmd/writer-drift" -o "$tmp/writer-drift" . || failed "cannot build cmd/writer-drift"
	drift=$tmp/writer-drift
else
	drift=$(command -v writer-drift) ||
		failed "writer-drift is not installed: go install github.com/writerfiles/writer-go/cmd/writer-drift@latest"
fi
drift=("$drift" -timeout "$timeout")

# doc: the local file read; shown: the document as messages show it (a URL without user
# information or query values); sync: how to take the document in. writer-drift reads every
# document, a URL too, with its limits (size, redirects, timeout: docs/spec-drift.md).
case $upstream in
http://* | https://*)
	doc=$tmp/writer-openapi.yaml
	status=0
	shown=$("${drift[@]}" -fetch -in "$upstream" -out "$doc") || status=$? # its notices and errors on stderr
	case $status in
	0) ;;
	2) echo "drift: BAD INPUT: cannot fetch the document (above); no verdict." >&2; exit 2 ;;
	*) failed "writer-drift could not fetch the document (above)" ;;
	esac
	sync="make spec-sync UPSTREAM=$shown"
	;;
*)
	doc=$upstream
	[ ! -f "$upstream" ] || doc=$(cd "$(dirname "$upstream")" && pwd)/$(basename "$upstream")
	shown=$upstream
	sync="make spec-sync UPSTREAM=$upstream"
	;;
esac

# 1. The contract: writer-drift's report, and its verdict (its last line).
status=0
report=$("${drift[@]}" -spec "$root/openapi.yaml" "$doc" 2>&1) || status=$?
verdict=${report##*$'\n'}
printf '%s\n' "${report%"$verdict"}"
case $status in
0) ;;
1)
	echo "drift: BREAKING: Writer changed the File API incompatibly (the errors and warnings above):" \
		"after $sync, package writer must change with the generated code."
	exit 1
	;;
2)
	echo "drift: BAD INPUT: ${verdict#writer-drift: BAD INPUT: }"
	exit 2
	;;
*) failed "writer-drift: ${verdict#writer-drift: }" ;;
esac
case $verdict in
"writer-drift: NOTHING CHANGED: "*)
	echo "drift: NOTHING CHANGED: the File API of $shown has the operations and schemas of openapi.yaml" \
		"(descriptions, summaries, examples and x- extensions are not compared): nothing to do."
	exit 0
	;;
esac

# 2. The File API as spec-sync would write it, in a copy of the repository.
trial=$tmp/repo
mkdir "$trial"
if git -C "$root" rev-parse --show-toplevel >/dev/null 2>&1; then
	(cd "$root" && git ls-files -z --cached --others --exclude-standard |
		while IFS= read -r -d '' f; do [ -f "$f" ] && printf '%s\0' "$f"; done |
		xargs -0 cp --parents -t "$trial") || failed "cannot copy the repository to $trial"
else # a copy of the published module: no git, nothing to leave out
	cp -R "$root/." "$trial" || failed "cannot copy the module to $trial"
fi
if ! out=$("${drift[@]}" -sync -in "$doc" -out "$trial/openapi.yaml" 2>&1); then
	echo "$out"
	echo "drift: BAD INPUT: spec-sync cannot extract the File API from $shown (above); no verdict."
	exit 2
fi
# 3. Regenerate and build the copy: a clash of generated names shows here, not in the tree.
if ! out=$(cd "$trial" && "$go" generate ./... 2>&1 && "$go" vet ./... 2>&1 && { [ ! -d writer_test ] || { cd writer_test && "$go" vet ./... 2>&1; }; }); then
	echo "$out" | head -n 20 || true
	first=$(grep -m1 -E '^[^ #]+\.go:[0-9]+' <<<"$out" || tail -n 1 <<<"$out")
	added=${verdict#writer-drift: COMPATIBLE, NOT WRAPPED: package writer must wrap what Writer added: }
	[ "$added" != "$verdict" ] && added=" Writer added: ${added%.}." || added=
	echo "drift: WOULD NOT COMPILE: the client generated from $shown does not build (${first#"$trial"/}):" \
		"rename the clashing operation or schema in the generator's input (docs/spec-drift.md);" \
		"nothing in the tree was changed.$added"
	exit 1
fi

# 4. Builds. Something new to wrap, or regeneration only (then the tests must pass).
case $verdict in
"writer-drift: COMPATIBLE, NOT WRAPPED: "*)
	echo "drift: COMPATIBLE, WRAP: the regenerated client builds, and ${verdict#writer-drift: COMPATIBLE, NOT WRAPPED: package writer must wrap what Writer added: }" \
		"After $sync, make test fails naming each place to change."
	exit 0
	;;
esac
# tests DIR runs the tests of the module in DIR; a test that fails is run again alone, and only
# a second failure counts (a timing-sensitive test can fail once on a busy machine).
tests() {
	local out names
	out=$(cd "$1" && "$go" test -count=1 ./... 2>&1) && return 0
	names=$(sed -nE 's/^--- FAIL: ([^ ]+).*/\1/p' <<<"$out" | sort -u | paste -sd '|' -)
	if [ -n "$names" ] && (cd "$1" && "$go" test -count=1 -run "^($names)\$" ./... >/dev/null 2>&1); then
		echo "drift: note: $names failed once and passed when run again alone." >&2
		return 0
	fi
	echo "$out"
	return 1
}
if ! out=$(tests "$trial" && { [ ! -d "$trial/writer_test" ] || tests "$trial/writer_test"; }); then
	echo "$out" | grep -E -- '^(--- FAIL|FAIL|\s+\S+_test\.go:[0-9]+:)' | head -n 40 || true
	echo "drift: TESTS FAIL: the client regenerated from $shown builds, but its tests fail (above):" \
		"after $sync, fix what they name."
	exit 1
fi
echo "drift: COMPATIBLE, REGENERATION ONLY: the client regenerated from $shown builds and its tests pass:" \
	"$sync, make test, commit."
