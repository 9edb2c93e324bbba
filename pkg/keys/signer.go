package keys

import (
	"context"
	"crypto"
	"crypto/rand"
	"crypto/rsa"
	"fmt"
	"slices"
)

// NewSigner wraps cs, which may be an in-memory key or a handle to an HSM,
// PIV slot or KMS key, as a Signer for the legacy-dialect Key of its public
// key (see NewKey). scheme "" picks the default for the key.
func NewSigner(cs crypto.Signer, scheme string) (Signer, error) {
	if cs == nil {
		return nil, fmt.Errorf("%w: nil crypto.Signer", ErrUnsupportedKey)
	}
	k, err := NewKey(cs.Public(), scheme)
	if err != nil {
		return nil, err
	}
	return newCryptoSigner(cs, k)
}

// ContextSigner is a crypto.Signer that can also take the caller's
// context (a network or device call that should honour cancellation). A
// Signer built over one (NewSigner, NewSignerForKey) passes Sign's ctx to
// SignContext instead of calling Sign, so one Signer serves every call.
type ContextSigner interface {
	crypto.Signer
	SignContext(ctx context.Context, digest []byte, opts crypto.SignerOpts) ([]byte, error)
}

// NewSignerForKey wraps cs as a Signer for k, which must be valid (see
// Key.Validate) and name cs's public key (ErrKeyMismatch otherwise). Use it
// to keep a key id and dialect read from a key file or a layout.
func NewSignerForKey(cs crypto.Signer, k Key) (Signer, error) {
	if cs == nil {
		return nil, fmt.Errorf("%w: nil crypto.Signer", ErrUnsupportedKey)
	}
	if err := k.Validate(); err != nil {
		return nil, err
	}
	return newCryptoSigner(cs, k)
}

// cryptoSigner is the Signer over any crypto.Signer. It is immutable, so
// it is safe for concurrent use as long as the crypto.Signer is.
type cryptoSigner struct {
	cs     crypto.Signer
	key    Key
	pub    crypto.PublicKey
	scheme scheme
}

// VerifiesSignatures reports that Sign verifies each signature before
// returning it (see SelfVerifying).
func (s *cryptoSigner) VerifiesSignatures() bool { return true }

func newCryptoSigner(cs crypto.Signer, k Key) (*cryptoSigner, error) {
	s, pub, err := k.decode()
	if err != nil {
		return nil, err
	}
	eq, ok := pub.(interface{ Equal(crypto.PublicKey) bool })
	if !ok || !eq.Equal(cs.Public()) {
		return nil, fmt.Errorf("%w: the signer's public key is not key %s", ErrKeyMismatch, k.KeyID)
	}
	k.KeyIDHashAlgorithms = slices.Clone(k.KeyIDHashAlgorithms)
	return &cryptoSigner{cs: cs, key: k, pub: pub, scheme: s}, nil
}

// Key returns a copy of the signer's public key.
func (s *cryptoSigner) Key() Key {
	k := s.key
	k.KeyIDHashAlgorithms = slices.Clone(k.KeyIDHashAlgorithms)
	return k
}

// Public returns the crypto public key.
func (s *cryptoSigner) Public() crypto.PublicKey { return s.pub }

// Sign signs msg: ed25519 signs the whole message; ecdsa hashes it with the
// scheme's hash and returns ASN.1 DER; rsa PSS uses a salt as long as the
// hash (32 bytes for sha256, as the reference and HSMs do). The signature
// is verified with the public key before it is returned.
func (s *cryptoSigner) Sign(ctx context.Context, msg []byte) ([]byte, error) {
	if err := ctx.Err(); err != nil {
		return nil, fmt.Errorf("signing with key %s: %w", s.key.ShortID(), err)
	}
	var opts crypto.SignerOpts = s.scheme.hash
	if s.scheme.pss {
		opts = &rsa.PSSOptions{SaltLength: rsa.PSSSaltLengthEqualsHash, Hash: s.scheme.hash}
	}
	var sig []byte
	var err error
	if c, ok := s.cs.(ContextSigner); ok {
		sig, err = c.SignContext(ctx, s.scheme.digest(msg), opts)
	} else {
		sig, err = s.cs.Sign(rand.Reader, s.scheme.digest(msg), opts)
	}
	if err != nil {
		return nil, fmt.Errorf("signing with key %s (%s): %w", s.key.ShortID(), s.scheme.name, err)
	}
	if err := verifyWith(s.pub, s.scheme, msg, sig); err != nil {
		return nil, fmt.Errorf("%w: key %s, scheme %s", ErrSignatureCheck, s.key.ShortID(), s.scheme.name)
	}
	return sig, nil
}
