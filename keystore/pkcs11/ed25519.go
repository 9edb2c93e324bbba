package pkcs11

import (
	"bytes"
	"crypto"
	"crypto/ed25519"
	"encoding/asn1"
	"errors"
	"fmt"
	"io"

	"github.com/miekg/pkcs11"
	"github.com/signet-dev/signet/keystore"
	"github.com/signet-dev/signet/pkg/keys"
)

// DER of OID 1.3.101.112 (id-Ed25519), the CKA_EC_PARAMS of Ed25519 keys.
const oidEd25519DER = "\x06\x03\x2b\x65\x70"

// isEd25519Params accepts the OID form and the PKCS#11 3.0
// PrintableString "edwards25519" form of CKA_EC_PARAMS.
func isEd25519Params(p []byte) bool {
	if string(p) == oidEd25519DER {
		return true
	}
	var name string
	rest, err := asn1.Unmarshal(p, &name)
	return err == nil && len(rest) == 0 && name == "edwards25519"
}

// edSigner is a crypto.Signer for an Ed25519 private key, signing with
// CKM_EDDSA over the whole message on a raw miekg/pkcs11 session (crypto11
// has no EdDSA).
type edSigner struct {
	t      *token
	handle pkcs11.ObjectHandle
	pub    ed25519.PublicKey
}

// newEdSigner reads the public half of an Ed25519 private key object.
func (t *token) newEdSigner(priv object) (*edSigner, error) {
	var pub ed25519.PublicKey
	err := t.withSession(func(p *pkcs11.Ctx, s pkcs11.SessionHandle) error {
		var id []byte
		if len(priv.id) > 0 {
			id = priv.id
		}
		objs, err := findObjects(p, s, keyTemplate(pkcs11.CKO_PUBLIC_KEY, priv.label, id))
		if err != nil {
			return err
		}
		if len(objs) != 1 {
			return fmt.Errorf("%w: key %s has %d public key objects with the same label and id, want 1",
				keystore.ErrKeyNotFound, priv, len(objs))
		}
		pub, err = readEd25519Public(p, s, objs[0].handle)
		return err
	})
	if err != nil {
		return nil, fmt.Errorf("reading the public key of %s on PKCS#11 token %q: %w", priv, t.label, err)
	}
	return &edSigner{t: t, handle: priv.handle, pub: pub}, nil
}

// readEd25519Public decodes CKA_EC_POINT: a DER OCTET STRING around the
// 32-byte key (PKCS#11 3.0), or the 32 bytes themselves (some modules).
func readEd25519Public(p *pkcs11.Ctx, s pkcs11.SessionHandle, h pkcs11.ObjectHandle) (ed25519.PublicKey, error) {
	a, err := p.GetAttributeValue(s, h, []*pkcs11.Attribute{
		pkcs11.NewAttribute(pkcs11.CKA_EC_PARAMS, nil), pkcs11.NewAttribute(pkcs11.CKA_EC_POINT, nil)})
	if err != nil {
		return nil, fmt.Errorf("C_GetAttributeValue: %w", mapError(err))
	}
	if !isEd25519Params(a[0].Value) {
		return nil, fmt.Errorf("%w: an Edwards key on a curve other than edwards25519 (Ed448 is not supported)", keys.ErrUnsupportedKey)
	}
	return decodeEdPoint(a[1].Value)
}

func decodeEdPoint(point []byte) (ed25519.PublicKey, error) {
	if len(point) == ed25519.PublicKeySize {
		return ed25519.PublicKey(bytes.Clone(point)), nil
	}
	var raw []byte
	rest, err := asn1.Unmarshal(point, &raw)
	if err != nil || len(rest) != 0 || len(raw) != ed25519.PublicKeySize {
		return nil, fmt.Errorf("%w: CKA_EC_POINT is not a 32-byte Ed25519 public key", keys.ErrMalformedKey)
	}
	return ed25519.PublicKey(raw), nil
}

// Public returns the ed25519.PublicKey.
func (e *edSigner) Public() crypto.PublicKey { return e.pub }

// Sign signs the whole message (pure Ed25519); opts must not name a hash.
func (e *edSigner) Sign(_ io.Reader, msg []byte, opts crypto.SignerOpts) ([]byte, error) {
	if opts != nil && opts.HashFunc() != 0 {
		return nil, errors.New("pkcs11: Ed25519 signs whole messages; Ed25519ph is not supported")
	}
	var sig []byte
	err := e.t.withSession(func(p *pkcs11.Ctx, s pkcs11.SessionHandle) error {
		if err := p.SignInit(s, []*pkcs11.Mechanism{pkcs11.NewMechanism(ckmEdDSA, nil)}, e.handle); err != nil {
			return fmt.Errorf("C_SignInit(CKM_EDDSA): %w", mapError(err))
		}
		var err error
		if sig, err = p.Sign(s, msg); err != nil {
			return fmt.Errorf("C_Sign(CKM_EDDSA): %w", mapError(err))
		}
		return nil
	})
	return sig, err
}
