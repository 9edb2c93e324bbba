package keys

import (
	"context"
	"crypto"
	"testing"
)

func benchSchemes(b *testing.B) []struct {
	name   string
	cs     crypto.Signer
	scheme string
} {
	ks := newTestKeys(b)
	return []struct {
		name   string
		cs     crypto.Signer
		scheme string
	}{
		{"ed25519", ks.ed, SchemeED25519},
		{"ecdsa-p256", ks.p256, SchemeECDSAP256},
		{"ecdsa-p384", ks.p384, SchemeECDSAP384},
		{"rsa2048-pss-sha256", ks.rsa, SchemeRSASSAPSSSHA256},
	}
}

// BenchmarkSign includes the verification every Sign performs.
func BenchmarkSign(b *testing.B) {
	msg := make([]byte, 1024)
	for _, c := range benchSchemes(b) {
		s, err := NewSigner(c.cs, c.scheme)
		if err != nil {
			b.Fatal(err)
		}
		b.Run(c.name, func(b *testing.B) {
			for b.Loop() {
				if _, err := s.Sign(context.Background(), msg); err != nil {
					b.Fatal(err)
				}
			}
		})
	}
}

// BenchmarkVerify includes decoding the key's public value.
func BenchmarkVerify(b *testing.B) {
	msg := make([]byte, 1024)
	for _, c := range benchSchemes(b) {
		s, err := NewSigner(c.cs, c.scheme)
		if err != nil {
			b.Fatal(err)
		}
		sig, err := s.Sign(context.Background(), msg)
		if err != nil {
			b.Fatal(err)
		}
		k := s.Key()
		b.Run(c.name, func(b *testing.B) {
			for b.Loop() {
				if err := k.Verify(msg, sig); err != nil {
					b.Fatal(err)
				}
			}
		})
	}
}

// BenchmarkParseEncrypted measures opening a securesystemslib encrypted
// key (100000 PBKDF2 iterations).
func BenchmarkParseEncrypted(b *testing.B) {
	data := readTestdata(b, "ed25519_enc")
	for b.Loop() {
		if _, err := ParsePrivateKey(data, []byte(fixturePassword)); err != nil {
			b.Fatal(err)
		}
	}
}
