#!/usr/bin/env bash
# Installed like a tool (root for the run; exit 4, skipped, otherwise):
# CPack builds the .deb; its Depends name the programs netflap runs and the
# libraries it links; unpacked into a scratch root, the installed netflap
# runs seed-quick from outside the checkout (its device binaries, stacks,
# plot script and scenarios found from its own path) and finds the leak
# (exit 1); `cmake --install` lays out the same files; both man pages
# render with man -l, and netflap-scenario(5)'s keys are the key table's
# (harness/scenario.c).
# Usage: install_test.sh BUILD_DIR
set -uo pipefail
build=$1
here=$(cd "$(dirname "$0")/.." && pwd)
. "$here/lib/netns.sh"
nf_need_root
work=$(mktemp -d "${TMPDIR:-/tmp}/nf-install.XXXXXX")
nf_defer "rm -rf $work"

(cd "$work" && cpack --config "$build/CPackConfig.cmake" -B "$work/pkg" >"$work/cpack.log" 2>&1) ||
	nf_fail "cpack: $(tail -5 "$work/cpack.log")"
deb=$(ls "$work"/pkg/netflap_*.deb 2>/dev/null | head -1)
[ -n "$deb" ] || nf_fail "no .deb in $work/pkg"
deps=$(dpkg-deb -f "$deb" Depends)
for d in mosquitto dnsmasq-base hostapd gnuplot-nox libpcap0.8 libnl-route-3-200 libinih1; do
	grep -q "$d" <<<"$deps" || nf_fail "Depends lacks $d: $deps"
done
echo "$(basename "$deb"): Depends: $deps"
dpkg-deb -x "$deb" "$work/root" || nf_fail "dpkg-deb -x"
for f in usr/bin/netflap usr/lib/netflap/netflap-device usr/lib/netflap/netflap-device-vendor \
	usr/lib/netflap/stacks/vendor.info usr/share/netflap/plots.gp \
	usr/share/netflap/scenarios/seed-quick.scn usr/share/man/man1/netflap.1 \
	usr/share/man/man5/netflap-scenario.5; do
	[ -e "$work/root/$f" ] || nf_fail "the package lacks /$f"
done

# the installed netflap, run from a folder that is not the checkout
mkdir "$work/elsewhere"
(cd "$work/elsewhere" && "$work/root/usr/bin/netflap" run "$work/root/usr/share/netflap/scenarios/seed-quick.scn" \
	--out "$work/elsewhere/run" --quiet)
rc=$?
[ $rc = 1 ] || nf_fail "installed netflap on seed-quick: exit $rc, want 1 (the leak)"
grep -q '"class": "socket-slot leak"' "$work/elsewhere/run/verdict.json" || nf_fail "no slot leak found"
[ -s "$work/elsewhere/run/report.html" ] || nf_fail "no report.html (plots.gp not found?)"
nf_nothing_left "$work/elsewhere/run"
echo "installed netflap: seed-quick exit 1, slot leak found"

cmake --install "$build" --prefix "$work/prefix" >"$work/install.log" 2>&1 || nf_fail "cmake --install: $(tail -3 "$work/install.log")"
for f in bin/netflap lib/netflap/netflap-device share/netflap/plots.gp share/man/man5/netflap-scenario.5; do
	[ -e "$work/prefix/$f" ] || nf_fail "cmake --install: no $f"
done

man5=$work/root/usr/share/man/man5/netflap-scenario.5
for page in "$work/root/usr/share/man/man1/netflap.1" "$man5"; do
	MANWIDTH=100 man -l "$page" >"$work/page.txt" 2>"$work/man.err" || nf_fail "man -l $page: $(cat "$work/man.err")"
	[ -s "$work/page.txt" ] && ! grep -q . "$work/man.err" || nf_fail "man -l $page: $(head -3 "$work/man.err")"
done
MANWIDTH=100 man -l "$work/root/usr/share/man/man1/netflap.1" | grep -q "netflap merge" || nf_fail "netflap(1) lacks the merge command"
# the installed page against the key table's source (harness/scenario/scenario_keys.c),
# not against the binary that wrote it: a key the page generation drops or
# a table row it misses shows here
diff <(sed -n 's/^\.B \([a-z]*\.[a-z_0-9]*\)$/\1/p' "$man5") \
	<(sed -n 's/^ *{"\([a-z]*\)", "\([a-z_0-9]*\)", T_.*/\1.\2/p' "$here/../harness/scenario/scenario_keys.c") ||
	nf_fail "netflap-scenario(5)'s keys are not the key table's"
echo "man pages render; netflap-scenario(5) lists the $(grep -c '^\.B [a-z]*\.' "$man5") keys of the key table"
echo "PASS: install"
