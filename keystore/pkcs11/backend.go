package pkcs11

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"path/filepath"
	"sync"
	"time"

	"github.com/signet-dev/signet/keystore"
	"github.com/signet-dev/signet/pkg/keys"
)

// Scheme is the URI scheme this backend opens.
const Scheme = keystore.SchemePKCS11

// SoftHSMModulePath is where Debian's softhsm2 package installs its
// module; error messages suggest it. It is not a default.
const SoftHSMModulePath = "/usr/lib/softhsm/libsofthsm2.so"

// Session limits used when BackendOptions leaves them zero.
const (
	DefaultMaxSessions     = 8
	DefaultPoolWaitTimeout = 30 * time.Second
)

// BackendOptions configure a Backend. The zero value is valid.
type BackendOptions struct {
	// Logger receives debug messages (never PINs); nil discards them.
	// keystore.Options.Logger, when set, is used for one Open instead.
	Logger *slog.Logger
	// MaxSessions bounds the sessions crypto11 opens per token, one of
	// which holds the login, and so the number of signatures in flight
	// per token (MaxSessions-1). 0 means DefaultMaxSessions; otherwise at
	// least 2.
	MaxSessions int
	// PoolWaitTimeout bounds how long Sign waits for a free session
	// before failing with keystore.ErrUnavailable. 0 means
	// DefaultPoolWaitTimeout.
	PoolWaitTimeout time.Duration
	// DefaultModulePath is the module used when a URI has neither
	// module-path nor module-name. Empty: such URIs are refused.
	DefaultModulePath string
	// ModuleDirs are searched for module-name; nil means
	// DefaultModuleDirs().
	ModuleDirs []string
}

// Backend opens keys on PKCS#11 tokens. It keeps one loaded module per
// module path and, per token, one crypto11 context that holds the login
// for the Backend's lifetime (PKCS#11 logins belong to the process, not to
// a session). Use one Backend per process and Close it last, after the
// Signers it opened. A Backend is safe for concurrent use.
type Backend struct {
	opts BackendOptions

	mu      sync.Mutex
	modules map[string]*module
	closed  bool
}

// NewBackend returns a Backend. Errors wrap keystore.ErrInvalidOptions.
func NewBackend(opts BackendOptions) (*Backend, error) {
	switch {
	case opts.MaxSessions == 0:
		opts.MaxSessions = DefaultMaxSessions
	case opts.MaxSessions < 2:
		return nil, fmt.Errorf("%w: MaxSessions %d: at least 2 (one session holds the login)",
			keystore.ErrInvalidOptions, opts.MaxSessions)
	}
	switch {
	case opts.PoolWaitTimeout == 0:
		opts.PoolWaitTimeout = DefaultPoolWaitTimeout
	case opts.PoolWaitTimeout < 0:
		return nil, fmt.Errorf("%w: PoolWaitTimeout must not be negative", keystore.ErrInvalidOptions)
	}
	if opts.Logger == nil {
		opts.Logger = slog.New(slog.DiscardHandler)
	}
	return &Backend{opts: opts, modules: map[string]*module{}}, nil
}

// Register adds the backend's Open to r for the pkcs11 scheme.
func (b *Backend) Register(r *keystore.Registry) { r.Register(Scheme, b.Open) }

// Close logs out of every token, releases every session and unloads the
// modules. Signers opened by b fail after Close. Later calls return nil.
func (b *Backend) Close() error {
	b.mu.Lock()
	defer b.mu.Unlock()
	if b.closed {
		return nil
	}
	b.closed = true
	var errs []error
	for _, m := range b.modules {
		errs = append(errs, m.close())
	}
	b.modules = nil
	return errors.Join(errs...)
}

// Open opens the private key u names (see the package comment). It is a
// keystore.Opener.
func (b *Backend) Open(ctx context.Context, u *keystore.URI, opts keystore.Options) (keystore.Signer, error) {
	if err := ctx.Err(); err != nil {
		return nil, err
	}
	if err := opts.Validate(); err != nil {
		return nil, err
	}
	sel, err := b.parseSelector(u)
	if err != nil {
		return nil, err
	}
	tok, err := b.token(ctx, sel, opts)
	if err != nil {
		return nil, err
	}
	s, err := tok.openKey(ctx, sel, opts)
	if err != nil {
		return nil, err
	}
	b.logger(opts).DebugContext(ctx, "opened PKCS#11 key", "module", sel.module,
		"token", tok.label, "object", sel.label, "keyid", s.Key().KeyID)
	return keystore.Wrap(s, nil), nil
}

func (b *Backend) logger(opts keystore.Options) *slog.Logger {
	if opts.Logger != nil {
		return opts.Logger
	}
	return b.opts.Logger
}

// module returns the loaded module for path, loading it once. Symbolic
// links are resolved first, so that two names of one library share one
// module (crypto11 counts its users per path string).
func (b *Backend) module(path string) (*module, error) {
	if real, err := filepath.EvalSymlinks(path); err == nil {
		path = real
	}
	b.mu.Lock()
	defer b.mu.Unlock()
	if b.closed {
		return nil, ErrBackendClosed
	}
	if m := b.modules[path]; m != nil {
		return m, nil
	}
	m, err := loadModule(path, b.opts)
	if err != nil {
		return nil, err
	}
	b.modules[path] = m
	return m, nil
}

// token finds, logs in to and returns the token sel names.
func (b *Backend) token(ctx context.Context, sel selector, opts keystore.Options) (*token, error) {
	m, err := b.module(sel.module)
	if err != nil {
		return nil, err
	}
	return m.token(ctx, sel, opts)
}

// makeKey builds the in-toto Key of pub as opts ask (scheme, dialect,
// expected key type). what names the key in errors.
func makeKey(pub any, opts keystore.Options, what string) (keys.Key, error) {
	k, err := keys.NewKeyWithOptions(pub, keys.KeyOptions{Dialect: opts.Dialect})
	if err != nil {
		return keys.Key{}, fmt.Errorf("%s: %w", what, err)
	}
	if opts.KeyType != "" && opts.KeyType != k.KeyType {
		return keys.Key{}, fmt.Errorf("%w: %s is an %s key, not %s", keys.ErrKeyTypeMismatch, what, k.KeyType, opts.KeyType)
	}
	if opts.Scheme == "" || opts.Scheme == k.Scheme {
		return k, nil
	}
	k, err = keys.NewKeyWithOptions(pub, keys.KeyOptions{Scheme: opts.Scheme, Dialect: opts.Dialect})
	if err != nil {
		return keys.Key{}, fmt.Errorf("%s cannot sign with scheme %s: %w", what, opts.Scheme, err)
	}
	return k, nil
}
