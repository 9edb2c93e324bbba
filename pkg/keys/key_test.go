package keys

import (
	"crypto"
	"crypto/ecdh"
	"crypto/ecdsa"
	"crypto/ed25519"
	"crypto/elliptic"
	"crypto/rand"
	"crypto/rsa"
	"encoding/json"
	"errors"
	"strings"
	"sync"
	"testing"

	"github.com/signet-dev/signet/pkg/cjson"
)

// testKeySet holds one key of each kind.
type testKeySet struct {
	ed   ed25519.PrivateKey
	p256 *ecdsa.PrivateKey
	p384 *ecdsa.PrivateKey
	p521 *ecdsa.PrivateKey
	rsa  *rsa.PrivateKey
}

// sharedTestKeys generates the test keys once per test binary; rsa
// generation is slow. Keys are immutable, so tests may share them.
var sharedTestKeys = sync.OnceValues(func() (testKeySet, error) {
	var ks testKeySet
	var err error
	if _, ks.ed, err = ed25519.GenerateKey(rand.Reader); err != nil {
		return ks, err
	}
	for _, c := range []struct {
		dst   **ecdsa.PrivateKey
		curve elliptic.Curve
	}{{&ks.p256, elliptic.P256()}, {&ks.p384, elliptic.P384()}, {&ks.p521, elliptic.P521()}} {
		if *c.dst, err = ecdsa.GenerateKey(c.curve, rand.Reader); err != nil {
			return ks, err
		}
	}
	ks.rsa, err = rsa.GenerateKey(rand.Reader, 2048)
	return ks, err
})

func newTestKeys(t testing.TB) testKeySet {
	t.Helper()
	ks, err := sharedTestKeys()
	if err != nil {
		t.Fatal(err)
	}
	return ks
}

func TestNewKey(t *testing.T) {
	ks := newTestKeys(t)
	tests := []struct {
		name       string
		pub        crypto.PublicKey
		opts       KeyOptions
		wantType   string
		wantScheme string
		wantSuffix string // how the public value must end
		wantErr    error
	}{
		{"ed25519", ks.ed.Public(), KeyOptions{}, KeyTypeED25519, SchemeED25519, "", nil},
		{"p256", ks.p256.Public(), KeyOptions{}, KeyTypeECDSA, SchemeECDSAP256, "-----\n", nil},
		{"p384", ks.p384.Public(), KeyOptions{}, KeyTypeECDSA, SchemeECDSAP384, "-----\n", nil},
		{"p521", ks.p521.Public(), KeyOptions{}, KeyTypeECDSA, SchemeECDSAP521, "-----\n", nil},
		{"rsa legacy", ks.rsa.Public(), KeyOptions{}, KeyTypeRSA, SchemeRSASSAPSSSHA256, "PUBLIC KEY-----", nil},
		{"rsa modern", ks.rsa.Public(), KeyOptions{Dialect: DialectModern}, KeyTypeRSA, SchemeRSASSAPSSSHA256, "-----\n", nil},
		{"rsa pkcs1v15", ks.rsa.Public(), KeyOptions{Scheme: SchemeRSAPKCS1v15SHA256}, KeyTypeRSA, SchemeRSAPKCS1v15SHA256, "-----", nil},
		{"p256 with p384 scheme", ks.p256.Public(), KeyOptions{Scheme: SchemeECDSAP384}, "", "", "", ErrUnsupportedScheme},
		{"rsa with ed25519 scheme", ks.rsa.Public(), KeyOptions{Scheme: SchemeED25519}, "", "", "", ErrUnsupportedScheme},
		{"md5 scheme", ks.rsa.Public(), KeyOptions{Scheme: "rsassa-pss-md5"}, "", "", "", ErrUnsupportedScheme},
		{"x25519", mustECDH(t).PublicKey(), KeyOptions{}, "", "", "", ErrUnsupportedKey},
		{"p224", mustECDSA(t, elliptic.P224()).Public(), KeyOptions{}, "", "", "", ErrUnsupportedKey},
		{"short ed25519", ed25519.PublicKey{1, 2, 3}, KeyOptions{}, "", "", "", ErrMalformedKey},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			k, err := NewKeyWithOptions(tt.pub, tt.opts)
			if !errors.Is(err, tt.wantErr) {
				t.Fatalf("err = %v, want %v", err, tt.wantErr)
			}
			if tt.wantErr != nil {
				return
			}
			if k.KeyType != tt.wantType || k.Scheme != tt.wantScheme || !strings.HasSuffix(k.KeyVal.Public, tt.wantSuffix) {
				t.Errorf("got %s/%s %q", k.KeyType, k.Scheme, k.KeyVal.Public)
			}
			if (tt.opts.Dialect == DialectLegacy) != (len(k.KeyIDHashAlgorithms) == 2) {
				t.Errorf("keyid_hash_algorithms = %v for %s dialect", k.KeyIDHashAlgorithms, tt.opts.Dialect)
			}
			if err := k.Validate(); err != nil {
				t.Errorf("Validate: %v", err)
			}
		})
	}
}

func TestNewKeyED25519Hex(t *testing.T) {
	pub := ed25519.PublicKey(mustHex(t, "703f00ea549ea2c7eab67a8c2712be55935d26d87a882667ea8f42a4a57691bc"))
	k, err := NewKey(&pub, "")
	if err != nil {
		t.Fatal(err)
	}
	// Key id the reference computed for this key (in-toto-keygen -t ed25519).
	const want = "b160b78b20aca38e6f6024021d2631668c19d235f343ed77b33a700c85581eb4"
	if k.KeyVal.Public != "703f00ea549ea2c7eab67a8c2712be55935d26d87a882667ea8f42a4a57691bc" || k.KeyID != want {
		t.Errorf("got %s %s, want key id %s", k.KeyVal.Public, k.KeyID, want)
	}
}

func mustECDH(t *testing.T) *ecdh.PrivateKey {
	k, err := ecdh.X25519().GenerateKey(rand.Reader)
	if err != nil {
		t.Fatal(err)
	}
	return k
}

func mustECDSA(t *testing.T, c elliptic.Curve) *ecdsa.PrivateKey {
	k, err := ecdsa.GenerateKey(c, rand.Reader)
	if err != nil {
		t.Fatal(err)
	}
	return k
}

func TestComputeKeyIDDialects(t *testing.T) {
	fs, _ := loadFixtures(t)
	for _, name := range []string{"rsa.pub", "ed25519.pub", "ecdsa.pub"} {
		f := fs.Files[name]
		legacy := Key{KeyType: f.KeyType, Scheme: f.Scheme, KeyIDHashAlgorithms: LegacyKeyIDHashAlgorithms(), KeyVal: KeyVal{Public: f.Public}}
		if id, err := ComputeKeyID(legacy); err != nil || id != f.KeyID {
			t.Errorf("%s: legacy id = %s, %v; want %s", name, id, err, f.KeyID)
		}
		// The "private" marker never enters the preimage.
		legacy.KeyVal.PrivateEmpty = true
		if id, _ := ComputeKeyID(legacy); id != f.KeyID {
			t.Errorf("%s: PrivateEmpty changed the key id", name)
		}
	}
	if _, err := ComputeKeyID(Key{KeyType: "rsa", Scheme: "rsassa-pss-sha256"}); !errors.Is(err, ErrMalformedKey) {
		t.Errorf("empty public: err = %v, want ErrMalformedKey", err)
	}
}

func TestValidate(t *testing.T) {
	ks := newTestKeys(t)
	good, err := NewKey(ks.p256.Public(), "")
	if err != nil {
		t.Fatal(err)
	}
	small, _ := rsa.GenerateKey(rand.Reader, 1024)
	smallPEM, _ := spkiPEM(small.Public(), false)
	p384PEM, _ := spkiPEM(ks.p384.Public(), true)
	edit := func(f func(*Key)) Key {
		k := good
		k.KeyIDHashAlgorithms = LegacyKeyIDHashAlgorithms()
		f(&k)
		return k
	}
	tests := []struct {
		name    string
		key     Key
		wantErr error
	}{
		{"good", good, nil},
		{"wrong key id", edit(func(k *Key) { k.KeyID = strings.Repeat("0", 64) }), ErrKeyIDMismatch},
		{"modern id on legacy key", edit(func(k *Key) { k.KeyIDHashAlgorithms = nil }), ErrKeyIDMismatch},
		{"unknown keytype", edit(func(k *Key) { k.KeyType = "dsa" }), ErrUnsupportedKey},
		{"rsa scheme on ecdsa", edit(func(k *Key) { k.Scheme = SchemeRSASSAPSSSHA256 }), ErrUnsupportedScheme},
		{"garbage public", edit(func(k *Key) { k.KeyVal.Public = "not a key" }), ErrMalformedKey},
		{"p384 key, p256 scheme", edit(func(k *Key) { k.KeyVal.Public = p384PEM }), ErrUnsupportedScheme},
		{"rsa 1024", edit(func(k *Key) { k.KeyType, k.Scheme, k.KeyVal.Public = "rsa", SchemeRSASSAPSSSHA256, smallPEM }), ErrUnsupportedKey},
		{"rsa value, ed25519 type", edit(func(k *Key) { k.KeyType, k.Scheme = "ed25519", "ed25519" }), ErrMalformedKey},
		{"old keytype other scheme", edit(func(k *Key) { k.KeyType = SchemeECDSAP384 }), ErrUnsupportedScheme},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if err := tt.key.Validate(); !errors.Is(err, tt.wantErr) {
				t.Errorf("Validate() = %v, want %v", err, tt.wantErr)
			}
		})
	}
}

func TestKeyValJSON(t *testing.T) {
	tests := []struct {
		name    string
		in      string
		want    string // canonical JSON after a round trip
		wantErr error
	}{
		{"public only", `{"public":"ab"}`, `{"public":"ab"}`, nil},
		{"empty private kept", `{"private":"","public":"ab"}`, `{"private":"","public":"ab"}`, nil},
		{"private key refused", `{"private":"secret","public":"ab"}`, "", ErrMalformedKey},
		{"no public", `{"private":""}`, "", ErrMalformedKey},
		{"public not a string", `{"public":5}`, "", ErrMalformedKey},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			var v KeyVal
			err := json.Unmarshal([]byte(tt.in), &v)
			if !errors.Is(err, tt.wantErr) {
				t.Fatalf("Unmarshal err = %v, want %v", err, tt.wantErr)
			}
			if err != nil {
				if strings.Contains(err.Error(), "secret") {
					t.Errorf("error leaks the private value: %v", err)
				}
				return
			}
			out, err := cjson.Marshal(Key{KeyVal: v})
			if err != nil || !strings.Contains(string(out), `"keyval":`+tt.want) {
				t.Errorf("round trip = %s, %v; want keyval %s", out, err, tt.want)
			}
		})
	}
}

// TestLayoutKeyRoundTrip decodes a key as in-toto 1.3.1 embeds it in a
// layout and re-encodes it to the same canonical bytes.
func TestLayoutKeyRoundTrip(t *testing.T) {
	fs, _ := loadFixtures(t)
	f := fs.Files["rsa.pub"]
	in := map[string]any{
		"keyid": f.KeyID, "keyid_hash_algorithms": []any{"sha256", "sha512"}, "keytype": "rsa",
		"keyval": map[string]any{"private": "", "public": f.Public}, "scheme": f.Scheme,
	}
	want, err := cjson.Marshal(in)
	if err != nil {
		t.Fatal(err)
	}
	raw, err := json.Marshal(in)
	if err != nil {
		t.Fatal(err)
	}
	var k Key
	if err := json.Unmarshal(raw, &k); err != nil {
		t.Fatal(err)
	}
	got, err := cjson.Marshal(k)
	if err != nil || string(got) != string(want) {
		t.Errorf("round trip:\n got %s\nwant %s", got, want)
	}
	if err := k.Validate(); err != nil {
		t.Errorf("Validate: %v", err)
	}
}

func TestFingerprintIgnoresDialect(t *testing.T) {
	ks := newTestKeys(t)
	a, _ := NewKey(ks.rsa.Public(), "")
	b, _ := NewKeyWithOptions(ks.rsa.Public(), KeyOptions{Dialect: DialectModern, Scheme: SchemeRSAPKCS1v15SHA256})
	c, _ := NewKey(ks.p256.Public(), "")
	fa, errA := a.Fingerprint()
	fb, errB := b.Fingerprint()
	fc, errC := c.Fingerprint()
	if errA != nil || errB != nil || errC != nil {
		t.Fatal(errA, errB, errC)
	}
	if a.KeyID == b.KeyID || fa != fb || fa == fc || len(fa) != 64 {
		t.Errorf("ids %s %s, fingerprints %s %s %s", a.KeyID, b.KeyID, fa, fb, fc)
	}
	if a.ShortID() != a.KeyID[:8] {
		t.Errorf("ShortID = %s", a.ShortID())
	}
}
