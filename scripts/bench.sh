#!/usr/bin/env bash
# make bench: Go micro-benchmarks, then the side-by-side recording benchmark
# (Signet vs the in-toto reference vs openssl) with ratios.
set -euo pipefail
cd "$(dirname "$0")/.."
echo "== Go benchmarks"
go test -run='^$' -bench=. -benchmem -count=1 ./pkg/... | grep -E '^(Benchmark|ok|PASS|FAIL)' || true
echo
echo "== Side-by-side recording benchmark"
go run ./scripts/benchrun -bin ./bin "$@"
