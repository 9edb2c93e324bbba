package keys

import (
	"bytes"
	"crypto/aes"
	"crypto/cipher"
	"crypto/hmac"
	"crypto/pbkdf2"
	"crypto/rand"
	"crypto/sha256"
	"encoding/hex"
	"fmt"
	"strconv"
	"strings"
)

// The securesystemslib encrypted key format (keys.encrypt_key):
//
//	hex(salt) @@@@ iterations @@@@ hex(hmac) @@@@ hex(iv) @@@@ hex(ciphertext)
//
// key = PBKDF2-HMAC-SHA256(passphrase, salt, iterations, 32 bytes);
// ciphertext = AES-256-CTR(key, iv, json.dumps(key dict));
// hmac = HMAC-SHA256(key, ciphertext). One derived key serves both.
const (
	sslibDelimiter = "@@@@"
	// SSLibDefaultIterations is securesystemslib's PBKDF2 iteration count.
	SSLibDefaultIterations = 100000
	sslibSaltSize          = 16
	// MaxKDFIterations bounds the PBKDF2 iteration count read from a key
	// file, so that a hostile file cannot make decryption run for hours.
	MaxKDFIterations = 10_000_000
)

// isSSLibEncrypted reports whether data looks like the encrypted format.
func isSSLibEncrypted(data []byte) bool {
	return bytes.Count(data, []byte(sslibDelimiter)) == 4
}

// sslibEncrypted holds the decoded fields of an encrypted key file.
type sslibEncrypted struct {
	salt, mac, iv, ciphertext []byte
	iterations                int
}

func parseSSLibEncrypted(data []byte) (sslibEncrypted, error) {
	var e sslibEncrypted
	parts := strings.Split(strings.TrimSpace(string(data)), sslibDelimiter)
	if len(parts) != 5 {
		return e, fmt.Errorf("%w: encrypted securesystemslib key must have 5 fields separated by %q", ErrMalformedKey, sslibDelimiter)
	}
	n, err := strconv.Atoi(parts[1])
	if err != nil || n < 1 || n > MaxKDFIterations {
		return e, fmt.Errorf("%w: encrypted securesystemslib key: iteration count must be an integer from 1 to %d", ErrMalformedKey, MaxKDFIterations)
	}
	e.iterations = n
	fields := []struct {
		name string
		idx  int
		dst  *[]byte
	}{{"salt", 0, &e.salt}, {"hmac", 2, &e.mac}, {"iv", 3, &e.iv}, {"ciphertext", 4, &e.ciphertext}}
	for _, f := range fields {
		if *f.dst, err = hex.DecodeString(parts[f.idx]); err != nil {
			return e, fmt.Errorf("%w: encrypted securesystemslib key: field %s is not hex", ErrMalformedKey, f.name)
		}
	}
	if len(e.iv) != aes.BlockSize || len(e.mac) != sha256.Size {
		return e, fmt.Errorf("%w: encrypted securesystemslib key: iv must be 16 bytes and hmac 32 bytes", ErrMalformedKey)
	}
	return e, nil
}

// decryptSSLib returns the plaintext (a JSON key) of an encrypted
// securesystemslib key file.
func decryptSSLib(data, passphrase []byte) ([]byte, error) {
	e, err := parseSSLibEncrypted(data)
	if err != nil {
		return nil, err
	}
	if len(passphrase) == 0 {
		return nil, fmt.Errorf("%w (securesystemslib encrypted key)", ErrPassphraseRequired)
	}
	key, err := pbkdf2.Key(sha256.New, string(passphrase), e.salt, e.iterations, 32)
	if err != nil {
		return nil, fmt.Errorf("%w: deriving the key: %w", ErrUnsupportedKey, err)
	}
	m := hmac.New(sha256.New, key)
	m.Write(e.ciphertext)
	if !hmac.Equal(m.Sum(nil), e.mac) {
		return nil, fmt.Errorf("%w: the HMAC of the securesystemslib encrypted key does not match", ErrWrongPassphrase)
	}
	return aesCTR(key, e.iv, e.ciphertext)
}

// encryptSSLib encrypts plaintext into the securesystemslib format.
func encryptSSLib(plaintext, passphrase []byte, iterations int) ([]byte, error) {
	if iterations == 0 {
		iterations = SSLibDefaultIterations
	}
	if iterations < 1 || iterations > MaxKDFIterations {
		return nil, fmt.Errorf("%w: iteration count %d is outside 1..%d", ErrUnsupportedKey, iterations, MaxKDFIterations)
	}
	salt, iv := make([]byte, sslibSaltSize), make([]byte, aes.BlockSize)
	rand.Read(salt)
	rand.Read(iv)
	key, err := pbkdf2.Key(sha256.New, string(passphrase), salt, iterations, 32)
	if err != nil {
		return nil, fmt.Errorf("%w: deriving the key: %w", ErrUnsupportedKey, err)
	}
	ct, err := aesCTR(key, iv, plaintext)
	if err != nil {
		return nil, err
	}
	m := hmac.New(sha256.New, key)
	m.Write(ct)
	out := strings.Join([]string{
		hex.EncodeToString(salt), strconv.Itoa(iterations), hex.EncodeToString(m.Sum(nil)),
		hex.EncodeToString(iv), hex.EncodeToString(ct),
	}, sslibDelimiter)
	return []byte(out), nil
}

// aesCTR runs AES-CTR with a full 128-bit big-endian counter starting at
// iv, as pyca/cryptography's modes.CTR does.
func aesCTR(key, iv, in []byte) ([]byte, error) {
	block, err := aes.NewCipher(key)
	if err != nil {
		return nil, fmt.Errorf("%w: %w", ErrUnsupportedKey, err)
	}
	out := make([]byte, len(in))
	cipher.NewCTR(block, iv).XORKeyStream(out, in)
	return out, nil
}
