package backends

import (
	"context"
	"errors"
	"strings"
	"testing"

	"github.com/signet-dev/signet/cmd/internal/keyuri"
	"github.com/signet-dev/signet/keystore"
)

// TestVaultNotConfigured checks that a hashivault URI without VAULT_ADDR
// fails with a message that says what to set.
func TestVaultNotConfigured(t *testing.T) {
	s := keyuri.New(keyuri.Config{Getenv: func(string) string { return "" }, Backends: []keyuri.Backend{Vault}})
	defer s.Close()
	_, err := s.Open(context.Background(), "hashivault://transit/k", keystore.Options{})
	if !errors.Is(err, keystore.ErrUnknownScheme) || !strings.Contains(err.Error(), "VAULT_ADDR") {
		t.Fatalf("Open = %v; want ErrUnknownScheme naming VAULT_ADDR", err)
	}
	_, err = s.Generate(context.Background(), "hashivault://transit/k", keyuri.KeyKind{Name: "ed25519"}, keystore.Options{})
	if err == nil || !strings.Contains(err.Error(), "VAULT_ADDR") {
		t.Fatalf("Generate = %v; want an error naming VAULT_ADDR", err)
	}
}
