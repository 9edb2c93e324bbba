package pkcs11

import (
	"context"
	"crypto"
	"crypto/elliptic"
	"crypto/rand"
	"fmt"
	"strings"

	"github.com/ThalesIgnite/crypto11"
	"github.com/miekg/pkcs11"
	"github.com/signet-dev/signet/keystore"
	"github.com/signet-dev/signet/pkg/keys"
)

// GenerateOptions control Generate.
type GenerateOptions struct {
	// KeyType is "ed25519", "ecdsa" or "rsa"; Bits as keys.GenerateKey
	// takes it (0: P-256 for ecdsa, 3072 for rsa; 384 for P-384).
	KeyType string
	Bits    int
	// Options supply the PIN (pin-source or Prompt), the logger, and the
	// Scheme and Dialect of the returned Key. Options.KeyType is ignored.
	Options keystore.Options
}

// idSize is the size of a random CKA_ID.
const idSize = 16

// Generate creates a key pair on the token u names: label object=, id
// id= or 16 random bytes, private half sensitive and not extractable. It
// refuses (ErrKeyExists) when any object on the token has that label or
// id, and returns the new key's in-toto Key.
func (b *Backend) Generate(ctx context.Context, u *keystore.URI, opts GenerateOptions) (keys.Key, error) {
	if err := ctx.Err(); err != nil {
		return keys.Key{}, err
	}
	sel, curve, bits, err := b.checkGenerateRequest(u, &opts)
	if err != nil {
		return keys.Key{}, err
	}
	t, err := b.token(ctx, sel, opts.Options)
	if err != nil {
		return keys.Key{}, err
	}
	t.m.mu.Lock() // one generation at a time per module, so the duplicate check holds
	defer t.m.mu.Unlock()
	if sel.id == nil {
		if sel.id, err = randomID(); err != nil {
			return keys.Key{}, err
		}
	}
	if err := t.checkNoDuplicate(sel); err != nil {
		return keys.Key{}, err
	}
	if err := ctx.Err(); err != nil {
		return keys.Key{}, err
	}
	pub, err := t.generate(opts.KeyType, curve, bits, sel)
	if err != nil {
		return keys.Key{}, fmt.Errorf("generating %s key %s on PKCS#11 token %q: %w", opts.KeyType, sel.keyString(), t.label, err)
	}
	k, err := makeKey(pub, opts.Options, fmt.Sprintf("new key %s on PKCS#11 token %q", sel.keyString(), t.label))
	if err == nil {
		b.logger(opts.Options).DebugContext(ctx, "generated PKCS#11 key", "token", t.label,
			"object", sel.label, "id", uriID(sel.id), "keyid", k.KeyID)
	}
	return k, err
}

// checkGenerateRequest validates everything Generate can check before
// touching a token.
func (b *Backend) checkGenerateRequest(u *keystore.URI, opts *GenerateOptions) (selector, elliptic.Curve, int, error) {
	opts.Options.KeyType = ""
	if err := opts.Options.Validate(); err != nil {
		return selector{}, nil, 0, err
	}
	curve, bits, err := checkGenerate(opts.KeyType, opts.Bits)
	if err == nil {
		err = checkScheme(opts.KeyType, curve, opts.Options.Scheme)
	}
	if err != nil {
		return selector{}, nil, 0, err
	}
	sel, err := b.parseSelector(u)
	if err == nil && sel.label == "" {
		err = fmt.Errorf("%w: pkcs11 URI: give the new key a label with object=LABEL", keystore.ErrBadURI)
	}
	return sel, curve, bits, err
}

// checkGenerate validates key type and size.
func checkGenerate(keyType string, bits int) (elliptic.Curve, int, error) {
	switch keyType {
	case keys.KeyTypeED25519:
		if bits == 0 || bits == 256 {
			return nil, 0, nil
		}
	case keys.KeyTypeECDSA:
		switch bits {
		case 0, 256:
			return elliptic.P256(), 0, nil
		case 384:
			return elliptic.P384(), 0, nil
		}
	case keys.KeyTypeRSA:
		if bits == 0 {
			bits = keys.DefaultRSABits
		}
		if bits >= keys.MinRSABits && bits <= 8192 {
			return nil, bits, nil
		}
	default:
		return nil, 0, fmt.Errorf("%w: key type %q (use ed25519, ecdsa or rsa)", keys.ErrUnsupportedKey, keyType)
	}
	return nil, 0, fmt.Errorf("%w: %s keys cannot have %d bits (ed25519: 0; ecdsa: 256 or 384; rsa: %d to 8192)",
		keys.ErrUnsupportedKey, keyType, bits, keys.MinRSABits)
}

// checkScheme refuses, before a key is made, a scheme the new key could
// not sign with.
func checkScheme(keyType string, curve elliptic.Curve, scheme string) error {
	if scheme == "" {
		return nil
	}
	ok := false
	switch keyType {
	case keys.KeyTypeED25519:
		ok = scheme == keys.SchemeED25519
	case keys.KeyTypeECDSA:
		ok = scheme == keys.SchemeECDSAP256 && curve == elliptic.P256() || scheme == keys.SchemeECDSAP384 && curve == elliptic.P384()
	case keys.KeyTypeRSA:
		ok = strings.HasPrefix(scheme, "rsassa-pss-") || strings.HasPrefix(scheme, "rsa-pkcs1v15-")
	}
	if !ok {
		return fmt.Errorf("%w: a new %s key cannot sign with scheme %s", keys.ErrUnsupportedScheme, keyType, scheme)
	}
	return nil
}

func randomID() ([]byte, error) {
	id := make([]byte, idSize)
	if _, err := rand.Read(id); err != nil {
		return nil, fmt.Errorf("making a random key id: %w", err)
	}
	return id, nil
}

// checkNoDuplicate refuses a label or id any object on the token has.
func (t *token) checkNoDuplicate(sel selector) error {
	var dups []object
	err := t.withSession(func(p *pkcs11.Ctx, s pkcs11.SessionHandle) error {
		for _, tmpl := range [][]*pkcs11.Attribute{
			{pkcs11.NewAttribute(pkcs11.CKA_LABEL, sel.label)},
			{pkcs11.NewAttribute(pkcs11.CKA_ID, sel.id)},
		} {
			objs, err := findObjects(p, s, tmpl)
			if err != nil {
				return err
			}
			dups = append(dups, objs...)
		}
		return nil
	})
	if err != nil {
		return fmt.Errorf("looking for existing keys on PKCS#11 token %q: %w", t.label, err)
	}
	if len(dups) > 0 {
		return fmt.Errorf("%w: PKCS#11 token %q already has %s; choose another object= (and id=), "+
			"or delete the old key first", ErrKeyExists, t.label, joinObjects(dups))
	}
	return nil
}

// generate makes the key pair and returns its public key.
func (t *token) generate(keyType string, curve elliptic.Curve, bits int, sel selector) (crypto.PublicKey, error) {
	if keyType == keys.KeyTypeED25519 {
		return t.generateEd25519(sel)
	}
	pubAttrs, err := crypto11.NewAttributeSetWithIDAndLabel(sel.id, []byte(sel.label))
	if err != nil {
		return nil, err
	}
	privAttrs := pubAttrs.Copy()
	if err := privAttrs.Set(crypto11.CkaPrivate, true); err != nil {
		return nil, err
	}
	var s crypto11.Signer
	if keyType == keys.KeyTypeECDSA {
		s, err = t.c11.GenerateECDSAKeyPairWithAttributes(pubAttrs, privAttrs, curve)
	} else {
		s, err = t.c11.GenerateRSAKeyPairWithAttributes(pubAttrs, privAttrs, bits)
	}
	if err != nil {
		return nil, mapError(err)
	}
	return s.Public(), nil
}

// generateEd25519 makes an Ed25519 key pair with miekg/pkcs11.
func (t *token) generateEd25519(sel selector) (crypto.PublicKey, error) {
	common := []*pkcs11.Attribute{
		pkcs11.NewAttribute(pkcs11.CKA_TOKEN, true),
		pkcs11.NewAttribute(pkcs11.CKA_LABEL, sel.label),
		pkcs11.NewAttribute(pkcs11.CKA_ID, sel.id),
	}
	pubT := append([]*pkcs11.Attribute{
		pkcs11.NewAttribute(pkcs11.CKA_VERIFY, true),
		pkcs11.NewAttribute(pkcs11.CKA_EC_PARAMS, []byte(oidEd25519DER)),
	}, common...)
	privT := append([]*pkcs11.Attribute{
		pkcs11.NewAttribute(pkcs11.CKA_SIGN, true),
		pkcs11.NewAttribute(pkcs11.CKA_PRIVATE, true),
		pkcs11.NewAttribute(pkcs11.CKA_SENSITIVE, true),
		pkcs11.NewAttribute(pkcs11.CKA_EXTRACTABLE, false),
	}, common...)
	var pub crypto.PublicKey
	err := t.withSession(func(p *pkcs11.Ctx, s pkcs11.SessionHandle) error {
		mech := []*pkcs11.Mechanism{pkcs11.NewMechanism(ckmECEdwardsKeyGen, nil)}
		pubH, _, err := p.GenerateKeyPair(s, mech, pubT, privT)
		if err != nil {
			return fmt.Errorf("C_GenerateKeyPair(CKM_EC_EDWARDS_KEY_PAIR_GEN): %w", mapError(err))
		}
		pub, err = readEd25519Public(p, s, pubH)
		return err
	})
	return pub, err
}
