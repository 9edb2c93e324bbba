package keyuri

import (
	"context"
	"errors"
	"strings"
	"testing"

	"github.com/signet-dev/signet/keystore"
)

func TestIsURI(t *testing.T) {
	for s, want := range map[string]bool{
		"pkcs11:token=a;object=b":   true,
		"hashivault://transit/k":    true,
		"file:///etc/k.pem":         true,
		"yubikey:slot-id=9c":        true,
		"alice.pem":                 false,
		"/etc/keys/alice":           false,
		"C:/keys/alice":             false,
		"https://example.com/key":   false,
		"./pkcs11:token=a;object=b": false,
		"":                          false,
	} {
		if got := IsURI(s); got != want {
			t.Errorf("IsURI(%q) = %v, want %v", s, got, want)
		}
	}
}

func TestParseKeyKind(t *testing.T) {
	for _, name := range []string{"ed25519", "ecdsa-p256", "ecdsa-p384", "rsa-2048", "rsa-3072", "rsa-4096"} {
		k, err := ParseKeyKind(name)
		if err != nil || k.Name != name || k.KeyType == "" {
			t.Errorf("ParseKeyKind(%q) = %+v, %v", name, k, err)
		}
	}
	if _, err := ParseKeyKind("dsa"); err == nil {
		t.Error("ParseKeyKind(dsa) succeeded")
	}
}

// TestFileOnly: without backends a device URI is refused with a hint.
func TestFileOnly(t *testing.T) {
	s := New(Config{})
	defer s.Close()
	_, err := s.Open(context.Background(), "pkcs11:token=a;object=b?module-path=/x.so", keystore.Options{})
	if !errors.Is(err, keystore.ErrUnknownScheme) || !strings.Contains(err.Error(), "signet key public") {
		t.Fatalf("Open = %v; want ErrUnknownScheme with a hint", err)
	}
}
