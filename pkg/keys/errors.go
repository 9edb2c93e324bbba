package keys

import "errors"

// Errors returned by this package. Callers test them with errors.Is; the
// wrapping message says which field or file part was wrong. No error ever
// contains private key material or a passphrase.
var (
	// ErrUnsupportedKey means the key's type, size or curve is not one
	// Signet supports (rsa >= 2048 bits, ecdsa P-256/P-384/P-521, ed25519),
	// or a key file uses an encryption Signet cannot read.
	ErrUnsupportedKey = errors.New("unsupported key")
	// ErrUnsupportedScheme means the signature scheme is unknown or does
	// not fit the key (for example ecdsa-sha2-nistp384 on a P-256 key).
	ErrUnsupportedScheme = errors.New("unsupported signature scheme")
	// ErrMalformedKey means a key or key file could not be decoded.
	ErrMalformedKey = errors.New("malformed key")
	// ErrKeyIDMismatch means a key id is not the hash of the key it names.
	ErrKeyIDMismatch = errors.New("key id does not match the key")
	// ErrKeyTypeMismatch means a key is not of the type the caller asked
	// for (the reference's --key-type).
	ErrKeyTypeMismatch = errors.New("key is not of the expected type")
	// ErrKeyMismatch means a public key does not belong to the private key
	// it was paired with.
	ErrKeyMismatch = errors.New("public key does not match the private key")
	// ErrBadSignature means a signature does not verify.
	ErrBadSignature = errors.New("signature verification failed")
	// ErrSignatureCheck means a signature a Signer just produced did not
	// verify with its own public key (a faulty device, or the wrong key).
	ErrSignatureCheck = errors.New("new signature does not verify with the signer's public key")
	// ErrPassphraseRequired means the key file is encrypted and no
	// passphrase was given.
	ErrPassphraseRequired = errors.New("key file is encrypted: a passphrase is required")
	// ErrWrongPassphrase means decryption failed: the passphrase is wrong
	// or the file is damaged.
	ErrWrongPassphrase = errors.New("wrong passphrase (or damaged key file)")
	// ErrFileTooLarge means a key file exceeds MaxKeyFileSize.
	ErrFileTooLarge = errors.New("key file is too large")
)
