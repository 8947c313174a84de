#!/usr/bin/env bash
# netflap set-up: install what is missing, fetch lwIP 2.1.3 from Debian's source
# package, check it, configure and build. Idempotent: a second run on a ready
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
	libpcap-dev libnl-3-dev libnl-route-3-dev libinih-dev libwpa-client-dev check
	mosquitto mosquitto-clients dnsmasq-base hostapd iproute2 ethtool tcpdump gnuplot-nox
	clang libclang-rt-14-dev
)
lwip_version=2.1.3
lwip_orig="lwip_${lwip_version}+dfsg1.orig.tar.xz"
lwip_sha256=0a8276d09fc4e97bbba2f953d74af2388fc2195ea156be9d7589e297a68fde24
cache="$here/.cache/lwip"
tree="$cache/lwip-$lwip_version"

missing=()
for p in "${packages[@]}"; do
	dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q 'install ok installed' || missing+=("$p")
done
if [ ${#missing[@]} -gt 0 ]; then
	[ "$(id -u)" = 0 ] || die 3 "setup: missing Debian packages: ${missing[*]}; run as root (sudo scripts/setup.sh) or install them"
	say "setup: installing ${missing[*]}"
	apt_updated=1
	apt-get update -qq || die 3 "setup: apt-get update failed"
	DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null ||
		die 3 "setup: apt-get install ${missing[*]} failed"
fi

has_deb_src() {
	grep -rqsE '^[[:space:]]*(deb-src[[:space:]]|Types:.*deb-src)' /etc/apt/sources.list /etc/apt/sources.list.d/
}

if [ ! -f "$tree/.netflap-ok" ]; then
	if ! has_deb_src; then
		[ "$(id -u)" = 0 ] || die 3 "setup: no deb-src entry for Debian's archive; run as root to add one"
		codename=$(. /etc/os-release && echo "${VERSION_CODENAME:-bookworm}")
		say "setup: adding a deb-src entry for Debian $codename main"
		cat >/etc/apt/sources.list.d/netflap-deb-src.sources <<SRC
Types: deb-src
URIs: http://deb.debian.org/debian
Suites: $codename
Components: main
Signed-By: /usr/share/keyrings/debian-archive-keyring.gpg
SRC
		apt_updated=0
	fi
	if [ "${apt_updated:-0}" != 1 ] && ! apt-cache showsrc lwip 2>/dev/null | grep -q "^Version: $lwip_version"; then
		[ "$(id -u)" = 0 ] || die 3 "setup: apt has no source index for lwip; run as root (apt-get update)"
		apt-get update -qq || die 3 "setup: apt-get update failed"
	fi
	mkdir -p "$cache"
	if [ ! -f "$cache/$lwip_orig" ]; then
		say "setup: fetching Debian's lwip $lwip_version source package"
		(cd "$cache" && apt-get source --download-only -qq "lwip" >/dev/null 2>"$cache/apt-source.log") ||
			die 3 "setup: apt-get source lwip failed (see $cache/apt-source.log)"
	fi
	echo "$lwip_sha256  $cache/$lwip_orig" | sha256sum -c --quiet - ||
		die 3 "setup: $cache/$lwip_orig does not match sha256 $lwip_sha256; remove it and run again"
	# The pristine upstream tree, not Debian's patched one: unpack the orig
	# tarball only. Its sources have CRLF line endings; normalise them to LF
	# once here, so every patch in lwip-port/patches/ is plain LF.
	tmp=$(mktemp -d "$cache/unpack.XXXXXX")
	tar -C "$tmp" -xJf "$cache/$lwip_orig"
	find "$tmp" -type f \( -name '*.[ch]' -o -name '*.cmake' -o -name '*.mk' -o -name '*.txt' -o -name 'Makefile*' \) \
		-exec sed -i 's/\r$//' {} +
	rm -rf "$tree"
	mv "$tmp/lwip-$lwip_version" "$tree"
	rmdir "$tmp"
	touch "$tree/.netflap-ok"
	say "setup: lwIP $lwip_version ready in $tree"
fi

mkdir -p "$build_dir"
cmake -S "$here" -B "$build_dir" -DCMAKE_BUILD_TYPE=RelWithDebInfo \
	-DNETFLAP_LWIP_DIR="$tree" -DNETFLAP_SANITIZE="$sanitize" >"$build_dir/setup-configure.log" 2>&1 ||
	{ cat "$build_dir/setup-configure.log" >&2; die 3 "setup: cmake configure failed (log above)"; }
cmake --build "$build_dir" -j "$(nproc)" >"$build_dir/setup-build.log" 2>&1 ||
	{ tail -n 60 "$build_dir/setup-build.log" >&2; die 3 "setup: build failed (last lines above; full log $build_dir/setup-build.log)"; }
say "setup: built into $build_dir"
