package gpg

import (
	"bytes"
	"encoding/hex"
	"errors"
	"testing"
	"time"
)

// FuzzParseSignature: any input parses or fails with one of the package's
// errors, never panics; what parses has a consistent hashed part and
// parses again to the same result.
func FuzzParseSignature(f *testing.F) {
	for _, fx := range loadFixtures(f) {
		f.Add(fx.sig)
	}
	f.Add(packetOf(2, sigBody(0, 22, 8, append(created, issuerFpr...), nil, edValue)))
	f.Fuzz(func(t *testing.T, data []byte) {
		p, err := ParseSignature(data)
		if err != nil {
			if !errors.Is(err, ErrMalformed) && !errors.Is(err, ErrUnsupported) {
				t.Fatalf("unexpected error kind: %v", err)
			}
			return
		}
		if len(p.Hashed) < 6 || p.Hashed[0] != 4 || int(p.Hashed[4])<<8|int(p.Hashed[5]) != len(p.Hashed)-6 {
			t.Fatalf("hashed part %x is not a v4 header", p.Hashed)
		}
		if !bytes.Contains(data, p.Hashed) || len(p.Signature) == 0 {
			t.Fatalf("inconsistent parse %+v", p)
		}
		q, err := ParseSignature(data)
		if err != nil || !bytes.Equal(q.Signature, p.Signature) || q.IssuerFingerprint != p.IssuerFingerprint {
			t.Fatalf("second parse differs: %v", err)
		}
	})
}

// FuzzParsePublicKey: any input parses or fails cleanly; a parsed key
// verifies a fixed signature without panicking and answers its queries.
func FuzzParsePublicKey(f *testing.F) {
	fxs := loadFixtures(f)
	for _, fx := range fxs {
		f.Add(fx.pub)
	}
	content := readFixture(f, "content.txt")
	p, err := firstSignature(fxs["ed25519"].sig)
	if err != nil {
		f.Fatal(err)
	}
	sig := Signature{KeyID: p.IssuerFingerprint, OtherHeaders: hex.EncodeToString(p.Hashed), Signature: hex.EncodeToString(p.Signature)}
	f.Fuzz(func(t *testing.T, data []byte) {
		k, err := ParsePublicKey(data)
		if err != nil {
			if !errors.Is(err, ErrMalformed) && !errors.Is(err, ErrUnsupported) {
				t.Fatalf("unexpected error kind: %v", err)
			}
			return
		}
		if len(k.Fingerprint) != 40 || !k.Matches(k.Fingerprint) {
			t.Fatalf("bad fingerprint %q", k.Fingerprint)
		}
		s := sig
		s.KeyID = k.Fingerprint
		if err := k.Verify(content, s, time.Unix(0, 0)); err != nil && !errors.Is(err, ErrBadSignature) &&
			!errors.Is(err, ErrUnsupported) && !errors.Is(err, ErrKeyRevoked) && !errors.Is(err, ErrKeyExpired) {
			t.Fatalf("unexpected verification error: %v", err)
		}
	})
}
