package keys

import (
	"bytes"
	"crypto"
	"crypto/ecdsa"
	"crypto/ed25519"
	"crypto/rsa"
	"crypto/sha256"
	"crypto/x509"
	"encoding/hex"
	"encoding/pem"
	"errors"
	"fmt"
	"strings"

	"github.com/signet-dev/signet/pkg/internal/fastverify"
)

// MinRSABits is the smallest RSA modulus Signet accepts, as the reference
// (securesystemslib RSAKEYBITS_SCHEMA).
const MinRSABits = 2048

// KeyOptions shapes a Key built from a crypto public key.
type KeyOptions struct {
	// Scheme is the signature scheme; "" picks the default for the key:
	// ed25519, ecdsa-sha2-nistp256/384/521 by curve, rsassa-pss-sha256.
	Scheme string
	// Dialect selects the key id preimage and PEM layout (default legacy,
	// which is what in-toto 1.3.1 computes).
	Dialect Dialect
}

// NewKey builds the legacy-dialect Key (what in-toto 1.3.1 computes) for
// an ed25519.PublicKey, *ecdsa.PublicKey or *rsa.PublicKey, with its key
// id. scheme "" picks the default for the key.
func NewKey(pub crypto.PublicKey, scheme string) (Key, error) {
	return NewKeyWithOptions(pub, KeyOptions{Scheme: scheme})
}

// NewKeyWithOptions builds a Key for pub as described by opts.
//
// Public values are formatted as the reference formats them: ed25519 as 64
// lowercase hex characters; ecdsa as SPKI PEM with a trailing newline; rsa
// as SPKI PEM without the trailing newline (legacy) or with it (modern).
func NewKeyWithOptions(pub crypto.PublicKey, opts KeyOptions) (Key, error) {
	k, defScheme, err := keyShape(pub, opts.Dialect)
	if err != nil {
		return Key{}, err
	}
	k.Scheme = opts.Scheme
	if k.Scheme == "" {
		k.Scheme = defScheme
	}
	if opts.Dialect == DialectLegacy {
		k.KeyIDHashAlgorithms = LegacyKeyIDHashAlgorithms()
	}
	if _, err := k.PublicKey(); err != nil {
		return Key{}, err
	}
	if k.KeyID, err = ComputeKeyID(k); err != nil {
		return Key{}, err
	}
	return k, nil
}

// keyShape returns keytype and public value for pub, and its default scheme.
func keyShape(pub crypto.PublicKey, d Dialect) (Key, string, error) {
	if p, ok := pub.(*ed25519.PublicKey); ok && p != nil {
		pub = *p
	}
	switch p := pub.(type) {
	case ed25519.PublicKey:
		if len(p) != ed25519.PublicKeySize {
			return Key{}, "", fmt.Errorf("%w: ed25519 public key has %d bytes, want 32", ErrMalformedKey, len(p))
		}
		return Key{KeyType: KeyTypeED25519, KeyVal: KeyVal{Public: hex.EncodeToString(p)}}, SchemeED25519, nil
	case *ecdsa.PublicKey:
		s, err := defaultECDSAScheme(p)
		if err != nil {
			return Key{}, "", err
		}
		v, err := spkiPEM(p, true)
		return Key{KeyType: KeyTypeECDSA, KeyVal: KeyVal{Public: v}}, s, err
	case *rsa.PublicKey:
		v, err := spkiPEM(p, d == DialectModern)
		return Key{KeyType: KeyTypeRSA, KeyVal: KeyVal{Public: v}}, SchemeRSASSAPSSSHA256, err
	}
	return Key{}, "", fmt.Errorf("%w: %T (supported: ed25519, ecdsa, rsa)", ErrUnsupportedKey, pub)
}

func defaultECDSAScheme(p *ecdsa.PublicKey) (string, error) {
	if p == nil || p.Curve == nil {
		return "", fmt.Errorf("%w: nil ecdsa public key", ErrMalformedKey)
	}
	switch p.Curve.Params().Name {
	case "P-256":
		return SchemeECDSAP256, nil
	case "P-384":
		return SchemeECDSAP384, nil
	case "P-521":
		return SchemeECDSAP521, nil
	}
	return "", fmt.Errorf("%w: ecdsa curve %s (supported: P-256, P-384, P-521)", ErrUnsupportedKey, p.Curve.Params().Name)
}

// spkiPEM encodes pub as a PUBLIC KEY PEM block, as pyca/cryptography does
// (64-column base64, trailing newline), optionally without the newline.
func spkiPEM(pub crypto.PublicKey, newline bool) (string, error) {
	der, err := x509.MarshalPKIXPublicKey(pub)
	if err != nil {
		return "", fmt.Errorf("%w: %w", ErrMalformedKey, err)
	}
	s := string(pem.EncodeToMemory(&pem.Block{Type: "PUBLIC KEY", Bytes: der}))
	if !newline {
		s = strings.TrimSuffix(s, "\n")
	}
	return s, nil
}

// PublicKey decodes the key's public value into an ed25519.PublicKey,
// *ecdsa.PublicKey or *rsa.PublicKey and checks that it fits the keytype
// and scheme (rsa at least MinRSABits, ecdsa on the scheme's curve).
func (k Key) PublicKey() (crypto.PublicKey, error) {
	s, err := schemeFor(k.KeyType, k.Scheme)
	if err != nil {
		return nil, err
	}
	return decodePublic(k.KeyVal.Public, s)
}

func decodePublic(value string, s scheme) (crypto.PublicKey, error) {
	if s.family == familyED25519 {
		b, err := hex.DecodeString(value)
		if err != nil || len(b) != ed25519.PublicKeySize {
			return nil, fmt.Errorf("%w: ed25519 keyval.public must be 64 hex characters", ErrMalformedKey)
		}
		return ed25519.PublicKey(b), nil
	}
	pub, err := parsePublicPEMValue(value)
	if err != nil {
		return nil, err
	}
	return pub, checkPublicFits(pub, s)
}

// parsePublicPEMValue decodes a PEM public key held in a keyval: a single
// PUBLIC KEY (SPKI) block, or RSA PUBLIC KEY (PKCS#1), which
// pyca/cryptography also loads.
func parsePublicPEMValue(value string) (crypto.PublicKey, error) {
	block, rest := pem.Decode([]byte(value))
	if block == nil || len(bytes.TrimSpace(rest)) != 0 || len(block.Headers) != 0 {
		return nil, fmt.Errorf("%w: keyval.public must be exactly one PEM \"PUBLIC KEY\" block", ErrMalformedKey)
	}
	var pub crypto.PublicKey
	var err error
	switch block.Type {
	case "PUBLIC KEY":
		pub, err = x509.ParsePKIXPublicKey(block.Bytes)
	case "RSA PUBLIC KEY":
		pub, err = x509.ParsePKCS1PublicKey(block.Bytes)
	default:
		return nil, fmt.Errorf("%w: keyval.public is a PEM %q block, want \"PUBLIC KEY\"", ErrMalformedKey, block.Type)
	}
	if err != nil {
		return nil, fmt.Errorf("%w: keyval.public: %w", ErrMalformedKey, err)
	}
	return pub, nil
}

// checkPublicFits checks that pub is of the scheme's family, on its curve
// and large enough.
func checkPublicFits(pub crypto.PublicKey, s scheme) error {
	switch p := pub.(type) {
	case *rsa.PublicKey:
		if s.family != familyRSA {
			break
		}
		if p.N.BitLen() < MinRSABits {
			return fmt.Errorf("%w: rsa key has %d bits, at least %d are required", ErrUnsupportedKey, p.N.BitLen(), MinRSABits)
		}
		return nil
	case *ecdsa.PublicKey:
		if s.family != familyECDSA {
			break
		}
		if p.Curve != s.curve {
			return fmt.Errorf("%w: scheme %s needs a %s key, this key is on %s",
				ErrUnsupportedScheme, s.name, s.curve.Params().Name, p.Curve.Params().Name)
		}
		return nil
	case ed25519.PublicKey:
		if s.family == familyED25519 && len(p) == ed25519.PublicKeySize {
			return nil
		}
	}
	return fmt.Errorf("%w: the public key is %s, but scheme %s needs %s",
		ErrKeyTypeMismatch, describePublic(pub), s.name, s.family)
}

func describePublic(pub crypto.PublicKey) string {
	switch pub.(type) {
	case *rsa.PublicKey:
		return "an rsa key"
	case *ecdsa.PublicKey:
		return "an ecdsa key"
	case ed25519.PublicKey:
		return "an ed25519 key"
	}
	return fmt.Sprintf("a %T", pub)
}

// Validate checks that k is complete and supported, that its public value
// decodes and fits its scheme, and that KeyID is the key id of its
// contents (ErrKeyIDMismatch otherwise).
func (k Key) Validate() error {
	if _, err := k.PublicKey(); err != nil {
		return err
	}
	id, err := ComputeKeyID(k)
	if err != nil {
		return err
	}
	if k.KeyID != id {
		return fmt.Errorf("%w: key says %q, its contents hash to %q (%s dialect)", ErrKeyIDMismatch, k.KeyID, id, k.Dialect())
	}
	return nil
}

// Verify checks sig over msg with the key's scheme; a signature that does
// not verify gives ErrBadSignature. Key.Verify does not check KeyID; call
// Validate for that.
func (k Key) Verify(msg, sig []byte) error {
	verify, err := k.Verifier()
	if err != nil {
		return err
	}
	return verify(msg, sig)
}

// Verifier returns Verify for this key with the public key decoded once,
// for checking many signatures.
func (k Key) Verifier() (func(msg, sig []byte) error, error) {
	s, pub, err := k.decode()
	if err != nil {
		return nil, err
	}
	return func(msg, sig []byte) error { return verifyWith(pub, s, msg, sig) }, nil
}

// BatchVerifier returns a function that checks sigs[i] over msgs[i] for
// every i, for many signatures by this key at once. It returns -1 and nil
// when all verify, or the index of the first that does not and an error
// wrapping ErrBadSignature. An error with index -1 blames no one
// signature (lengths that differ; a batch check that failed although each
// signature verifies, which only a bug can cause).
//
// Ed25519 batches of four or more are checked with one random linear
// combination, about four times faster per signature than one at a time.
// It accepts exactly what Verify accepts except for a signature whose R
// carries a deliberately planted small-order component, which passes with
// probability at most 1/2 (ADR 0011). Use it for checking what a signer
// just returned, not for deciding what to trust: policy decisions go
// through Verify.
//
// ECDSA P-256 batches of four or more are checked one at a time with a
// table of multiples of the public key, built on first use (0.7 ms,
// 132 KiB) and about twice as fast per signature; the answer is exactly
// Verify's.
func (k Key) BatchVerifier() (func(msgs, sigs [][]byte) (int, error), error) {
	s, pub, err := k.decode()
	if err != nil {
		return nil, err
	}
	bad := func(i int) (int, error) {
		return i, fmt.Errorf("%w (scheme %s)", ErrBadSignature, s.name)
	}
	// firstBad checks the signatures in order with ok.
	firstBad := func(msgs, sigs [][]byte, ok func(msg, sig []byte) bool) (int, error) {
		for i := range sigs {
			if !ok(msgs[i], sigs[i]) {
				return bad(i)
			}
		}
		return -1, nil
	}
	one := func(msg, sig []byte) bool { return verifyWith(pub, s, msg, sig) == nil }
	each := func(msgs, sigs [][]byte) (int, error) { return firstBad(msgs, sigs, one) }
	switch p := pub.(type) {
	case *ecdsa.PublicKey:
		v, err := fastverify.NewP256(p)
		if err != nil {
			break // not P-256: one at a time
		}
		table := func(msg, sig []byte) bool { return v.VerifyASN1(s.digest(msg), sig) }
		each = func(msgs, sigs [][]byte) (int, error) {
			if len(sigs) < fastverify.MinBatch {
				return firstBad(msgs, sigs, one) // not worth building the table for
			}
			return firstBad(msgs, sigs, table)
		}
	case ed25519.PublicKey:
		v, err := fastverify.NewEd25519(p)
		if err != nil {
			return nil, fmt.Errorf("%w: %w", ErrMalformedKey, err)
		}
		each = func(msgs, sigs [][]byte) (int, error) {
			var be *fastverify.BadSignatureError
			switch err := v.Verify(msgs, sigs); {
			case err == nil:
				return -1, nil
			case errors.As(err, &be):
				return bad(be.Index)
			default: // fastverify.ErrBatch: no one signature to blame; fail closed
				return -1, fmt.Errorf("%w: %w", ErrBadSignature, err)
			}
		}
	}
	return func(msgs, sigs [][]byte) (int, error) {
		if len(msgs) != len(sigs) {
			return -1, fmt.Errorf("%d messages but %d signatures", len(msgs), len(sigs))
		}
		return each(msgs, sigs)
	}, nil
}

// decode returns the key's scheme and decoded public key.
func (k Key) decode() (scheme, crypto.PublicKey, error) {
	s, err := schemeFor(k.KeyType, k.Scheme)
	if err != nil {
		return scheme{}, nil, err
	}
	pub, err := decodePublic(k.KeyVal.Public, s)
	return s, pub, err
}

// Fingerprint returns the lowercase hex SHA-256 of the key's DER
// SubjectPublicKeyInfo. It is the same for every dialect, scheme and key
// id of one public key, so it is what thresholds count.
func (k Key) Fingerprint() (string, error) {
	pub, err := k.PublicKey()
	if err != nil {
		return "", err
	}
	der, err := x509.MarshalPKIXPublicKey(pub)
	if err != nil {
		return "", fmt.Errorf("%w: %w", ErrMalformedKey, err)
	}
	sum := sha256.Sum256(der)
	return hex.EncodeToString(sum[:]), nil
}

// ShortID returns the first 8 characters of the key id, as used in link
// file names (<step>.<keyid8>.link).
func (k Key) ShortID() string {
	if len(k.KeyID) < 8 {
		return k.KeyID
	}
	return k.KeyID[:8]
}
