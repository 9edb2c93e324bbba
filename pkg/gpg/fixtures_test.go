package gpg

import (
	"encoding/hex"
	"errors"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"
)

// fixture is one key of testdata (made by testdata/gen.sh).
type fixture struct {
	name             string
	primary, signing string // fingerprints, lowercase
	pub, sig         []byte
}

func loadFixtures(t testing.TB) map[string]fixture {
	t.Helper()
	list, err := os.ReadFile(filepath.Join("testdata", "fingerprints.txt"))
	if err != nil {
		t.Fatal(err)
	}
	out := map[string]fixture{}
	for line := range strings.SplitSeq(strings.TrimSpace(string(list)), "\n") {
		f := strings.Fields(line)
		if len(f) != 3 {
			t.Fatalf("fingerprints.txt: bad line %q", line)
		}
		fx := fixture{name: f[0], primary: strings.ToLower(f[1]), signing: strings.ToLower(f[2])}
		fx.pub = readFixture(t, f[0]+".pub")
		fx.sig = readFixture(t, f[0]+".sig")
		out[f[0]] = fx
	}
	return out
}

func readFixture(t testing.TB, name string) []byte {
	t.Helper()
	data, err := os.ReadFile(filepath.Join("testdata", name))
	if err != nil {
		t.Fatal(err)
	}
	return data
}

// signatureOf turns a detached signature fixture into the reference's
// signature fields, as Sign does.
func signatureOf(t *testing.T, fx fixture) Signature {
	t.Helper()
	p, err := firstSignature(fx.sig)
	if err != nil {
		t.Fatalf("%s.sig: %v", fx.name, err)
	}
	return Signature{KeyID: p.IssuerFingerprint, OtherHeaders: hex.EncodeToString(p.Hashed), Signature: hex.EncodeToString(p.Signature)}
}

func TestParseSignatureFixtures(t *testing.T) {
	wantAlgo := map[string]Algorithm{"rsa": AlgorithmRSA, "ed25519": AlgorithmEdDSA, "dsa": AlgorithmDSA,
		"expiring": AlgorithmEdDSA, "rsa-sub": AlgorithmEdDSA, "ed25519-sub": AlgorithmRSA, "revoked": AlgorithmEdDSA}
	for name, fx := range loadFixtures(t) {
		t.Run(name, func(t *testing.T) {
			p, err := ParseSignature(fx.sig)
			if err != nil {
				t.Fatal(err)
			}
			if p.IssuerFingerprint != fx.signing || !strings.HasSuffix(fx.signing, p.IssuerKeyID) {
				t.Errorf("issuer %s / %s, want %s", p.IssuerFingerprint, p.IssuerKeyID, fx.signing)
			}
			if p.Algorithm != wantAlgo[name] || p.Hash != HashSHA256 || p.Type != SigTypeBinary {
				t.Errorf("algorithm %v hash %d type %d", p.Algorithm, p.Hash, p.Type)
			}
			if p.Created.Before(time.Date(2020, 1, 1, 0, 0, 0, 0, time.UTC)) {
				t.Errorf("creation time %v", p.Created)
			}
			if p.Algorithm == AlgorithmEdDSA && len(p.Signature) != 64 {
				t.Errorf("EdDSA signature of %d bytes", len(p.Signature))
			}
		})
	}
}

func TestParsePublicKeyFixtures(t *testing.T) {
	tests := []struct {
		name     string
		subkeys  int
		lifetime time.Duration
		revoked  bool
	}{
		{name: "rsa"}, {name: "ed25519"}, {name: "dsa"},
		{name: "expiring", lifetime: 365 * 24 * time.Hour},
		{name: "rsa-sub", subkeys: 1}, {name: "ed25519-sub", subkeys: 1},
		{name: "revoked", revoked: true},
	}
	fxs := loadFixtures(t)
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			fx := fxs[tt.name]
			k, err := ParsePublicKey(fx.pub)
			if err != nil {
				t.Fatal(err)
			}
			if k.Fingerprint != fx.primary || len(k.Subkeys) != tt.subkeys || k.Revoked != tt.revoked {
				t.Errorf("fingerprint %s, %d subkeys, revoked %v", k.Fingerprint, len(k.Subkeys), k.Revoked)
			}
			// gpg may count a year as 365 days or to the same date a year on.
			if d := k.Lifetime - tt.lifetime; d < 0 || d > 24*time.Hour {
				t.Errorf("lifetime %v, want %v", k.Lifetime, tt.lifetime)
			}
			if !k.Matches(fx.signing[24:]) || !k.Matches(strings.ToUpper(fx.primary)) || k.Matches("00") {
				t.Errorf("Matches is wrong for %v", k.KeyIDs())
			}
		})
	}
}

func TestVerifyFixtures(t *testing.T) {
	fxs := loadFixtures(t)
	content := readFixture(t, "content.txt")
	now := time.Now()
	tampered := func(s Signature) Signature { s.OtherHeaders = s.OtherHeaders[:6] + "0a" + s.OtherHeaders[8:]; return s }
	tests := []struct {
		name, key, sig string
		content        []byte
		now            time.Time
		change         func(Signature) Signature
		wantErr        error
	}{
		{name: "rsa", key: "rsa", sig: "rsa"},
		{name: "ed25519", key: "ed25519", sig: "ed25519"},
		{name: "ed25519 subkey of rsa key", key: "rsa-sub", sig: "rsa-sub"},
		{name: "rsa subkey of ed25519 key", key: "ed25519-sub", sig: "ed25519-sub"},
		{name: "expiring key before expiry", key: "expiring", sig: "expiring"},
		{name: "expiring key after expiry", key: "expiring", sig: "expiring", now: now.AddDate(2, 0, 0), wantErr: ErrKeyExpired},
		{name: "revoked", key: "revoked", sig: "revoked", wantErr: ErrKeyRevoked},
		{name: "dsa", key: "dsa", sig: "dsa", wantErr: ErrUnsupported},
		{name: "other content rsa", key: "rsa", sig: "rsa", content: []byte("x"), wantErr: ErrBadSignature},
		{name: "other content ed25519", key: "ed25519", sig: "ed25519", content: []byte("x"), wantErr: ErrBadSignature},
		{name: "signature of another key", key: "rsa", sig: "ed25519", wantErr: ErrBadSignature},
		{name: "another key under this key id", key: "rsa", sig: "ed25519",
			change: func(s Signature) Signature { s.KeyID = fxs["rsa"].signing; return s }, wantErr: ErrBadSignature},
		{name: "headers claim another hash", key: "rsa", sig: "rsa", change: tampered, wantErr: ErrBadSignature},
		{name: "headers cut short", key: "ed25519", sig: "ed25519",
			change: func(s Signature) Signature { s.OtherHeaders = s.OtherHeaders[:10]; return s }, wantErr: ErrBadSignature},
		{name: "not hex", key: "ed25519", sig: "ed25519",
			change: func(s Signature) Signature { s.Signature = "zz"; return s }, wantErr: ErrBadSignature},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			k, err := ParsePublicKey(fxs[tt.key].pub)
			if err != nil {
				t.Fatal(err)
			}
			sig := signatureOf(t, fxs[tt.sig])
			if tt.change != nil {
				sig = tt.change(sig)
			}
			c, at := content, now
			if tt.content != nil {
				c = tt.content
			}
			if !tt.now.IsZero() {
				at = tt.now
			}
			err = k.Verify(c, sig, at)
			if !errors.Is(err, tt.wantErr) || (err == nil) != (tt.wantErr == nil) {
				t.Fatalf("Verify = %v, want %v", err, tt.wantErr)
			}
		})
	}
}
