// Package fastverify checks many signatures by one public key faster
// than crypto/ed25519 and crypto/ecdsa check them one at a time.
//
// Ed25519.Verify checks a batch of ed25519 signatures with one
// multi-scalar multiplication: it accepts exactly what crypto/ed25519
// accepts (RFC 8032 cofactorless equation, canonical s and R), except
// that a signature whose R carries a deliberately planted small-order
// component can pass with probability at most 1/2. A random fault or a
// forgery passes with probability at most 2⁻¹²⁸. ADR 0011 records why that
// is the right trade for checking what a remote signer returns, and why
// the coordinator and verifiers still check one signature at a time.
//
// On a failed batch, Verify checks each signature with crypto/ed25519 to
// name the first bad one.
//
// P256.VerifyASN1 checks one ECDSA P-256 signature with a table of
// multiples of the public key built once, about twice as fast as
// crypto/ecdsa; its answer is exactly crypto/ecdsa's.
package fastverify
