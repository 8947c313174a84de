#!/usr/bin/env bash
# Writes a man page from its template: @COMMANDS@ and @KEYS@ are what the
# built netflap prints from its own tables (so the pages cannot drift),
# @VERSION@ and @DATE@ the build's.
# Usage: scripts/man.sh NETFLAP TEMPLATE OUT VERSION
set -euo pipefail
nf=$1 in=$2 out=$3 version=$4
tmp=$out.tmp
day=$(date -u ${SOURCE_DATE_EPOCH:+-d "@$SOURCE_DATE_EPOCH"} +%F)
{
	while IFS= read -r line; do
		case $line in
		@COMMANDS@) "$nf" --man-commands ;;
		@KEYS@) "$nf" keys --man ;;
		*) line=${line//@VERSION@/$version}
		   printf '%s\n' "${line//@DATE@/$day}" ;;
		esac
	done <"$in"
} >"$tmp"
mv "$tmp" "$out"
