#!/usr/bin/env bash
# netflap: set up (as scripts/setup.sh), then run every test with ctest.
#
# Usage: scripts/test.sh [--sanitize] [-- CTEST-ARGS...]
#   --sanitize   build with ASan+UBSan into build-sanitize/ and test that build
# Exit codes: 0 all passed, 1 a test failed, 3 set-up failed.
set -euo pipefail

here=$(cd "$(dirname "$0")/.." && pwd)
. "$here/scripts/lib.sh"

setup_args=()
build_dir="$here/build"
ctest_args=()
while [ $# -gt 0 ]; do
	case "$1" in
	--sanitize) setup_args+=(--sanitize); build_dir="$here/build-sanitize" ;;
	--) shift; ctest_args=("$@"); break ;;
	-h | --help) sed -n '2,7p' "$0"; exit 0 ;;
	*) die 3 "test: unknown option '$1' (try --help)" ;;
	esac
	shift
done

"$here/scripts/setup.sh" "${setup_args[@]}"
cd "$build_dir"
# twice the cores: most tests wait on timers; the busy ones take two slots
# each (tests/CMakeLists.txt, PROCESSORS)
ctest --output-on-failure -j "$((2 * $(nproc)))" "${ctest_args[@]}" || exit 1
