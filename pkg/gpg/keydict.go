package gpg

import (
	"crypto"
	"crypto/ed25519"
	"crypto/rsa"
	"encoding/hex"
	"fmt"
	"math/big"
	"strings"
	"time"
)

// Method names of securesystemslib's GPG key dictionaries.
const (
	MethodRSA   = "pgp+rsa-pkcsv1.5"
	MethodDSA   = "pgp+dsa-fips-180-2"
	MethodEdDSA = "pgp+eddsa-ed25519"
)

// KeyDict is a GPG public key in securesystemslib's dictionary form, the
// form in-toto layouts hold functionaries' GPG keys in:
//
//	{"keyid": <fingerprint>, "type": "rsa", "method": "pgp+rsa-pkcsv1.5",
//	 "hashes": ["pgp+SHA2"], "keyval": {"public": {"n": ..., "e": ...}, "private": ""},
//	 "creation_time": 1700000000, "validity_period": 31536000,
//	 "subkeys": {<fingerprint>: {...}}}
//
// Optional members are pointers or nil maps so that a decoded dictionary
// encodes back to the same members.
type KeyDict struct {
	KeyID          string             `json:"keyid"`
	Type           string             `json:"type"`
	Method         string             `json:"method"`
	Hashes         []string           `json:"hashes"`
	KeyVal         KeyDictVal         `json:"keyval"`
	CreationTime   *int64             `json:"creation_time,omitempty"`
	ValidityPeriod *int64             `json:"validity_period,omitempty"`
	Subkeys        map[string]KeyDict `json:"subkeys,omitempty"`
}

// KeyDictVal holds the public key parameters (hex): n and e for RSA, q for
// EdDSA, p, q, g and y for DSA. Private is always empty in public keys.
type KeyDictVal struct {
	Public  map[string]string `json:"public"`
	Private *string           `json:"private,omitempty"`
}

// PublicKey returns the key (with its subkeys) for verifying signatures.
// DSA keys, which this package does not verify, come back without key
// material: their signatures fail with ErrUnsupported.
func (d KeyDict) PublicKey() (*PublicKey, error) {
	k, err := d.single()
	if err != nil {
		return nil, err
	}
	for id, sd := range d.Subkeys {
		if sd.KeyID != id {
			return nil, fmt.Errorf("%w: subkey filed under %s has keyid %s", ErrMalformed, id, sd.KeyID)
		}
		if len(sd.Subkeys) > 0 {
			return nil, fmt.Errorf("%w: subkey %s has subkeys", ErrMalformed, id)
		}
		sk, err := sd.single()
		if err != nil {
			return nil, fmt.Errorf("subkey %s: %w", id, err)
		}
		k.Subkeys = append(k.Subkeys, sk)
	}
	return k, nil
}

func (d KeyDict) single() (*PublicKey, error) {
	fp := strings.ToLower(d.KeyID)
	if len(fp) != 40 || !isHexString(fp) {
		return nil, fmt.Errorf("%w: keyid %q is not a 40-digit fingerprint", ErrMalformed, clip(d.KeyID))
	}
	if d.KeyVal.Private != nil && *d.KeyVal.Private != "" {
		return nil, fmt.Errorf("%w: key %s carries private key material", ErrMalformed, fp)
	}
	k := &PublicKey{Fingerprint: fp}
	if d.CreationTime != nil {
		k.Created = time.Unix(*d.CreationTime, 0).UTC()
	}
	if d.ValidityPeriod != nil && *d.ValidityPeriod > 0 {
		k.Lifetime = time.Duration(*d.ValidityPeriod) * time.Second
	}
	var err error
	switch d.Method {
	case MethodRSA:
		k.Algorithm = AlgorithmRSA
		k.key, err = rsaFromDict(d.KeyVal.Public)
	case MethodEdDSA:
		k.Algorithm = AlgorithmEdDSA
		k.key, err = eddsaFromDict(d.KeyVal.Public)
	case MethodDSA:
		k.Algorithm = AlgorithmDSA
	default:
		err = fmt.Errorf("%w: key %s has method %q (RSA, DSA and EdDSA keys are supported)", ErrUnsupported, fp, clip(d.Method))
	}
	if err != nil {
		return nil, err
	}
	return k, nil
}

func rsaFromDict(pub map[string]string) (crypto.PublicKey, error) {
	n, err1 := hex.DecodeString(pub["n"])
	e, err2 := hex.DecodeString(pub["e"])
	if err1 != nil || err2 != nil || len(n) == 0 || len(e) == 0 || len(e) > 4 || len(pub) != 2 {
		return nil, fmt.Errorf("%w: an RSA key needs hex n and e (and nothing else)", ErrMalformed)
	}
	return &rsa.PublicKey{N: new(big.Int).SetBytes(n), E: int(new(big.Int).SetBytes(e).Int64())}, nil
}

func eddsaFromDict(pub map[string]string) (crypto.PublicKey, error) {
	q, err := hex.DecodeString(pub["q"])
	if err != nil || len(q) != ed25519.PublicKeySize || len(pub) != 1 {
		return nil, fmt.Errorf("%w: an EdDSA key needs q, the 32-byte Ed25519 key in hex", ErrMalformed)
	}
	return ed25519.PublicKey(q), nil
}

func isHexString(s string) bool {
	for _, c := range s {
		if !('0' <= c && c <= '9' || 'a' <= c && c <= 'f') {
			return false
		}
	}
	return s != ""
}
