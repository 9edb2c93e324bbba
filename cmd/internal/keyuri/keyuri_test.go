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

// TestVaultNotConfigured checks that a hashivault URI without VAULT_ADDR
// fails with a message that says what to set.
func TestVaultNotConfigured(t *testing.T) {
	s := New(Config{Getenv: func(string) string { return "" }})
	defer s.Close()
	_, err := s.Open(context.Background(), "hashivault://transit/k", keystore.Options{})
	if !errors.Is(err, keystore.ErrUnknownScheme) || !strings.Contains(err.Error(), "VAULT_ADDR") {
		t.Fatalf("Open = %v; want ErrUnknownScheme naming VAULT_ADDR", err)
	}
	_, err = s.Generate(context.Background(), "hashivault://transit/k", KeyKind{Name: "ed25519"}, keystore.Options{})
	if err == nil || !strings.Contains(err.Error(), "VAULT_ADDR") {
		t.Fatalf("Generate = %v; want an error naming VAULT_ADDR", err)
	}
}
