package keys

import (
	"crypto"
	"crypto/ecdsa"
	"crypto/ed25519"
	"crypto/rsa"
	"fmt"
)

// verifyWith checks sig over msg with pub under scheme s. pub has already
// been checked to fit s.
func verifyWith(pub crypto.PublicKey, s scheme, msg, sig []byte) error {
	ok := false
	switch p := pub.(type) {
	case ed25519.PublicKey:
		ok = len(sig) == ed25519.SignatureSize && ed25519.Verify(p, msg, sig)
	case *ecdsa.PublicKey:
		ok = ecdsa.VerifyASN1(p, s.digest(msg), sig)
	case *rsa.PublicKey:
		ok = verifyRSA(p, s, msg, sig)
	default:
		return fmt.Errorf("%w: %T", ErrUnsupportedKey, pub)
	}
	if !ok {
		return fmt.Errorf("%w (scheme %s)", ErrBadSignature, s.name)
	}
	return nil
}

// verifyRSA accepts PSS signatures with any salt length, as the reference
// (PSS.AUTO) does.
func verifyRSA(p *rsa.PublicKey, s scheme, msg, sig []byte) bool {
	d := s.digest(msg)
	if s.pss {
		opts := &rsa.PSSOptions{SaltLength: rsa.PSSSaltLengthAuto, Hash: s.hash}
		return rsa.VerifyPSS(p, s.hash, d, sig, opts) == nil
	}
	return rsa.VerifyPKCS1v15(p, s.hash, d, sig) == nil
}
