#!/usr/bin/env bash
# report.html in Chromium (root for the run; exit 4, skipped, without root,
# node, playwright-core or /usr/bin/chromium, which scripts/setup.sh
# installs): seed-quick's page (a finding) and fixed-quick's (clean) load
# with no console error, show their findings table, plots and parameters.
# Screenshots stay in the test's folder under build/tests/report-browser/.
# Usage: report_browser_test.sh SOURCE_DIR BUILD_DIR
set -uo pipefail
src=$1 build=$2
. "$src/tests/lib/netns.sh"
nf_need_root
mods=$src/.cache/npm/node_modules
command -v node >/dev/null && [ -d "$mods/playwright-core" ] && [ -x /usr/bin/chromium ] || {
	echo "SKIP: node, playwright-core or chromium missing (scripts/setup.sh installs them)"
	exit 4
}
work=$build/tests/report-browser
rm -rf "$work"
mkdir -p "$work"
# the leaking run exits 1 (its finding), the clean one 0
for case in seed-quick:1 fixed-quick:0; do
	scn=${case%:*} want=${case#*:}
	"$build/netflap" run "$src/scenarios/$scn.scn" --set run.loops=45 --out "$work/$scn" --quiet
	rc=$?
	[ $rc = "$want" ] || nf_fail "$scn: exit $rc, want $want"
	node "$src/tests/ci/report_browser.cjs" "$mods" "$work/$scn" "$work/$scn.png" ||
		nf_fail "$scn: report.html in Chromium"
	[ "$(head -c 8 "$work/$scn.png" | od -An -tx1 | tr -d ' ')" = 89504e470d0a1a0a ] ||
		nf_fail "$scn: no PNG screenshot"
	nf_nothing_left "$work/$scn"
done
grep -q '<tr class="finding"><td>socket-slot leak' "$work/seed-quick/report.html" || nf_fail "seed-quick: no slot leak row"
! grep -q 'TCP{/' "$work/seed-quick/report.html" || nf_fail "a pool name went through enhanced text"
echo "PASS: report.html in Chromium (screenshots in $work)"
