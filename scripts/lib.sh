# Helpers shared by netflap's scripts; sourced, not run.
say() { printf '%s\n' "$*"; }
die() {
	local code=$1
	shift
	printf 'netflap: %s\n' "$*" >&2
	exit "$code"
}
