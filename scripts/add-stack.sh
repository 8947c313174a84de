#!/usr/bin/env bash
# netflap add-stack: build the lwIP your firmware ships as a stack netflap
# can flap, under a name of yours.
#
# Usage: scripts/add-stack.sh NAME --lwip VERSION|DIR [--patch FILE]...
#                             [--lwipopts static|heap|FILE] [--hooks FILE]
#                             [--include DIR]... [--app FILE.c]...
#                             [--build DIR]
#        scripts/add-stack.sh --remove NAME [--build DIR]
#
#   --lwip 2.1.3|2.2.1  Debian's pristine lwIP of that release (fetched once,
#                       sha256 checked); DIR: any unpacked lwIP tree with
#                       lwIP's src/ layout (a vendor fork; CRLF files are
#                       taken as LF)
#   --patch FILE        a unified diff against that tree (patch -p1; LF or
#                       CRLF), applied in the order given; repeatable
#   --lwipopts          static (netflap's fixed pools, the default), heap
#                       (pools on the heap, MEMP_MEM_MALLOC 1, as ESP-IDF
#                       builds lwIP), esp (heap with the ESP_LWIP options
#                       ESP-IDF 5 sets, for Espressif's esp-lwip) or your
#                       firmware's lwipopts.h
#   --hooks FILE        a header compiled in as LWIP_HOOK_FILENAME
#   --include DIR       a folder of headers the fork expects from its
#                       platform (an RTOS header its netif.c, dns.c or
#                       sockets.c includes); repeatable, searched in order
#   --app FILE.c        the firmware's own network code on device/app/nf_app.h,
#                       built into this stack's device: device.client = FILE
#                       (its file name, _ as -); repeatable
#   --build DIR         the build folder (default: build)
#
# Then: build/netflap run SCENARIO --set device.stack=NAME. The same
# arguments again change nothing; other arguments rebuild this stack only.
# Exit codes: 0 built, 2 bad arguments (a patch that does not apply, options
# netflap cannot run), 3 environment (set-up, download, build).
set -euo pipefail

here=$(cd "$(dirname "$0")/.." && pwd)
# shellcheck source=scripts/lib.sh
. "$here/scripts/lib.sh"

usage() { sed -n '2,33p' "$0" | sed 's/^# \{0,1\}//'; }
abs() { [ -e "$1" ] || die 2 "add-stack: $2 $1 does not exist"; (cd "$(dirname "$1")" && printf '%s/%s\n' "$(pwd)" "$(basename "$1")"); }

name="" lwip="" opts=static hooks="" build="$here/build" remove=0
patches=() includes=() apps=()
while [ $# -gt 0 ]; do
	case "$1" in
	--lwip | --patch | --lwipopts | --hooks | --include | --app | --build)
		[ $# -ge 2 ] || die 2 "add-stack: $1 needs a value (try --help)" ;;
	esac
	case "$1" in
	--lwip) lwip=$2; shift ;;
	--patch) patches+=("$(abs "$2" "patch")"); shift ;;
	--lwipopts) opts=$2; shift ;;
	--hooks) hooks=$(abs "$2" "hooks file"); shift ;;
	--include)
		[ -d "$2" ] || die 2 "add-stack: --include $2 is not a folder"
		includes+=("$(abs "$2" "include folder")")
		shift
		;;
	--app)
		[[ "$2" == *.c ]] || die 2 "add-stack: --app $2: want a C file (FILE.c)"
		apps+=("$(abs "$2" "app")")
		shift
		;;
	--build) build=$2; shift ;;
	--remove) remove=1 ;;
	-h | --help) usage; exit 0 ;;
	-*) die 2 "add-stack: unknown option '$1' (try --help)" ;;
	*) [ -z "$name" ] || die 2 "add-stack: one NAME, not '$name' and '$1'"; name=$1 ;;
	esac
	shift
done
[ -n "$name" ] || { usage >&2; exit 2; }
[[ "$name" =~ ^[a-z0-9][a-z0-9_-]*$ ]] && [ ${#name} -lt 48 ] ||
	die 2 "add-stack: stack name '$name': want lower-case letters, digits, - and _ (under 48)"
case "$name" in
upstream | vendor | fixed | custom | linux) die 2 "add-stack: '$name' is a built-in stack name; choose another" ;;
esac

# the build folder, set up first if there is none yet
if [ ! -f "$build/CMakeCache.txt" ]; then
	[ "$build" = "$here/build" ] || die 3 "add-stack: $build is not a configured build folder"
	"$here/scripts/setup.sh"
fi
stacks=$(sed -n 's/^NETFLAP_STACKS_DIR:PATH=//p' "$build/CMakeCache.txt")
[ -n "$stacks" ] || stacks="$here/.cache/stacks"
desc="$stacks/$name/stack.cmake"

reconfigure() { cmake -S "$here" -B "$build" >"$build/add-stack-configure.log" 2>&1; }

if [ "$remove" = 1 ]; then
	[ -f "$desc" ] || die 2 "add-stack: no stack '$name' in $stacks"
	rm -rf "${stacks:?}/$name"
	rm -f "$build/stacks/$name.info" "$build/netflap-device-$name"
	reconfigure || die 3 "add-stack: reconfigure after removing '$name' failed (see $build/add-stack-configure.log)"
	say "add-stack: stack '$name' removed"
	exit 0
fi

[ -n "$lwip" ] || die 2 "add-stack: --lwip VERSION|DIR is required (try --help)"
if [[ "$lwip" =~ ^[0-9]+\.[0-9]+\.[0-9]+$ ]]; then
	tree=$(nf_fetch_lwip "$here/.cache/lwip" "$lwip")
	origin="debian lwip $lwip+dfsg1 orig ($(nf_lwip_suite "$lwip"))"
else
	[ -d "$lwip/src" ] || die 2 "add-stack: --lwip $lwip: neither a release (2.1.3, 2.2.1) nor a tree with src/"
	tree=$(cd "$lwip" && pwd)
	origin="dir"
fi
case "$opts" in
static | heap | esp) ;;
*) opts=$(abs "$opts" "options file") ;;
esac

# the descriptor lwip-port/CMakeLists.txt reads; one value per line
text=$(
	printf '# scripts/add-stack.sh %s: do not edit, run add-stack.sh again\n' "$name"
	printf 'set(NF_STACK_TREE [==[%s]==])\n' "$tree"
	printf 'set(NF_STACK_ORIGIN [==[%s]==])\n' "$origin"
	printf 'set(NF_STACK_PATCHES'
	for p in "${patches[@]}"; do printf ' [==[%s]==]' "$p"; done
	printf ')\nset(NF_STACK_OPTIONS [==[%s]==])\n' "$opts"
	printf 'set(NF_STACK_HOOKS [==[%s]==])\n' "$hooks"
	printf 'set(NF_STACK_INCLUDES'
	for i in "${includes[@]}"; do printf ' [==[%s]==]' "$i"; done
	printf ')\nset(NF_STACK_APPS'
	for a in "${apps[@]}"; do printf ' [==[%s]==]' "$a"; done
	printf ')\n'
)
# the descriptor as it was before this call, put back when a step fails:
# the build folder builds and tests as before (a stack it cannot build
# would break every later build of it)
restore() {
	if [ -n "$old" ]; then printf '%s\n' "$old" >"$desc"; else rm -rf "${stacks:?}/$name"; fi
	reconfigure || true
}
old=""
[ -f "$desc" ] && old=$(cat "$desc")
mkdir -p "$stacks/$name"
# the same arguments keep what an earlier call learnt (unit tests skipped)
if [ "$(printf '%s\n' "$old" | grep -v '^set(NF_STACK_UNITTESTS')" != "$text" ]; then
	printf '%s\n' "$text" >"$desc.new"
	mv "$desc.new" "$desc"
fi
if ! reconfigure; then
	failed="$build/add-stack-failed.log"
	mv "$build/add-stack-configure.log" "$failed"
	restore
	# CMake's own message: from our "netflap:" line to the end of its block
	sed -n '/^CMake Error/,/^-- Configuring incomplete/p' "$failed" | grep -v -E '^CMake Error|^-- |^Call Stack|^  [^ ]*\.cmake:[0-9]+|^  (CMakeLists|lwip-port)[^ ]*:[0-9]+|^ *$' >&2 || true
	die 2 "add-stack: stack '$name' was not added (full log: $failed)"
fi
grep "netflap: stack '$name'" "$build/add-stack-configure.log" | sed 's/^-- //' || true

targets=(netflap netflap-device "netflap-device-$name" "socket_cycles_$name")
if ! cmake --build "$build" -j "$(nproc)" --target "${targets[@]}" >"$build/add-stack-build.log" 2>&1; then
	tail -n 40 "$build/add-stack-build.log" >&2
	restore
	die 3 "add-stack: build of stack '$name' failed; the build folder is as it was (full log: $build/add-stack-build.log)"
fi
# lwIP's own unit tests: run where they compile against the tree; where
# they do not (a test written for another release), skipped with the reason
# in the descriptor and the stack's info file, never a failed add-stack
if grep -q "lwip_unittests_$name" "$build/Makefile" 2>/dev/null &&
	! cmake --build "$build" -j "$(nproc)" --target "lwip_unittests_$name" >"$build/add-stack-unittests.log" 2>&1; then
	why=$(grep -m1 -E 'error:' "$build/add-stack-unittests.log" | sed 's#^.*/\(test/unit/[^:]*\)#\1#' | cut -c1-160)
	why="they do not compile against this tree (${why:-see add-stack-unittests.log})"
	printf 'set(NF_STACK_UNITTESTS [==[%s]==])\n' "$why" >>"$desc"
	reconfigure || { restore; die 3 "add-stack: reconfigure without the unit tests failed"; }
	say "add-stack: lwIP's own unit tests skipped: $why"
fi
id=$(sed -n 's/^build_id=//p' "$build/stacks/$name.info")
ver=$(sed -n 's/^lwip=//p' "$build/stacks/$name.info")
say "add-stack: stack '$name' ready: lwIP $ver, build $id, options $opts"
say "  apps (device.client): $(sed -n 's/^apps=//p' "$build/stacks/$name.info")"
say "  run it:  $build/netflap run scenarios/fixed-quick.scn --set device.stack=$name"
say "  test it: (cd $build && ctest -R '$name\$')"
