package keys

import (
	"crypto/sha256"
	"encoding/hex"
	"fmt"

	"github.com/signet-dev/signet/pkg/cjson"
)

// Dialect selects which generation of the reference implementation a key
// is shaped for. The two generations hash different preimages for the key
// id and encode RSA public keys slightly differently, so the same public
// key has two key ids.
type Dialect int

const (
	// DialectLegacy is securesystemslib <= 0.27 as used by in-toto 1.x
	// (--key, --layout-keys, in-toto-keygen): the key carries
	// keyid_hash_algorithms ["sha256", "sha512"], which is part of the key
	// id preimage, and an RSA public key is SPKI PEM without a trailing
	// newline (ecdsa keeps the newline).
	DialectLegacy Dialect = iota
	// DialectModern is securesystemslib >= 0.28 (SSlibKey.from_crypto) as
	// used by in-toto 2.x and later for --signing-key and
	// --verification-keys: no keyid_hash_algorithms, key id over
	// {keytype, scheme, keyval}, every PEM value ends with a newline.
	DialectModern
)

// String names the dialect.
func (d Dialect) String() string {
	switch d {
	case DialectLegacy:
		return "legacy"
	case DialectModern:
		return "modern"
	}
	return fmt.Sprintf("Dialect(%d)", int(d))
}

// LegacyKeyIDHashAlgorithms is the keyid_hash_algorithms value
// securesystemslib always writes (settings.HASH_ALGORITHMS).
func LegacyKeyIDHashAlgorithms() []string { return []string{"sha256", "sha512"} }

// ComputeKeyID returns the key id of k: the lowercase hex SHA-256 of the
// canonical JSON of
//
//	{"keyid_hash_algorithms": [...], "keytype": ..., "keyval": {"public": ...}, "scheme": ...}
//
// keyid_hash_algorithms is part of the preimage when the key has it (legacy
// dialect; securesystemslib 0.26 always uses ["sha256", "sha512"], which is
// what it always writes) and absent when the key has none (modern dialect).
// k.KeyID is ignored; "private" is never part of the preimage.
func ComputeKeyID(k Key) (string, error) {
	switch {
	case k.KeyType == "":
		return "", fmt.Errorf("%w: keytype is empty", ErrMalformedKey)
	case k.Scheme == "":
		return "", fmt.Errorf("%w: scheme is empty", ErrMalformedKey)
	case k.KeyVal.Public == "":
		return "", fmt.Errorf("%w: keyval.public is empty", ErrMalformedKey)
	}
	m := map[string]any{
		"keytype": k.KeyType,
		"scheme":  k.Scheme,
		"keyval":  map[string]any{"public": k.KeyVal.Public},
	}
	if len(k.KeyIDHashAlgorithms) > 0 {
		algs := make([]any, len(k.KeyIDHashAlgorithms))
		for i, a := range k.KeyIDHashAlgorithms {
			algs[i] = a
		}
		m["keyid_hash_algorithms"] = algs
	}
	data, err := cjson.Marshal(m)
	if err != nil {
		return "", fmt.Errorf("%w: %w", ErrMalformedKey, err)
	}
	sum := sha256.Sum256(data)
	return hex.EncodeToString(sum[:]), nil
}

// Dialect reports the dialect k is shaped for: legacy when it carries
// keyid_hash_algorithms, modern otherwise.
func (k Key) Dialect() Dialect {
	if len(k.KeyIDHashAlgorithms) > 0 {
		return DialectLegacy
	}
	return DialectModern
}
