package keys

import (
	"crypto"
	"crypto/ecdsa"
	"crypto/ed25519"
	"crypto/elliptic"
	"crypto/rand"
	"crypto/rsa"
	"crypto/x509"
	"encoding/pem"
	"fmt"
	"strings"
)

// DefaultRSABits is the RSA modulus size in-toto-keygen uses by default.
const DefaultRSABits = 3072

// maxRSABits bounds generation time.
const maxRSABits = 16384

// GenerateKey creates a new in-memory private key: keyType "rsa" (bits 0
// means DefaultRSABits; at least MinRSABits), "ecdsa" (bits 0 or 256:
// P-256, 384: P-384, 521: P-521) or "ed25519" (bits must be 0). The result
// is an *rsa.PrivateKey, *ecdsa.PrivateKey or ed25519.PrivateKey.
func GenerateKey(keyType string, bits int) (crypto.Signer, error) {
	switch keyType {
	case KeyTypeRSA:
		if bits == 0 {
			bits = DefaultRSABits
		}
		if bits < MinRSABits || bits > maxRSABits {
			return nil, fmt.Errorf("%w: rsa keys must have %d to %d bits, not %d", ErrUnsupportedKey, MinRSABits, maxRSABits, bits)
		}
		return rsa.GenerateKey(rand.Reader, bits)
	case KeyTypeECDSA:
		var c elliptic.Curve
		switch bits {
		case 0, 256:
			c = elliptic.P256()
		case 384:
			c = elliptic.P384()
		case 521:
			c = elliptic.P521()
		default:
			return nil, fmt.Errorf("%w: ecdsa keys have 256, 384 or 521 bits, not %d", ErrUnsupportedKey, bits)
		}
		return ecdsa.GenerateKey(c, rand.Reader)
	case KeyTypeED25519:
		if bits != 0 && bits != 256 {
			return nil, fmt.Errorf("%w: ed25519 keys have a fixed size; bits must be 0, not %d", ErrUnsupportedKey, bits)
		}
		_, priv, err := ed25519.GenerateKey(rand.Reader)
		return priv, err
	}
	return nil, fmt.Errorf("%w: key type %q (supported: rsa, ecdsa, ed25519)", ErrUnsupportedKey, keyType)
}

// FileFormat selects how MarshalKeyFiles writes a key pair.
type FileFormat int

const (
	// FormatSSLib writes exactly what in-toto-keygen 1.3.1 writes: rsa as
	// PEM "RSA PRIVATE KEY" (legacy OpenSSL AES-256-CBC encryption with a
	// passphrase) and an SPKI .pub without trailing newline; ed25519 and
	// ecdsa as securesystemslib JSON (securesystemslib encryption with a
	// passphrase) and a JSON .pub. The Key is always legacy.
	FormatSSLib FileFormat = iota
	// FormatPKCS8 writes PEM "PRIVATE KEY" (or "ENCRYPTED PRIVATE KEY":
	// PBES2, PBKDF2-HMAC-SHA256, AES-256-CBC) and an SPKI PEM public key,
	// as in-toto 2.x --signing-key and --verification-keys read them.
	FormatPKCS8
)

// MarshalOptions control MarshalKeyFiles.
type MarshalOptions struct {
	Format FileFormat
	// Passphrase encrypts the private key file; empty writes it in the
	// clear (in-toto-keygen -p with an empty answer does the same).
	Passphrase []byte
	// Iterations is the PBKDF2 iteration count; 0 means the default for
	// the format (SSLibDefaultIterations, PKCS8DefaultIterations). Legacy
	// rsa PEM encryption has no iteration count.
	Iterations int
	// Scheme for the Key ("" = the key's default).
	Scheme string
	// Dialect of the returned Key for FormatPKCS8 (FormatSSLib is always
	// legacy). Choose DialectModern to get the key id in-toto 2.x computes
	// from these files.
	Dialect Dialect
}

// KeyFiles is the content of a key pair's files. Write Private to <name>
// with mode 0600 and Public to <name>.pub, as in-toto-keygen does.
type KeyFiles struct {
	Private []byte
	Public  []byte
	Key     Key
}

// MarshalKeyFiles serialises an in-memory private key (as GenerateKey
// returns) and its public key. Keys held in devices cannot be exported and
// give ErrUnsupportedKey.
func MarshalKeyFiles(priv crypto.Signer, opts MarshalOptions) (KeyFiles, error) {
	if priv == nil {
		return KeyFiles{}, fmt.Errorf("%w: nil private key", ErrUnsupportedKey)
	}
	switch priv.(type) {
	case *rsa.PrivateKey, *ecdsa.PrivateKey, ed25519.PrivateKey:
	default:
		return KeyFiles{}, fmt.Errorf("%w: only in-memory rsa, ecdsa and ed25519 keys can be written, not %T", ErrUnsupportedKey, priv)
	}
	switch opts.Format {
	case FormatSSLib:
		return marshalSSLibFiles(priv, opts)
	case FormatPKCS8:
		return marshalPKCS8Files(priv, opts)
	}
	return KeyFiles{}, fmt.Errorf("%w: unknown file format %d", ErrUnsupportedKey, opts.Format)
}

func marshalSSLibFiles(priv crypto.Signer, opts MarshalOptions) (KeyFiles, error) {
	k, err := NewKeyWithOptions(priv.Public(), KeyOptions{Scheme: opts.Scheme, Dialect: DialectLegacy})
	if err != nil {
		return KeyFiles{}, err
	}
	files := KeyFiles{Key: k}
	if p, ok := priv.(*rsa.PrivateKey); ok {
		files.Public = []byte(k.KeyVal.Public)
		block := &pem.Block{Type: pemRSAPrivate, Bytes: x509.MarshalPKCS1PrivateKey(p)}
		if len(opts.Passphrase) > 0 {
			files.Private = pem.EncodeToMemory(encryptLegacyPEM(pemRSAPrivate, block.Bytes, opts.Passphrase))
		} else {
			files.Private = []byte(strings.TrimSuffix(string(pem.EncodeToMemory(block)), "\n"))
		}
		return files, nil
	}
	files.Public = sslibPublicJSON(k)
	if files.Private, err = sslibPrivateJSON(priv, k); err != nil {
		return KeyFiles{}, err
	}
	if len(opts.Passphrase) > 0 {
		files.Private, err = encryptSSLib(files.Private, opts.Passphrase, opts.Iterations)
	}
	return files, err
}

func marshalPKCS8Files(priv crypto.Signer, opts MarshalOptions) (KeyFiles, error) {
	k, err := NewKeyWithOptions(priv.Public(), KeyOptions{Scheme: opts.Scheme, Dialect: opts.Dialect})
	if err != nil {
		return KeyFiles{}, err
	}
	der, err := x509.MarshalPKCS8PrivateKey(priv)
	if err != nil {
		return KeyFiles{}, fmt.Errorf("%w: %w", ErrUnsupportedKey, err)
	}
	block := &pem.Block{Type: pemPKCS8, Bytes: der}
	if len(opts.Passphrase) > 0 {
		if block, err = encryptPKCS8(der, opts.Passphrase, opts.Iterations); err != nil {
			return KeyFiles{}, err
		}
	}
	pub, err := spkiPEM(priv.Public(), true)
	if err != nil {
		return KeyFiles{}, err
	}
	return KeyFiles{Private: pem.EncodeToMemory(block), Public: []byte(pub), Key: k}, nil
}

// MarshalPublicKeyFile returns the public key file for k: for a legacy
// key what in-toto-keygen writes as <name>.pub (rsa: the PEM value; ed25519
// and ecdsa: securesystemslib JSON); for a modern key an SPKI PEM, which
// in-toto 2.x --verification-keys reads.
func MarshalPublicKeyFile(k Key) ([]byte, error) {
	pub, err := k.PublicKey()
	if err != nil {
		return nil, err
	}
	if k.Dialect() == DialectModern {
		s, err := spkiPEM(pub, true)
		return []byte(s), err
	}
	if familyOf(k.KeyType) == familyRSA {
		return []byte(k.KeyVal.Public), nil
	}
	return sslibPublicJSON(k), nil
}
