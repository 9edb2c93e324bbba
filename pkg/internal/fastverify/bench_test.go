package fastverify

import (
	"crypto/ecdsa"
	"crypto/ed25519"
	"crypto/sha256"
	"fmt"
	"testing"
)

// BenchmarkEd25519 compares the batch with crypto/ed25519 one signature at
// a time, per signature, for the batch sizes Vault answers with.
func BenchmarkEd25519(b *testing.B) {
	k := newTestKey(b, 1)
	v, err := NewEd25519(k.pub)
	if err != nil {
		b.Fatal(err)
	}
	for _, n := range []int{8, 32, 64} {
		msgs, sigs := signAll(k, n)
		b.Run(fmt.Sprintf("batch-%d", n), func(b *testing.B) {
			for b.Loop() {
				if err := v.Verify(msgs, sigs); err != nil {
					b.Fatal(err)
				}
			}
			b.ReportMetric(float64(b.Elapsed().Nanoseconds())/float64(b.N*n), "ns/sig")
		})
		b.Run(fmt.Sprintf("crypto-ed25519-%d", n), func(b *testing.B) {
			for b.Loop() {
				for i := range sigs {
					if !ed25519.Verify(k.pub, msgs[i], sigs[i]) {
						b.Fatal("bad signature")
					}
				}
			}
			b.ReportMetric(float64(b.Elapsed().Nanoseconds())/float64(b.N*n), "ns/sig")
		})
	}
}

// BenchmarkP256 compares the table-based check with crypto/ecdsa for one
// signature; the table is built before the timer starts.
func BenchmarkP256(b *testing.B) {
	k := p256Key(b)
	v, err := NewP256(&k.PublicKey)
	if err != nil {
		b.Fatal(err)
	}
	d := sha256.Sum256([]byte("message"))
	sig := signP256(b, k, d[:])
	b.Run("table", func(b *testing.B) {
		v.once.Do(v.build)
		for b.Loop() {
			if !v.VerifyASN1(d[:], sig) {
				b.Fatal("bad signature")
			}
		}
	})
	b.Run("crypto-ecdsa", func(b *testing.B) {
		for b.Loop() {
			if !ecdsa.VerifyASN1(&k.PublicKey, d[:], sig) {
				b.Fatal("bad signature")
			}
		}
	})
	b.Run("build-table", func(b *testing.B) {
		for b.Loop() {
			(&P256{q: v.q}).build()
		}
	})
}
