package keys

import (
	"context"
	"crypto"
)

// Key types (securesystemslib "keytype") and signature schemes Signet
// understands.
const (
	KeyTypeED25519 = "ed25519"
	KeyTypeECDSA   = "ecdsa"
	KeyTypeRSA     = "rsa"

	SchemeED25519         = "ed25519"
	SchemeECDSAP256       = "ecdsa-sha2-nistp256"
	SchemeECDSAP384       = "ecdsa-sha2-nistp384"
	SchemeRSASSAPSSSHA256 = "rsassa-pss-sha256"

	// Further schemes the reference verifies (securesystemslib 0.26 and
	// later); accepted for verification and usable for signing.
	SchemeECDSAP521         = "ecdsa-sha2-nistp521"
	SchemeRSASSAPSSSHA224   = "rsassa-pss-sha224"
	SchemeRSASSAPSSSHA384   = "rsassa-pss-sha384"
	SchemeRSASSAPSSSHA512   = "rsassa-pss-sha512"
	SchemeRSAPKCS1v15SHA224 = "rsa-pkcs1v15-sha224"
	SchemeRSAPKCS1v15SHA256 = "rsa-pkcs1v15-sha256"
	SchemeRSAPKCS1v15SHA384 = "rsa-pkcs1v15-sha384"
	SchemeRSAPKCS1v15SHA512 = "rsa-pkcs1v15-sha512"
)

// Key is a public key in the securesystemslib / in-toto metadata format,
// as it appears in a layout's "keys" and in public key files.
//
// The key id is a function of the other fields (see ComputeKeyID); a Key
// read from a file keeps the KeyID it was given so that a mismatch can be
// reported rather than silently repaired.
type Key struct {
	KeyID               string   `json:"keyid"`
	KeyType             string   `json:"keytype"`
	Scheme              string   `json:"scheme"`
	KeyIDHashAlgorithms []string `json:"keyid_hash_algorithms,omitempty"`
	KeyVal              KeyVal   `json:"keyval"`
}

// KeyVal holds the public part of a key. Private material never lives in
// a Key: private keys are reached only through a Signer.
//
// PrivateEmpty records that the JSON carried "private": "" next to the
// public value. in-toto 1.x writes keys into layouts that way, and the
// layout signature covers those bytes, so the field must survive a
// decode/encode round trip. It never holds key material: decoding a
// non-empty "private" is an error (see KeyVal.UnmarshalJSON).
type KeyVal struct {
	Public       string `json:"public"`
	PrivateEmpty bool   `json:"-"`
}

// Signer signs whole messages (DSSE PAE bytes or canonical JSON) with one
// key. Implementations wrap a crypto.Signer — an in-memory key, an HSM
// object, a PIV slot or a Vault transit key — so no caller ever holds a
// private key type. Sign must be safe for concurrent use.
type Signer interface {
	// Key returns the public key, with its key id and scheme.
	Key() Key
	// Public returns the crypto public key (ed25519.PublicKey,
	// *ecdsa.PublicKey or *rsa.PublicKey).
	Public() crypto.PublicKey
	// Sign returns the raw signature over msg according to the key's
	// scheme (ed25519: 64 bytes; ecdsa: ASN.1 DER; rsa: PSS bytes).
	Sign(ctx context.Context, msg []byte) ([]byte, error)
}

// SelfVerifying is an optional ability of a Signer: a signer that reports
// true has already verified every signature it returns against its own
// public key (as every Signer from NewSigner does), so callers need not
// verify it again. Callers must verify signatures from signers without it.
type SelfVerifying interface {
	VerifiesSignatures() bool
}

// MustVerify reports whether a caller has to verify a signature s just
// made itself.
func MustVerify(s Signer) bool {
	v, ok := s.(SelfVerifying)
	return !ok || !v.VerifiesSignatures()
}
