// Package verifycorpus is the verification corpus of issue 3: about fifty
// self-contained scenarios, each a directory under testdata/ holding a
// layout, its links, the public keys and the final product, all made by the
// in-toto reference implementation 1.3.1 (Debian's in-toto) through the
// generator in gen/ (go run ./test/verifycorpus/gen).
//
// Every scenario carries a case.json (see Case): the in-toto-verify
// arguments, the exit code the reference gives, the exit code Signet must
// give (the same, except where Signet is documented to be stricter or to
// know more flags) and why. The tests copy each scenario to a temporary
// directory, run the reference's /usr/bin/in-toto-verify and Signet's
// $SIGNET_BIN/in-toto-verify there with the same arguments, and compare
// both exit codes with the expected ones. Both programs are required under
// $CI; elsewhere a missing one skips its half of the comparison.
//
// The package holds only the case format and its tests; it is imported by
// the generator and by nothing else.
package verifycorpus
