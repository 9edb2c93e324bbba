package gpg

import (
	"fmt"
	"strings"
	"time"
)

// component is a user id, user attribute or subkey packet of a key, with
// the signature packets that follow it.
type component struct {
	tag  byte
	body []byte
	sigs [][]byte
}

// bundle is a transferable public key split into its parts (RFC 4880
// §11.1).
type bundle struct {
	primary    *PublicKey
	direct     [][]byte // signatures right after the primary key
	components []component
}

// ParsePublicKey parses one transferable public key as gpg --export writes
// it: the primary key, its user ids and subkeys, and their signatures.
// The primary key's expiry comes from its newest valid
// self-certification; subkeys are kept only with a valid binding
// signature from the primary key. Data holding a second primary key is
// refused: export a single key.
func ParsePublicKey(data []byte) (*PublicKey, error) {
	b, err := splitBundle(data)
	if err != nil {
		return nil, err
	}
	k := b.primary
	k.Revoked = b.revoked(sigTypeKeyRevocation, b.direct)
	k.Lifetime = b.lifetime()
	for _, c := range b.components {
		if c.tag != tagPublicSubkey {
			continue
		}
		if sub := b.subkey(c); sub != nil {
			k.Subkeys = append(k.Subkeys, sub)
		}
	}
	return k, nil
}

// splitBundle reads the packets of one key.
func splitBundle(data []byte) (*bundle, error) {
	b := &bundle{}
	for pos := 0; len(data) > 0; pos++ {
		p, rest, err := readPacket(data)
		if err != nil {
			return nil, fmt.Errorf("public key data, packet %d: %w", pos+1, err)
		}
		data = rest
		switch {
		case b.primary == nil && p.tag != tagPublicKey:
			return nil, fmt.Errorf("%w: public key data must start with a primary key packet (tag 6), got tag %d", ErrMalformed, p.tag)
		case p.tag == tagPublicKey && b.primary != nil:
			return nil, fmt.Errorf("%w: the data holds more than one key; export a single key (give its full fingerprint)", ErrMalformed)
		case p.tag == tagPublicKey:
			if b.primary, err = parseKeyBody(p.body); err != nil {
				return nil, fmt.Errorf("primary key: %w", err)
			}
		case p.tag == tagUserID || p.tag == tagUserAttribute || p.tag == tagPublicSubkey:
			b.components = append(b.components, component{tag: p.tag, body: p.body})
		case p.tag == tagSignature && len(b.components) == 0:
			b.direct = append(b.direct, p.body)
		case p.tag == tagSignature:
			last := &b.components[len(b.components)-1]
			last.sigs = append(last.sigs, p.body)
		}
	}
	if b.primary == nil {
		return nil, fmt.Errorf("%w: no public key data", ErrMalformed)
	}
	return b, nil
}

// selfSignature parses sig and returns it if it is of one of the given
// types, issued by the primary key, and valid over parts; else nil.
// Signatures that cannot be parsed or checked are skipped, as the
// reference does (third-party certifications, unknown algorithms).
func (b *bundle) selfSignature(sig []byte, types func(byte) bool, parts ...[]byte) *SignaturePacket {
	s, err := parseSignatureBody(sig)
	if err != nil || !types(s.Type) || !b.issuedByPrimary(s) {
		return nil
	}
	h, ok := hashOf(s.Hash)
	if !ok {
		return nil
	}
	if b.primary.verifyDigest(h, digest(h, s.Hashed, parts...), s.Signature) != nil {
		return nil
	}
	return s
}

func (b *bundle) issuedByPrimary(s *SignaturePacket) bool {
	fpr := b.primary.Fingerprint
	if s.IssuerFingerprint != "" {
		return s.IssuerFingerprint == fpr
	}
	return strings.HasSuffix(fpr, s.IssuerKeyID)
}

// revoked reports whether sigs hold a valid revocation of the given type
// over parts (besides the primary key).
func (b *bundle) revoked(typ byte, sigs [][]byte, parts ...[]byte) bool {
	all := append([][]byte{keyPart(b.primary.body)}, parts...)
	for _, sig := range sigs {
		if b.selfSignature(sig, func(t byte) bool { return t == typ }, all...) != nil {
			return true
		}
	}
	return false
}

// lifetime returns the key lifetime of the newest valid
// self-certification of a user id, one flagged primary preferred.
func (b *bundle) lifetime() time.Duration {
	var best *SignaturePacket
	isCert := func(t byte) bool { return t >= sigTypeCertGeneric && t <= sigTypeCertPositive }
	for _, c := range b.components {
		if c.tag != tagUserID {
			continue
		}
		for _, sig := range c.sigs {
			s := b.selfSignature(sig, isCert, keyPart(b.primary.body), userIDPart(c.tag, c.body))
			if s != nil && better(s, best) {
				best = s
			}
		}
	}
	if best == nil {
		return 0
	}
	return time.Duration(best.KeyLifetime) * time.Second
}

// better reports whether certification s takes precedence over best.
func better(s, best *SignaturePacket) bool {
	switch {
	case best == nil:
		return true
	case s.PrimaryUserID != best.PrimaryUserID:
		return s.PrimaryUserID
	}
	return s.Created.After(best.Created)
}

// subkey returns the subkey of c if the primary key binds it, with the
// lifetime of its newest binding signature; nil otherwise.
func (b *bundle) subkey(c component) *PublicKey {
	sub, err := parseKeyBody(c.body)
	if err != nil {
		return nil
	}
	parts := [][]byte{keyPart(b.primary.body), keyPart(c.body)}
	var binding *SignaturePacket
	for _, sig := range c.sigs {
		s := b.selfSignature(sig, func(t byte) bool { return t == sigTypeSubkeyBinding }, parts...)
		if s != nil && (binding == nil || s.Created.After(binding.Created)) {
			binding = s
		}
	}
	if binding == nil {
		return nil
	}
	sub.Lifetime = time.Duration(binding.KeyLifetime) * time.Second
	sub.Revoked = b.revoked(sigTypeSubkeyRevocation, c.sigs, keyPart(c.body))
	return sub
}
