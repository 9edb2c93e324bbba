package gpg

import (
	"bytes"
	"crypto"
	"crypto/ed25519"
	"crypto/rsa"
	"crypto/sha1" //nolint:gosec // OpenPGP v4 fingerprints are SHA-1 by definition
	"encoding/binary"
	"encoding/hex"
	"fmt"
	"math/big"
	"strings"
	"time"
)

// ed25519OID is the curve OID of EdDSA keys on Ed25519 (RFC 4880bis
// §9.2), as it appears in the key packet.
var ed25519OID = []byte{0x2b, 0x06, 0x01, 0x04, 0x01, 0xda, 0x47, 0x0f, 0x01}

// PublicKey is an OpenPGP version 4 public key: a primary key with the
// subkeys bound to it, or one such subkey.
type PublicKey struct {
	// Fingerprint is the v4 fingerprint in lowercase hex (40 digits): the
	// "keyid" of securesystemslib and of in-toto's GPG signatures.
	Fingerprint string
	Algorithm   Algorithm
	Created     time.Time
	// Lifetime is how long after Created the key expires; 0 means never.
	// It comes from the newest valid self-certification (subkeys: binding
	// signature).
	Lifetime time.Duration
	// Revoked is set when a valid revocation signature was found.
	Revoked bool
	// Subkeys are the subkeys a valid binding signature ties to this
	// primary key (unsupported and unbound subkeys are left out).
	Subkeys []*PublicKey

	key  crypto.PublicKey // *rsa.PublicKey, ed25519.PublicKey; nil for DSA
	body []byte           // the key packet's body, for hashing
}

// KeyIDs returns the fingerprints of the key and its subkeys.
func (k *PublicKey) KeyIDs() []string {
	ids := []string{k.Fingerprint}
	for _, s := range k.Subkeys {
		ids = append(ids, s.Fingerprint)
	}
	return ids
}

// Matches reports whether keyID (hex, any case) is the end of the
// fingerprint of the key or of one of its subkeys, as the reference
// matches exported keys.
func (k *PublicKey) Matches(keyID string) bool {
	keyID = strings.ToLower(keyID)
	for _, id := range k.KeyIDs() {
		if keyID != "" && strings.HasSuffix(id, keyID) {
			return true
		}
	}
	return false
}

// find returns the key or subkey with this fingerprint, or nil.
func (k *PublicKey) find(fingerprint string) *PublicKey {
	fingerprint = strings.ToLower(fingerprint)
	if k.Fingerprint == fingerprint {
		return k
	}
	for _, s := range k.Subkeys {
		if s.Fingerprint == fingerprint {
			return s
		}
	}
	return nil
}

// expired reports whether the key had expired at now.
func (k *PublicKey) expired(now time.Time) bool {
	return k.Lifetime > 0 && k.Created.Add(k.Lifetime).Before(now)
}

// parseKeyBody parses a version 4 public key or subkey packet body (RFC
// 4880 §5.5.2).
func parseKeyBody(body []byte) (*PublicKey, error) {
	r := &reader{d: body, what: "public key packet"}
	if v := r.byte("version"); r.err == nil && v != 4 {
		return nil, fmt.Errorf("%w: public key packet version %d (only version 4 is supported)", ErrUnsupported, v)
	}
	created := r.uint32("creation time")
	k := &PublicKey{Created: time.Unix(int64(created), 0).UTC(), Algorithm: Algorithm(r.byte("algorithm")), body: body}
	if r.err != nil {
		return nil, r.err
	}
	switch k.Algorithm {
	case AlgorithmRSA:
		k.key = rsaKey(r)
	case AlgorithmEdDSA:
		k.key = eddsaKey(r)
	case AlgorithmDSA:
		for _, f := range []string{"DSA p", "DSA q", "DSA g", "DSA y"} {
			r.mpi(f)
		}
	default:
		return nil, fmt.Errorf("%w: %v keys (RSA, DSA and EdDSA are supported)", ErrUnsupported, k.Algorithm)
	}
	r.end()
	if r.err != nil {
		return nil, r.err
	}
	if len(body) > 0xffff {
		return nil, fmt.Errorf("%w: public key packet of %d bytes", ErrMalformed, len(body))
	}
	sum := sha1.Sum(keyPart(body)) //nolint:gosec // the v4 fingerprint
	k.Fingerprint = hex.EncodeToString(sum[:])
	return k, nil
}

func rsaKey(r *reader) crypto.PublicKey {
	n, e := r.mpi("RSA n"), r.mpi("RSA e")
	if r.err != nil {
		return nil
	}
	if len(e) == 0 || len(e) > 4 || len(n) == 0 {
		r.fail("RSA key with a %d-byte modulus and a %d-byte exponent", len(n), len(e))
		return nil
	}
	return &rsa.PublicKey{N: new(big.Int).SetBytes(n), E: int(new(big.Int).SetBytes(e).Int64())}
}

func eddsaKey(r *reader) crypto.PublicKey {
	oid := r.bytes(int(r.byte("curve OID length")), "curve OID")
	if r.err == nil && !bytes.Equal(oid, ed25519OID) {
		r.fail("EdDSA key on curve %x; only Ed25519 is supported", oid)
	}
	q := r.mpi("EdDSA point")
	if r.err == nil && (len(q) != 33 || q[0] != 0x40) {
		r.fail("EdDSA point is not a 0x40-prefixed 32-byte Ed25519 key")
	}
	if r.err != nil {
		return nil
	}
	return ed25519.PublicKey(bytes.Clone(q[1:]))
}

// keyPart is how a key is hashed into signatures: 0x99, a two-octet
// length, the packet body (RFC 4880 §5.2.4, §12.2).
func keyPart(body []byte) []byte {
	out := make([]byte, 3, 3+len(body))
	out[0] = 0x99
	binary.BigEndian.PutUint16(out[1:], uint16(len(body)))
	return append(out, body...)
}

// userIDPart is how a user id (0xb4) or user attribute (0xd1) is hashed
// into certifications: the octet, a four-octet length, the body.
func userIDPart(tag byte, body []byte) []byte {
	out := make([]byte, 5, 5+len(body))
	out[0] = 0xb4
	if tag == tagUserAttribute {
		out[0] = 0xd1
	}
	binary.BigEndian.PutUint32(out[1:], uint32(len(body)))
	return append(out, body...)
}
