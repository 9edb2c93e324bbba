// Package keys holds public keys in the securesystemslib / in-toto format,
// computes and checks their key ids, verifies signatures, wraps any
// crypto.Signer (in-memory key, HSM, PIV slot, KMS) as a Signer, and reads
// and writes every key file format the in-toto reference implementation
// (in-toto 1.3.1 with securesystemslib 0.26, and in-toto 2.x) uses.
//
// # Keys and key ids
//
// A Key is {keyid, keytype, scheme, keyid_hash_algorithms, keyval.public}.
// Public values are formatted as the reference formats them: ed25519 as 64
// hex characters, ecdsa as SPKI PEM with a trailing newline, rsa as SPKI
// PEM without one. The key id is the hex SHA-256 of the canonical JSON of
// the key without its keyid (ComputeKeyID). Two generations of the
// reference disagree on that preimage, so the same public key has two ids;
// Dialect names them:
//
//   - DialectLegacy (in-toto 1.x --key, --layout-keys, in-toto-keygen):
//     keyid_hash_algorithms ["sha256", "sha512"] is in the key and in the
//     preimage.
//   - DialectModern (securesystemslib >= 0.28, in-toto 2.x --signing-key,
//     --verification-keys): no keyid_hash_algorithms; rsa PEM values also
//     end with a newline.
//
// ComputeKeyID picks the preimage from the key itself (keyid_hash_algorithms
// present or not), so Key.Validate checks keys of either generation. The
// reference never checks key ids; Signet does wherever a key id comes with
// the key (Validate, JSON key files, NewSignerForKey) and reports
// ErrKeyIDMismatch. Key.Fingerprint (SHA-256 of the DER SPKI) is the same
// for both generations and every scheme: count thresholds with it.
//
// Layouts written by in-toto 1.3.1 carry keyval {"private": "", "public":
// ...}; KeyVal.PrivateEmpty keeps that marker so the layout's canonical
// bytes survive a round trip, and a non-empty "private" is refused.
//
// # Schemes
//
// ed25519 signs the whole message. ecdsa-sha2-nistp256/384/521 hash with
// SHA-256/384/512 and produce ASN.1 DER; the key must be on the scheme's
// curve. rsassa-pss-sha256 (and -sha224/384/512) sign with MGF1 over the
// same hash and a salt as long as the hash, and verify any salt length;
// rsa-pkcs1v15-sha* are supported too. RSA keys need at least 2048 bits.
// The older keytype spellings "ecdsa-sha2-nistp256"/"-nistp384" (written by
// securesystemslib before 0.16) are accepted when they name the scheme.
//
// # Signers
//
// NewSigner and NewSignerForKey wrap a crypto.Signer. Sign checks ctx
// before it asks the device, hashes as the scheme says, and verifies every
// signature with the public key before returning it (ErrSignatureCheck), so
// a faulty device or a mismatched key never produces metadata.
//
// # Key files
//
// ParsePrivateKey and ParsePublicKey recognise files by their contents:
// securesystemslib JSON keys, the securesystemslib encrypted format
// (PBKDF2-HMAC-SHA256 + AES-256-CTR + HMAC-SHA256), PEM RSA/EC keys with
// or without legacy OpenSSL encryption, PKCS#8 (plain and PBES2 encrypted)
// and SPKI. ParseOptions carries the passphrase, the reference's
// --key-type as a check, a scheme and the dialect for PEM keys. Files are
// limited to MaxKeyFileSize (ReadKeyFile enforces it while reading) and
// KDF iteration counts to MaxKDFIterations.
//
// GenerateKey and MarshalKeyFiles write key pairs: FormatSSLib byte for
// byte as in-toto-keygen 1.3.1 (with -p: legacy PEM AES-256-CBC for rsa,
// the securesystemslib encrypted format for ed25519 and ecdsa), FormatPKCS8
// as PKCS#8 (PBES2, PBKDF2-HMAC-SHA256, AES-256-CBC) plus SPKI. The package
// writes no files: callers must create private key files with mode 0600.
//
// Error messages name the file part that was wrong and never contain key
// material or passphrases.
//
// # Deviations from the reference
//
//   - Key ids are checked (the reference takes them on trust).
//   - A passphrase given for an unencrypted file is ignored (the reference
//     fails).
//   - ecdsa keys must be on the curve of their scheme (securesystemslib 0.26
//     verifies a P-384 key under ecdsa-sha2-nistp256 with SHA-256).
//   - A legacy ecdsa SPKI PEM file gets the newline-terminated value that
//     in-toto-keygen's JSON files carry (securesystemslib's
//     import_ecdsakey_from_public_pem strips it; in-toto 1.3.1 never reads
//     ecdsa PEM files).
//   - md5 and sha1 rsa schemes are refused.
package keys
