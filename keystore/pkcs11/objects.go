package pkcs11

import (
	"context"
	"crypto"
	"encoding/binary"
	"fmt"
	"strings"

	"github.com/miekg/pkcs11"
	"github.com/signet-dev/signet/keystore"
	"github.com/signet-dev/signet/pkg/keys"
)

// PKCS#11 3.0 values miekg/pkcs11 does not name.
const (
	ckkECEdwards       = 0x40
	ckkECMontgomery    = 0x41
	ckmECEdwardsKeyGen = 0x1055
	ckmEdDSA           = 0x1057
)

// maxObjects bounds how many objects one search returns.
const maxObjects = 256

// object is a key object found on a token.
type object struct {
	handle  pkcs11.ObjectHandle
	keyType uint
	label   string
	id      []byte
}

// String names the object as URI attributes, e.g. object=owner;id=%01 (ecdsa).
func (o object) String() string {
	return attrString(o.label, o.id) + " (" + keyTypeName(o.keyType) + ")"
}

// attrString names a key by its URI attributes.
func attrString(label string, id []byte) string {
	var parts []string
	if label != "" {
		parts = append(parts, "object="+label)
	}
	if len(id) > 0 {
		parts = append(parts, "id="+uriID(id))
	}
	if len(parts) == 0 {
		return "(no label or id)"
	}
	return strings.Join(parts, ";")
}

func keyTypeName(kt uint) string {
	switch kt {
	case pkcs11.CKK_RSA:
		return "rsa"
	case pkcs11.CKK_EC:
		return "ecdsa"
	case ckkECEdwards:
		return "ed25519"
	case pkcs11.CKK_DSA:
		return "dsa"
	case ckkECMontgomery:
		return "x25519/x448"
	case noKeyType:
		return "not a key"
	}
	return fmt.Sprintf("CKK %#x", kt)
}

// findObjects returns the objects matching tmpl with their key type, label
// and id.
func findObjects(p *pkcs11.Ctx, s pkcs11.SessionHandle, tmpl []*pkcs11.Attribute) ([]object, error) {
	if err := p.FindObjectsInit(s, tmpl); err != nil {
		return nil, fmt.Errorf("C_FindObjectsInit: %w", mapError(err))
	}
	hs, _, err := p.FindObjects(s, maxObjects)
	if ferr := p.FindObjectsFinal(s); err == nil && ferr != nil {
		err = ferr
	}
	if err != nil {
		return nil, fmt.Errorf("C_FindObjects: %w", mapError(err))
	}
	out := make([]object, 0, len(hs))
	for _, h := range hs {
		o, err := readObject(p, s, h)
		if err != nil {
			return nil, err
		}
		out = append(out, o)
	}
	return out, nil
}

// readObject reads key type, label and id of h; objects that are not keys
// (certificates, data) have no CKA_KEY_TYPE and get noKeyType.
func readObject(p *pkcs11.Ctx, s pkcs11.SessionHandle, h pkcs11.ObjectHandle) (object, error) {
	a, err := p.GetAttributeValue(s, h, []*pkcs11.Attribute{
		pkcs11.NewAttribute(pkcs11.CKA_LABEL, nil),
		pkcs11.NewAttribute(pkcs11.CKA_ID, nil),
		pkcs11.NewAttribute(pkcs11.CKA_KEY_TYPE, nil),
	})
	if err == nil {
		return object{handle: h, label: string(a[0].Value), id: a[1].Value, keyType: ulong(a[2].Value)}, nil
	}
	if !isCode(err, pkcs11.CKR_ATTRIBUTE_TYPE_INVALID) {
		return object{}, fmt.Errorf("C_GetAttributeValue: %w", mapError(err))
	}
	o := object{handle: h, keyType: noKeyType}
	for _, at := range []uint{pkcs11.CKA_LABEL, pkcs11.CKA_ID} {
		a, err := p.GetAttributeValue(s, h, []*pkcs11.Attribute{pkcs11.NewAttribute(at, nil)})
		if err != nil {
			continue // an object without a label or an id
		}
		if at == pkcs11.CKA_LABEL {
			o.label = string(a[0].Value)
		} else {
			o.id = a[0].Value
		}
	}
	return o, nil
}

// noKeyType marks an object without CKA_KEY_TYPE.
const noKeyType = ^uint(0)

// ulong decodes a CK_ULONG attribute (native byte order, as miekg/pkcs11
// returns it); a malformed one gives noKeyType.
func ulong(b []byte) uint {
	switch len(b) {
	case 8:
		return uint(binary.NativeEndian.Uint64(b))
	case 4:
		return uint(binary.NativeEndian.Uint32(b))
	}
	return noKeyType
}

// keyTemplate selects objects of class with the selector's label and id.
func keyTemplate(class uint, label string, id []byte) []*pkcs11.Attribute {
	tmpl := []*pkcs11.Attribute{pkcs11.NewAttribute(pkcs11.CKA_CLASS, class)}
	if label != "" {
		tmpl = append(tmpl, pkcs11.NewAttribute(pkcs11.CKA_LABEL, label))
	}
	if id != nil {
		tmpl = append(tmpl, pkcs11.NewAttribute(pkcs11.CKA_ID, id))
	}
	return tmpl
}

// findPrivateKey returns the one private key sel names; otherwise it
// lists the private keys on the token.
func (t *token) findPrivateKey(sel selector) (object, error) {
	var found, all []object
	err := t.withSession(func(p *pkcs11.Ctx, s pkcs11.SessionHandle) error {
		var err error
		if found, err = findObjects(p, s, keyTemplate(pkcs11.CKO_PRIVATE_KEY, sel.label, sel.id)); err != nil || len(found) == 1 {
			return err
		}
		all, err = findObjects(p, s, keyTemplate(pkcs11.CKO_PRIVATE_KEY, "", nil))
		return err
	})
	switch {
	case err != nil:
		return object{}, fmt.Errorf("looking for the key on PKCS#11 token %q: %w", t.label, err)
	case len(found) == 1:
		return found[0], nil
	case len(found) > 1:
		return object{}, fmt.Errorf("%w: %s matches %d private keys on PKCS#11 token %q: %s; name one key with both object= and id=",
			ErrAmbiguous, sel.keyString(), len(found), t.label, joinObjects(found))
	case len(all) == 0:
		return object{}, fmt.Errorf("%w: no private key %s on PKCS#11 token %q; the token holds no private keys",
			keystore.ErrKeyNotFound, sel.keyString(), t.label)
	}
	return object{}, fmt.Errorf("%w: no private key %s on PKCS#11 token %q; private keys there: %s",
		keystore.ErrKeyNotFound, sel.keyString(), t.label, joinObjects(all))
}

func (sel selector) keyString() string { return attrString(sel.label, sel.id) }

func joinObjects(os []object) string {
	s := make([]string, len(os))
	for i, o := range os {
		s[i] = o.String()
	}
	return strings.Join(s, ", ")
}

// openKey opens the key sel names as a keys.Signer whose Sign waits for a
// free session slot.
func (t *token) openKey(ctx context.Context, sel selector, opts keystore.Options) (keys.Signer, error) {
	if err := ctx.Err(); err != nil {
		return nil, err
	}
	obj, err := t.findPrivateKey(sel)
	if err != nil {
		return nil, err
	}
	cs, err := t.cryptoSigner(obj)
	if err != nil {
		return nil, err
	}
	what := fmt.Sprintf("key %s on PKCS#11 token %q", obj, t.label)
	k, err := makeKey(cs.Public(), opts, what)
	if err != nil {
		return nil, err
	}
	s, err := keys.NewSignerForKey(cs, k)
	if err != nil {
		return nil, fmt.Errorf("%s: %w", what, err)
	}
	return &limitedSigner{Signer: s, t: t}, nil
}

// cryptoSigner returns the crypto.Signer for a private key object:
// crypto11 for ECDSA and RSA, edSigner for Ed25519.
func (t *token) cryptoSigner(obj object) (crypto.Signer, error) {
	switch obj.keyType {
	case ckkECEdwards:
		return t.newEdSigner(obj)
	case pkcs11.CKK_EC, pkcs11.CKK_RSA:
	default:
		return nil, fmt.Errorf("%w: key %s on PKCS#11 token %q: in-toto signs with ed25519, ecdsa or rsa keys",
			keys.ErrUnsupportedKey, obj, t.label)
	}
	if len(obj.id) == 0 {
		return nil, fmt.Errorf("%w: key %s on PKCS#11 token %q has no CKA_ID, which crypto11 needs to pair it "+
			"with its public key; give both halves an id (pkcs11-tool --set-id) or generate a new key",
			keystore.ErrKeyNotFound, obj, t.label)
	}
	var label []byte
	if obj.label != "" {
		label = []byte(obj.label)
	}
	cs, err := t.c11.FindKeyPair(obj.id, label)
	if err != nil {
		return nil, fmt.Errorf("key %s on PKCS#11 token %q: %w", obj, t.label, mapError(err))
	}
	if cs == nil {
		return nil, fmt.Errorf("%w: key %s on PKCS#11 token %q has no public key object with the same id and label",
			keystore.ErrKeyNotFound, obj, t.label)
	}
	return cs, nil
}

// limitedSigner bounds the signatures in flight on a token and honours
// ctx while waiting for a session.
type limitedSigner struct {
	keys.Signer
	t *token
}

// Sign waits for a free session slot, then signs (and verifies) msg.
func (l *limitedSigner) Sign(ctx context.Context, msg []byte) ([]byte, error) {
	if err := ctx.Err(); err != nil {
		return nil, fmt.Errorf("signing with key %s: %w", l.Key().ShortID(), err)
	}
	l.t.mu.RLock()
	defer l.t.mu.RUnlock()
	if l.t.closed {
		return nil, fmt.Errorf("signing with key %s: %w: %w", l.Key().ShortID(), ErrBackendClosed, keystore.ErrClosed)
	}
	if err := l.t.acquire(ctx); err != nil {
		return nil, fmt.Errorf("signing with key %s: %w", l.Key().ShortID(), err)
	}
	defer l.t.release()
	sig, err := l.Signer.Sign(ctx, msg)
	if err != nil {
		return nil, mapError(err)
	}
	return sig, nil
}

// VerifiesSignatures reports that every signature is verified before it
// is returned (keys.NewSignerForKey does it).
func (l *limitedSigner) VerifiesSignatures() bool { return true }
