package keystoretest

import (
	"context"
	"testing"
	"time"

	"github.com/signet-dev/signet/keystore"
)

// CompareSign is a backend's BenchmarkSignAlternating: s.Sign(msg)
// against raw(msg), the same key used without Signet, followed by the
// verification Signet always makes, in turns; it reports ReportOverhead's
// metrics.
func CompareSign(b *testing.B, s keystore.Signer, raw func(msg []byte) ([]byte, error), msg []byte) {
	b.Helper()
	ctx, key := context.Background(), s.Key()
	ts, tr := Alternate(b,
		func() error { _, err := s.Sign(ctx, msg); return err },
		func() error {
			sig, err := raw(msg)
			if err != nil {
				return err
			}
			return key.Verify(msg, sig)
		})
	ReportOverhead(b, ts, tr)
}

// Alternate runs a and c in turns, b.N times each, timing each side
// apart, and returns their mean time per call. Machine drift during the
// run affects both sides alike, unlike sub-benchmarks run one after the
// other: on a shared 2-core machine those moved the same code's overhead
// by over 20 points between runs.
func Alternate(b *testing.B, a, c func() error) (ta, tc time.Duration) {
	b.Helper()
	n := 0
	for b.Loop() {
		t := time.Now()
		if err := a(); err != nil {
			b.Fatal(err)
		}
		ta += time.Since(t)
		t = time.Now()
		if err := c(); err != nil {
			b.Fatal(err)
		}
		tc += time.Since(t)
		n++
	}
	return ta / time.Duration(n), tc / time.Duration(n)
}

// ReportOverhead reports both sides' µs per signature and Signet's
// overhead-% over the plain client (signet/plain − 1).
func ReportOverhead(b *testing.B, signet, plain time.Duration) {
	b.Helper()
	b.ReportMetric(float64(signet.Nanoseconds())/1e3, "signet-µs/sig")
	b.ReportMetric(float64(plain.Nanoseconds())/1e3, "raw+verify-µs/sig")
	b.ReportMetric(100*(float64(signet)/float64(plain)-1), "overhead-%")
}
