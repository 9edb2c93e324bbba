package pkcs11_test

import (
	"context"
	"crypto"
	"testing"
	"time"

	"github.com/signet-dev/signet/keystore"
	"github.com/signet-dev/signet/keystore/pkcs11"
	"github.com/signet-dev/signet/pkg/keys"
	"github.com/signet-dev/signet/softhsm-test/softhsm"
)

// fixture is a private SoftHSM with one token and a Backend on it.
type fixture struct {
	hsm *softhsm.HSM
	tok *softhsm.Token
	b   *pkcs11.Backend
	reg *keystore.Registry
}

// newFixture makes an HSM with a token labelled "signet" and a Backend
// that is closed when the test ends.
func newFixture(t testing.TB) *fixture {
	t.Helper()
	hsm := softhsm.New(t)
	tok := hsm.InitToken(t, "signet")
	b, err := pkcs11.NewBackend(pkcs11.BackendOptions{MaxSessions: 4, PoolWaitTimeout: 10 * time.Second})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() {
		if err := b.Close(); err != nil {
			t.Errorf("Backend.Close: %v", err)
		}
	})
	reg := keystore.NewRegistry()
	b.Register(reg)
	return &fixture{hsm: hsm, tok: tok, b: b, reg: reg}
}

// open opens uri through the registry and closes the signer at the end.
func (f *fixture) open(t testing.TB, uri string, opts keystore.Options) keystore.Signer {
	t.Helper()
	s, err := f.reg.Open(context.Background(), uri, opts)
	if err != nil {
		t.Fatalf("Open(%s): %v", uri, err)
	}
	t.Cleanup(func() { _ = s.Close() })
	return s
}

// testKey is a key made on the token by the softhsm helper.
type testKey struct {
	name string
	spec softhsm.KeySpec
	pub  crypto.PublicKey
}

// keySpecs are the key types every test covers; RSA is 3072 bits.
func keySpecs() []softhsm.KeySpec {
	return []softhsm.KeySpec{
		{Type: softhsm.Ed25519, Label: "ed25519", ID: []byte{1}},
		{Type: softhsm.ECDSAP256, Label: "p256", ID: []byte{2}},
		{Type: softhsm.ECDSAP384, Label: "p384", ID: []byte{3}},
		{Type: softhsm.RSA, Bits: 3072, Label: "rsa3072", ID: []byte{4}},
	}
}

// generateAll makes every key of keySpecs on f's token.
func (f *fixture) generateAll(t testing.TB) []testKey {
	t.Helper()
	var out []testKey
	for _, spec := range keySpecs() {
		out = append(out, testKey{name: spec.Label, spec: spec, pub: f.tok.GenerateKey(t, spec)})
	}
	return out
}

// wantKey is the legacy in-toto key computed from the public key the
// softhsm helper read back from the token.
func wantKey(t testing.TB, pub crypto.PublicKey) keys.Key {
	t.Helper()
	k, err := keys.NewKey(pub, "")
	if err != nil {
		t.Fatal(err)
	}
	return k
}
