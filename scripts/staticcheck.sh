#!/usr/bin/env bash
# Runs staticcheck, installing a pinned version from the Go module proxy on first use.
set -euo pipefail
version=0.8.2
bin=$(go env GOPATH)/bin/staticcheck
if ! [ -x "$bin" ] || ! "$bin" -version 2>/dev/null | grep -q "$version"; then
	GOFLAGS= go install "honnef.co/go/tools/cmd/staticcheck@v$version" >/dev/null
fi
"$bin" ./...
