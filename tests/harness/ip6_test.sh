#!/usr/bin/env bash
# device.ip6: IPv6 across flaps on the real stacks (root; exit 4, skipped,
# otherwise). Usage: ip6_test.sh BUILD_DIR CASE [LOOPS]
#   fixed-dual      scenarios/ipv6-quick.scn: dual-stack, SLAAC, prefer ip6
#   fixed-v6only    device.ip = off, SLAAC (DNS from the advertisement's RDNSS)
#   fixed-dhcp6     device.ip = off, dhcp6 (SLAAC with stateless DHCPv6)
#   upstream-dual   dual-stack, the static IPv6 address, prefer ip6
#   upstream-v6only device.ip = off, SLAAC
#   linux-dual      the kernel: static IPv4, SLAAC, prefer ip6
#   linux-v6only    the kernel: IPv6 only, the static address
# Each, LOOPS event-paced cycles (12; the `long` tests 1,000): every row
# ok over IPv6 (ip_family 6), its address preferred (ip6_state 2) with its
# DAD time (dad_ms) and the neighbour-discovery columns filled, the broker
# reached from the device's IPv6 address (mosquitto's log), no finding.
#   fixed-faults, fixed-faults-v6only, linux-faults   flap, dad_conflict,
#                   router_lifetime0, ra_renumber (and blackhole6, dual-stack)
#                   mixed over 16 cycles: dad_conflict and blackhole6 leave a
#                   dual-stack device ok over IPv4 (ip_fallback 1; lwIP's
#                   address duplicated), an IPv6-only one dad_failed;
#                   router_lifetime0 ok over IPv6 with no default router;
#                   ra_renumber ok over IPv6 on the new prefix's address, one
#                   prefix held; flap ok over IPv6 on the first prefix; clean
#   fixed-keep, linux-keep   device.ip6_keep = on (IPv6 state kept through
#                   a carrier loss): flaps alone clean; with ra_renumber the
#                   verdict finds the stale prefix kept (exit 1)
#   fixed-cuts, fixed-cuts-v6only   a cut at each phase (up, lease, ra:
#                   waiting for the router's advertisement, dad: the global
#                   address's detection under way, dns, connect, connack): clean
#   bad-input       IPv6 keys a device or stack cannot honour: exit 2 with
#                   the reason, before any network is built
set -uo pipefail
build=$1 case=$2 loops=${3:-12}
here=$(cd "$(dirname "$0")/.." && pwd)
root=$(cd "$here/.." && pwd)
. "$here/lib/netns.sh"
nf=$build/netflap
out=$(mktemp -d "${TMPDIR:-/tmp}/nf-ip6.XXXXXX")
nf_defer "rm -rf $out"
quick=$root/scenarios/ipv6-quick.scn

refused() { # WHAT PATTERN ARGS...: exit 2 and the reason
	local what=$1 pat=$2
	shift 2
	"$@" >"$out/bad.log" 2>&1
	local rc=$?
	[ $rc = 2 ] && grep -q -- "$pat" "$out/bad.log" ||
		nf_fail "$what: exit $rc, want 2 with '$pat': $(cat "$out/bad.log")"
	[ ! -e "$out/never" ] || nf_fail "$what: a run folder was made"
}

if [ "$case" = bad-input ]; then
	run=("$nf" run "$quick" --out "$out/never" --quiet)
	refused "no address at all" "device.ip = off needs device.ip6" \
		"${run[@]}" --set device.ip=off --set device.ip6=off
	refused "an IPv6 fault without IPv6" "run.fault dad_conflict acts on IPv6: it needs device.ip6" \
		"${run[@]}" --set device.ip6=off --set run.fault=dad_conflict
	refused "a DHCP fault without IPv4" "run.fault dhcp_outage acts on the DHCP lease" \
		"${run[@]}" --set device.ip=off --set run.fault=flap:1,dhcp_outage:1
	refused "blackhole6 without IPv4" "run.fault blackhole6 takes IPv6 away and keeps IPv4" \
		"${run[@]}" --set device.ip=off --set run.fault=blackhole6
	refused "a timeout IPv6 cannot meet" "device.ip6 wants run.reconnect_timeout >= 10s" \
		"${run[@]}" --set run.reconnect_timeout=5s
	refused "dhcp6 on the kernel" "stack linux is the kernel, which has no DHCPv6 client" \
		"${run[@]}" --set device.stack=linux --set device.ip=static --set device.ip6=dhcp6
	refused "an unknown mode" "device.ip6" "${run[@]}" --set device.ip6=eui64
	refused "an IPv6 phase without IPv6" "run.cut_at = dad is a phase of IPv6's addressing" \
		"${run[@]}" --set device.ip6=off --set run.cut_at=dad
	refused "a static address renumbered" "a static IPv6 address (device.ip6 = static) stays in the old one" \
		"${run[@]}" --set device.ip6=static --set run.fault=flap:1,ra_renumber:1
	refused "IPv6 state kept without IPv6" "device.ip6_keep = on keeps IPv6 state: it needs device.ip6" \
		"${run[@]}" --set device.ip6=off --set device.ip6_keep=on
	# stacks whose manifests say what their options build (written by the
	# configure step; here by hand): IPv4-only options, and a 2.0 release
	st=$out/stacks
	mkdir -p "$st"
	printf 'name=v4only\nlwip=2.1.3\nprofile=esp\napps=netflap\nipv6=off\n' >"$st/v4only.info"
	printf 'name=old\nlwip=2.0.3\nprofile=static\napps=netflap\nipv6=off\n' >"$st/old.info"
	printf 'name=nodhcp6\nlwip=2.1.3\nprofile=file\napps=netflap\nipv6=static,slaac\n' >"$st/nodhcp6.info"
	for name in v4only old nodhcp6; do # a scenario on each (the file names the stack)
		sed "s/^stack = fixed/stack = $name/" "$quick" >"$out/$name.scn"
	done
	fake() { env NETFLAP_STACKS_DIR="$st" "$nf" run "$out/$1.scn" --out "$out/never" --quiet "${@:2}"; }
	refused "IPv4-only options" "stack 'v4only' (lwIP 2.1.3) is built without IPv6" fake v4only
	refused "lwIP 2.0" "stack 'old' (lwIP 2.0.3) is built without IPv6" fake old
	refused "no DHCPv6 in the options" "has IPv6 for static,slaac only" \
		fake nodhcp6 --set device.ip6=dhcp6
	grep -q '^ipv6=static,slaac,dhcp6$' "$build/stacks/fixed.info" ||
		nf_fail "fixed's manifest: $(grep ipv6 "$build/stacks/fixed.info")"
	echo "bad-input: 13 refusals (exit 2, the reason said); fixed's manifest: ipv6=static,slaac,dhcp6"
	exit 0
fi

# IPv6 faults: NAME and extra --set words; the rows each fault must leave,
# the verdict clean. A dual-stack device (prefer ip6) goes on over IPv4
# when a fault takes IPv6 away (blackhole6, dad_conflict: ip_fallback 1);
# an IPv6-only one refuses the duplicated address (dad_failed).
faults() {
	local name=$1 mix=flap:1,dad_conflict:1,router_lifetime0:1,ra_renumber:1
	shift
	[ "$dual" = 1 ] && mix=$mix,blackhole6:1
	# the kernel makes no new address after a failed detection until the
	# router's next advertisement (one every 4 s): linux's cycles wait 25 s
	nf_run_quiet "$name" "$quick" --set run.loops=16 --set "run.fault=$mix" \
		--set run.reconnect_timeout=$([ "$stack" = linux ] && echo 25s || echo 12s) "$@"
	local csv=$out/$name/cycles.csv
	[ $rc = 0 ] || nf_fail "$name: exit $rc: $(tail -3 "$out/$name.log")"
	nf_clean "$out/$name" || nf_fail "$name: not clean: $(grep summary "$out/$name/verdict.json")"
	local lwip=1
	[ "$stack" = linux ] && lwip=0
	awk -F, -v dual="$dual" -v lwip=$lwip '
		NR == 1 {for (i = 1; i <= NF; i++) k[$i] = i; next}
		{f = $k["fault"]; st = $k["status"]; fam = $k["ip_family"]; s6 = $k["ip6_state"]
		 a6 = $k["address6"]}
		f == "dad_conflict" {n[f]++
			if (dual && !(st == "ok" && fam == 4 && $k["ip_fallback"] == 1)) bad = bad " " $1 ":" st "/" fam
			if (!dual && st != "dad_failed") bad = bad " " $1 ":" st
			if (lwip && s6 != 4) bad = bad " " $1 ":ip6_state=" s6}
		f == "blackhole6" {n[f]++; if (!(st == "ok" && fam == 4 && $k["ip_fallback"] == 1)) bad = bad " " $1 ":" st "/" fam}
		f == "router_lifetime0" {n[f]++; if (st != "ok" || fam != 6 || $k["nd6_routers"] != 0)
			bad = bad " " $1 ":" st "/routers=" $k["nd6_routers"]}
		# the new prefix'"'"'s address, the old one gone: one prefix held
		f == "ra_renumber" {n[f]++; if (st != "ok" || fam != 6 || a6 !~ /^fd6e:666c:6171:/ || $k["nd6_prefixes"] != 1)
			bad = bad " " $1 ":renumber " st "/" fam "/" a6 "/prefixes=" $k["nd6_prefixes"]}
		f != "ra_renumber" && fam == 6 && a6 !~ /^fd6e:666c:6170:/ {bad = bad " " $1 ":" f " on " a6}
		f == "flap" && !(st == "ok" && fam == 6) {bad = bad " " $1 ":flap " st "/" fam}
		END {printf "%d %d %d %d %s\n", n["dad_conflict"], n["router_lifetime0"], n["blackhole6"],
			n["ra_renumber"], bad}' "$csv" >"$out/$name.sum"
	read -r d r b n bad <"$out/$name.sum"
	[ -z "$bad" ] || nf_fail "$name: rows not as the faults leave them:$bad"
	[ "$d" -ge 1 ] && [ "$r" -ge 1 ] && [ "$n" -ge 1 ] && { [ "$dual" = 0 ] || [ "$b" -ge 1 ]; } ||
		nf_fail "$name: dad_conflict $d cycles, router_lifetime0 $r, blackhole6 $b, ra_renumber $n: want each"
	echo "$name: dad_conflict $d, router_lifetime0 $r, blackhole6 $b, ra_renumber $n cycles as they must be; clean"
}

# device.ip6_keep = on: a port that keeps IPv6's state through a carrier
# loss. Flaps alone: clean (the address still answers). With ra_renumber:
# the old prefix and address kept, the renumbered cycles never reconnect,
# and the verdict names it (stale prefix kept, exit 1)
keep() {
	local name=$1
	shift
	nf_run_quiet "$name-flap" "$quick" --set run.loops=6 --set device.ip6_keep=on "$@"
	[ $rc = 0 ] && nf_clean "$out/$name-flap" ||
		nf_fail "$name: flaps alone: exit $rc: $(grep summary "$out/$name-flap/verdict.json")"
	nf_run_quiet "$name" "$quick" --set run.loops=6 --set device.ip6_keep=on \
		--set run.fault=flap:1,ra_renumber:1 --set run.reconnect_timeout=12s "$@"
	[ $rc = 1 ] || nf_fail "$name: exit $rc, want 1: $(tail -3 "$out/$name.log")"
	grep -q '"class": "stale prefix kept"' "$out/$name/verdict.json" ||
		nf_fail "$name: no stale prefix found: $(grep summary "$out/$name/verdict.json")"
	echo "$name: flaps alone clean; renumbered: $(grep -o '"summary": "[^"]*ra_renumber[^"]*"' "$out/$name/verdict.json")"
}

cuts() { # every cut phase, three cycles each
	local name=$1
	shift
	for p in up lease ra dad dns connect connack; do
		nf_run_quiet "$name-$p" "$quick" --set run.loops=3 --set run.cut_at=$p "$@"
		[ $rc = 0 ] && nf_clean "$out/$name-$p" ||
			nf_fail "$name: cut at $p: exit $rc: $(grep summary "$out/$name-$p/verdict.json")"
		[ "$(nf_col_count status "$out/$name-$p/cycles.csv" cut)" -ge 1 ] ||
			nf_fail "$name: no cut landed at $p"
	done
	echo "$name: cut at up, lease, ra, dad, dns, connect, connack: clean"
}

nf_need_root
stack=fixed dual=1
case $case in
fixed-faults) faults "$case"; exit 0 ;;
fixed-faults-v6only) dual=0; faults "$case" --set device.ip=off; exit 0 ;;
linux-faults) stack=linux; faults "$case" --set device.stack=linux --set device.ip=static; exit 0 ;;
fixed-keep) keep "$case" --set device.ip=off; exit 0 ;;
linux-keep) keep "$case" --set device.stack=linux --set device.ip=off; exit 0 ;;
fixed-cuts) cuts "$case"; exit 0 ;;
fixed-cuts-v6only) cuts "$case" --set device.ip=off; exit 0 ;;
esac
case $case in
fixed-dual) set_=() ;;
fixed-v6only) set_=(--set device.ip=off) ;;
fixed-dhcp6) set_=(--set device.ip=off --set device.ip6=dhcp6) ;;
upstream-dual) set_=(--set device.stack=upstream --set device.ip6=static) ;;
upstream-v6only) set_=(--set device.stack=upstream --set device.ip=off) ;;
linux-dual) set_=(--set device.stack=linux --set device.ip=static) ;;
linux-v6only) set_=(--set device.stack=linux --set device.ip=off --set device.ip6=static) ;;
*) nf_fail "unknown case $case" ;;
esac
nf_run_quiet r "$quick" --set run.loops="$loops" "${set_[@]}"
csv=$out/r/cycles.csv
[ $rc = 0 ] || nf_fail "$case: exit $rc: $(tail -5 "$out/r.log"; grep -v ',ok,' "$csv" | head -5)"
nf_clean "$out/r" || nf_fail "$case: not clean: $(grep summary "$out/r/verdict.json")"
rows=$(($(wc -l <"$csv") - 1))
[ "$rows" = "$loops" ] || nf_fail "$case: $rows rows, want $loops"
[ "$(nf_col_count status "$csv" ok)" = "$loops" ] || nf_fail "$case: not every row ok"
[ "$(nf_col_count ip_family "$csv" 6)" = "$loops" ] || nf_fail "$case: not every connect over IPv6"
[ "$(nf_col_count ip6_state "$csv" 2)" = "$loops" ] || nf_fail "$case: an address not preferred"
[ "$(nf_col address6 "$csv" | grep -c '^fd6e:666c:6170:')" = "$loops" ] ||
	nf_fail "$case: address6 not the prefix's in every row"
cols="dad_ms ip6_addrs nd6_neighbors nd6_routers nd6_prefixes mld6_groups"
grep -q "New client connected from fd6e:666c:6170:" "$out/r/logs/mosquitto.log" ||
	nf_fail "$case: the broker saw no client over IPv6"
for c in $cols; do
	[ "$(nf_col "$c" "$csv" | grep -c '^[0-9][0-9]*$')" = "$loops" ] || nf_fail "$case: $c not in every row"
done
dad=$(nf_col dad_ms "$csv" | grep . | sort -n | awk '{a[NR] = $1} END {print a[int((NR + 1) / 2)], a[NR]}')
neigh=$(nf_col nd6_neighbors "$csv" | sort -n | uniq | paste -sd/ -)
echo "$case: $loops cycles ok over IPv6, clean; dad_ms median/max $dad; neighbour entries seen $neigh"
