// Package interop holds end-to-end tests that run Signet's binaries side by
// side with the in-toto reference implementation (Debian's in-toto 1.3.1)
// and with in-toto-golang: metadata made by one must be accepted by the
// other, in both directions.
//
// The tests use the binaries in $SIGNET_BIN (make test sets it to ./bin
// after building) or build them into a temporary directory. They fail,
// not skip, when the reference is missing and $CI is set.
package interop
