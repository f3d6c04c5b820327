#!/usr/bin/env bash
# writer-drift-action.sh is the step of the writer-drift GitHub Action
# (.github/actions/writer-drift) and of the GitLab CI job in docs/spec-drift.md: it builds
# writer-drift from this copy of writer-go, runs it in the current folder (a module that requires
# github.com/writerfiles/writer-go) on the document, and exits with its status. Its output is
# writer-drift's, the verdict last. In GitHub Actions it also sets the outputs verdict and
# status, annotates the run with the verdict and each warning, and writes the verdict to the
# job summary; the text of the document is never read as a workflow command.
#
# Environment: WRITER_DRIFT_DOCUMENT (required: a file or an http(s) URL), WRITER_DRIFT_SPEC
# (optional: compare this openapi.yaml instead), WRITER_DRIFT_TIMEOUT (optional, default 30s).
#
# Exit status: writer-drift's (0 nothing changed or compatible, 1 breaking, 2 bad input,
# 3 failed), 3 when writer-drift cannot be built.
set -euo pipefail

root=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
go=${GO:-go}
document=${WRITER_DRIFT_DOCUMENT:-}
if [ -z "$document" ]; then
	echo "usage: WRITER_DRIFT_DOCUMENT=<Writer's OpenAPI document: a file or an http(s) URL> bash scripts/writer-drift-action.sh" >&2
	exit 2
fi
tmp=$(mktemp -d "${TMPDIR:-/tmp}/writer-drift-action.XXXXXX")
trap 'rm -rf "$tmp"' EXIT

if ! out=$("$go" build -C "$root/cmd/writer-drift" -o "$tmp/writer-drift" . 2>&1); then
	printf '%s\n' "$out" >&2
	echo "writer-drift: FAILED: cannot build writer-drift from $root/cmd/writer-drift (above); no verdict."
	exit 3
fi

args=(-timeout "${WRITER_DRIFT_TIMEOUT:-30s}")
[ -z "${WRITER_DRIFT_SPEC:-}" ] || args+=(-spec "$WRITER_DRIFT_SPEC")
status=0
report=$("$tmp/writer-drift" "${args[@]}" "$document" 2>&1) || status=$?
verdict=${report##*$'\n'}

if [ "${GITHUB_ACTIONS:-}" = true ]; then
	# escape makes a line safe as the message of a workflow command.
	escape() { local s=${1//'%'/'%25'}; s=${s//$'\r'/'%0D'}; printf '%s' "${s//$'\n'/'%0A'}"; }
	while IFS= read -r line; do
		case $line in "writer-drift: WARNING: "*) echo "::warning title=writer-drift::$(escape "${line#writer-drift: WARNING: }")" ;; esac
	done <<<"$report"
	case $status in
	0) echo "::notice title=writer-drift::$(escape "$verdict")" ;;
	*) echo "::error title=writer-drift::$(escape "$verdict")" ;;
	esac
	[ -z "${GITHUB_OUTPUT:-}" ] || { echo "status=$status"; echo "verdict=$verdict"; } >>"$GITHUB_OUTPUT"
	[ -z "${GITHUB_STEP_SUMMARY:-}" ] || printf '### writer-drift\n\n```\n%s\n```\n' "$verdict" >>"$GITHUB_STEP_SUMMARY"
	# The report quotes the document: no line of it may act as a workflow command.
	token=writer-drift-$RANDOM$RANDOM$RANDOM
	echo "::stop-commands::$token"
	printf '%s\n' "$report"
	echo "::$token::"
	printf '%s\n' "$verdict"
else
	printf '%s\n' "$report"
fi
exit "$status"
