# Shared helpers for netflap's namespace tests; sourced, not run.
# Every resource registers its undo when it is made (nf_defer); nf_cleanup
# runs them last-first on every exit path. Names carry a per-run random
# suffix so runs never collide; only processes this test started are killed.

NF_SKIP=4 # ctest SKIP_RETURN_CODE, as kselftest
nf_undo=()
nf_defer() { nf_undo+=("$*"); }
nf_cleanup() {
	local i
	for ((i = ${#nf_undo[@]} - 1; i >= 0; i--)); do
		eval "${nf_undo[i]}" >/dev/null 2>&1 || true
	done
	nf_undo=()
}
trap nf_cleanup EXIT

nf_fail() {
	echo "FAIL: $*"
	exit 1
}

nf_need_root() {
	if [ "$(id -u)" != 0 ]; then
		echo "SKIP: needs root to create network namespaces"
		exit $NF_SKIP
	fi
	for p in ip mosquitto mosquitto_sub dnsmasq; do
		command -v "$p" >/dev/null || { echo "SKIP: $p not installed"; exit $NF_SKIP; }
	done
}

# nf_wait SECONDS CMD...: poll a condition until it holds or the deadline passes.
nf_wait() {
	# EPOCHREALTIME in microseconds: bash's SECONDS counts whole seconds,
	# so a 5 s deadline was 4 to 5 s
	local now=${EPOCHREALTIME/[.,]/}
	local deadline=$((now + $1 * 1000000))
	shift
	until "$@"; do
		now=${EPOCHREALTIME/[.,]/}
		[ "$now" -lt "$deadline" ] || return 1
		sleep 0.02
	done
}

# nf_start_bg PIDVAR NETNS LOG CMD...: start a process in a namespace, register its kill.
nf_start_bg() {
	local var=$1 ns=$2 log=$3
	shift 3
	ip netns exec "$ns" "$@" >"$log" 2>&1 &
	local pid=$!
	printf -v "$var" '%s' "$pid"
	nf_defer "kill $pid; wait $pid"
}

# nf_topology ID: an AP namespace with a bridge at 10.213.0.1/24 and a device
# namespace joined by a veth whose AP end starts down (the AP is off).
# Sets NF_AP NF_DEV NF_APIF NF_DEVIF.
nf_topology() {
	local id=$1
	NF_AP=nf-t$id-ap NF_DEV=nf-t$id-d0 NF_APIF=nft${id}a NF_DEVIF=nft${id}d
	ip netns add "$NF_AP" && nf_defer "ip netns del $NF_AP" || return 1
	ip netns add "$NF_DEV" && nf_defer "ip netns del $NF_DEV" || return 1
	ip link add "$NF_APIF" type veth peer name "$NF_DEVIF" || return 1
	ip link set "$NF_APIF" netns "$NF_AP" && ip link set "$NF_DEVIF" netns "$NF_DEV" || return 1
	ip -n "$NF_AP" link set lo up
	ip -n "$NF_DEV" link set lo up
	ip netns exec "$NF_AP" sysctl -qw net.ipv6.conf.all.disable_ipv6=1
	ip netns exec "$NF_DEV" sysctl -qw net.ipv6.conf.all.disable_ipv6=1
	ip -n "$NF_AP" link add br0 type bridge
	# lwIP checks checksums: have the kernel fill them in before frames
	# leave for the device instead of leaving them to an offload.
	ip netns exec "$NF_AP" ethtool -K "$NF_APIF" tx off >/dev/null
	ip -n "$NF_AP" link set "$NF_APIF" master br0
	ip -n "$NF_AP" addr add 10.213.0.1/24 dev br0
	ip -n "$NF_AP" link set br0 up
	ip -n "$NF_DEV" link set "$NF_DEVIF" up
}

# nf_services DIR: mosquitto and dnsmasq in the AP namespace, ready when this returns.
nf_services() {
	local dir=$1
	cat >"$dir/mosquitto.conf" <<CONF
listener 1883 10.213.0.1
allow_anonymous true
persistence false
log_dest stdout
connection_messages true
CONF
	chmod 644 "$dir/mosquitto.conf"
	nf_start_bg NF_MOSQ_PID "$NF_AP" "$dir/mosquitto.log" mosquitto -c "$dir/mosquitto.conf"
	nf_start_bg NF_DNSMASQ_PID "$NF_AP" "$dir/dnsmasq.out" dnsmasq --keep-in-foreground \
		--conf-file=/dev/null --no-resolv --no-hosts --no-poll --no-ping \
		--interface=br0 --bind-interfaces --listen-address=10.213.0.1 \
		--dhcp-range=10.213.0.100,10.213.0.199,255.255.255.0,2m \
		--dhcp-leasefile="$dir/leases" --address=/broker.netflap/10.213.0.1 \
		--pid-file= --user=root --log-facility="$dir/dnsmasq.log" --log-dhcp
	nf_wait 10 nf_broker_answers ||
		nf_fail "mosquitto did not come up: $(cat "$dir/mosquitto.log")"
	nf_wait 10 grep -q 'started' "$dir/dnsmasq.log" ||
		nf_fail "dnsmasq did not come up: $(cat "$dir/dnsmasq.out" "$dir/dnsmasq.log")"
}

nf_broker_answers() {
	ip netns exec "$NF_AP" mosquitto_pub -h 10.213.0.1 -t netflap/probe -m up >/dev/null 2>&1
}

nf_ap() { ip -n "$NF_AP" link set "$NF_APIF" "$1"; }

# nf_count FILE PATTERN: lines of FILE matching the extended regex PATTERN,
# one number, 0 for an empty or missing file (grep -c prints 0 and fails
# there: `grep -c ... || echo 0` would print two lines)
nf_count() {
	local n
	n=$(grep -c -E "$2" "$1" 2>/dev/null)
	echo "${n:-0}"
}
nf_at_least() { [ "$(nf_count "$1" "$2")" -ge "$3" ]; }

# netflap run folders

# nf_col NAME CSV: a cycles.csv column by name, one value per line
nf_col() { awk -F, -v name="$1" 'NR == 1 {for (i = 1; i <= NF; i++) if ($i == name) c = i; next} {print $c}' "$2"; }

# nf_col_count NAME CSV VALUE: rows whose column NAME is exactly VALUE
nf_col_count() { nf_col "$1" "$2" | grep -c -x -- "$3"; }

# nf_run_quiet DIR ARGS...: `$nf run ARGS --out $out/DIR --quiet`, its
# output in $out/DIR.log, its exit code in $rc ($nf and $out: the caller's)
nf_run_quiet() {
	local dir=$1
	shift
	"$nf" run "$@" --out "$out/$dir" --quiet >"$out/$dir.log" 2>&1
	rc=$?
}

# nf_client_hellos PCAP PORT: TLS ClientHellos sent to PORT in the capture
# (a handshake record, type 1, first in the segment's payload)
nf_client_hellos() {
	tcpdump -nr "$1" "tcp dst port $2 and tcp[((tcp[12] & 0xf0) >> 2)] = 0x16 and tcp[((tcp[12] & 0xf0) >> 2) + 5] = 1" 2>/dev/null | wc -l
}

# nf_classes RUN_DIR: the verdict's finding classes (notes left out), sorted, comma-separated
nf_classes() { grep -v '"note": true' "$1/verdict.json" | sed -n 's/.*"class": "\([^"]*\)".*/\1/p' | sort -u | paste -sd, -; }

# nf_clean RUN_DIR: the run's verdict is clean
nf_clean() { grep -q '"clean": true' "$1/verdict.json"; }

# nf_well_formed CSV: every row has the header's column count, the last one whole
nf_well_formed() {
	awk -F, 'NR == 1 {n = NF; next} NF != n {bad++} END {exit bad > 0}' "$1" || nf_fail "$1 has a malformed row"
	[ -z "$(tail -c 1 "$1")" ] || nf_fail "$1 ends in half a row"
}

# nf_nothing_left RUN_DIR: no namespace or process of that run remains (a
# process SIGKILLed a moment ago may still be exiting: up to 5 s for that)
nf_run_gone() { ! ip netns list | grep -q "netflap-$1" && ! pgrep -f "netflap-$1|$2" >/dev/null; }
nf_nothing_left() {
	local id
	id=$(sed -n 's/.*"run_id": "\([0-9a-f]*\)".*/\1/p' "$1/run.json" 2>/dev/null)
	[ -n "$id" ] || nf_fail "no run id in $1/run.json"
	nf_wait 5 nf_run_gone "$id" "$1"
	! ip netns list | grep -q "netflap-$id" || nf_fail "namespaces of run $id left: $(ip netns list | grep "netflap-$id")"
	! pgrep -f "netflap-$id|$1" >/dev/null || nf_fail "processes of run $id left: $(pgrep -af "netflap-$id|$1")"
}

# nf_custom_stack SOURCE_DIR LWIP_DIR WORK_DIR PATCH: netflap and its
# `custom` stack (lwIP with PATCH) built in WORK_DIR/build, a folder of the
# test's own removed at its end
nf_custom_stack() {
	local src=$1 lwip=$2 work=$3 patch=$4
	rm -rf "$work"
	mkdir -p "$work"
	nf_defer "rm -rf $work"
	cmake -S "$src" -B "$work/build" -DNETFLAP_LWIP_DIR="$lwip" -DNETFLAP_STACKS_DIR="$work/no-stacks" \
		-DNETFLAP_CUSTOM_PATCH="$patch" >"$work/configure.log" 2>&1 &&
		cmake --build "$work/build" --target netflap netflap-device netflap-device-custom \
			-j "$(nproc)" >"$work/build.log" 2>&1 ||
		nf_fail "building the custom stack ($(basename "$patch")): $(tail -5 "$work/build.log")"
}
