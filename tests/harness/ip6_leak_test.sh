#!/usr/bin/env bash
# The verdict on a real IPv6 leak (root; exit 4, skipped, otherwise): a
# custom stack built from tests/lwip/custom/nd6-orphan.patch (on carrier
# loss neighbour discovery orphans its neighbour entries instead of freeing
# them; a 64-entry cache) flapped dual-stack over IPv6 for 30 cycles.
# Expected: exit 1, one finding, neighbour-discovery growth of the
# neighbour cache, from an early cycle; every reconnect still ok (the
# table has room). The same run on fixed and upstream is clean (ip6-*).
# Usage: ip6_leak_test.sh SOURCE_DIR LWIP_DIR WORK_DIR
set -uo pipefail
src=$1 lwip=$2 work=$3
. "$src/tests/lib/netns.sh"
nf_need_root
nf_custom_stack "$src" "$lwip" "$work" "$src/tests/lwip/custom/nd6-orphan.patch"
"$work/build/netflap" run "$src/scenarios/ipv6-quick.scn" --set device.stack=custom \
	--set run.loops=30 --out "$work/run" --quiet
rc=$?
v=$work/run/verdict.json
csv=$work/run/cycles.csv
[ $rc = 1 ] || nf_fail "exit $rc, want 1: $(grep summary "$v")"
[ "$(grep '"class"' "$v" | grep -vc '"note": true')" = 1 ] || nf_fail "want one finding: $(grep summary "$v")"
grep -q '"class": "neighbour-discovery growth", "what": "neighbour cache"' "$v" ||
	nf_fail "no neighbour-cache growth: $(grep -E 'class|summary' "$v")"
[ "$(nf_col_count status "$csv" ok)" = 30 ] || nf_fail "not every reconnect ok"
first=$(nf_col nd6_neighbors "$csv" | head -1) last=$(nf_col nd6_neighbors "$csv" | tail -1)
[ "$last" -gt $((first + 20)) ] || nf_fail "the cache did not grow: $first to $last"
echo "nd6-orphan: $(grep -m1 '"summary"' "$v" | sed 's/.*"summary": "\([^"]*\)".*/\1/')"
