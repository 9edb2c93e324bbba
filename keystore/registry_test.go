package keystore

import (
	"context"
	"crypto/ed25519"
	"crypto/rand"
	"errors"
	"strings"
	"testing"

	"github.com/signet-dev/signet/pkg/keys"
)

func newTestSigner(t *testing.T) Signer {
	t.Helper()
	_, priv, err := ed25519.GenerateKey(rand.Reader)
	if err != nil {
		t.Fatal(err)
	}
	s, err := keys.NewSigner(priv, "")
	if err != nil {
		t.Fatal(err)
	}
	return Wrap(s, nil)
}

func TestRegistryOpen(t *testing.T) {
	reg := NewRegistry()
	var gotURI *URI
	var gotOpts Options
	reg.Register("file", func(_ context.Context, u *URI, o Options) (Signer, error) {
		gotURI, gotOpts = u, o
		return newTestSigner(t), nil
	})
	reg.Register("mem", func(context.Context, *URI, Options) (Signer, error) {
		return nil, ErrKeyNotFound
	})
	reg.Register("nil", func(context.Context, *URI, Options) (Signer, error) { return nil, nil })

	s, err := reg.Open(t.Context(), "keys/alice", Options{KeyType: "ed25519"})
	if err != nil {
		t.Fatalf("Open: %v", err)
	}
	defer s.Close()
	if gotURI.Scheme != "file" || gotURI.Path != "keys/alice" || gotOpts.KeyType != "ed25519" {
		t.Fatalf("opener got %#v, %#v", gotURI, gotOpts)
	}

	tests := []struct {
		name, uri string
		opts      Options
		wantErr   error
		wantMsg   string
	}{
		{"unknown scheme", "pkcs11:object=k", Options{}, ErrUnknownScheme, `"pkcs11" (known schemes: file, mem, nil)`},
		{"bad uri", "mem:a=b;a=c", Options{}, ErrBadURI, "more than once"},
		{"bad options", "keys/alice", Options{KeyType: "dsa"}, ErrInvalidOptions, "KeyType"},
		{"opener error", "mem://k?x=1", Options{}, ErrKeyNotFound, "opening key mem://k?x=1"},
		{"nil signer", "nil:", Options{}, nil, "returned no signer"},
		{"empty", "", Options{}, ErrBadURI, "empty"},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			s, err := reg.Open(t.Context(), tc.uri, tc.opts)
			if err == nil {
				s.Close()
				t.Fatal("Open succeeded")
			}
			if tc.wantErr != nil && !errors.Is(err, tc.wantErr) {
				t.Fatalf("Open: %v, want %v", err, tc.wantErr)
			}
			if !strings.Contains(err.Error(), tc.wantMsg) {
				t.Fatalf("Open: %q does not mention %q", err, tc.wantMsg)
			}
		})
	}
}

func TestRegistryOpenCancelled(t *testing.T) {
	reg := NewRegistry()
	reg.Register("mem", func(context.Context, *URI, Options) (Signer, error) {
		t.Error("opener called with a cancelled context")
		return nil, nil
	})
	ctx, cancel := context.WithCancel(t.Context())
	cancel()
	if _, err := reg.Open(ctx, "mem:", Options{}); !errors.Is(err, context.Canceled) {
		t.Fatalf("Open: %v, want context.Canceled", err)
	}
}

func TestRegistryPlainPathWithoutFileBackend(t *testing.T) {
	reg := NewRegistry()
	reg.Register("pkcs11", func(context.Context, *URI, Options) (Signer, error) { return nil, nil })
	_, err := reg.Open(t.Context(), "keys/alice", Options{})
	if !errors.Is(err, ErrUnknownScheme) || !strings.Contains(err.Error(), "plain path needs the file backend") {
		t.Fatalf("Open: %v", err)
	}
}

func TestRegistryEmpty(t *testing.T) {
	_, err := NewRegistry().Open(t.Context(), "/k", Options{})
	if !errors.Is(err, ErrUnknownScheme) || !strings.Contains(err.Error(), "no key store backends") {
		t.Fatalf("Open on an empty registry: %v", err)
	}
}

func TestRegistryRedactsOpenerErrors(t *testing.T) {
	reg := NewRegistry()
	reg.Register("mem", func(context.Context, *URI, Options) (Signer, error) { return nil, ErrWrongPIN })
	_, err := reg.Open(t.Context(), "mem://k?pin-source=/run/pin", Options{})
	if !errors.Is(err, ErrWrongPIN) || !strings.Contains(err.Error(), "mem://k?pin-source=/run/pin") {
		t.Fatalf("Open: %v", err)
	}
}

func TestRegisterPanics(t *testing.T) {
	ok := func(context.Context, *URI, Options) (Signer, error) { return nil, nil }
	tests := []struct {
		name   string
		scheme string
		open   Opener
	}{
		{"duplicate", "file", ok},
		{"empty scheme", "", ok},
		{"uppercase", "PKCS11", ok},
		{"colon", "a:b", ok},
		{"nil opener", "mem", nil},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			reg := NewRegistry()
			reg.Register("file", ok)
			defer func() {
				if recover() == nil {
					t.Fatalf("Register(%q) did not panic", tc.scheme)
				}
			}()
			reg.Register(tc.scheme, tc.open)
		})
	}
}

func TestSchemes(t *testing.T) {
	reg := NewRegistry()
	ok := func(context.Context, *URI, Options) (Signer, error) { return nil, nil }
	for _, s := range []string{"yubikey", "file", "pkcs11"} {
		reg.Register(s, ok)
	}
	if got := strings.Join(reg.Schemes(), ","); got != "file,pkcs11,yubikey" {
		t.Fatalf("Schemes() = %s", got)
	}
}
