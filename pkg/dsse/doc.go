// Package dsse implements the Dead Simple Signing Envelope (DSSE v1.0,
// github.com/secure-systems-lab/dsse), the envelope in-toto attestations and
// newer in-toto links and layouts are signed in.
//
// An envelope carries a typed payload and any number of signatures:
//
//	{"payloadType": "application/vnd.in-toto+json",
//	 "payload": "<base64 of the payload bytes>",
//	 "signatures": [{"keyid": "<key id>", "sig": "<base64 signature>"}]}
//
// Each signature is over PAE(payloadType, payload), the pre-authentication
// encoding
//
//	"DSSEv1" SP LEN(type) SP type SP LEN(body) SP body
//
// with lengths as ASCII decimal byte counts. The payload is signed as it
// is: nothing is canonicalised, so the bytes a verifier checks are exactly
// the bytes a consumer then parses.
//
// Signing goes through keys.Signer, so HSM, PIV and KMS keys work the same
// as files. Verify counts distinct public keys (the SHA-256 fingerprint of
// the SubjectPublicKeyInfo), never key ids or signatures, so one key
// listed twice under two ids counts once. The key id in a signature is
// only a hint to skip keys that cannot match.
//
// Decode is strict where the specification is lenient: unknown fields are
// refused unless DecodeOptions.AllowUnknownFields is set (the DSSE spec says
// consumers MUST ignore them; Signet refuses by default so that what is
// displayed is all that was sent), and input is bounded by MaxEnvelopeSize.
package dsse
