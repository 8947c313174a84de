#!/usr/bin/env bash
# netflap: set up (as scripts/setup.sh), then run every test with ctest.
#
# Usage: scripts/test.sh [--sanitize] [--require LABEL,...] [-- CTEST-ARGS...]
#   --sanitize   build with ASan+UBSan into build-sanitize/ and test that build
#   --require    fail unless each LABEL's tests exist and none was skipped
#                (CI: the namespace suite needs root and mosquitto, the fuzz
#                tests clang; a run without them tested nothing of theirs)
# Exit codes: 0 all passed, 1 a test failed (or a required one did not run),
# 3 set-up failed.
set -euo pipefail

here=$(cd "$(dirname "$0")/.." && pwd)
. "$here/scripts/lib.sh"

setup_args=()
build_dir="$here/build"
ctest_args=()
required=()
while [ $# -gt 0 ]; do
	case "$1" in
	--sanitize) setup_args+=(--sanitize); build_dir="$here/build-sanitize" ;;
	--require) IFS=, read -r -a required <<<"$2"; shift ;;
	--) shift; ctest_args=("$@"); break ;;
	-h | --help) sed -n '2,11p' "$0"; exit 0 ;;
	*) die 3 "test: unknown option '$1' (try --help)" ;;
	esac
	shift
done

"$here/scripts/setup.sh" "${setup_args[@]}"
cd "$build_dir"
# twice the cores: most tests wait on timers; the busy ones take two slots
# each (tests/CMakeLists.txt, PROCESSORS)
rc=0
ctest --output-on-failure -j "$((2 * $(nproc)))" --output-junit "$build_dir/ctest-junit.xml" \
	"${ctest_args[@]}" || rc=1
# --require: each label's tests are there and ran (ctest counts a skip as a pass)
skipped=$(awk '/<testcase /{n = $0; sub(/.*name="/, "", n); sub(/".*/, "", n)} /status="(skipped|notrun)"/{print n}' \
	"$build_dir/ctest-junit.xml" 2>/dev/null || true)
for label in "${required[@]}"; do
	tests=$(ctest -N -L "^$label\$" | sed -n 's/^ *Test *#[0-9]*: //p' || true)
	if [ -z "$tests" ]; then
		say "test: no test labelled $label was configured (fuzz: clang; see docs/tests.md)" >&2
		rc=1
		continue
	fi
	missed=$(grep -Fxf <(echo "$tests") <<<"$skipped" | paste -sd' ' - || true)
	if [ -n "$missed" ]; then
		say "test: required $label tests skipped (root, mosquitto?): $missed" >&2
		rc=1
	fi
done
exit $rc
