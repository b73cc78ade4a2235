#!/usr/bin/env bash
# Runs every fuzz target briefly (FUZZTIME each, default 5s), one at a time: go test -fuzz takes
# one target per run. The seed corpora in testdata/fuzz/ also run with every plain go test.
# New failures are written to the package's testdata/fuzz/<FuzzName>/ by go test: commit them.
set -euo pipefail
cd "$(dirname "$0")/.."
exec </dev/null
fuzztime="${FUZZTIME:-5s}"

# Every "func FuzzXxx(" in a _test.go file, as "package-dir FuzzXxx".
mapfile -t targets < <(grep -rlE --include='*_test.go' '^func Fuzz[A-Za-z0-9_]+\(' . |
	while read -r f; do
		dir="$(dirname "$f")"
		grep -oE '^func Fuzz[A-Za-z0-9_]+' "$f" | sed "s|^func |$dir |"
	done | sort -u)

if [[ ${#targets[@]} -eq 0 ]]; then
	echo "no fuzz targets found" >&2
	exit 1
fi
for t in "${targets[@]}"; do
	read -r dir name <<<"$t"
	echo "--- fuzz $name ($dir, $fuzztime)"
	go test -run='^$' -fuzz="^${name}\$" -fuzztime="$fuzztime" "$dir"
done
echo "--- fuzz: ${#targets[@]} targets passed"
