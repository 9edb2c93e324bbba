package gpg

import (
	"crypto"
	"crypto/ed25519"
	"crypto/rsa"
	"crypto/sha1" //nolint:gosec // only for SHA-1 self-certifications of old keys
	"crypto/sha256"
	"crypto/sha512"
	"encoding/binary"
	"encoding/hex"
	"errors"
	"fmt"
	"hash"
	"time"
)

// Signature is a GPG signature as securesystemslib's create_signature
// returns it and in-toto writes it into a metablock's signatures.
type Signature struct {
	// KeyID is the full fingerprint of the signing key or subkey,
	// lowercase hex.
	KeyID string
	// OtherHeaders is the hex of the signature packet's hashed part
	// (version octet to the end of the hashed subpackets).
	OtherHeaders string
	// Signature is the hex of the algorithm-specific signature value
	// (SignaturePacket.Signature).
	Signature string
}

// hashOf maps an OpenPGP hash id to a hash.
func hashOf(id byte) (crypto.Hash, bool) {
	h, ok := map[byte]crypto.Hash{
		HashSHA1: crypto.SHA1, HashSHA256: crypto.SHA256, HashSHA384: crypto.SHA384,
		HashSHA512: crypto.SHA512, HashSHA224: crypto.SHA224,
	}[id]
	return h, ok
}

func newHash(h crypto.Hash) hash.Hash {
	switch h {
	case crypto.SHA1:
		return sha1.New() //nolint:gosec // see import
	case crypto.SHA224:
		return sha256.New224()
	case crypto.SHA256:
		return sha256.New()
	case crypto.SHA384:
		return sha512.New384()
	}
	return sha512.New()
}

// digest is the hash a v4 signature signs (RFC 4880 §5.2.4): the signed
// parts, the signature's hashed part, then 0x04 0xff and the length of the
// hashed part as four octets.
func digest(h crypto.Hash, hashed []byte, parts ...[]byte) []byte {
	w := newHash(h)
	for _, p := range parts {
		w.Write(p)
	}
	w.Write(hashed)
	var trailer [6]byte
	trailer[0], trailer[1] = 0x04, 0xff
	binary.BigEndian.PutUint32(trailer[2:], uint32(len(hashed)))
	w.Write(trailer[:])
	return w.Sum(nil)
}

// verifyDigest checks a signature value (in SignaturePacket.Signature's
// form) over a digest made with h.
func (k *PublicKey) verifyDigest(h crypto.Hash, sum, sig []byte) error {
	switch pub := k.key.(type) {
	case *rsa.PublicKey:
		if len(sig) > pub.Size() {
			return fmt.Errorf("%w: RSA signature longer than the modulus", ErrBadSignature)
		}
		if err := rsa.VerifyPKCS1v15(pub, h, sum, leftPad(sig, pub.Size())); err != nil {
			return fmt.Errorf("%w: %v", ErrBadSignature, err)
		}
		return nil
	case ed25519.PublicKey:
		if len(sig) != ed25519.SignatureSize || !ed25519.Verify(pub, sum, sig) {
			return ErrBadSignature
		}
		return nil
	}
	return fmt.Errorf("%w: Signet cannot verify signatures of %v keys (RSA and EdDSA/ed25519 only)", ErrUnsupported, k.Algorithm)
}

// Verify checks sig, a signature over content by this key or one of its
// subkeys (sig.KeyID names which), as the reference does: the hash is
// SHA-256 over content, other_headers and the v4 trailer. The signing key
// must not have expired at now (nor the primary key) nor be revoked.
func (k *PublicKey) Verify(content []byte, sig Signature, now time.Time) error {
	signer := k.find(sig.KeyID)
	if signer == nil {
		return fmt.Errorf("%w: the signature was made by key %s, which is neither key %s nor one of its subkeys",
			ErrBadSignature, sig.KeyID, k.Fingerprint)
	}
	for _, key := range []*PublicKey{k, signer} {
		if key.Revoked {
			return fmt.Errorf("%w: key %s", ErrKeyRevoked, key.Fingerprint)
		}
		if key.expired(now) {
			return fmt.Errorf("%w: key %s expired at %s", ErrKeyExpired, key.Fingerprint,
				key.Created.Add(key.Lifetime).Format(time.RFC3339))
		}
	}
	headers, err1 := hex.DecodeString(sig.OtherHeaders)
	value, err2 := hex.DecodeString(sig.Signature)
	if err := errors.Join(err1, err2); err != nil {
		return fmt.Errorf("%w: signature by %s is not hex: %v", ErrBadSignature, sig.KeyID, err)
	}
	if err := checkHeaders(headers, signer.Algorithm); err != nil {
		return fmt.Errorf("%w: signature by %s: %v", ErrBadSignature, sig.KeyID, err)
	}
	if err := signer.verifyDigest(crypto.SHA256, digest(crypto.SHA256, headers, content), value); err != nil {
		return fmt.Errorf("signature by %s: %w", sig.KeyID, err)
	}
	return nil
}

// checkHeaders checks that other_headers are those of a v4 signature of a
// binary document made with algo and SHA-256, the only kind the reference
// makes and checks.
func checkHeaders(h []byte, algo Algorithm) error {
	switch {
	case len(h) < 6 || int(binary.BigEndian.Uint16(h[4:6]))+6 != len(h):
		return errors.New("other_headers are not the hashed part of a signature packet")
	case h[0] != 4:
		return fmt.Errorf("other_headers are of a version %d signature, not 4", h[0])
	case h[1] != SigTypeBinary:
		return fmt.Errorf("other_headers are of a signature of type %#02x, not of a binary document (0x00)", h[1])
	case Algorithm(h[2]) != algo:
		return fmt.Errorf("other_headers name %v, but the key is %v", Algorithm(h[2]), algo)
	case h[3] != HashSHA256:
		return fmt.Errorf("other_headers name hash algorithm %d, not SHA-256 (8)", h[3])
	}
	return nil
}
