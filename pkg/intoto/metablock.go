package intoto

import (
	"context"
	"encoding/hex"
	"encoding/json"
	"fmt"
	"hash/crc32"
	"sync/atomic"

	"github.com/signet-dev/signet/pkg/cjson"
	"github.com/signet-dev/signet/pkg/keys"
)

// Metablock is the legacy in-toto signature wrapper used by in-toto 1.x:
//
//	{"signatures": [{"keyid": ..., "sig": <hex>}], "signed": {...}}
//
// Every signature is over the canonical JSON of the signed object.
type Metablock struct {
	// Signed is the signed object (a link or a layout) as JSON text: as
	// written in the file for a decoded metablock, compact for a new one.
	// Signatures are over its canonical form (CanonicalSigned); the
	// canonical form itself is not always valid JSON (it writes control
	// characters raw), so it is not what is kept here.
	Signed json.RawMessage
	// Signatures are in file order.
	Signatures []Signature

	// cache holds the canonical form and _type of Signed as it was when
	// they were computed; it is used only while Signed is unchanged.
	cache struct {
		src       stamp
		canonical []byte
		typ       string
		link      *Link // the link Signed was made from (NewMetablock), if any
		// paths are link's material and product paths in sorted order,
		// when the decoder found them sorted in the file (nil otherwise).
		paths [2][]string
	}
}

// stamp identifies the contents of a byte slice without copying it: its
// address, length and CRC-32C, so that replacing Signed and changing it in
// place are both noticed. A Document's metablock starts with a lazy stamp
// (no checksum): until Document.Metablock or PayloadJSON hands Signed out,
// only the document can reach the bytes and it never changes them, so
// checking address and length is enough, and reading a large link does not
// pay for a checksum on every access. Handing them out seals the stamp.
type stamp struct {
	ptr *byte
	n   int
	// sum is 1<<32 | the CRC-32C of the bytes, or 0 while lazy; it is
	// read and written atomically (sealing may race with reads).
	sum uint64
}

var castagnoli = crc32.MakeTable(crc32.Castagnoli)

func stampOf(b []byte) stamp {
	s := lazyStampOf(b)
	if s.ptr != nil {
		s.sum = 1<<32 | uint64(crc32.Checksum(b, castagnoli))
	}
	return s
}

func lazyStampOf(b []byte) stamp {
	if len(b) == 0 {
		return stamp{}
	}
	return stamp{ptr: &b[0], n: len(b)}
}

func (s *stamp) same(b []byte) bool {
	return s.ptr != nil && len(b) == s.n && &b[0] == s.ptr
}

func (s *stamp) matches(b []byte) bool {
	if !s.same(b) {
		return false
	}
	sum := atomic.LoadUint64(&s.sum)
	return sum == 0 || uint32(sum) == crc32.Checksum(b, castagnoli)
}

// seal gives a lazy stamp its checksum, from b as it is now.
func (s *stamp) seal(b []byte) {
	if s.same(b) && atomic.LoadUint64(&s.sum) == 0 {
		atomic.StoreUint64(&s.sum, 1<<32|uint64(crc32.Checksum(b, castagnoli)))
	}
}

// cached returns the cached canonical form and _type if Signed has not
// changed since they were computed.
func (m *Metablock) cached() ([]byte, string, bool) {
	if m.cache.src.matches(m.Signed) {
		return m.cache.canonical, m.cache.typ, true
	}
	return nil, "", false
}

func (m *Metablock) fill() ([]byte, string, error) {
	if c, t, ok := m.cached(); ok {
		return c, t, nil
	}
	c, err := cjson.Canonicalize(m.Signed)
	if err != nil {
		return nil, "", fmt.Errorf("canonicalising the signed object: %w", err)
	}
	var t struct {
		Type string `json:"_type"`
	}
	if json.Unmarshal(m.Signed, &t) != nil {
		t.Type = ""
	}
	m.cache.src, m.cache.canonical, m.cache.typ, m.cache.link = stampOf(m.Signed), c, t.Type, nil
	m.cache.paths = [2][]string{}
	return c, t.Type, nil
}

// Signature is one entry of a metablock's signatures: a securesystemslib
// signature ({keyid, sig}) or a GPG signature as the reference's gpg
// support writes it ({keyid, other_headers, signature, short_keyid?,
// info?}). GPG signatures are checked with VerifyGPGSignature and a key
// exported from a gpg keyring (pkg/gpg), not with VerifySignature.
type Signature struct {
	KeyID string
	// Sig is the hex signature of a securesystemslib key, kept as written.
	Sig string
	// GPG signature fields.
	ShortKeyID   string
	OtherHeaders string
	GPGSignature string
	Info         json.RawMessage
}

// IsGPG reports whether s is a GPG signature.
func (s Signature) IsGPG() bool { return s.OtherHeaders != "" || s.GPGSignature != "" }

// NewMetablock returns an unsigned metablock over signed, which is usually
// a *Link or *Layout. If signed has a Validate method it must pass. The
// canonical JSON of signed must be an object with a string _type.
func NewMetablock(signed any) (*Metablock, error) {
	switch v := signed.(type) {
	case Link:
		signed = &v
	case Layout:
		signed = &v
	}
	if v, ok := signed.(interface{ Validate() error }); ok {
		if err := v.Validate(); err != nil {
			return nil, err
		}
	}
	if l, ok := signed.(*Link); ok {
		if m, ok := newLinkMetablock(l); ok {
			return m, nil
		}
	}
	data, err := json.Marshal(signed)
	if err != nil {
		return nil, fmt.Errorf("encoding the signed object: %w", err)
	}
	m := &Metablock{Signed: data, Signatures: []Signature{}}
	if _, err := m.CanonicalSigned(); err != nil {
		return nil, err
	}
	if m.PayloadType() == "" {
		return nil, &ValidationError{Path: "signed._type", Msg: "the signed object has no _type"}
	}
	return m, nil
}

// PayloadType returns the _type of the signed object ("link" or
// "layout"), or "" if it has none.
func (m *Metablock) PayloadType() string {
	_, t, err := m.fill()
	if err != nil {
		return ""
	}
	return t
}

// CanonicalSigned returns the bytes the signatures are over: the
// canonical JSON of Signed.
func (m *Metablock) CanonicalSigned() ([]byte, error) {
	c, _, err := m.fill()
	return c, err
}

// Link strictly decodes the signed object as a link.
func (m *Metablock) Link() (*Link, error) {
	return DecodeLink(m.Signed)
}

// Layout strictly decodes the signed object as a layout.
func (m *Metablock) Layout() (*Layout, error) {
	return DecodeLayout(m.Signed)
}

// Sign signs the canonical signed object with s and records the
// signature (hex), replacing one already made under the same key id. The
// new signature is checked against s.Key() first.
func (m *Metablock) Sign(ctx context.Context, s keys.Signer) error {
	msg, err := m.CanonicalSigned()
	if err != nil {
		return err
	}
	k := s.Key()
	sig, err := s.Sign(ctx, msg)
	if err != nil {
		return fmt.Errorf("signing with key %s: %w", k.ShortID(), err)
	}
	if keys.MustVerify(s) { // signers from keys.NewSigner have verified it already
		if err := k.Verify(msg, sig); err != nil {
			return fmt.Errorf("the signature just made by key %s does not verify with its public key: %w", k.ShortID(), err)
		}
	}
	entry := Signature{KeyID: k.KeyID, Sig: hex.EncodeToString(sig)}
	for i := range m.Signatures {
		if m.Signatures[i].KeyID == k.KeyID {
			m.Signatures[i] = entry
			return nil
		}
	}
	m.Signatures = append(m.Signatures, entry)
	return nil
}

// VerifySignature verifies the signature made by k. Like the reference,
// it looks only at the first signature carrying k's key id: none gives
// ErrNoSignature, a GPG one ErrUnsupportedSignature, an invalid one an
// error wrapping keys.ErrBadSignature.
func (m *Metablock) VerifySignature(k keys.Key) error {
	for _, s := range m.Signatures {
		if s.KeyID != k.KeyID {
			continue
		}
		if s.IsGPG() {
			return fmt.Errorf("%w: the signature by key %s is a GPG signature", ErrUnsupportedSignature, k.ShortID())
		}
		sig, err := hex.DecodeString(s.Sig)
		if err != nil {
			return fmt.Errorf("%w: the signature by key %s is not hex", keys.ErrBadSignature, k.ShortID())
		}
		msg, err := m.CanonicalSigned()
		if err != nil {
			return err
		}
		if err := k.Verify(msg, sig); err != nil {
			return fmt.Errorf("signature by key %s: %w", k.ShortID(), err)
		}
		return nil
	}
	return fmt.Errorf("%w %s", ErrNoSignature, k.KeyID)
}

// KeyIDs returns the key ids of the signatures, in order.
func (m *Metablock) KeyIDs() []string {
	ids := make([]string, len(m.Signatures))
	for i, s := range m.Signatures {
		ids[i] = s.KeyID
	}
	return ids
}

// MarshalIndent returns the file form the reference writes:
// json.dumps(indent=1, sort_keys=True), ASCII with \u escapes, no
// trailing newline.
func (m *Metablock) MarshalIndent() ([]byte, error) {
	return m.marshal(pyFile)
}

// MarshalJSON returns the compact form (the reference's compact_json):
// sorted keys, no spaces, ASCII with \u escapes.
func (m Metablock) MarshalJSON() ([]byte, error) {
	return m.marshal(pyCompact)
}

func (m *Metablock) marshal(st pyStyle) ([]byte, error) {
	sigs := node{kind: kindArray, kids: make([]node, 0, len(m.Signatures))}
	for i, s := range m.Signatures {
		n, err := s.node()
		if err != nil {
			return nil, fmt.Errorf("encoding metablock: signatures[%d]: %w", i, err)
		}
		sigs.kids = append(sigs.kids, n)
	}
	if c, _, ok := m.cached(); ok && m.cache.link != nil {
		// Signed is the link's canonical form: stream it.
		dst := append(st.newline([]byte{'{'}, 1), `"signatures"`...)
		dst, err := st.appendValue(append(dst, st.keySep...), &sigs, 1)
		if err != nil {
			return nil, err
		}
		dst = append(st.newline(append(dst, st.itemSep...), 1), `"signed"`...)
		if dst, err = appendPyCanonical(append(dst, st.keySep...), c, st, 1); err != nil {
			return nil, fmt.Errorf("encoding metablock: signed: %w", err)
		}
		return append(st.newline(dst, 0), '}'), nil
	}
	signed, err := parseJSON(m.Signed)
	if err != nil {
		return nil, fmt.Errorf("encoding metablock: signed: %w", err)
	}
	root := objectNode(stringNode("signatures"), sigs, stringNode("signed"), *signed)
	return st.appendValue(nil, &root, 0)
}

// MarshalJSON writes the signature as the reference does (compact form).
func (s Signature) MarshalJSON() ([]byte, error) {
	n, err := s.node()
	if err != nil {
		return nil, err
	}
	return pyCompact.appendValue(nil, &n, 0)
}

// node returns the JSON object of s.
func (s Signature) node() (node, error) {
	if !s.IsGPG() {
		return objectNode(stringNode("keyid"), stringNode(s.KeyID), stringNode("sig"), stringNode(s.Sig)), nil
	}
	n := objectNode(stringNode("keyid"), stringNode(s.KeyID),
		stringNode("other_headers"), stringNode(s.OtherHeaders), stringNode("signature"), stringNode(s.GPGSignature))
	if s.ShortKeyID != "" {
		n.kids = append(n.kids, stringNode("short_keyid"), stringNode(s.ShortKeyID))
	}
	if len(s.Info) > 0 {
		info, err := parseJSON(s.Info)
		if err != nil {
			return node{}, err
		}
		n.kids = append(n.kids, stringNode("info"), *info)
	}
	return n, nil
}
