#!/usr/bin/env bash
# Installs the pinned npm package "digiflazz" for the Digiflazz compatibility test
# (internal/dialect/digiflazz/compat_test.go). Without node/npm the test skips.
# For .ci/run: bash .ci/digiflazz-compat.sh (before go test).
set -euo pipefail
dir="$(cd "$(dirname "$0")/.." && pwd)/internal/dialect/digiflazz/testdata/compat"
if ! command -v npm >/dev/null 2>&1; then
	echo "digiflazz-compat: npm not found; the compatibility test will skip" >&2
	exit 0
fi
cd "$dir"
npm ci --no-audit --no-fund --ignore-scripts
