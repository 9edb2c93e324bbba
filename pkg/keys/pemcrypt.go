package keys

import (
	"bytes"
	"crypto/aes"
	"crypto/cipher"
	"crypto/des"
	"crypto/md5"
	"crypto/rand"
	"encoding/hex"
	"encoding/pem"
	"fmt"
	"strings"
)

// Legacy OpenSSL PEM encryption ("Proc-Type: 4,ENCRYPTED" with a DEK-Info
// header), which in-toto-keygen -p writes for rsa keys: the key is
// EVP_BytesToKey(MD5, passphrase, salt = first 8 bytes of the IV, 1 round)
// and the DER is encrypted in CBC mode with PKCS#7 padding.

// pemCipher describes one DEK-Info cipher.
type pemCipher struct {
	name    string
	keySize int
	block   func(key []byte) (cipher.Block, error)
}

func lookupPEMCipher(name string) (pemCipher, bool) {
	switch name {
	case "AES-128-CBC":
		return pemCipher{name, 16, aes.NewCipher}, true
	case "AES-192-CBC":
		return pemCipher{name, 24, aes.NewCipher}, true
	case "AES-256-CBC":
		return pemCipher{name, 32, aes.NewCipher}, true
	case "DES-EDE3-CBC":
		return pemCipher{name, 24, des.NewTripleDESCipher}, true
	}
	return pemCipher{}, false
}

// decryptLegacyPEM returns the DER inside an encrypted traditional block.
func decryptLegacyPEM(block *pem.Block, passphrase []byte) ([]byte, error) {
	if block.Headers["Proc-Type"] != "4,ENCRYPTED" {
		return nil, fmt.Errorf("%w: PEM %q: unknown Proc-Type %q", ErrMalformedKey, block.Type, block.Headers["Proc-Type"])
	}
	name, ivHex, ok := strings.Cut(block.Headers["DEK-Info"], ",")
	c, known := lookupPEMCipher(name)
	if !ok || !known {
		return nil, fmt.Errorf("%w: PEM %q: encryption %q is not supported (AES-128/192/256-CBC or DES-EDE3-CBC are)",
			ErrUnsupportedKey, block.Type, name)
	}
	if len(passphrase) == 0 {
		return nil, fmt.Errorf("%w (PEM %q, %s)", ErrPassphraseRequired, block.Type, c.name)
	}
	iv, err := hex.DecodeString(ivHex)
	if err != nil {
		return nil, fmt.Errorf("%w: PEM %q: DEK-Info IV is not hex", ErrMalformedKey, block.Type)
	}
	b, err := c.block(evpBytesToKey(passphrase, iv, c.keySize))
	if err != nil {
		return nil, fmt.Errorf("%w: %w", ErrUnsupportedKey, err)
	}
	if len(iv) != b.BlockSize() || len(block.Bytes) == 0 || len(block.Bytes)%b.BlockSize() != 0 {
		return nil, fmt.Errorf("%w: PEM %q: IV or ciphertext has the wrong length for %s", ErrMalformedKey, block.Type, c.name)
	}
	out := make([]byte, len(block.Bytes))
	cipher.NewCBCDecrypter(b, iv).CryptBlocks(out, block.Bytes)
	der, ok := unpad(out, b.BlockSize())
	if !ok {
		return nil, fmt.Errorf("%w: PEM %q: bad padding after decryption", ErrWrongPassphrase, block.Type)
	}
	return der, nil
}

// encryptLegacyPEM encrypts der into a traditional block with AES-256-CBC,
// as pyca/cryptography's BestAvailableEncryption does for
// TraditionalOpenSSL.
func encryptLegacyPEM(blockType string, der, passphrase []byte) *pem.Block {
	iv := make([]byte, aes.BlockSize)
	rand.Read(iv)
	b, _ := aes.NewCipher(evpBytesToKey(passphrase, iv, 32)) // 32-byte key: cannot fail
	data := pad(der, aes.BlockSize)
	cipher.NewCBCEncrypter(b, iv).CryptBlocks(data, data)
	return &pem.Block{
		Type: blockType,
		Headers: map[string]string{
			"Proc-Type": "4,ENCRYPTED",
			"DEK-Info":  "AES-256-CBC," + strings.ToUpper(hex.EncodeToString(iv)),
		},
		Bytes: data,
	}
}

// evpBytesToKey is OpenSSL's EVP_BytesToKey with MD5, one round and the
// first 8 bytes of iv as salt: D_i = MD5(D_{i-1} || passphrase || salt).
func evpBytesToKey(passphrase, iv []byte, size int) []byte {
	salt := iv
	if len(salt) > 8 {
		salt = salt[:8]
	}
	var out, prev []byte
	for len(out) < size {
		h := md5.New()
		h.Write(prev)
		h.Write(passphrase)
		h.Write(salt)
		prev = h.Sum(nil)
		out = append(out, prev...)
	}
	return out[:size]
}

// pad appends PKCS#7 padding.
func pad(data []byte, size int) []byte {
	n := size - len(data)%size
	return append(bytes.Clone(data), bytes.Repeat([]byte{byte(n)}, n)...)
}

// unpad strips PKCS#7 padding, reporting whether it was well formed.
func unpad(data []byte, size int) ([]byte, bool) {
	if len(data) == 0 || len(data)%size != 0 {
		return nil, false
	}
	n := int(data[len(data)-1])
	if n == 0 || n > size {
		return nil, false
	}
	for _, b := range data[len(data)-n:] {
		if int(b) != n {
			return nil, false
		}
	}
	return data[:len(data)-n], true
}
