// Package gpg signs with GnuPG the way the in-toto reference
// implementation (securesystemslib's gpg module) does, parses the OpenPGP
// packets gpg writes, and verifies the reference's GPG signatures.
//
// # Signing
//
// Sign runs the gpg binary, never through a shell:
//
//	gpg2 --detach-sign --digest-algo SHA256 [--local-user KEYID] [--homedir DIR]
//
// with the content on stdin, and reads one binary OpenPGP signature packet
// from stdout (RFC 4880 §5.2, version 4). From it comes a Signature with
// exactly the fields securesystemslib's create_signature returns and
// in-toto writes into a metablock:
//
//	{"keyid": <full fingerprint of the signing (sub)key, lowercase hex>,
//	 "other_headers": <hex of the hashed part of the packet: version,
//	                   type, algorithms, hashed subpackets>,
//	 "signature": <hex of the algorithm-specific signature>}
//
// The fingerprint comes from the packet's Issuer Fingerprint subpacket
// (gpg 2.1 and later); for older gpg the public key is exported (gpg
// --export) and the fingerprint computed from it, as the reference does.
// The program is gpg2, else gpg, looked up in PATH, unless
// Options.Program names one. Every run has a timeout and bounded output.
// When gpg fails, CheckSecretKey (gpg --list-secret-keys) tells a missing
// key (ErrKeyNotFound) from other failures; callers may also run it
// before any long work, to fail early.
//
// # Verifying
//
// Export runs gpg --export and ParsePublicKey reads the key it writes: the
// primary key (RSA, EdDSA/ed25519 or DSA), its expiry from the newest
// valid self-certification, and the subkeys a valid binding signature
// ties to it. PublicKey.Verify checks a Signature over content as the
// reference does: SHA-256 over content, other_headers and the v4 trailer
// (0x04 0xff, four-octet length of other_headers), then PKCS#1 v1.5 for
// RSA or Ed25519 over the digest. DSA keys are parsed but cannot be
// verified (ErrUnsupported).
//
// # Differences from the reference
//
//   - Self-certifications and binding signatures are hashed as RFC 4880
//     §5.2.4 says (0x99 and a two-octet length before each key). The
//     reference hashes the key packet as exported, which differs when gpg
//     writes a one-octet length (ed25519 keys), so it never sees the
//     expiry of an ed25519 key nor its subkeys.
//   - The expiry is taken from the newest valid self-certification (a
//     primary user id preferred) even when it has no expiry subpacket,
//     which means "never"; the reference keeps the newest expiry it
//     finds, so a key whose expiry was removed stays expired for it.
//   - Revoked keys and subkeys (a valid revocation signature) are
//     refused; the reference ignores revocations.
//   - The parser refuses what the reference silently skips over: trailing
//     bytes in a packet, an Issuer Fingerprint that is not a v4 one.
//
// The package keeps no state: every call gets its options.
package gpg
