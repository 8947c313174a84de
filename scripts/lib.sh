# Helpers shared by netflap's scripts; sourced, not run.
say() { printf '%s\n' "$*"; }
die() {
	local code=$1
	shift
	printf 'netflap: %s\n' "$*" >&2
	exit "$code"
}

# lwIP releases netflap fetches: version, the Debian suite whose source
# package carries it, and the sha256 of its pristine orig tarball.
nf_lwip_releases=(
	"2.1.3 bookworm 0a8276d09fc4e97bbba2f953d74af2388fc2195ea156be9d7589e297a68fde24"
	"2.2.1 trixie 83729c274c499d3348e9fbbe043a3113f3fa8953e7efddc7c21c7fcbb1f2b7b1"
)

# nf_lwip_suite VERSION: the Debian suite of a release above (empty if none)
nf_lwip_suite() {
	local r
	for r in "${nf_lwip_releases[@]}"; do
		[ "${r%% *}" = "$1" ] && { r=${r#* }; printf '%s\n' "${r%% *}"; return 0; }
	done
	return 0
}

# nf_apt_mirror [APT_ETC]: the Debian mirror this machine's own apt
# configuration uses (APT_ETC, default /etc/apt: sources.list and
# sources.list.d/*.list in one-line form, sources.list.d/*.sources in deb822
# form), as "URI SIGNED-BY" (SIGNED-BY a keyring path, or "-" for apt's
# default keyrings): the first enabled deb or deb-src entry with the main
# component whose suites are not only security ones. A proxy in apt.conf
# applies as it does for every apt-get. Exit 3 with a clear error when the
# machine has no such entry.
nf_apt_mirror() {
	local etc=${1:-/etc/apt} f
	local -a files=()
	[ -f "$etc/sources.list" ] && files+=("$etc/sources.list")
	for f in "$etc"/sources.list.d/*.list "$etc"/sources.list.d/*.sources; do
		[ -f "$f" ] && files+=("$f")
	done
	[ ${#files[@]} -gt 0 ] || die 3 "fetch: no apt sources in $etc (sources.list, sources.list.d/): netflap takes Debian's mirror from there"
	awk '
	function emit(uri, signed) { if (!done) { print uri, (signed == "" ? "-" : signed); done = 1 } }
	function good_suites(s,   n, a, i) { n = split(s, a, /[ \t]+/); for (i = 1; i <= n; i++) if (a[i] != "" && a[i] !~ /-security$/ && a[i] !~ /\/updates$/) return 1; return 0 }
	function has_main(c) { return (" " c " ") ~ /[ \t]main[ \t]/ }
	function flush() {
		if (typ ~ /(^|[ \t])deb(-src)?([ \t]|$)/ && uri != "" && enabled && good_suites(suites) && has_main(comps)) {
			split(uri, u, /[ \t]+/); emit(u[1], signed)
		}
		typ = uri = suites = comps = signed = ""; enabled = 1
	}
	FNR == 1 { if (deb822) flush(); deb822 = FILENAME ~ /\.sources$/; typ = uri = suites = comps = signed = ""; enabled = 1 }
	deb822 && /^[ \t]*$/ { flush(); next }
	deb822 && /^[ \t]*#/ { next }
	deb822 {
		k = tolower($1); sub(/:$/, "", k); v = $0; sub(/^[^:]*:[ \t]*/, "", v)
		if (k == "types") typ = v; else if (k == "uris") uri = v; else if (k == "suites") suites = v
		else if (k == "components") comps = v; else if (k == "signed-by" && v ~ /^\//) signed = v
		else if (k == "enabled" && tolower(v) == "no") enabled = 0
		next
	}
	/^[ \t]*(deb|deb-src)[ \t]/ {
		line = $0; sub(/#.*/, "", line); opts = ""; signed = ""
		if (match(line, /\[[^]]*\]/)) { opts = substr(line, RSTART + 1, RLENGTH - 2); line = substr(line, 1, RSTART - 1) substr(line, RSTART + RLENGTH) }
		n = split(line, w, /[ \t]+/); k = (w[1] == "" ? 2 : 1)
		if (match(opts, /signed-by=[^ \t]+/)) signed = substr(opts, RSTART + 10, RLENGTH - 10)
		if (signed !~ /^\//) signed = ""
		comps = ""; for (i = k + 3; i <= n; i++) comps = comps " " w[i]
		if (n >= k + 3 && good_suites(w[k + 2]) && has_main(comps)) emit(w[k + 1], signed)
	}
	END { if (deb822) flush() }' "${files[@]}" | head -n 1 | grep . ||
		die 3 "fetch: no Debian mirror with the main component in $etc's apt sources: add a deb or deb-src line for your Debian mirror with the main component, or install lwIP's tree by hand with scripts/add-stack.sh --lwip DIR"
}

# nf_apt_source CACHE SUITE PKG ORIG: downloads Debian SUITE's source
# package PKG into CACHE unless its ORIG tarball is there already, from the
# mirror the machine's apt configuration names (nf_apt_mirror). apt reads a
# sources list private to CACHE/apt-SUITE, so the machine's own apt
# configuration and the release its packages come from stay as they are.
nf_apt_source() {
	local cache=$1 suite=$2 pkg=$3 orig=$4
	[ -f "$cache/$orig" ] && return 0
	local apt="$cache/apt-$suite"
	local -a opts=(-o "Dir::Etc::SourceList=$apt/sources.list" -o "Dir::Etc::SourceParts=$apt/none"
		-o "Dir::State::Lists=$apt/lists" -o "Dir::Cache=$apt/cache" -o Debug::NoLocking=1
		-o APT::Sandbox::User=root)
	local mirror uri signed
	mirror=$(nf_apt_mirror "${NETFLAP_APT_ETC:-/etc/apt}") || exit 3
	read -r uri signed <<<"$mirror"
	[ "$signed" != - ] || signed=/usr/share/keyrings/debian-archive-keyring.gpg
	mkdir -p "$apt/lists/partial" "$apt/cache/archives/partial" "$apt/none"
	echo "deb-src [signed-by=$signed] $uri $suite main" >"$apt/sources.list"
	say "fetch: Debian's $pkg source package ($suite)" >&2
	apt-get "${opts[@]}" update -qq >"$apt/update.log" 2>&1 ||
		die 3 "fetch: apt-get update for Debian $suite sources failed (see $apt/update.log)"
	(cd "$cache" && apt-get "${opts[@]}" source --download-only -qq "$pkg" >"$apt/source-$pkg.log" 2>&1) ||
		die 3 "fetch: apt-get source $pkg ($suite) failed (see $apt/source-$pkg.log)"
	[ -f "$cache/$orig" ] || die 3 "fetch: Debian $suite's $pkg source package has no $orig"
}

# nf_check_sha CACHE ORIG SHA: the tarball is the one netflap was made with
nf_check_sha() {
	echo "$3  $1/$2" | sha256sum -c --quiet - ||
		die 3 "fetch: $1/$2 does not match sha256 $3; remove it and run again"
}

# nf_unpack CACHE ORIG TREE TOP [FILTER...]: ORIG's folder TOP into TREE
# (replacing it) through a scratch folder, FILTER run inside the scratch
# copy first; TREE/.netflap-ok marks it whole
nf_unpack() {
	local cache=$1 orig=$2 tree=$3 top=$4 tmp
	shift 4
	tmp=$(mktemp -d "$cache/unpack.XXXXXX")
	tar -C "$tmp" -xf "$cache/$orig"
	[ $# -eq 0 ] || (cd "$tmp" && "$@")
	[ -d "$tmp/$top" ] || { rm -rf "$tmp"; die 3 "fetch: $orig has no folder $top"; }
	rm -rf "$tree"
	mv "$tmp/$top" "$tree"
	rm -rf "$tmp"
	touch "$tree/.netflap-ok"
}

# the 2.1.3 orig tarball has CRLF sources: LF once, here
nf_lf_sources() {
	find . -type f \( -name '*.[ch]' -o -name '*.cmake' -o -name '*.mk' -o -name '*.txt' -o -name 'Makefile*' \) \
		-exec sed -i 's/\r$//' {} +
}

# nf_fetch_lwip CACHE VERSION: unpacks Debian's pristine lwIP VERSION into
# CACHE/lwip-VERSION (once; prints the tree's path). The orig tarball only
# (Debian's patches make the socket table unlimited and turn stats off),
# checked by sha256; CRLF sources become LF once, here.
nf_fetch_lwip() {
	local cache=$1 version=$2 suite sha="" r
	suite=$(nf_lwip_suite "$version")
	for r in "${nf_lwip_releases[@]}"; do
		[ "${r%% *}" = "$version" ] && sha=${r##* }
	done
	[ -n "$suite" ] || die 2 "lwIP $version: netflap fetches ${nf_lwip_releases[*]%% *}; give a tree with --lwip DIR"
	local tree="$cache/lwip-$version" orig="lwip_${version}+dfsg1.orig.tar.xz"
	if [ ! -f "$tree/.netflap-ok" ]; then
		mkdir -p "$cache"
		nf_apt_source "$cache" "$suite" lwip "$orig"
		nf_check_sha "$cache" "$orig" "$sha"
		nf_unpack "$cache" "$orig" "$tree" "lwip-$version" nf_lf_sources
		say "fetch: lwIP $version ready in $tree" >&2
	fi
	printf '%s\n' "$tree"
}

# mbedTLS for the device's TLS: Debian 12's source package (2.28.3-1 carries
# no Debian patch), built by netflap with MBEDTLS_PLATFORM_MEMORY, which
# Debian's binary libmbedcrypto lacks (tls-port/README.md).
nf_mbedtls_release="2.28.3 bookworm 3b4953aa55a681e084d31892d9904cc5328d6b4958ea57b90ae4b4f94ae69a8d"

# nf_fetch_mbedtls CACHE: unpacks it into CACHE/mbedtls-VERSION (once;
# prints the tree's path)
nf_fetch_mbedtls() {
	local cache=$1 version suite sha
	read -r version suite sha <<<"$nf_mbedtls_release"
	local tree="$cache/mbedtls-$version" orig="mbedtls_${version}.orig.tar.gz"
	if [ ! -f "$tree/.netflap-ok" ]; then
		mkdir -p "$cache"
		nf_apt_source "$cache" "$suite" mbedtls "$orig"
		nf_check_sha "$cache" "$orig" "$sha"
		# the tarball's one folder is named after a git tag, not the version
		local top
		top=$(tar -tzf "$cache/$orig" | awk -F/ 'NR == 1 {print $1}') # reads all: no SIGPIPE
		nf_unpack "$cache" "$orig" "$tree" "$top"
		[ -f "$tree/library/net_sockets.c" ] || die 3 "fetch: $orig has no library/net_sockets.c"
		say "fetch: mbedTLS $version ready in $tree" >&2
	fi
	printf '%s\n' "$tree"
}

# nf_bench_figures RUN_DIR -> "cps down_med down_p99 up_med up_p99" over the engine's own time
# (device-cycles per second for a fleet)
nf_bench_figures() {
	awk -F, 'NR == 1 {for (i = 1; i <= NF; i++) c[$i] = i; next}
		{n++; d[n] = $c["down_ms"]; u[n] = $c["up_ms"]
		 e = $c["t_start_ms"] + $c["down_ms"] + $c["up_ms"]; if (e > end) end = e}
		function pct(a, p,   k, i, j, t) {
			for (i = 1; i <= n; i++) s[i] = a[i]
			for (i = 2; i <= n; i++) { t = s[i]; for (j = i - 1; j > 0 && s[j] > t; j--) s[j + 1] = s[j]; s[j + 1] = t }
			k = int(p * (n - 1) + 0.5) + 1; return s[k] }
		END {printf "%.1f %d %d %d %d", n * 1000 / end, pct(d, 0.5), pct(d, 0.99), pct(u, 0.5), pct(u, 0.99)}' "$1/cycles.csv"
}

# nf_csv_median COLUMN CSV -> the median of a cycles.csv column's values ("-" if none)
nf_csv_median() {
	awk -F, -v name="$1" 'NR == 1 {for (i = 1; i <= NF; i++) if ($i == name) c = i; next}
		$c != "" {print $c}' "$2" | sort -n | awk '{a[NR] = $1} END {print NR ? a[int((NR + 1) / 2)] : "-"}'
}
