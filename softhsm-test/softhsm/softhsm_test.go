package softhsm

import (
	"crypto/ecdsa"
	"crypto/ed25519"
	"crypto/rsa"
	"os"
	"strings"
	"testing"

	"github.com/miekg/pkcs11"
)

func TestTokenAndKeys(t *testing.T) {
	hsm := New(t)
	if got := os.Getenv(ConfEnv); got != hsm.Conf {
		t.Fatalf("%s = %q, want %q", ConfEnv, got, hsm.Conf)
	}
	a := hsm.InitToken(t, "alpha")
	b := hsm.InitToken(t, "beta two")
	if a.Serial == "" || a.Serial == b.Serial {
		t.Fatalf("serials %q and %q: want distinct, non-empty", a.Serial, b.Serial)
	}
	tests := []struct {
		spec  KeySpec
		check func(any) bool
	}{
		{KeySpec{Type: Ed25519, Label: "ed"}, func(k any) bool { _, ok := k.(ed25519.PublicKey); return ok }},
		{KeySpec{Type: ECDSAP256, Label: "p256", ID: []byte{1}}, func(k any) bool {
			p, ok := k.(*ecdsa.PublicKey)
			return ok && p.Curve.Params().Name == "P-256"
		}},
		{KeySpec{Type: ECDSAP384, Label: "p384"}, func(k any) bool {
			p, ok := k.(*ecdsa.PublicKey)
			return ok && p.Curve.Params().Name == "P-384"
		}},
		{KeySpec{Type: RSA, Bits: 2048, Label: "rsa"}, func(k any) bool {
			p, ok := k.(*rsa.PublicKey)
			return ok && p.N.BitLen() == 2048 && p.E == 65537
		}},
	}
	for _, tc := range tests {
		t.Run(tc.spec.Type, func(t *testing.T) {
			if pub := b.GenerateKey(t, tc.spec); !tc.check(pub) {
				t.Fatalf("GenerateKey(%s) returned %T", tc.spec.Type, pub)
			}
		})
	}
	// The objects exist on token b and not on token a.
	count := func(tok *Token) int {
		n := 0
		err := tok.WithSession(func(p *pkcs11.Ctx, s pkcs11.SessionHandle) error {
			if err := p.FindObjectsInit(s, []*pkcs11.Attribute{pkcs11.NewAttribute(pkcs11.CKA_CLASS, pkcs11.CKO_PRIVATE_KEY)}); err != nil {
				return err
			}
			defer p.FindObjectsFinal(s)
			hs, _, err := p.FindObjects(s, 100)
			n = len(hs)
			return err
		})
		if err != nil {
			t.Fatal(err)
		}
		return n
	}
	if na, nb := count(a), count(b); na != 0 || nb != len(tests) {
		t.Fatalf("private keys: token a has %d (want 0), token b has %d (want %d)", na, nb, len(tests))
	}
	if !strings.Contains(b.URI("ed"), "token=beta%20two;object=ed?module-path=") {
		t.Fatalf("URI = %q", b.URI("ed"))
	}
	data, err := os.ReadFile(a.PINFile)
	if err != nil || strings.TrimSpace(string(data)) != a.PIN {
		t.Fatalf("PIN file: %q, %v", data, err)
	}
}

func TestBadKeyType(t *testing.T) {
	hsm := New(t)
	tok := hsm.InitToken(t, "x")
	err := tok.WithSession(func(p *pkcs11.Ctx, s pkcs11.SessionHandle) error {
		_, err := generate(p, s, KeySpec{Type: "dsa"})
		return err
	})
	if err == nil || !strings.Contains(err.Error(), "unknown key type") {
		t.Fatalf("got %v, want unknown key type", err)
	}
}

func TestRequire(t *testing.T) {
	Require(t) // passes here, or the test is skipped/failed as documented
	if err := Available(); err != nil {
		t.Fatalf("Require returned but Available says %v", err)
	}
}
