package keys

import (
	"crypto"
	"crypto/ecdsa"
	"crypto/ed25519"
	"encoding/hex"
	"encoding/json"
	"encoding/pem"
	"fmt"
)

// sslibKeyFile is a securesystemslib JSON key, public or private, as
// in-toto-keygen writes it for ed25519 and ecdsa keys.
type sslibKeyFile struct {
	KeyID               *string  `json:"keyid"`
	KeyType             string   `json:"keytype"`
	Scheme              string   `json:"scheme"`
	KeyIDHashAlgorithms []string `json:"keyid_hash_algorithms"`
	KeyVal              struct {
		Public  *string `json:"public"`
		Private *string `json:"private"`
	} `json:"keyval"`
}

func decodeSSLibJSON(data []byte) (sslibKeyFile, error) {
	var f sslibKeyFile
	if err := json.Unmarshal(data, &f); err != nil {
		return f, fmt.Errorf("%w: securesystemslib JSON key: %s", ErrMalformedKey, describeJSONError(err))
	}
	switch {
	case f.KeyType == "":
		return f, fmt.Errorf("%w: securesystemslib JSON key has no \"keytype\"", ErrMalformedKey)
	case f.Scheme == "":
		return f, fmt.Errorf("%w: securesystemslib JSON key has no \"scheme\"", ErrMalformedKey)
	case f.KeyVal.Public == nil || *f.KeyVal.Public == "":
		return f, fmt.Errorf("%w: securesystemslib JSON key has no \"keyval\".\"public\"", ErrMalformedKey)
	}
	return f, nil
}

// publicKey returns the Key the file describes. Like securesystemslib,
// it computes a legacy key id (keyid_hash_algorithms is always set to
// ["sha256", "sha512"]). A file without keyid_hash_algorithms whose keyid is
// the modern key id is read as a modern key. A keyid in the file that is
// neither gives ErrKeyIDMismatch (the reference would use it unchecked).
func (f sslibKeyFile) publicKey() (Key, error) {
	k := Key{KeyType: f.KeyType, Scheme: f.Scheme, KeyVal: KeyVal{Public: *f.KeyVal.Public}}
	if _, err := k.PublicKey(); err != nil {
		return Key{}, err
	}
	modernID, err := ComputeKeyID(k)
	if err != nil {
		return Key{}, err
	}
	if f.KeyIDHashAlgorithms == nil && f.KeyID != nil && *f.KeyID == modernID {
		k.KeyID = modernID
		return k, nil
	}
	k.KeyIDHashAlgorithms = LegacyKeyIDHashAlgorithms()
	if k.KeyID, err = ComputeKeyID(k); err != nil {
		return Key{}, err
	}
	if f.KeyID != nil && *f.KeyID != k.KeyID {
		return Key{}, fmt.Errorf("%w: the file says keyid %q, the key's id is %q", ErrKeyIDMismatch, *f.KeyID, k.KeyID)
	}
	return k, nil
}

// privateKey returns the private key held in the file and its Key.
func (f sslibKeyFile) privateKey() (crypto.Signer, Key, error) {
	if f.KeyVal.Private == nil || *f.KeyVal.Private == "" {
		return nil, Key{}, fmt.Errorf("%w: the JSON key has no \"keyval\".\"private\": this is a public key file", ErrMalformedKey)
	}
	k, err := f.publicKey()
	if err != nil {
		return nil, Key{}, err
	}
	var priv crypto.Signer
	if familyOf(k.KeyType) == familyED25519 {
		seed, err := hex.DecodeString(*f.KeyVal.Private)
		if err != nil || len(seed) != ed25519.SeedSize {
			return nil, Key{}, fmt.Errorf("%w: ed25519 \"keyval\".\"private\" must be 64 hex characters (a 32-byte seed)", ErrMalformedKey)
		}
		priv = ed25519.NewKeyFromSeed(seed)
	} else if priv, err = parsePrivatePEM([]byte(*f.KeyVal.Private), nil); err != nil {
		return nil, Key{}, fmt.Errorf("\"keyval\".\"private\": %w", err)
	}
	pub, err := k.PublicKey()
	if err != nil {
		return nil, Key{}, err
	}
	if eq, ok := pub.(interface{ Equal(crypto.PublicKey) bool }); !ok || !eq.Equal(priv.Public()) {
		return nil, Key{}, fmt.Errorf("%w: \"keyval\".\"public\" is not the public half of \"keyval\".\"private\"", ErrKeyMismatch)
	}
	return priv, k, nil
}

// sslibPrivateJSON serialises priv with key k exactly as in-toto-keygen
// (securesystemslib 0.26) writes ed25519 and ecdsa private key files.
func sslibPrivateJSON(priv crypto.Signer, k Key) ([]byte, error) {
	algs := pyMember{"keyid_hash_algorithms", LegacyKeyIDHashAlgorithms()}
	head := pyObject{{"keytype", k.KeyType}, {"scheme", k.Scheme}, {"keyid", k.KeyID}}
	switch p := priv.(type) {
	case ed25519.PrivateKey:
		keyval := pyObject{{"public", k.KeyVal.Public}, {"private", hex.EncodeToString(p.Seed())}}
		return pyDumps(append(head, algs, pyMember{"keyval", keyval})), nil
	case *ecdsa.PrivateKey:
		der, err := marshalECPrivateKey(p)
		if err != nil {
			return nil, err
		}
		pemText := string(pem.EncodeToMemory(&pem.Block{Type: "EC PRIVATE KEY", Bytes: der}))
		keyval := pyObject{{"public", k.KeyVal.Public}, {"private", pemText}}
		return pyDumps(append(head, pyMember{"keyval", keyval}, algs)), nil
	}
	return nil, fmt.Errorf("%w: securesystemslib JSON key files hold ed25519 or ecdsa keys, not %T", ErrUnsupportedKey, priv)
}

// sslibPublicJSON serialises k as in-toto-keygen writes <name>.pub for
// ed25519 and ecdsa keys.
func sslibPublicJSON(k Key) []byte {
	obj := pyObject{{"keytype", k.KeyType}, {"scheme", k.Scheme}}
	if len(k.KeyIDHashAlgorithms) > 0 {
		obj = append(obj, pyMember{"keyid_hash_algorithms", k.KeyIDHashAlgorithms})
	}
	return pyDumps(append(obj, pyMember{"keyval", pyObject{{"public", k.KeyVal.Public}}}))
}
