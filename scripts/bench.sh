#!/usr/bin/env bash
# make bench: Go micro-benchmarks, then the side-by-side benchmarks of
# Signet's drop-ins and the in-toto reference (verification of a
# 10,000-artifact layout and of the demo supply chain; recording against
# openssl) with ratios.
set -euo pipefail
cd "$(dirname "$0")/.."
echo "== Go benchmarks"
go test -run='^$' -bench=. -benchmem -count=1 ./pkg/... | grep -E '^(Benchmark|ok|PASS|FAIL)' || true
echo
echo "== Key stores: Signet's signers next to the raw key (file: the standard library; SoftHSM2 via crypto11/miekg; Vault's HTTP API)"
echo "   (the *Alternating benchmarks run both sides in turns and report overhead-% and batch-speedup-x)"
SIGNET_BIN=$PWD/bin go test -run='^$' -bench=. -benchtime=2s -count=1 ./keystore/file ./keystore/pkcs11 ./keystore/vault | grep -E '^(Benchmark|ok|FAIL)' || true
echo
echo "== Coordinator: raft snapshot start on a state of 10,000 requests (applies wait for it)"
go test -run='^$' -bench=Snapshot -benchmem -benchtime=20x -count=1 ./coordinator/internal/fsm | grep -E '^(Benchmark|ok|FAIL)' || true
echo
echo "== Signer agents: create-to-release at 50 requests/s and signatures/s with 300 pending, next to the raw key store (file key, SoftHSM)"
go test -run='^$' -bench='Agent|RawSign' -benchtime=300x -count=1 ./signer-agent | grep -E '^(Benchmark|ok|FAIL)' || true
echo
echo "== The demo supply chain, kept for the verification benchmark"
demo=$(DEMO_KEEP=1 scripts/demo.sh | sed -n 's/^kept //p')
trap 'rm -rf "$demo"' EXIT
echo
echo "== Side-by-side benchmarks"
go run ./scripts/benchrun -bin ./bin -demo "$demo/final_product" "$@"
echo
echo "== Replicated writes: Signet coordinator vs the etcd anchor (3 processes each, fsync on)"
go run ./scripts/clusterbench -duration 5s -signet ./bin/signet
