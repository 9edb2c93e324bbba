package keystore

import (
	"context"
	"fmt"
	"slices"
	"strings"
	"sync"
)

// Opener opens the key a URI names. It is called with a URI of the scheme
// it was registered for and validated Options.
type Opener func(ctx context.Context, u *URI, opts Options) (Signer, error)

// Registry maps URI schemes to backends. Build one in main with
// NewRegistry and Register the backends the binary includes; there is no
// global registry. A Registry is safe for concurrent use.
type Registry struct {
	mu      sync.RWMutex
	openers map[string]Opener
}

// NewRegistry returns an empty registry.
func NewRegistry() *Registry {
	return &Registry{openers: map[string]Opener{}}
}

// Register adds the opener for scheme (lowercase, e.g. "pkcs11").
// Registering a scheme twice, an invalid scheme or a nil opener is a
// programming error and panics.
func (r *Registry) Register(scheme string, open Opener) {
	if s, rest, ok := splitScheme(scheme + ":"); !ok || rest != "" || s != scheme {
		panic(fmt.Sprintf("keystore: Register: invalid scheme %q (want lowercase letters, digits, '+', '-', '.')", scheme))
	}
	if open == nil {
		panic(fmt.Sprintf("keystore: Register: nil opener for scheme %q", scheme))
	}
	r.mu.Lock()
	defer r.mu.Unlock()
	if _, dup := r.openers[scheme]; dup {
		panic(fmt.Sprintf("keystore: Register: scheme %q registered twice", scheme))
	}
	r.openers[scheme] = open
}

// Schemes returns the registered schemes, sorted.
func (r *Registry) Schemes() []string {
	r.mu.RLock()
	defer r.mu.RUnlock()
	names := make([]string, 0, len(r.openers))
	for s := range r.openers {
		names = append(names, s)
	}
	slices.Sort(names)
	return names
}

// Open parses uri (a key URI or a plain path, see ParseURI), validates
// opts and opens the key with the backend registered for the scheme. An
// unregistered scheme gives ErrUnknownScheme with the known schemes.
// Errors show the URI only in its redacted form.
func (r *Registry) Open(ctx context.Context, uri string, opts Options) (Signer, error) {
	if err := ctx.Err(); err != nil {
		return nil, err
	}
	if err := opts.Validate(); err != nil {
		return nil, err
	}
	if err := checkRaw(uri); err != nil {
		return nil, err
	}
	scheme, _, isURI := splitScheme(uri)
	if !isURI {
		scheme = SchemeFile
	}
	r.mu.RLock()
	open := r.openers[scheme]
	r.mu.RUnlock()
	if open == nil {
		return nil, r.unknownScheme(scheme, isURI)
	}
	u, err := ParseURI(uri)
	if err != nil {
		return nil, err
	}
	opts.Log().DebugContext(ctx, "opening key", "uri", u.Redacted())
	s, err := open(ctx, u, opts)
	if err != nil {
		return nil, fmt.Errorf("opening key %s: %w", u.Redacted(), err)
	}
	if s == nil {
		return nil, fmt.Errorf("opening key %s: the %s backend returned no signer", u.Redacted(), scheme)
	}
	return s, nil
}

func (r *Registry) unknownScheme(scheme string, isURI bool) error {
	known := r.Schemes()
	if len(known) == 0 {
		return fmt.Errorf("%w %q: no key store backends are registered", ErrUnknownScheme, scheme)
	}
	hint := "; a relative file path containing ':' must start with ./"
	if !isURI {
		hint = "; a plain path needs the file backend"
	}
	return fmt.Errorf("%w %q (known schemes: %s)%s", ErrUnknownScheme, scheme, strings.Join(known, ", "), hint)
}
