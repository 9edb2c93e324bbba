package keystore_test

import (
	"crypto"
	"crypto/ecdsa"
	"crypto/ed25519"
	"crypto/elliptic"
	"crypto/rand"
	"errors"
	"sync/atomic"
	"testing"

	"github.com/signet-dev/signet/keystore"
	"github.com/signet-dev/signet/keystore/keystoretest"
	"github.com/signet-dev/signet/pkg/keys"
)

// TestWrapConformance runs the suite against Wrap over in-memory keys.
func TestWrapConformance(t *testing.T) {
	_, edKey, err := ed25519.GenerateKey(rand.Reader)
	if err != nil {
		t.Fatal(err)
	}
	ecKey, err := ecdsa.GenerateKey(elliptic.P256(), rand.Reader)
	if err != nil {
		t.Fatal(err)
	}
	for name, priv := range map[string]crypto.Signer{"ed25519": edKey, "ecdsa": ecKey} {
		t.Run(name, func(t *testing.T) {
			keystoretest.Run(t, func(t *testing.T) keystore.Signer {
				s, err := keys.NewSigner(priv, "")
				if err != nil {
					t.Fatal(err)
				}
				return keystore.Wrap(s, nil)
			})
		})
	}
}

func TestWrapClose(t *testing.T) {
	_, priv, err := ed25519.GenerateKey(rand.Reader)
	if err != nil {
		t.Fatal(err)
	}
	inner, err := keys.NewSigner(priv, "")
	if err != nil {
		t.Fatal(err)
	}
	var calls atomic.Int32
	errRelease := errors.New("release failed")
	s := keystore.Wrap(inner, func() error { calls.Add(1); return errRelease })
	if err := s.Close(); !errors.Is(err, errRelease) {
		t.Fatalf("first Close: %v, want the close function's error", err)
	}
	if err := s.Close(); err != nil {
		t.Fatalf("second Close: %v", err)
	}
	if n := calls.Load(); n != 1 {
		t.Fatalf("close function ran %d times, want 1", n)
	}
	if _, err := s.Sign(t.Context(), []byte("m")); !errors.Is(err, keystore.ErrClosed) {
		t.Fatalf("Sign after Close: %v", err)
	}
	if s.Key().KeyID != inner.Key().KeyID {
		t.Fatal("Key() after Close changed")
	}
}
