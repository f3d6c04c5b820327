#!/usr/bin/env bash
# Repository checks that CI runs (.ci/run):
#   - no tracked file over 1 MiB, and none that is an executable binary (ELF, Mach-O, PE);
#   - `make help` lists every target of the Makefile and make/tools.mk;
#   - no text outside api/ cites issue numbers instead of behaviour.
# Build outputs are ignored by .gitignore, so they are never tracked.
set -euo pipefail
cd "$(dirname "$0")/.."
status=0
fail() { echo "check-repo: $*" >&2; status=1; }

# Tracked files: size and magic bytes of what is committed (the index), not of the work tree.
max=$((1024 * 1024))
while read -r mode blob _ path; do
	[ "$mode" = 160000 ] && continue # a submodule's commit, not a file
	size=$(git cat-file -s "$blob")
	[ "$size" -le "$max" ] || fail "$path is $size bytes, over 1 MiB"
	magic=$({ git cat-file blob "$blob" || true; } | head -c 4 | od -An -tx1 | tr -d ' \n')
	case $magic in
	7f454c46) fail "$path is an ELF executable" ;;
	feedface | feedfacf | cefaedfe | cffaedfe | cafebabe) fail "$path is a Mach-O executable" ;;
	4d5a*) fail "$path is a PE (Windows) executable" ;;
	esac
done < <(git ls-files -s)

# make help: every target a developer can name appears in its list.
help=$(make --no-print-directory help | awk '{ print $1 }' | sort -u)
targets=$(sed -nE 's/^\.PHONY: *//p' Makefile make/tools.mk | tr ' ' '\n' | grep -v '^$' | sort -u)
missing=$(comm -23 <(echo "$targets") <(echo "$help"))
[ -z "$missing" ] || fail "make help does not list: $(echo $missing)"

# Comments and docs cite behaviour, not the tracker.
if cited=$(git grep -nE '\b(the issue|issue [0-9]+)\b' -- ':!api/' ':!scripts/check-repo.sh'); then
	fail "text that cites issues instead of behaviour:"$'\n'"$cited"
fi

[ "$status" -eq 0 ] && echo "check-repo: OK ($(git ls-files | wc -l) tracked files)"
exit "$status"
