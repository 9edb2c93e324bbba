package fastverify

import (
	"crypto/ed25519"
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
