// Command gen regenerates the verification corpus in
// test/verifycorpus/testdata from the in-toto reference implementation
// 1.3.1 (Debian's in-toto package, with /usr/bin/python3):
//
//	go run ./test/verifycorpus/gen            # every scenario
//	go run ./test/verifycorpus/gen -run 'rule-'  # only matching ones
//
// Run it from the module root. It makes throw-away keys with
// in-toto-keygen (private halves stay in a temporary directory) and two
// passphrase-less OpenPGP keys with gpg, records links with in-toto-run,
// in-toto-record and in-toto-mock + in-toto-sign, builds layouts with the
// reference's own Python model (reflib.py) and signs them with
// in-toto-sign. Metadata that the reference's model refuses to build
// (malformed layouts, fields the signature does not cover) is written and
// signed by reflib.py directly.
//
// Each recipe (scenarios.go and the scen_*.go files) declares the verdict
// it expects; after building a scenario the generator runs the reference's
// in-toto-verify on a copy of it, exactly as the tests do, and refuses to
// write the corpus when the reference disagrees. Keys and signatures are
// random, so regenerating changes bytes but never verdicts.
package main
