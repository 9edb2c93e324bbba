package keys

import (
	"crypto"
	"crypto/ecdsa"
	"crypto/ed25519"
	"crypto/rsa"
	"crypto/x509"
	"encoding/pem"
	"fmt"
	"strings"
)

// PEM block types.
const (
	pemRSAPrivate       = "RSA PRIVATE KEY"
	pemECPrivate        = "EC PRIVATE KEY"
	pemPKCS8            = "PRIVATE KEY"
	pemEncryptedPKCS8   = "ENCRYPTED PRIVATE KEY"
	pemPublic           = "PUBLIC KEY"
	pemRSAPublic        = "RSA PUBLIC KEY"
	expectedPrivatePEMs = `"RSA PRIVATE KEY", "EC PRIVATE KEY", "PRIVATE KEY" or "ENCRYPTED PRIVATE KEY"`
)

// parsePrivatePEM finds the first private key block in data and decodes
// it, decrypting with passphrase where the block is encrypted.
func parsePrivatePEM(data, passphrase []byte) (crypto.Signer, error) {
	sawPublic := false
	for rest := data; ; {
		var block *pem.Block
		block, rest = pem.Decode(rest)
		if block == nil {
			break
		}
		switch {
		case block.Type == pemRSAPrivate || block.Type == pemECPrivate ||
			block.Type == pemPKCS8 || block.Type == pemEncryptedPKCS8:
			return decodePrivateBlock(block, passphrase)
		case block.Type == pemPublic || block.Type == pemRSAPublic || block.Type == "CERTIFICATE":
			sawPublic = true
		case strings.HasSuffix(block.Type, "PRIVATE KEY"):
			return nil, fmt.Errorf("%w: PEM %q keys are not supported (expected %s)", ErrUnsupportedKey, block.Type, expectedPrivatePEMs)
		}
	}
	if sawPublic {
		return nil, fmt.Errorf("%w: the PEM data holds a public key or certificate, not a private key", ErrMalformedKey)
	}
	return nil, fmt.Errorf("%w: no PEM private key block found (expected %s)", ErrMalformedKey, expectedPrivatePEMs)
}

// decodePrivateBlock decodes one private key block.
func decodePrivateBlock(block *pem.Block, passphrase []byte) (crypto.Signer, error) {
	der := block.Bytes
	encrypted := false
	var err error
	switch {
	case block.Type == pemEncryptedPKCS8:
		if der, err = decryptPKCS8(der, passphrase); err != nil {
			return nil, err
		}
		encrypted = true
	case block.Headers["Proc-Type"] != "":
		if der, err = decryptLegacyPEM(block, passphrase); err != nil {
			return nil, err
		}
		encrypted = true
	}
	priv, err := parsePrivateDER(block.Type, der)
	if err != nil && encrypted {
		// A wrong passphrase usually fails the padding check, but 1 in
		// 256 times it leaves garbage that only the DER parser notices.
		return nil, fmt.Errorf("%w: the decrypted %q block is not a valid key", ErrWrongPassphrase, block.Type)
	}
	return priv, err
}

// parsePrivateDER decodes the DER of a (decrypted) private key block into
// an *rsa.PrivateKey, *ecdsa.PrivateKey or ed25519.PrivateKey.
func parsePrivateDER(blockType string, der []byte) (crypto.Signer, error) {
	var key any
	var err error
	switch blockType {
	case pemRSAPrivate:
		key, err = x509.ParsePKCS1PrivateKey(der)
	case pemECPrivate:
		key, err = x509.ParseECPrivateKey(der)
	default:
		key, err = x509.ParsePKCS8PrivateKey(der)
	}
	if err != nil {
		return nil, fmt.Errorf("%w: PEM %q block: %w", ErrMalformedKey, blockType, err)
	}
	switch k := key.(type) {
	case *rsa.PrivateKey:
		return k, nil
	case *ecdsa.PrivateKey:
		return k, nil
	case ed25519.PrivateKey:
		return k, nil
	}
	return nil, fmt.Errorf("%w: %T in PEM %q block (supported: rsa, ecdsa, ed25519)", ErrUnsupportedKey, key, blockType)
}

// marshalECPrivateKey encodes p as SEC 1 ("EC PRIVATE KEY"), which is what
// pyca/cryptography's TraditionalOpenSSL format produces.
func marshalECPrivateKey(p *ecdsa.PrivateKey) ([]byte, error) {
	der, err := x509.MarshalECPrivateKey(p)
	if err != nil {
		return nil, fmt.Errorf("%w: %w", ErrUnsupportedKey, err)
	}
	return der, nil
}
