package keys

import (
	"bytes"
	"crypto"
	"encoding/pem"
	"errors"
	"fmt"
	"io"
	"os"
	"strings"
)

// MaxKeyFileSize bounds the size of a key file (1 MiB); real key files are
// a few kilobytes.
const MaxKeyFileSize = 1 << 20

// ParseOptions control how key files are read.
type ParseOptions struct {
	// Passphrase decrypts an encrypted private key file. It is ignored
	// for files that are not encrypted (the reference refuses those).
	Passphrase []byte
	// KeyType, if set ("rsa", "ed25519" or "ecdsa"), is the type the key
	// must have, as the reference's --key-type says. Files are recognised
	// by their contents, so it is never needed to pick a parser.
	KeyType string
	// Scheme is the signature scheme for PEM keys ("" = the key's
	// default). A JSON key file names its own scheme; a different Scheme
	// here is an error.
	Scheme string
	// Dialect shapes Keys read from PEM files (see Dialect). JSON key files
	// are always legacy.
	Dialect Dialect
}

// ParsePrivateKey reads a private key file in any format the reference
// reads or writes (see ParsePrivateKeyWithOptions) and returns a Signer
// for it with its legacy-dialect Key.
func ParsePrivateKey(data, passphrase []byte) (Signer, error) {
	return ParsePrivateKeyWithOptions(data, ParseOptions{Passphrase: passphrase})
}

// ParsePrivateKeyWithOptions reads a private key file:
//
//   - securesystemslib JSON keys (ed25519, ecdsa), plain or in the
//     securesystemslib encrypted format (in-toto-keygen -t ed25519|ecdsa);
//   - PEM "RSA PRIVATE KEY" and "EC PRIVATE KEY", plain or with legacy
//     OpenSSL encryption (in-toto-keygen -t rsa [-p]);
//   - PEM "PRIVATE KEY" (PKCS#8) and "ENCRYPTED PRIVATE KEY" (PKCS#8 with
//     PBES2), as in-toto 2.x --signing-key reads.
//
// An encrypted file without a passphrase gives ErrPassphraseRequired; a
// wrong passphrase ErrWrongPassphrase.
func ParsePrivateKeyWithOptions(data []byte, opts ParseOptions) (Signer, error) {
	if len(data) > MaxKeyFileSize {
		return nil, fmt.Errorf("%w: %d bytes, the limit is %d", ErrFileTooLarge, len(data), MaxKeyFileSize)
	}
	priv, k, err := parsePrivate(data, opts)
	if err != nil {
		return nil, err
	}
	if err := checkHints(k, opts); err != nil {
		return nil, err
	}
	return newCryptoSigner(priv, k)
}

func parsePrivate(data []byte, opts ParseOptions) (crypto.Signer, Key, error) {
	trimmed := bytes.TrimSpace(data)
	switch {
	case bytes.HasPrefix(trimmed, []byte("{")):
		return parseSSLibPrivate(trimmed)
	case isSSLibEncrypted(trimmed):
		plain, err := decryptSSLib(trimmed, opts.Passphrase)
		if err != nil {
			return nil, Key{}, err
		}
		return parseSSLibPrivate(plain)
	case bytes.Contains(trimmed, []byte("-----BEGIN ")):
		priv, err := parsePrivatePEM(trimmed, opts.Passphrase)
		if err != nil {
			return nil, Key{}, err
		}
		k, err := NewKeyWithOptions(priv.Public(), KeyOptions{Scheme: opts.Scheme, Dialect: opts.Dialect})
		return priv, k, err
	}
	return nil, Key{}, fmt.Errorf("%w: not a private key file (expected securesystemslib JSON, "+
		"securesystemslib encrypted, or PEM %s)", ErrMalformedKey, expectedPrivatePEMs)
}

func parseSSLibPrivate(data []byte) (crypto.Signer, Key, error) {
	f, err := decodeSSLibJSON(data)
	if err != nil {
		return nil, Key{}, err
	}
	return f.privateKey()
}

// ParsePublicKey reads a public key file (see ParsePublicKeyWithOptions)
// and returns its legacy-dialect Key.
func ParsePublicKey(data []byte) (Key, error) {
	return ParsePublicKeyWithOptions(data, ParseOptions{})
}

// ParsePublicKeyWithOptions reads a public key file: a securesystemslib
// JSON public key (in-toto-keygen's ed25519/ecdsa .pub) or a PEM "PUBLIC
// KEY" (SPKI; in-toto-keygen's rsa .pub, in-toto 2.x --verification-keys).
//
// For a legacy-dialect rsa key the public value is the PEM text as it
// appears in the file (from BEGIN to END, CRLF turned into LF), exactly as
// securesystemslib's import_rsakey_from_public_pem takes it; everything
// else is re-encoded in the reference's layout.
func ParsePublicKeyWithOptions(data []byte, opts ParseOptions) (Key, error) {
	if len(data) > MaxKeyFileSize {
		return Key{}, fmt.Errorf("%w: %d bytes, the limit is %d", ErrFileTooLarge, len(data), MaxKeyFileSize)
	}
	k, err := parsePublic(bytes.TrimSpace(data), opts)
	if err != nil {
		return Key{}, err
	}
	return k, checkHints(k, opts)
}

func parsePublic(data []byte, opts ParseOptions) (Key, error) {
	switch {
	case bytes.HasPrefix(data, []byte("{")):
		f, err := decodeSSLibJSON(data)
		if err != nil {
			return Key{}, err
		}
		if f.KeyVal.Private != nil && *f.KeyVal.Private != "" {
			return Key{}, fmt.Errorf("%w: this JSON key file holds a private key; pass the public key (.pub) file", ErrMalformedKey)
		}
		return f.publicKey()
	case isSSLibEncrypted(data):
		return Key{}, fmt.Errorf("%w: this is an encrypted private key file; pass the public key (.pub) file", ErrMalformedKey)
	case bytes.Contains(data, []byte("-----BEGIN ")):
		return parsePublicPEMFile(string(data), opts)
	}
	return Key{}, fmt.Errorf("%w: not a public key file (expected securesystemslib JSON or PEM \"PUBLIC KEY\")", ErrMalformedKey)
}

func parsePublicPEMFile(text string, opts ParseOptions) (Key, error) {
	const header, footer = "-----BEGIN PUBLIC KEY-----", "-----END PUBLIC KEY-----"
	start := strings.Index(text, header)
	if start < 0 {
		return parseOtherPublicPEM(text, opts)
	}
	end := strings.Index(text[start+len(header):], footer)
	if end < 0 {
		return Key{}, fmt.Errorf("%w: PEM \"PUBLIC KEY\" block has no END line", ErrMalformedKey)
	}
	value := strings.ReplaceAll(text[start:start+len(header)+end+len(footer)], "\r\n", "\n")
	pub, err := parsePublicPEMValue(value)
	if err != nil {
		return Key{}, err
	}
	k, err := NewKeyWithOptions(pub, KeyOptions{Scheme: opts.Scheme, Dialect: opts.Dialect})
	if err != nil || k.KeyType != KeyTypeRSA || opts.Dialect != DialectLegacy {
		return k, err
	}
	k.KeyVal.Public = value
	k.KeyID, err = ComputeKeyID(k)
	return k, err
}

// parseOtherPublicPEM handles PEM files without a "PUBLIC KEY" block: a
// PKCS#1 "RSA PUBLIC KEY" is read (pyca/cryptography loads it too), a
// private key is refused with a hint.
func parseOtherPublicPEM(text string, opts ParseOptions) (Key, error) {
	for rest := []byte(text); ; {
		var block *pem.Block
		if block, rest = pem.Decode(rest); block == nil {
			break
		}
		if block.Type == pemRSAPublic {
			pub, err := parsePublicPEMValue(string(pem.EncodeToMemory(block)))
			if err != nil {
				return Key{}, err
			}
			return NewKeyWithOptions(pub, KeyOptions{Scheme: opts.Scheme, Dialect: opts.Dialect})
		}
	}
	if _, err := parsePrivatePEM([]byte(text), nil); err == nil || errors.Is(err, ErrPassphraseRequired) {
		return Key{}, fmt.Errorf("%w: this PEM file holds a private key; pass the public key file", ErrMalformedKey)
	}
	return Key{}, fmt.Errorf("%w: no PEM \"PUBLIC KEY\" block found", ErrMalformedKey)
}

// checkHints enforces ParseOptions.KeyType and Scheme on a parsed key.
func checkHints(k Key, opts ParseOptions) error {
	if opts.KeyType != "" {
		want := familyOf(opts.KeyType)
		if want == familyUnknown {
			return fmt.Errorf("%w: key type %q (supported: rsa, ed25519, ecdsa)", ErrUnsupportedKey, opts.KeyType)
		}
		if got := familyOf(k.KeyType); got != want {
			return fmt.Errorf("%w: the key is %s, but %s was requested", ErrKeyTypeMismatch, got, want)
		}
	}
	if opts.Scheme != "" && opts.Scheme != k.Scheme {
		return fmt.Errorf("%w: the key file says scheme %q, but %q was requested", ErrUnsupportedScheme, k.Scheme, opts.Scheme)
	}
	return nil
}

// ReadKeyFile reads a key file of at most MaxKeyFileSize bytes.
func ReadKeyFile(path string) ([]byte, error) {
	f, err := os.Open(path)
	if err != nil {
		return nil, fmt.Errorf("reading key file: %w", err)
	}
	defer f.Close()
	data, err := io.ReadAll(io.LimitReader(f, MaxKeyFileSize+1))
	if err != nil {
		return nil, fmt.Errorf("reading key file %s: %w", path, err)
	}
	if len(data) > MaxKeyFileSize {
		return nil, fmt.Errorf("%w: %s is larger than %d bytes", ErrFileTooLarge, path, MaxKeyFileSize)
	}
	return data, nil
}
