#!/usr/bin/env bash
# scripts/lib.sh's nf_apt_mirror: the Debian mirror set-up fetches lwIP and
# mbedTLS from is the one this machine's apt configuration names, never a
# fixed address: deb822 and one-line forms, signing options kept, disabled
# and security-only entries skipped, a clear error (exit 3) when none.
set -uo pipefail
here=$(cd "$(dirname "$0")/../.." && pwd)
. "$here/scripts/lib.sh"
etc=$(mktemp -d "${TMPDIR:-/tmp}/nf-apt.XXXXXX")
trap 'rm -rf "$etc"' EXIT
mkdir -p "$etc/sources.list.d"
fail() { echo "FAIL: $*" >&2; exit 1; }
want() { # what nf_apt_mirror should print for the files in $etc
	local got
	got=$(nf_apt_mirror "$etc") || fail "$1: exit $?"
	[ "$got" = "$2" ] || fail "$1: got '$got', want '$2'"
}

# deb822, the company mirror first after a disabled entry and a security one
cat >"$etc/sources.list.d/a.sources" <<'S'
Types: deb
URIs: http://old.example/debian
Suites: bookworm
Components: main
Enabled: no

Types: deb
URIs: http://sec.example/debian-security
Suites: bookworm-security
Components: main

# the mirror
Types: deb deb-src
URIs: http://mirror.example/debian
Suites: bookworm bookworm-updates
Components: main contrib
Signed-By: /etc/keys/company.gpg
S
want deb822 "http://mirror.example/debian /etc/keys/company.gpg"
rm "$etc/sources.list.d/a.sources"

# one-line, with options; no signed-by: apt's default keyring ("-")
echo "deb [arch=amd64 signed-by=/k/debian.gpg] http://one.example/debian bookworm main" >"$etc/sources.list"
want one-line "http://one.example/debian /k/debian.gpg"
echo "deb http://plain.example/debian bookworm main non-free" >"$etc/sources.list"
want unsigned "http://plain.example/debian -"

# contrib only, or nothing: exit 3 naming the folder
echo "deb http://c.example/debian bookworm contrib" >"$etc/sources.list"
err=$(nf_apt_mirror "$etc" 2>&1 >/dev/null)
rc=$?
[ $rc = 3 ] || fail "no main: exit $rc, want 3"
grep -q "$etc" <<<"$err" || fail "the error does not name $etc: $err"
echo "PASS: apt mirror from deb822 and one-line sources"
