package keyuri

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"slices"
	"strings"
	"sync"

	"github.com/signet-dev/signet/keystore"
	"github.com/signet-dev/signet/keystore/file"
	"github.com/signet-dev/signet/pkg/keys"
)

// IsURI reports whether s names a key by URI rather than by a plain path:
// it starts with a scheme Signet knows followed by ':'.
func IsURI(s string) bool {
	scheme, _, ok := strings.Cut(s, ":")
	if !ok {
		return false
	}
	switch scheme {
	case keystore.SchemeFile, keystore.SchemePKCS11, keystore.SchemeHashiVault, keystore.SchemeYubiKey:
		return true
	}
	return false
}

// Config configures the backends.
type Config struct {
	// Logger receives the backends' debug logs; nil discards them.
	Logger *slog.Logger
	// Getenv reads the environment (VAULT_ADDR, VAULT_TOKEN, ...); nil
	// reads nothing.
	Getenv func(string) string
	// Backends are set up besides key files (package backends); a URI of
	// another scheme is refused with a hint.
	Backends []Backend
}

// Stores opens keys by URI. The zero value is not usable; use New.
type Stores struct {
	cfg     Config
	once    sync.Once
	reg     *keystore.Registry
	gens    map[string]Generator
	closers []func() error
	err     error
}

// New returns Stores whose backends are set up on first use.
func New(cfg Config) *Stores {
	if cfg.Logger == nil {
		cfg.Logger = slog.New(slog.DiscardHandler)
	}
	if cfg.Getenv == nil {
		cfg.Getenv = func(string) string { return "" }
	}
	return &Stores{cfg: cfg}
}

// Backend registers one optional backend (package backends). It returns
// a function that closes it and, if the backend can create keys, a
// Generator.
type Backend func(cfg Config, r *keystore.Registry) (closeFn func() error, gen Generator, err error)

// Generator creates a key in a backend. kind is a signet key kind
// (ed25519, ecdsa-p256, ecdsa-p384, rsa-2048, rsa-3072, rsa-4096).
type Generator func(ctx context.Context, u *keystore.URI, kind KeyKind, opts keystore.Options) (keys.Key, error)

// KeyKind is a key type and size.
type KeyKind struct {
	Name    string // as given: ed25519, ecdsa-p256, ...
	KeyType string // keys.KeyTypeED25519, keys.KeyTypeECDSA, keys.KeyTypeRSA
	Bits    int    // 0 for ed25519; 256/384 for ecdsa; the modulus size for rsa
}

// ParseKeyKind parses a --type value.
func ParseKeyKind(name string) (KeyKind, error) {
	switch name {
	case "ed25519":
		return KeyKind{name, keys.KeyTypeED25519, 0}, nil
	case "ecdsa-p256":
		return KeyKind{name, keys.KeyTypeECDSA, 256}, nil
	case "ecdsa-p384":
		return KeyKind{name, keys.KeyTypeECDSA, 384}, nil
	case "rsa-2048":
		return KeyKind{name, keys.KeyTypeRSA, 2048}, nil
	case "rsa-3072":
		return KeyKind{name, keys.KeyTypeRSA, 3072}, nil
	case "rsa-4096":
		return KeyKind{name, keys.KeyTypeRSA, 4096}, nil
	}
	return KeyKind{}, fmt.Errorf("unknown key type %q: use ed25519, ecdsa-p256, ecdsa-p384, rsa-2048, rsa-3072 or rsa-4096", name)
}

func (s *Stores) setup() {
	s.reg = keystore.NewRegistry()
	file.Register(s.reg)
	s.gens = map[string]Generator{keystore.SchemeFile: generateFile}
	for _, b := range s.cfg.Backends {
		before := s.reg.Schemes()
		closeFn, gen, err := b(s.cfg, s.reg)
		if err != nil {
			s.err = errors.Join(s.err, err)
			continue
		}
		if closeFn != nil {
			s.closers = append(s.closers, closeFn)
		}
		for _, scheme := range s.reg.Schemes() {
			if gen != nil && !slices.Contains(before, scheme) {
				s.gens[scheme] = gen
			}
		}
	}
}

// Open opens the key uri names. A backend that could not be set up is
// reported only when a URI of its scheme is opened.
func (s *Stores) Open(ctx context.Context, uri string, opts keystore.Options) (keystore.Signer, error) {
	s.once.Do(s.setup)
	signer, err := s.reg.Open(ctx, uri, opts)
	switch {
	case err == nil || !errors.Is(err, keystore.ErrUnknownScheme):
	case s.err != nil:
		return nil, fmt.Errorf("%w (%v)", err, s.err)
	case len(s.cfg.Backends) == 0 && IsURI(uri):
		return nil, fmt.Errorf("%w: this tool opens key files only; for PKCS#11 and Vault keys use signet "+
			"(e.g. signet verify), or export the public key with `signet key public URI`", err)
	}
	return signer, err
}

// Generate creates a new key where uri says (a file, a token object, a
// transit key) and returns its public key.
func (s *Stores) Generate(ctx context.Context, uri string, kind KeyKind, opts keystore.Options) (keys.Key, error) {
	s.once.Do(s.setup)
	u, err := keystore.ParseURI(uri)
	if err != nil {
		return keys.Key{}, err
	}
	gen, ok := s.gens[u.Scheme]
	if !ok {
		if s.err != nil {
			return keys.Key{}, fmt.Errorf("%w: cannot create %s keys (%v)", keystore.ErrUnknownScheme, u.Scheme, s.err)
		}
		return keys.Key{}, fmt.Errorf("%w: the %s backend cannot create keys", keystore.ErrUnknownScheme, u.Scheme)
	}
	return gen(ctx, u, kind, opts)
}

// Close closes every backend that was set up.
func (s *Stores) Close() error {
	var errs []error
	for i := len(s.closers) - 1; i >= 0; i-- {
		errs = append(errs, s.closers[i]())
	}
	s.closers = nil
	return errors.Join(errs...)
}

// generateFile writes an encrypted PKCS#8 key file (and NAME.pub) with the
// passphrase from passphrase-source or the prompt.
func generateFile(ctx context.Context, u *keystore.URI, kind KeyKind, opts keystore.Options) (keys.Key, error) {
	pp, err := opts.Secret(ctx, keystore.SecretRequest{Kind: keystore.SecretPassphrase, Source: u.Value("passphrase-source"), For: u.Path})
	if err != nil {
		return keys.Key{}, err
	}
	defer clear(pp)
	return file.Generate(ctx, u.Path, file.GenerateOptions{KeyType: kind.KeyType, Bits: kind.Bits,
		Format: keys.FormatPKCS8, Passphrase: pp, Scheme: opts.Scheme, Dialect: opts.Dialect})
}
