#!/usr/bin/env bash
# make vaultdev: builds bin/vaultdev, the throw-away HashiCorp Vault test server that
# keystore/vault's tests start (softhsm-test/vaultdev, a nested Go module pinned to
# vault v1.21.2 + sdk v0.20.0; BUSL-1.1, test-only, never linked into Signet).
# Rebuilds only when the binary is missing or older than the module's sources.
# A cold build takes several minutes and ~3 GB of memory; a warm one ~15 s.
set -euo pipefail
cd "$(dirname "$0")/.."
src=softhsm-test/vaultdev
out=bin/vaultdev
if [ -x "$out" ] && [ -z "$(find "$src" -maxdepth 1 -type f \( -name '*.go' -o -name 'go.mod' -o -name 'go.sum' \) -newer "$out")" ]; then
	exit 0
fi
mkdir -p bin
echo "vaultdev: building $out (first build takes several minutes)" >&2
# GOWORK=off: the module must never join a workspace (sdk would be bumped and break).
# No -trimpath: it would defeat the shared build cache.
(cd "$src" && GOWORK=off go build -mod=readonly -o ../../"$out" .)
