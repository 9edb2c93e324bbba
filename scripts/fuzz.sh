#!/usr/bin/env bash
# Runs every Fuzz target in the module for a short time each: scripts/fuzz.sh 10s
# A run that fails only with the fuzzing coordinator's own "context deadline
# exceeded" at the end of -fuzztime (go.dev/issue/75804, fixed in Go 1.27; Go 1.26
# still has it: no failing input is written) is run once more; real failures (a
# "Failing input" written to testdata/fuzz) fail the script after every target.
set -uo pipefail
t=${1:-10s}
failed=()
run() {
	go test -run='^$' -fuzz="^$2\$" -fuzztime="$t" -fuzzminimizetime=10x "$1" 2>&1
}
for pkg in $(go list ./...); do
	dir=$(go list -f '{{.Dir}}' "$pkg")
	for f in $(grep -ho '^func Fuzz[A-Za-z0-9_]*' "$dir"/*_test.go 2>/dev/null | sed 's/func //'); do
		echo "== $pkg $f"
		if out=$(run "$pkg" "$f"); then
			echo "$out" | tail -1
			continue
		fi
		if grep -q 'context deadline exceeded' <<<"$out" && ! grep -q 'Failing input' <<<"$out"; then
			echo "(the fuzzing engine timed out, not the target: running it again)"
			if out=$(run "$pkg" "$f"); then
				echo "$out" | tail -1
				continue
			fi
		fi
		echo "$out"
		failed+=("$pkg $f")
	done
done
if [ ${#failed[@]} -gt 0 ]; then
	printf 'FAILED: %s\n' "${failed[@]}"
	exit 1
fi
echo "all fuzz targets passed"
