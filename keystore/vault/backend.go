package vault

import (
	"context"
	"fmt"
	"log/slog"
	"strconv"
	"strings"

	"github.com/signet-dev/signet/keystore"
	"github.com/signet-dev/signet/pkg/keys"
)

// Scheme is the URI scheme this backend opens.
const Scheme = keystore.SchemeHashiVault

// Backend opens Vault transit keys. It holds only configuration, so it is
// safe for concurrent use; every Signer has its own connection.
type Backend struct {
	cfg Config
	log *slog.Logger
}

// NewBackend checks cfg and returns a Backend. logger (nil: discard)
// receives debug messages without secrets.
func NewBackend(cfg Config, logger *slog.Logger) (*Backend, error) {
	if err := cfg.Validate(); err != nil {
		return nil, err
	}
	if logger == nil {
		logger = slog.New(slog.DiscardHandler)
	}
	return &Backend{cfg: cfg.withDefaults(), log: logger}, nil
}

// Register adds the backend to r under the hashivault scheme.
func (b *Backend) Register(r *keystore.Registry) { r.Register(Scheme, b.Open) }

// Open opens the key u names; it is a keystore.Opener. The result is a
// *Signer.
func (b *Backend) Open(ctx context.Context, u *keystore.URI, opts keystore.Options) (keystore.Signer, error) {
	s, err := b.OpenSigner(ctx, u, opts)
	if err != nil {
		return nil, err
	}
	return s, nil
}

// target is a parsed hashivault URI.
type target struct {
	mount, name string
	version     int // 0: latest, resolved once by OpenSigner
	uri         string
}

func parseTarget(u *keystore.URI) (target, error) {
	if u == nil || u.Scheme != Scheme {
		return target{}, fmt.Errorf("%w: the Vault backend needs a hashivault://MOUNT/KEYNAME URI", keystore.ErrBadURI)
	}
	i := strings.LastIndexByte(u.Path, '/')
	if i <= 0 || i == len(u.Path)-1 {
		return target{}, fmt.Errorf("%w: %s: write hashivault://MOUNT/KEYNAME", keystore.ErrBadURI, u.Redacted())
	}
	t := target{mount: u.Path[:i], name: u.Path[i+1:], uri: u.Redacted()}
	if v, ok := u.Get("version"); ok {
		n, err := strconv.Atoi(v)
		if err != nil || n <= 0 {
			return target{}, fmt.Errorf("%w: %s: version %q is not a positive number", keystore.ErrBadURI, t.uri, v)
		}
		t.version = n
	}
	return t, nil
}

// connect validates and connects for t.
func (b *Backend) connect(ctx context.Context, t target) (*client, error) {
	if err := ctx.Err(); err != nil {
		return nil, err
	}
	tok, err := b.cfg.token(ctx)
	if err != nil {
		return nil, err
	}
	return newClient(b.cfg, tok, t.mount, t.name)
}

// OpenSigner opens the key u names, pinning its version: the URI's
// version, or the latest one, resolved once now (see Signer.Version).
func (b *Backend) OpenSigner(ctx context.Context, u *keystore.URI, opts keystore.Options) (*Signer, error) {
	t, err := parseTarget(u)
	if err != nil {
		return nil, err
	}
	if err := opts.Validate(); err != nil {
		return nil, err
	}
	c, err := b.connect(ctx, t)
	if err != nil {
		return nil, err
	}
	s, err := b.open(ctx, c, t, opts)
	if err != nil {
		c.close()
		return nil, err
	}
	b.log.DebugContext(ctx, "opened Vault transit key", "uri", t.uri, "version", s.version, "keyid", s.Key().KeyID)
	return s, nil
}

func (b *Backend) open(ctx context.Context, c *client, t target, opts keystore.Options) (*Signer, error) {
	ki, err := c.readKey(ctx)
	if err != nil {
		return nil, err
	}
	if err := ki.checkSigning(t.uri); err != nil {
		return nil, err
	}
	v, err := ki.pickVersion(t.uri, t.version)
	if err != nil {
		return nil, err
	}
	key, pub, err := keyFor(ki, v, t.uri, opts)
	if err != nil {
		return nil, err
	}
	return newSigner(c, b.cfg, t, v, key, pub)
}

// keyFor builds the in-toto Key of version v.
func keyFor(ki keyInfo, v int, uri string, opts keystore.Options) (keys.Key, any, error) {
	pub, err := ki.publicKey(v)
	if err != nil {
		return keys.Key{}, nil, err
	}
	key, err := keys.NewKeyWithOptions(pub, keys.KeyOptions{Scheme: opts.Scheme, Dialect: opts.Dialect})
	if err != nil {
		return keys.Key{}, nil, fmt.Errorf("%w: %s (a %s key): %w", ErrUnsupportedKey, uri, ki.typ, err)
	}
	if opts.KeyType != "" && opts.KeyType != key.KeyType {
		return keys.Key{}, nil, fmt.Errorf("%w: %w: %s is a %s key, not %s", ErrUnsupportedKey, keys.ErrKeyTypeMismatch,
			uri, ki.typ, opts.KeyType)
	}
	return key, pub, nil
}
