package pkcs11_test

import (
	"errors"
	"strings"
	"testing"

	p11 "github.com/miekg/pkcs11"
	"github.com/signet-dev/signet/keystore"
	"github.com/signet-dev/signet/keystore/pkcs11"
	"github.com/signet-dev/signet/pkg/keys"
)

func generate(t *testing.T, f *fixture, uri string, opts pkcs11.GenerateOptions) (keys.Key, error) {
	t.Helper()
	u, err := keystore.ParseURI(uri)
	if err != nil {
		t.Fatal(err)
	}
	return f.b.Generate(t.Context(), u, opts)
}

// TestGenerate makes keys of every type on the token, opens them by label
// and by id, and refuses duplicates.
func TestGenerate(t *testing.T) {
	f := newFixture(t)
	tests := []struct {
		object  string
		keyType string
		bits    int
		scheme  string
	}{
		{"gen-ed", keys.KeyTypeED25519, 0, keys.SchemeED25519},
		{"gen-p256", keys.KeyTypeECDSA, 0, keys.SchemeECDSAP256},
		{"gen-p384", keys.KeyTypeECDSA, 384, keys.SchemeECDSAP384},
		{"gen-rsa", keys.KeyTypeRSA, 2048, keys.SchemeRSASSAPSSSHA256},
	}
	for _, tc := range tests {
		t.Run(tc.object, func(t *testing.T) {
			k, err := generate(t, f, f.tok.URI(tc.object), pkcs11.GenerateOptions{KeyType: tc.keyType, Bits: tc.bits})
			if err != nil {
				t.Fatalf("Generate: %v", err)
			}
			if k.KeyType != tc.keyType || k.Scheme != tc.scheme || k.Validate() != nil {
				t.Fatalf("Generate returned %s/%s (valid: %v)", k.KeyType, k.Scheme, k.Validate())
			}
			s := f.open(t, f.tok.URI(tc.object), keystore.Options{})
			if s.Key().KeyID != k.KeyID {
				t.Fatalf("opened key id %s, Generate said %s", s.Key().KeyID, k.KeyID)
			}
			sig, err := s.Sign(t.Context(), []byte("generated"))
			if err != nil || k.Verify([]byte("generated"), sig) != nil {
				t.Fatalf("Sign/Verify with the generated key: %v", err)
			}
			_, err = generate(t, f, f.tok.URI(tc.object), pkcs11.GenerateOptions{KeyType: tc.keyType, Bits: tc.bits})
			if !errors.Is(err, pkcs11.ErrKeyExists) || !strings.Contains(err.Error(), "object="+tc.object) {
				t.Fatalf("second Generate: got %v, want %v naming the key", err, pkcs11.ErrKeyExists)
			}
		})
	}
}

func TestGenerateErrors(t *testing.T) {
	f := newFixture(t)
	withID := "pkcs11:token=signet;object=a;id=%07?module-path=" + f.tok.Module + "&pin-source=" + f.tok.PINFile
	if _, err := generate(t, f, withID, pkcs11.GenerateOptions{KeyType: keys.KeyTypeECDSA}); err != nil {
		t.Fatalf("Generate with id: %v", err)
	}
	// A data object (no key type) with a label blocks that label too.
	err := f.tok.WithSession(func(p *p11.Ctx, s p11.SessionHandle) error {
		_, err := p.CreateObject(s, []*p11.Attribute{
			p11.NewAttribute(p11.CKA_CLASS, p11.CKO_DATA), p11.NewAttribute(p11.CKA_TOKEN, true),
			p11.NewAttribute(p11.CKA_LABEL, "data-object"), p11.NewAttribute(p11.CKA_VALUE, []byte("x")),
		})
		return err
	})
	if err != nil {
		t.Fatal(err)
	}
	tests := []struct {
		name    string
		uri     string
		opts    pkcs11.GenerateOptions
		wantErr error
	}{
		{"label of a data object", f.tok.URI("data-object"),
			pkcs11.GenerateOptions{KeyType: keys.KeyTypeED25519}, pkcs11.ErrKeyExists},
		{"same id, other label", strings.Replace(withID, "object=a", "object=b", 1),
			pkcs11.GenerateOptions{KeyType: keys.KeyTypeED25519}, pkcs11.ErrKeyExists},
		{"no label", strings.Replace(withID, "object=a;", "", 1),
			pkcs11.GenerateOptions{KeyType: keys.KeyTypeED25519}, keystore.ErrBadURI},
		{"bad type", f.tok.URI("c"), pkcs11.GenerateOptions{KeyType: "dsa"}, keys.ErrUnsupportedKey},
		{"rsa too small", f.tok.URI("c"), pkcs11.GenerateOptions{KeyType: keys.KeyTypeRSA, Bits: 1024}, keys.ErrUnsupportedKey},
		{"ecdsa bits", f.tok.URI("c"), pkcs11.GenerateOptions{KeyType: keys.KeyTypeECDSA, Bits: 300}, keys.ErrUnsupportedKey},
		{"ed25519 bits", f.tok.URI("c"), pkcs11.GenerateOptions{KeyType: keys.KeyTypeED25519, Bits: 448}, keys.ErrUnsupportedKey},
		{"PIN missing", "pkcs11:token=signet;object=c?module-path=" + f.tok.Module,
			pkcs11.GenerateOptions{KeyType: keys.KeyTypeED25519}, keystore.ErrPINRequired},
		{"scheme refused", f.tok.URI("d"),
			pkcs11.GenerateOptions{KeyType: keys.KeyTypeED25519, Options: keystore.Options{Scheme: keys.SchemeRSASSAPSSSHA256}},
			keys.ErrUnsupportedScheme},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			if _, err := generate(t, f, tc.uri, tc.opts); !errors.Is(err, tc.wantErr) {
				t.Fatalf("got %v, want %v", err, tc.wantErr)
			}
		})
	}
}
