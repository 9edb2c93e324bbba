package keys

import (
	"crypto/aes"
	"crypto/cipher"
	"crypto/des"
	"crypto/pbkdf2"
	"crypto/rand"
	"crypto/sha1"
	"crypto/sha256"
	"crypto/sha512"
	"crypto/x509/pkix"
	"encoding/asn1"
	"encoding/pem"
	"fmt"
	"hash"
)

// Encrypted PKCS#8 (RFC 5958 EncryptedPrivateKeyInfo) with PBES2 (RFC
// 8018): PBKDF2 with an HMAC-SHA-1/2 PRF and AES-CBC or DES-EDE3-CBC. This
// is what pyca/cryptography's BestAvailableEncryption and OpenSSL
// (openssl genpkey -aes256, openssl pkcs8 -topk8) write.

// PKCS8DefaultIterations is the PBKDF2 iteration count Signet writes into
// encrypted PKCS#8 files (OWASP's 2023 figure for PBKDF2-HMAC-SHA256).
const PKCS8DefaultIterations = 600000

var (
	oidPBES2      = asn1.ObjectIdentifier{1, 2, 840, 113549, 1, 5, 13}
	oidPBKDF2     = asn1.ObjectIdentifier{1, 2, 840, 113549, 1, 5, 12}
	oidHMACSHA1   = asn1.ObjectIdentifier{1, 2, 840, 113549, 2, 7}
	oidHMACSHA224 = asn1.ObjectIdentifier{1, 2, 840, 113549, 2, 8}
	oidHMACSHA256 = asn1.ObjectIdentifier{1, 2, 840, 113549, 2, 9}
	oidHMACSHA384 = asn1.ObjectIdentifier{1, 2, 840, 113549, 2, 10}
	oidHMACSHA512 = asn1.ObjectIdentifier{1, 2, 840, 113549, 2, 11}
	oidAES128CBC  = asn1.ObjectIdentifier{2, 16, 840, 1, 101, 3, 4, 1, 2}
	oidAES192CBC  = asn1.ObjectIdentifier{2, 16, 840, 1, 101, 3, 4, 1, 22}
	oidAES256CBC  = asn1.ObjectIdentifier{2, 16, 840, 1, 101, 3, 4, 1, 42}
	oidDESEDE3CBC = asn1.ObjectIdentifier{1, 2, 840, 113549, 3, 7}
)

type encryptedPrivateKeyInfo struct {
	Algorithm     pkix.AlgorithmIdentifier
	EncryptedData []byte
}

type pbes2Params struct {
	KeyDerivationFunc pkix.AlgorithmIdentifier
	EncryptionScheme  pkix.AlgorithmIdentifier
}

type pbkdf2Params struct {
	Salt           []byte
	IterationCount int
	KeyLength      int                      `asn1:"optional"`
	PRF            pkix.AlgorithmIdentifier `asn1:"optional"`
}

// pbkdf2ParamsOut is what Signet writes (no keyLength).
type pbkdf2ParamsOut struct {
	Salt           []byte
	IterationCount int
	PRF            pkix.AlgorithmIdentifier
}

const unsupportedPKCS8 = "only PBES2 with PBKDF2 (HMAC-SHA-1/224/256/384/512) and AES-CBC or DES-EDE3-CBC is supported; " +
	"re-encrypt with: openssl pkcs8 -topk8 -v2 aes-256-cbc -v2prf hmacWithSHA256"

// decryptPKCS8 returns the PKCS#8 PrivateKeyInfo DER inside an
// ENCRYPTED PRIVATE KEY block.
func decryptPKCS8(der, passphrase []byte) ([]byte, error) {
	var info encryptedPrivateKeyInfo
	if rest, err := asn1.Unmarshal(der, &info); err != nil || len(rest) != 0 {
		return nil, fmt.Errorf("%w: ENCRYPTED PRIVATE KEY is not valid DER", ErrMalformedKey)
	}
	if !info.Algorithm.Algorithm.Equal(oidPBES2) {
		return nil, fmt.Errorf("%w: ENCRYPTED PRIVATE KEY uses %v: %s", ErrUnsupportedKey, info.Algorithm.Algorithm, unsupportedPKCS8)
	}
	var params pbes2Params
	if _, err := asn1.Unmarshal(info.Algorithm.Parameters.FullBytes, &params); err != nil {
		return nil, fmt.Errorf("%w: ENCRYPTED PRIVATE KEY: bad PBES2 parameters", ErrMalformedKey)
	}
	newBlock, keySize, iv, err := pbes2Cipher(params.EncryptionScheme)
	if err != nil {
		return nil, err
	}
	key, err := pbes2Key(params.KeyDerivationFunc, passphrase, keySize)
	if err != nil {
		return nil, err
	}
	b, err := newBlock(key)
	if err != nil {
		return nil, fmt.Errorf("%w: %w", ErrUnsupportedKey, err)
	}
	ct := info.EncryptedData
	if len(iv) != b.BlockSize() || len(ct) == 0 || len(ct)%b.BlockSize() != 0 {
		return nil, fmt.Errorf("%w: ENCRYPTED PRIVATE KEY: IV or ciphertext has the wrong length", ErrMalformedKey)
	}
	out := make([]byte, len(ct))
	cipher.NewCBCDecrypter(b, iv).CryptBlocks(out, ct)
	plain, ok := unpad(out, b.BlockSize())
	if !ok {
		return nil, fmt.Errorf("%w: ENCRYPTED PRIVATE KEY: bad padding after decryption", ErrWrongPassphrase)
	}
	return plain, nil
}

// pbes2Cipher decodes the encryption scheme: block cipher, key size, IV.
func pbes2Cipher(alg pkix.AlgorithmIdentifier) (func([]byte) (cipher.Block, error), int, []byte, error) {
	var iv []byte
	if _, err := asn1.Unmarshal(alg.Parameters.FullBytes, &iv); err != nil {
		return nil, 0, nil, fmt.Errorf("%w: ENCRYPTED PRIVATE KEY: bad cipher IV", ErrMalformedKey)
	}
	switch {
	case alg.Algorithm.Equal(oidAES128CBC):
		return aes.NewCipher, 16, iv, nil
	case alg.Algorithm.Equal(oidAES192CBC):
		return aes.NewCipher, 24, iv, nil
	case alg.Algorithm.Equal(oidAES256CBC):
		return aes.NewCipher, 32, iv, nil
	case alg.Algorithm.Equal(oidDESEDE3CBC):
		return des.NewTripleDESCipher, 24, iv, nil
	}
	return nil, 0, nil, fmt.Errorf("%w: ENCRYPTED PRIVATE KEY cipher %v: %s", ErrUnsupportedKey, alg.Algorithm, unsupportedPKCS8)
}

// pbes2Key derives the cipher key with PBKDF2.
func pbes2Key(kdf pkix.AlgorithmIdentifier, passphrase []byte, keySize int) ([]byte, error) {
	if !kdf.Algorithm.Equal(oidPBKDF2) {
		return nil, fmt.Errorf("%w: ENCRYPTED PRIVATE KEY key derivation %v: %s", ErrUnsupportedKey, kdf.Algorithm, unsupportedPKCS8)
	}
	var p pbkdf2Params
	if _, err := asn1.Unmarshal(kdf.Parameters.FullBytes, &p); err != nil {
		return nil, fmt.Errorf("%w: ENCRYPTED PRIVATE KEY: bad PBKDF2 parameters", ErrMalformedKey)
	}
	if p.IterationCount < 1 || p.IterationCount > MaxKDFIterations {
		return nil, fmt.Errorf("%w: ENCRYPTED PRIVATE KEY: PBKDF2 iteration count must be from 1 to %d", ErrMalformedKey, MaxKDFIterations)
	}
	if p.KeyLength != 0 && p.KeyLength != keySize {
		return nil, fmt.Errorf("%w: ENCRYPTED PRIVATE KEY: PBKDF2 key length %d does not fit the cipher", ErrMalformedKey, p.KeyLength)
	}
	h, err := pbkdf2PRF(p.PRF.Algorithm)
	if err != nil {
		return nil, err
	}
	if len(passphrase) == 0 {
		return nil, fmt.Errorf("%w (ENCRYPTED PRIVATE KEY)", ErrPassphraseRequired)
	}
	key, err := pbkdf2.Key(h, string(passphrase), p.Salt, p.IterationCount, keySize)
	if err != nil {
		return nil, fmt.Errorf("%w: deriving the key: %w", ErrUnsupportedKey, err)
	}
	return key, nil
}

func pbkdf2PRF(oid asn1.ObjectIdentifier) (func() hash.Hash, error) {
	switch {
	case len(oid) == 0 || oid.Equal(oidHMACSHA1):
		return sha1.New, nil
	case oid.Equal(oidHMACSHA224):
		return sha256.New224, nil
	case oid.Equal(oidHMACSHA256):
		return sha256.New, nil
	case oid.Equal(oidHMACSHA384):
		return sha512.New384, nil
	case oid.Equal(oidHMACSHA512):
		return sha512.New, nil
	}
	return nil, fmt.Errorf("%w: ENCRYPTED PRIVATE KEY PBKDF2 PRF %v: %s", ErrUnsupportedKey, oid, unsupportedPKCS8)
}

// encryptPKCS8 wraps PrivateKeyInfo DER into an ENCRYPTED PRIVATE KEY
// block: PBES2, PBKDF2-HMAC-SHA256 with a 16-byte salt, AES-256-CBC.
func encryptPKCS8(der, passphrase []byte, iterations int) (*pem.Block, error) {
	if iterations == 0 {
		iterations = PKCS8DefaultIterations
	}
	if iterations < 1 || iterations > MaxKDFIterations {
		return nil, fmt.Errorf("%w: iteration count %d is outside 1..%d", ErrUnsupportedKey, iterations, MaxKDFIterations)
	}
	salt, iv := make([]byte, 16), make([]byte, aes.BlockSize)
	rand.Read(salt)
	rand.Read(iv)
	key, err := pbkdf2.Key(sha256.New, string(passphrase), salt, iterations, 32)
	if err != nil {
		return nil, fmt.Errorf("%w: deriving the key: %w", ErrUnsupportedKey, err)
	}
	b, _ := aes.NewCipher(key) // 32-byte key: cannot fail
	ct := pad(der, aes.BlockSize)
	cipher.NewCBCEncrypter(b, iv).CryptBlocks(ct, ct)
	out, err := marshalPBES2(salt, iv, iterations, ct)
	if err != nil {
		return nil, err
	}
	return &pem.Block{Type: pemEncryptedPKCS8, Bytes: out}, nil
}

func marshalPBES2(salt, iv []byte, iterations int, ct []byte) ([]byte, error) {
	kdfParams, err := asn1.Marshal(pbkdf2ParamsOut{
		Salt: salt, IterationCount: iterations,
		PRF: pkix.AlgorithmIdentifier{Algorithm: oidHMACSHA256, Parameters: asn1.NullRawValue},
	})
	if err != nil {
		return nil, fmt.Errorf("encoding PBKDF2 parameters: %w", err)
	}
	ivDER, err := asn1.Marshal(iv)
	if err != nil {
		return nil, fmt.Errorf("encoding the IV: %w", err)
	}
	params, err := asn1.Marshal(pbes2Params{
		KeyDerivationFunc: pkix.AlgorithmIdentifier{Algorithm: oidPBKDF2, Parameters: asn1.RawValue{FullBytes: kdfParams}},
		EncryptionScheme:  pkix.AlgorithmIdentifier{Algorithm: oidAES256CBC, Parameters: asn1.RawValue{FullBytes: ivDER}},
	})
	if err != nil {
		return nil, fmt.Errorf("encoding PBES2 parameters: %w", err)
	}
	return asn1.Marshal(encryptedPrivateKeyInfo{
		Algorithm:     pkix.AlgorithmIdentifier{Algorithm: oidPBES2, Parameters: asn1.RawValue{FullBytes: params}},
		EncryptedData: ct,
	})
}
