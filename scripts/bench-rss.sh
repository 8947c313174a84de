#!/usr/bin/env bash
# Benchmark (not a test): the harness's own memory over a long run. Runs
# fixed-quick for CYCLES event-paced cycles and samples netflap's and the
# device's VmRSS every 1000 cycles.
# Usage: scripts/bench-rss.sh [CYCLES]   (root; build/ from scripts/setup.sh)
# Last line: rss: cycles=.. exit=.. netflap_kib_first=.. netflap_kib_last=.. device_kib_first=.. device_kib_last=..
set -uo pipefail
here=$(cd "$(dirname "$0")/.." && pwd)
. "$here/scripts/lib.sh"
cycles=${1:-10000}
[ "$(id -u)" = 0 ] || die 3 "bench-rss: needs root"
out=$(mktemp -d "${TMPDIR:-/tmp}/nf-rss.XXXXXX")
trap 'rm -rf "$out"' EXIT
"$here/build/netflap" run "$here/scenarios/fixed-quick.scn" --set run.loops="$cycles" \
	--set device.publish_interval=0ms --out "$out/run" --quiet &
pid=$!
rss() { awk '/^VmRSS/ {print $2}' "/proc/$1/status" 2>/dev/null; }
# rows so far: one number, 0 before the file has any (grep -c prints 0 and fails)
rows() {
	local n
	n=$(grep -c '^[0-9]' "$out/run/cycles.csv" 2>/dev/null)
	echo "${n:-0}"
}
first_n= first_d= last_n= last_d=
next=1000
while kill -0 $pid 2>/dev/null; do
	n=$(rows)
	if [ "$n" -ge "$next" ] && [ "$n" -lt "$cycles" ]; then
		dev=$(pgrep -f "netflap-device.*--control-fd" | head -1)
		rn=$(rss $pid) rd=$(rss "$dev")
		echo "cycle $n: netflap ${rn} KiB, device ${rd} KiB"
		[ -z "$first_n" ] && first_n=$rn first_d=$rd
		last_n=$rn last_d=$rd
		next=$((next + 1000))
	fi
	sleep 1
done
wait $pid
rc=$?
echo "rss: cycles=$cycles exit=$rc netflap_kib_first=$first_n netflap_kib_last=$last_n device_kib_first=$first_d device_kib_last=$last_d"
