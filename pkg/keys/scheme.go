package keys

import (
	"crypto"
	"crypto/elliptic"
	"fmt"
)

// keyFamily groups keytype spellings: "ecdsa" and the older
// "ecdsa-sha2-nistp256" (written by securesystemslib before 0.16) are both
// ECDSA keys.
type keyFamily int

const (
	familyUnknown keyFamily = iota
	familyRSA
	familyECDSA
	familyED25519
)

func (f keyFamily) String() string {
	switch f {
	case familyRSA:
		return KeyTypeRSA
	case familyECDSA:
		return KeyTypeECDSA
	case familyED25519:
		return KeyTypeED25519
	}
	return "unknown"
}

// familyOf maps a keytype string to its family.
func familyOf(keyType string) keyFamily {
	switch keyType {
	case KeyTypeRSA:
		return familyRSA
	case KeyTypeECDSA, SchemeECDSAP256, SchemeECDSAP384, SchemeECDSAP521:
		return familyECDSA
	case KeyTypeED25519:
		return familyED25519
	}
	return familyUnknown
}

// scheme describes how one signature scheme signs and verifies.
type scheme struct {
	name   string
	family keyFamily
	hash   crypto.Hash    // 0 for ed25519, which signs the whole message
	pss    bool           // rsa: PSS (else PKCS#1 v1.5)
	curve  elliptic.Curve // ecdsa only
}

// lookupScheme returns the description of a scheme name. The reference
// also knows md5 and sha1 rsa schemes; Signet refuses them.
func lookupScheme(name string) (scheme, error) {
	s := scheme{name: name}
	switch name {
	case SchemeED25519:
		s.family = familyED25519
	case SchemeECDSAP256:
		s.family, s.hash, s.curve = familyECDSA, crypto.SHA256, elliptic.P256()
	case SchemeECDSAP384:
		s.family, s.hash, s.curve = familyECDSA, crypto.SHA384, elliptic.P384()
	case SchemeECDSAP521:
		s.family, s.hash, s.curve = familyECDSA, crypto.SHA512, elliptic.P521()
	case SchemeRSASSAPSSSHA224, SchemeRSASSAPSSSHA256, SchemeRSASSAPSSSHA384, SchemeRSASSAPSSSHA512:
		s.family, s.hash, s.pss = familyRSA, rsaSchemeHash(name), true
	case SchemeRSAPKCS1v15SHA224, SchemeRSAPKCS1v15SHA256, SchemeRSAPKCS1v15SHA384, SchemeRSAPKCS1v15SHA512:
		s.family, s.hash = familyRSA, rsaSchemeHash(name)
	default:
		return s, fmt.Errorf("%w: %q (supported: %s)", ErrUnsupportedScheme, name, supportedSchemes)
	}
	return s, nil
}

const supportedSchemes = "ed25519, ecdsa-sha2-nistp256, ecdsa-sha2-nistp384, ecdsa-sha2-nistp521, " +
	"rsassa-pss-sha224/256/384/512, rsa-pkcs1v15-sha224/256/384/512"

func rsaSchemeHash(name string) crypto.Hash {
	switch name[len(name)-3:] {
	case "224":
		return crypto.SHA224
	case "384":
		return crypto.SHA384
	case "512":
		return crypto.SHA512
	}
	return crypto.SHA256
}

// schemeFor checks that keyType and schemeName belong together and returns
// the scheme. An old-style ecdsa keytype must name the scheme itself, as
// securesystemslib wrote it.
func schemeFor(keyType, schemeName string) (scheme, error) {
	fam := familyOf(keyType)
	if fam == familyUnknown {
		return scheme{}, fmt.Errorf("%w: keytype %q (supported: rsa, ecdsa, ed25519)", ErrUnsupportedKey, keyType)
	}
	s, err := lookupScheme(schemeName)
	if err != nil {
		return s, err
	}
	if s.family != fam || (fam == familyECDSA && keyType != KeyTypeECDSA && keyType != schemeName) {
		return s, fmt.Errorf("%w: scheme %q cannot be used with keytype %q", ErrUnsupportedScheme, schemeName, keyType)
	}
	return s, nil
}

// digest hashes msg for s; ed25519 returns msg itself.
func (s scheme) digest(msg []byte) []byte {
	if s.hash == 0 {
		return msg
	}
	h := s.hash.New()
	h.Write(msg)
	return h.Sum(nil)
}
