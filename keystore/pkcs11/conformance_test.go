package pkcs11_test

import (
	"crypto"
	"encoding/json"
	"os"
	"path/filepath"
	"testing"

	"github.com/signet-dev/signet/internal/reftest"
	"github.com/signet-dev/signet/keystore"
	"github.com/signet-dev/signet/keystore/keystoretest"
	"github.com/signet-dev/signet/pkg/intoto"
	"github.com/signet-dev/signet/pkg/keys"
)

// TestAllKeyTypes generates ed25519, ecdsa P-256/P-384 and rsa-3072 keys
// on one token once and runs every test that needs all types on them.
func TestAllKeyTypes(t *testing.T) {
	f := newFixture(t)
	all := f.generateAll(t)
	for _, k := range all {
		uri := f.tok.URI(k.spec.Label)
		t.Run("Conformance/"+k.name, func(t *testing.T) {
			keystoretest.Run(t, func(t *testing.T) keystore.Signer {
				return f.open(t, uri, keystore.Options{})
			})
		})
		t.Run("KeyID/"+k.name, func(t *testing.T) { testKeyID(t, f, uri, k.pub) })
		t.Run("ModernDialect/"+k.name, func(t *testing.T) { testModernDialect(t, f, uri, k.pub) })
		t.Run("Link/"+k.name, func(t *testing.T) { testSignedLink(t, f, uri) })
	}
	t.Run("RSAPKCS1v15", func(t *testing.T) {
		s := f.open(t, f.tok.URI("rsa3072"), keystore.Options{Scheme: keys.SchemeRSAPKCS1v15SHA256})
		msg := []byte("pkcs1v15")
		sig, err := s.Sign(t.Context(), msg)
		if err != nil {
			t.Fatal(err)
		}
		if s.Key().Scheme != keys.SchemeRSAPKCS1v15SHA256 || s.Key().Verify(msg, sig) != nil {
			t.Fatalf("scheme %s: signature does not verify", s.Key().Scheme)
		}
	})
	t.Run("ByID", func(t *testing.T) {
		uri := "pkcs11:token=signet;id=%02?module-path=" + f.tok.Module + "&pin-source=" + f.tok.PINFile
		s := f.open(t, uri, keystore.Options{})
		if s.Key().KeyID != wantKey(t, all[1].pub).KeyID {
			t.Fatalf("id=%%02 opened key %s, want the p256 key", s.Key().KeyID)
		}
	})
	t.Run("BySerial", func(t *testing.T) {
		uri := "pkcs11:serial=" + f.tok.Serial + ";object=p384?module-path=" + f.tok.Module + "&pin-source=" + f.tok.PINFile
		if s := f.open(t, uri, keystore.Options{}); s.Key().KeyID != wantKey(t, all[2].pub).KeyID {
			t.Fatal("serial= opened the wrong key")
		}
	})
	t.Run("ReferenceVerifiesLinks", func(t *testing.T) { testReferenceVerifies(t, f, all) })
}

// testKeyID: the key id is the one computed from the public key read
// independently from the token, and stays the same across opens.
func testKeyID(t *testing.T, f *fixture, uri string, pub crypto.PublicKey) {
	want := wantKey(t, pub)
	for range 2 {
		s := f.open(t, uri, keystore.Options{})
		if got := s.Key(); got.KeyID != want.KeyID || got.Scheme != want.Scheme {
			t.Fatalf("Key() = %s/%s, want %s/%s", got.KeyID, got.Scheme, want.KeyID, want.Scheme)
		}
	}
}

func testModernDialect(t *testing.T, f *fixture, uri string, pub crypto.PublicKey) {
	want, err := keys.NewKeyWithOptions(pub, keys.KeyOptions{Dialect: keys.DialectModern})
	if err != nil {
		t.Fatal(err)
	}
	s := f.open(t, uri, keystore.Options{Dialect: keys.DialectModern})
	if s.Key().KeyID != want.KeyID || s.Key().Dialect() != keys.DialectModern {
		t.Fatalf("modern key id %s, want %s", s.Key().KeyID, want.KeyID)
	}
}

// testSignedLink signs a link metablock inside SoftHSM and verifies it
// with the public key through pkg/intoto.
func testSignedLink(t *testing.T, f *fixture, uri string) {
	s := f.open(t, uri, keystore.Options{})
	mb := signLink(t, s)
	data, err := mb.MarshalIndent()
	if err != nil {
		t.Fatal(err)
	}
	back, err := intoto.DecodeMetablock(data)
	if err != nil {
		t.Fatalf("DecodeMetablock: %v", err)
	}
	if err := back.VerifySignature(s.Key()); err != nil {
		t.Fatalf("VerifySignature: %v", err)
	}
	back.Signatures[0].Sig = back.Signatures[0].Sig[:len(back.Signatures[0].Sig)-2] + "00"
	if err := back.VerifySignature(s.Key()); err == nil {
		t.Fatal("a damaged signature verified")
	}
}

func signLink(t *testing.T, s keystore.Signer) *intoto.Metablock {
	t.Helper()
	link := intoto.NewLink("build")
	link.Command = []string{"make", "all"}
	mb, err := intoto.NewMetablock(link)
	if err != nil {
		t.Fatal(err)
	}
	if err := mb.Sign(t.Context(), s); err != nil {
		t.Fatalf("Sign: %v", err)
	}
	return mb
}

// testReferenceVerifies has the reference (in-toto 1.3.1's Metablock and
// securesystemslib) verify links signed in SoftHSM with the public keys.
func testReferenceVerifies(t *testing.T, f *fixture, all []testKey) {
	reftest.Require(t)
	dir := t.TempDir()
	type job struct {
		Link string   `json:"link"`
		Key  keys.Key `json:"key"`
	}
	var jobs []job
	for _, k := range all {
		s := f.open(t, f.tok.URI(k.spec.Label), keystore.Options{})
		data, err := signLink(t, s).MarshalIndent()
		if err != nil {
			t.Fatal(err)
		}
		path := filepath.Join(dir, "build."+s.Key().ShortID()+".link")
		if err := os.WriteFile(path, data, 0o644); err != nil {
			t.Fatal(err)
		}
		jobs = append(jobs, job{Link: path, Key: s.Key()})
	}
	var results []string
	reftest.RunJSON(t, "testdata/verify_link.py", jobs, &results)
	if len(results) != len(jobs) {
		t.Fatalf("the reference returned %d results for %d links", len(results), len(jobs))
	}
	for i, r := range results {
		if r != "ok" {
			got, _ := json.Marshal(jobs[i].Key)
			t.Errorf("reference in-toto rejected the %s link: %s (key %s)", all[i].name, r, got)
		}
	}
}
