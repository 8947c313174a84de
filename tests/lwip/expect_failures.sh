#!/usr/bin/env bash
# Runs a Check suite and passes only if exactly the named tests fail.
# Usage: expect_failures.sh EXE [TEST-NAME...]
# With no names, every test must pass. A crash, a timeout, an unexpected
# failure or an expected failure that passed all fail this wrapper.
set -uo pipefail
exe=$1
shift
log=$(mktemp)
trap 'rm -f "$log"' EXIT
"$exe" >"$log" 2>&1
rc=$?
cat "$log"
# Check prints failures as file:line:F|E:suite:test:iteration: message
got=$(grep -E '^[^:]+:[0-9]+:[FE]:' "$log" | cut -d: -f5 | sort -u | tr '\n' ' ')
want=$(printf '%s\n' "$@" | sed '/^$/d' | sort -u | tr '\n' ' ')
grep -qE '^[0-9]+%: Checks: [0-9]+' "$log" || { echo "expect_failures: no Check summary (crash?), exit $rc"; exit 1; }
if [ "$got" != "$want" ]; then
	echo "expect_failures: failing tests [${got% }] but expected [${want% }]"
	exit 1
fi
if [ -z "$want" ] && [ "$rc" -ne 0 ]; then
	echo "expect_failures: suite exited $rc with no failure listed"
	exit 1
fi
echo "expect_failures: failing tests are exactly the expected [${want% }]"
