package softhsm

import (
	"crypto"
	"crypto/ecdh"
	"crypto/ecdsa"
	"crypto/ed25519"
	"crypto/rsa"
	"crypto/x509"
	"encoding/asn1"
	"errors"
	"fmt"
	"math/big"
	"testing"

	"github.com/miekg/pkcs11"
)

// Key types GenerateKey makes.
const (
	Ed25519   = "ed25519"
	ECDSAP256 = "ecdsa-p256"
	ECDSAP384 = "ecdsa-p384"
	RSA       = "rsa"
)

// PKCS#11 3.0 values miekg/pkcs11 does not name.
const (
	ckkECEdwards       = 0x40
	ckmECEdwardsKeyGen = 0x1055
)

// DER OIDs for CKA_EC_PARAMS.
var (
	oidEd25519 = []byte{0x06, 0x03, 0x2b, 0x65, 0x70}
	oidP256    = []byte{0x06, 0x08, 0x2a, 0x86, 0x48, 0xce, 0x3d, 0x03, 0x01, 0x07}
	oidP384    = []byte{0x06, 0x05, 0x2b, 0x81, 0x04, 0x00, 0x22}
)

// KeySpec describes a key pair for GenerateKey.
type KeySpec struct {
	// Type is Ed25519, ECDSAP256, ECDSAP384 or RSA.
	Type string
	// Bits is the RSA modulus size (0: 3072).
	Bits int
	// Label and ID become CKA_LABEL and CKA_ID of both halves (ID may be
	// nil).
	Label string
	ID    []byte
}

// GenerateKey makes a key pair on the token with miekg/pkcs11 and returns
// its public key, read back from the token.
func (tok *Token) GenerateKey(t testing.TB, spec KeySpec) crypto.PublicKey {
	t.Helper()
	var pub crypto.PublicKey
	err := tok.WithSession(func(p *pkcs11.Ctx, s pkcs11.SessionHandle) error {
		h, err := generate(p, s, spec)
		if err != nil {
			return err
		}
		pub, err = ReadPublicKey(p, s, h)
		return err
	})
	if err != nil {
		t.Fatalf("softhsm: generating %s key %q: %v", spec.Type, spec.Label, err)
	}
	return pub
}

func generate(p *pkcs11.Ctx, s pkcs11.SessionHandle, spec KeySpec) (pkcs11.ObjectHandle, error) {
	common := []*pkcs11.Attribute{
		pkcs11.NewAttribute(pkcs11.CKA_TOKEN, true),
		pkcs11.NewAttribute(pkcs11.CKA_LABEL, spec.Label),
	}
	if spec.ID != nil {
		common = append(common, pkcs11.NewAttribute(pkcs11.CKA_ID, spec.ID))
	}
	pubT := append([]*pkcs11.Attribute{pkcs11.NewAttribute(pkcs11.CKA_VERIFY, true)}, common...)
	privT := append([]*pkcs11.Attribute{
		pkcs11.NewAttribute(pkcs11.CKA_SIGN, true),
		pkcs11.NewAttribute(pkcs11.CKA_PRIVATE, true),
		pkcs11.NewAttribute(pkcs11.CKA_SENSITIVE, true),
		pkcs11.NewAttribute(pkcs11.CKA_EXTRACTABLE, false),
	}, common...)
	var mech uint
	switch spec.Type {
	case Ed25519:
		mech = ckmECEdwardsKeyGen
		pubT = append(pubT, pkcs11.NewAttribute(pkcs11.CKA_EC_PARAMS, oidEd25519))
	case ECDSAP256, ECDSAP384:
		oid := oidP256
		if spec.Type == ECDSAP384 {
			oid = oidP384
		}
		mech = pkcs11.CKM_EC_KEY_PAIR_GEN
		pubT = append(pubT, pkcs11.NewAttribute(pkcs11.CKA_EC_PARAMS, oid))
	case RSA:
		bits := spec.Bits
		if bits == 0 {
			bits = 3072
		}
		mech = pkcs11.CKM_RSA_PKCS_KEY_PAIR_GEN
		pubT = append(pubT, pkcs11.NewAttribute(pkcs11.CKA_MODULUS_BITS, bits),
			pkcs11.NewAttribute(pkcs11.CKA_PUBLIC_EXPONENT, []byte{1, 0, 1}))
	default:
		return 0, fmt.Errorf("unknown key type %q", spec.Type)
	}
	pubH, _, err := p.GenerateKeyPair(s, []*pkcs11.Mechanism{pkcs11.NewMechanism(mech, nil)}, pubT, privT)
	if err != nil {
		return 0, fmt.Errorf("C_GenerateKeyPair: %w", err)
	}
	return pubH, nil
}

// ReadPublicKey reads the public key object h: an ed25519.PublicKey,
// *ecdsa.PublicKey (P-256, P-384) or *rsa.PublicKey.
func ReadPublicKey(p *pkcs11.Ctx, s pkcs11.SessionHandle, h pkcs11.ObjectHandle) (crypto.PublicKey, error) {
	attrs, err := p.GetAttributeValue(s, h, []*pkcs11.Attribute{pkcs11.NewAttribute(pkcs11.CKA_KEY_TYPE, nil)})
	if err != nil {
		return nil, fmt.Errorf("C_GetAttributeValue(CKA_KEY_TYPE): %w", err)
	}
	kt, err := ulong(attrs[0].Value)
	if err != nil {
		return nil, err
	}
	switch kt {
	case pkcs11.CKK_RSA:
		a, err := p.GetAttributeValue(s, h, []*pkcs11.Attribute{
			pkcs11.NewAttribute(pkcs11.CKA_MODULUS, nil), pkcs11.NewAttribute(pkcs11.CKA_PUBLIC_EXPONENT, nil)})
		if err != nil {
			return nil, fmt.Errorf("reading the RSA public key: %w", err)
		}
		e := new(big.Int).SetBytes(a[1].Value)
		if !e.IsInt64() || e.Int64() > 1<<31 {
			return nil, errors.New("RSA public exponent too large")
		}
		return &rsa.PublicKey{N: new(big.Int).SetBytes(a[0].Value), E: int(e.Int64())}, nil
	case pkcs11.CKK_EC, ckkECEdwards:
		a, err := p.GetAttributeValue(s, h, []*pkcs11.Attribute{
			pkcs11.NewAttribute(pkcs11.CKA_EC_PARAMS, nil), pkcs11.NewAttribute(pkcs11.CKA_EC_POINT, nil)})
		if err != nil {
			return nil, fmt.Errorf("reading the EC public key: %w", err)
		}
		return ecPublic(a[0].Value, a[1].Value)
	}
	return nil, fmt.Errorf("key type %#x is not one this package reads", kt)
}

func ecPublic(params, point []byte) (crypto.PublicKey, error) {
	var raw []byte
	if rest, err := asn1.Unmarshal(point, &raw); err != nil || len(rest) != 0 {
		return nil, errors.New("CKA_EC_POINT is not a DER OCTET STRING")
	}
	switch string(params) {
	case string(oidEd25519):
		if len(raw) != ed25519.PublicKeySize {
			return nil, fmt.Errorf("ed25519 point has %d bytes", len(raw))
		}
		return ed25519.PublicKey(raw), nil
	case string(oidP256), string(oidP384):
		c := ecdh.P256()
		if string(params) == string(oidP384) {
			c = ecdh.P384()
		}
		k, err := c.NewPublicKey(raw)
		if err != nil {
			return nil, err
		}
		// Round-trip through SPKI to get an *ecdsa.PublicKey.
		der, err := x509.MarshalPKIXPublicKey(k)
		if err != nil {
			return nil, err
		}
		pub, err := x509.ParsePKIXPublicKey(der)
		if err != nil {
			return nil, err
		}
		if _, ok := pub.(*ecdsa.PublicKey); !ok {
			return nil, fmt.Errorf("unexpected %T", pub)
		}
		return pub, nil
	}
	return nil, fmt.Errorf("unknown CKA_EC_PARAMS % x", params)
}

func ulong(b []byte) (uint, error) {
	if len(b) != 8 && len(b) != 4 {
		return 0, fmt.Errorf("CK_ULONG attribute has %d bytes", len(b))
	}
	var v uint
	for i := len(b) - 1; i >= 0; i-- { // little endian (amd64, arm64)
		v = v<<8 | uint(b[i])
	}
	return v, nil
}
