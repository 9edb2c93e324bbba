package file_test

import (
	"context"
	"crypto"
	"crypto/rand"
	"crypto/rsa"
	"crypto/sha256"
	"crypto/sha512"
	"testing"

	"github.com/signet-dev/signet/keystore"
	"github.com/signet-dev/signet/keystore/keystoretest"
	"github.com/signet-dev/signet/pkg/keys"
)

// benchMessage is about the size of a link's canonical bytes.
var benchMessage = make([]byte, 512)

// BenchmarkSignAlternating compares Signet's file-key signer (opened from
// a PKCS#8 file by URI; hashing, signing and verifying every signature)
// with the same private key used through the standard library plus the
// same verification, in turns, reported as overhead-%.
func BenchmarkSignAlternating(b *testing.B) {
	dir := b.TempDir()
	reg := newRegistry()
	for _, ks := range keySpecs {
		priv, err := keys.GenerateKey(ks.keyType, ks.bits)
		if err != nil {
			b.Fatal(err)
		}
		path, _ := writeKey(b, dir, ks.name, priv, keys.FormatPKCS8, "")
		s, err := reg.Open(context.Background(), path, keystore.Options{})
		if err != nil {
			b.Fatal(err)
		}
		raw := stdlibSigner(priv, ks)
		b.Run(ks.name, func(b *testing.B) { keystoretest.CompareSign(b, s, raw, benchMessage) })
		_ = s.Close()
	}
}

// stdlibSigner signs as the key's default scheme does, with the standard
// library alone.
func stdlibSigner(priv crypto.Signer, ks keySpec) func(msg []byte) ([]byte, error) {
	switch {
	case ks.keyType == keys.KeyTypeED25519:
		return func(msg []byte) ([]byte, error) { return priv.Sign(nil, msg, crypto.Hash(0)) }
	case ks.bits == 384:
		return func(msg []byte) ([]byte, error) {
			d := sha512.Sum384(msg)
			return priv.Sign(rand.Reader, d[:], crypto.SHA384)
		}
	case ks.keyType == keys.KeyTypeECDSA:
		return func(msg []byte) ([]byte, error) {
			d := sha256.Sum256(msg)
			return priv.Sign(rand.Reader, d[:], crypto.SHA256)
		}
	default:
		opts := &rsa.PSSOptions{SaltLength: rsa.PSSSaltLengthEqualsHash, Hash: crypto.SHA256}
		return func(msg []byte) ([]byte, error) {
			d := sha256.Sum256(msg)
			return priv.Sign(rand.Reader, d[:], opts)
		}
	}
}
