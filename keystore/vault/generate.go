package vault

import (
	"context"
	"errors"
	"fmt"
	"slices"
	"strings"

	"github.com/signet-dev/signet/keystore"
	"github.com/signet-dev/signet/pkg/keys"
)

// GenerateOptions control Generate.
type GenerateOptions struct {
	// KeyType is a transit key type (ed25519, ecdsa-p256, ecdsa-p384,
	// rsa-2048, rsa-3072, rsa-4096) or an in-toto key type
	// (ed25519, ecdsa = ecdsa-p256, rsa = rsa-3072). Required.
	KeyType string
	// Scheme and Dialect shape the returned Key as keystore.Options do.
	Scheme  string
	Dialect keys.Dialect
}

// transitType maps GenerateOptions.KeyType to a transit key type.
func transitType(kt string) (string, error) {
	switch kt {
	case keys.KeyTypeECDSA:
		return "ecdsa-p256", nil
	case keys.KeyTypeRSA:
		return "rsa-3072", nil
	}
	if slices.Contains(signingTypes, kt) {
		return kt, nil
	}
	return "", fmt.Errorf("%w: KeyType %q: use one of %s", keystore.ErrInvalidOptions, kt, strings.Join(signingTypes, ", "))
}

// Generate creates the transit key u names (which must not carry a
// version) and returns the in-toto Key of its version 1. It refuses a key
// that exists (ErrKeyExists), since Vault would silently keep the old one.
// The check and the creation are two requests: a key created by someone
// else in between is kept and returned as if created here.
func (b *Backend) Generate(ctx context.Context, u *keystore.URI, opts GenerateOptions) (keys.Key, error) {
	t, err := parseTarget(u)
	if err != nil {
		return keys.Key{}, err
	}
	if t.version != 0 {
		return keys.Key{}, fmt.Errorf("%w: %s: a new key has no version yet; drop ?version=", keystore.ErrBadURI, t.uri)
	}
	typ, err := transitType(opts.KeyType)
	if err != nil {
		return keys.Key{}, err
	}
	if err := (keystore.Options{Scheme: opts.Scheme, Dialect: opts.Dialect}).Validate(); err != nil {
		return keys.Key{}, err
	}
	c, err := b.connect(ctx, t)
	if err != nil {
		return keys.Key{}, err
	}
	defer c.close()
	if ki, err := c.readKey(ctx); err == nil {
		return keys.Key{}, fmt.Errorf("%w: %s (a %s key with %d versions); rotate it in Vault or choose another name",
			ErrKeyExists, t.uri, ki.typ, ki.latest)
	} else if !errors.Is(err, keystore.ErrKeyNotFound) {
		return keys.Key{}, err
	}
	if _, err := c.write(ctx, c.keyPath(), "create", map[string]any{"type": typ}); err != nil {
		return keys.Key{}, err
	}
	ki, err := c.readKey(ctx)
	if err != nil {
		return keys.Key{}, err
	}
	key, _, err := keyFor(ki, 1, t.uri, keystore.Options{Scheme: opts.Scheme, Dialect: opts.Dialect})
	if err != nil {
		return keys.Key{}, err
	}
	b.log.DebugContext(ctx, "created Vault transit key", "uri", t.uri, "type", typ, "keyid", key.KeyID)
	return key, nil
}
