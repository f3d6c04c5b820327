#!/usr/bin/env bash
# generate.sh is `make generate`: it regenerates api/ from openapi.yaml with the pinned
# oapi-codegen and fails, saying so, when the generated package does not build. With an
# argument it is `make spec-sync`: it first takes the File API of Writer's document into
# openapi.yaml, and when the result does not build it puts openapi.yaml and api/ back.
#
# Usage: bash scripts/generate.sh [Writer's openapi.yaml]
#
# The File API is taken in by writer-drift -sync: built from cmd/writer-drift in a clone, the
# installed writer-drift in a copy of the published module (which has no cmd/writer-drift).
set -euo pipefail

root=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
go=${GO:-go}
upstream=${1-}
name=$upstream # as messages show it: a URL can hold credentials in its user information or query
case $upstream in http://* | https://*) name="the document at the URL given" ;; esac
cd "$root"

if [ -n "$upstream" ]; then
	backup=$(mktemp -d "${TMPDIR:-/tmp}/writer-spec-sync.XXXXXX")
	trap 'rm -rf "$backup"' EXIT
	cp -R openapi.yaml api "$backup"/
	restore() { rm -rf api && cp -R "$backup/api" api && cp "$backup/openapi.yaml" openapi.yaml; }
	if [ -f cmd/writer-drift/go.mod ]; then
		sync=("$go" run -C cmd/writer-drift .)
	elif command -v writer-drift >/dev/null; then
		sync=(writer-drift)
	else
		echo "spec-sync: FAILED: writer-drift is not installed: go install github.com/writerfiles/writer-go/cmd/writer-drift@latest;" \
			"openapi.yaml is unchanged." >&2
		exit 1
	fi
	if ! "${sync[@]}" -sync -in "$upstream" -out "$root/openapi.yaml"; then
		restore
		echo "spec-sync: FAILED: cannot extract the File API from $name (above); openapi.yaml is unchanged." >&2
		exit 1
	fi
fi

"$go" generate ./...
if ! out=$("$go" build ./api/ 2>&1); then
	echo "$out" | head -n 20 >&2 || true
	if [ -n "$upstream" ]; then
		restore
		echo "spec-sync: FAILED: the client generated from $name does not build (above);" \
			"openapi.yaml and api/ are unchanged. Rename the clashing operation or schema in the" \
			"generator's input (docs/spec-drift.md)." >&2
	else
		echo "generate: FAILED: api/ does not build (above): fix the generator's input" \
			"(openapi.yaml, oapi-codegen.yaml and its Overlay), never api/ itself." >&2
	fi
	exit 1
fi
