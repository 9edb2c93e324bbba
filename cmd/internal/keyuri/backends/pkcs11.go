//go:build cgo && !signet_nopkcs11

package backends

import (
	"context"

	"github.com/signet-dev/signet/cmd/internal/keyuri"
	"github.com/signet-dev/signet/keystore"
	"github.com/signet-dev/signet/keystore/pkcs11"
	"github.com/signet-dev/signet/pkg/keys"
)

// PKCS11 registers the PKCS#11 backend (it needs cgo; build with
// the tag signet_nopkcs11 to leave it out).
func PKCS11(cfg keyuri.Config, r *keystore.Registry) (func() error, keyuri.Generator, error) {
	b, err := pkcs11.NewBackend(pkcs11.BackendOptions{Logger: cfg.Logger})
	if err != nil {
		return nil, nil, err
	}
	b.Register(r)
	gen := func(ctx context.Context, u *keystore.URI, kind keyuri.KeyKind, opts keystore.Options) (keys.Key, error) {
		return b.Generate(ctx, u, pkcs11.GenerateOptions{KeyType: kind.KeyType, Bits: kind.Bits, Options: opts})
	}
	return b.Close, gen, nil
}
