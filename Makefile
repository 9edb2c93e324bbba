# Signet build, test, demo and benchmarks. See README.md.
SHELL := /bin/bash
GO ?= go
BIN := $(CURDIR)/bin
TOOLS := signet in-toto-run in-toto-record in-toto-mock in-toto-sign in-toto-keygen
GOTESTFLAGS ?= -race -timeout 20m

.PHONY: all build test test-deps unit lint fmt vet staticcheck fuzz bench demo demo-vault clean

all: build

build:
	@mkdir -p $(BIN)
	$(GO) build -o $(BIN)/ ./cmd/... ./scripts/hsminit

# Installs what the tests need (Debian packages), then runs every test.
test: test-deps build vaultdev lint
	CI=$${CI:-} SIGNET_BIN=$(BIN) $(GO) test $(GOTESTFLAGS) ./...

test-deps:
	@scripts/install-test-deps.sh

unit:
	$(GO) test $(GOTESTFLAGS) ./...

lint: fmt vet staticcheck

fmt:
	@out=$$(gofmt -l $$(git ls-files '*.go' 2>/dev/null || find . -name '*.go')); \
	if [ -n "$$out" ]; then echo "gofmt needed on:"; echo "$$out"; exit 1; fi

vet:
	$(GO) vet ./...

staticcheck:
	@scripts/staticcheck.sh

# Short coverage-guided runs of every fuzz target (FUZZTIME each).
FUZZTIME ?= 10s
fuzz:
	@scripts/fuzz.sh $(FUZZTIME)

bench: test-deps build vaultdev
	@scripts/bench.sh

# The main job: a 3-node coordinator cluster, five signer agents and the demo
# supply chain, ending in two passing verifications (scripts/demo.sh).
demo: test-deps build
	@scripts/demo.sh

# The same with one owner key in Vault transit on the local test Vault
# (bin/vaultdev, built on first use: several minutes the first time).
demo-vault: test-deps build vaultdev
	@DEMO_VAULT=1 scripts/demo.sh

clean:
	rm -rf $(BIN)

# Builds bin/vaultdev, the throw-away Vault test server keystore/vault's tests start
# (softhsm-test/vaultdev, its own Go module; only rebuilt when missing or stale).
.PHONY: vaultdev
vaultdev:
	@scripts/vaultdev.sh
