package backends

import (
	"context"
	"crypto/tls"
	"crypto/x509"
	"errors"
	"fmt"
	"net/http"
	"os"
	"strings"

	"github.com/signet-dev/signet/cmd/internal/keyuri"
	"github.com/signet-dev/signet/keystore"
	"github.com/signet-dev/signet/keystore/vault"
	"github.com/signet-dev/signet/pkg/keys"
)

// Environment variables the Vault backend is configured from, as the
// vault CLI reads them.
const (
	envVaultAddr      = "VAULT_ADDR"
	envVaultToken     = "VAULT_TOKEN"
	envVaultTokenFile = "VAULT_TOKEN_FILE" // Signet: a file holding the token
	envVaultNamespace = "VAULT_NAMESPACE"
	envVaultCACert    = "VAULT_CACERT"
)

// Vault registers the Vault transit backend when VAULT_ADDR is set.
func Vault(cfg keyuri.Config, r *keystore.Registry) (func() error, keyuri.Generator, error) {
	addr := cfg.Getenv(envVaultAddr)
	if addr == "" {
		return nil, nil, errors.New("hashivault: set VAULT_ADDR to the Vault server's address, and VAULT_TOKEN (or VAULT_TOKEN_FILE)")
	}
	vc := vault.Config{Address: addr, Namespace: cfg.Getenv(envVaultNamespace), Proxy: http.ProxyFromEnvironment,
		TokenSource: vaultToken(cfg.Getenv)}
	if ca := cfg.Getenv(envVaultCACert); ca != "" {
		pem, err := os.ReadFile(ca)
		if err != nil {
			return nil, nil, fmt.Errorf("hashivault: %s: %w", envVaultCACert, err)
		}
		pool := x509.NewCertPool()
		if !pool.AppendCertsFromPEM(pem) {
			return nil, nil, fmt.Errorf("hashivault: %s=%s holds no PEM certificate", envVaultCACert, ca)
		}
		vc.TLS = &tls.Config{RootCAs: pool, MinVersion: tls.VersionTLS12}
	}
	b, err := vault.NewBackend(vc, cfg.Logger)
	if err != nil {
		return nil, nil, err
	}
	b.Register(r)
	gen := func(ctx context.Context, u *keystore.URI, kind keyuri.KeyKind, opts keystore.Options) (keys.Key, error) {
		return b.Generate(ctx, u, vault.GenerateOptions{KeyType: kind.Name, Scheme: opts.Scheme, Dialect: opts.Dialect})
	}
	return func() error { return nil }, gen, nil
}

// vaultToken reads the token when a request needs it: VAULT_TOKEN, else
// the file VAULT_TOKEN_FILE names.
func vaultToken(getenv func(string) string) vault.TokenSource {
	return func(context.Context) (string, error) {
		if t := getenv(envVaultToken); t != "" {
			return t, nil
		}
		if f := getenv(envVaultTokenFile); f != "" {
			data, err := os.ReadFile(f)
			if err != nil {
				return "", fmt.Errorf("reading %s: %w", envVaultTokenFile, err)
			}
			return strings.TrimSpace(string(data)), nil
		}
		return "", errors.New("no Vault token: set VAULT_TOKEN or VAULT_TOKEN_FILE")
	}
}
