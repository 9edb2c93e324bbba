package ops

import (
	"context"
	"errors"
	"fmt"

	"github.com/signet-dev/signet/cmd/internal/keyuri"
	"github.com/signet-dev/signet/keystore"

	"github.com/signet-dev/signet/pkg/keys"
)

// KeyRequest says how to load a signing key.
type KeyRequest struct {
	// Path is the private key file, or a key store URI (pkcs11:...,
	// hashivault://..., file://...) opened through Stores.
	Path string
	// Stores opens key URIs; nil refuses them.
	Stores *keyuri.Stores
	// Ask asks a person for a PIN or passphrase a key URI needs (when
	// its *-source attribute is absent); nil means nobody can be asked.
	Ask func(question string) ([]byte, error)
	// KeyType is the reference's --key-type hint ("rsa", "ed25519",
	// "ecdsa"); "" accepts whatever the file holds.
	KeyType string
	// Passphrase is asked for only when the file turns out to be
	// encrypted; nil means no passphrase can be had.
	Passphrase func() ([]byte, error)
	// Dialect shapes the key id of PEM keys (legacy for --key, modern for
	// the newer --signing-key).
	Dialect keys.Dialect
}

// LoadSigner reads a private key file and returns a signer for it. An
// encrypted file triggers req.Passphrase once; errors name the file and say
// what to do.
func LoadSigner(ctx context.Context, req KeyRequest) (keys.Signer, error) {
	if keyuri.IsURI(req.Path) {
		return openURI(ctx, req)
	}
	data, err := keys.ReadKeyFile(req.Path)
	if err != nil {
		return nil, fmt.Errorf("cannot read key file %s: %w", req.Path, err)
	}
	opts := keys.ParseOptions{KeyType: req.KeyType, Dialect: req.Dialect}
	s, err := keys.ParsePrivateKeyWithOptions(data, opts)
	if errors.Is(err, keys.ErrPassphraseRequired) && req.Passphrase != nil {
		pp, perr := req.Passphrase()
		if perr != nil {
			return nil, fmt.Errorf("key file %s is encrypted: %w", req.Path, perr)
		}
		opts.Passphrase = pp
		s, err = keys.ParsePrivateKeyWithOptions(data, opts)
		clear(pp)
	}
	if err != nil {
		return nil, fmt.Errorf("cannot load key file %s: %w%s", req.Path, err, keyHint(err))
	}
	return s, nil
}

// keyHint suggests a fix for the common key loading errors.
func keyHint(err error) string {
	switch {
	case errors.Is(err, keys.ErrPassphraseRequired):
		return " (pass -P/--password to be asked for it)"
	case errors.Is(err, keys.ErrWrongPassphrase):
		return " (check the passphrase)"
	case errors.Is(err, keys.ErrKeyTypeMismatch):
		return " (fix -t/--key-type, or leave it out: the type is read from the file)"
	case errors.Is(err, keys.ErrMalformedKey):
		return " (is this a private key file? in-toto-keygen or signet keygen makes one)"
	}
	return ""
}

// LoadPublicKey reads a public key file (securesystemslib JSON or SPKI
// PEM).
func LoadPublicKey(path, keyType string, dialect keys.Dialect) (keys.Key, error) {
	data, err := keys.ReadKeyFile(path)
	if err != nil {
		return keys.Key{}, fmt.Errorf("cannot read public key file %s: %w", path, err)
	}
	k, err := keys.ParsePublicKeyWithOptions(data, keys.ParseOptions{KeyType: keyType, Dialect: dialect})
	if err != nil {
		return keys.Key{}, fmt.Errorf("cannot load public key file %s: %w%s", path, err, publicKeyHint(err))
	}
	return k, nil
}

// publicKeyHint suggests a fix for public key loading errors.
func publicKeyHint(err error) string {
	if errors.Is(err, keys.ErrKeyTypeMismatch) {
		return " (fix -t/--key-type, or leave it out: the type is read from the file)"
	}
	return ""
}

// openURI opens a key named by a key store URI. The signer is closed with
// the Stores, when the command ends.
func openURI(ctx context.Context, req KeyRequest) (keys.Signer, error) {
	if req.Stores == nil {
		return nil, fmt.Errorf("%w: key URIs are not supported here; give a key file", ErrUsage)
	}
	opts := keystore.Options{KeyType: req.KeyType, Dialect: req.Dialect}
	if req.Ask != nil {
		opts.Prompt = func(_ context.Context, sr keystore.SecretRequest) ([]byte, error) {
			return req.Ask(fmt.Sprintf("%s for %s: ", sr.Kind, sr.For))
		}
	}
	s, err := req.Stores.Open(ctx, req.Path, opts)
	if err != nil {
		return nil, fmt.Errorf("cannot open signing key: %w", err)
	}
	return s, nil
}
