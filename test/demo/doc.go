// Package demo runs `make demo` (scripts/demo.sh) as an end-to-end test:
// a 3-node coordinator cluster and five signer agents as separate
// processes, the demo supply chain signed through them, verification by
// Signet and by the in-toto reference, and the negative runs (a tampered
// package and a forged signature refused by both). The Vault variant
// (make demo-vault) runs too.
package demo
