# Sourced by bench/run.sh and bench/watch_bench.sh: each owns one marked
# section of BENCHMARKS.md and rewrites only that, so one benchmark's run
# keeps the other's results.

# md_replace_section FILE NAME CONTENT_FILE: puts CONTENT_FILE between the
# lines "<!-- NAME:begin -->" and "<!-- NAME:end -->" of FILE, keeping
# everything outside them; appends the marked section when FILE lacks the
# markers, and creates FILE (with a "# Benchmarks" title) when it is missing.
md_replace_section() {
	local file=$1 name=$2 content=$3
	local begin="<!-- $name:begin -->" end="<!-- $name:end -->" tmp
	tmp=$(mktemp "$file.XXXXXX")
	if [ -f "$file" ] && grep -qxF -- "$begin" "$file" && grep -qxF -- "$end" "$file"; then
		awk -v b="$begin" -v e="$end" -v f="$content" '
			$0 == b { print; while ((getline l < f) > 0) print l; close(f); skip = 1; next }
			$0 == e { skip = 0 }
			!skip { print }' "$file" >"$tmp"
	else
		{
			if [ -s "$file" ]; then
				cat "$file"
				echo
			else
				printf '# Benchmarks\n\n'
			fi
			echo "$begin"
			cat "$content"
			echo "$end"
		} >"$tmp"
	fi
	# cat, not mv: the file keeps its mode (mktemp's is 0600)
	cat "$tmp" >"$file"
	rm -f "$tmp"
}
