package pkcs11_test

import (
	"errors"
	"fmt"
	"path/filepath"
	"sync"
	"testing"
	"time"

	"github.com/signet-dev/signet/keystore"
	"github.com/signet-dev/signet/keystore/pkcs11"
	"github.com/signet-dev/signet/softhsm-test/softhsm"
)

// TestSessionLimit signs with an ed25519 and an ecdsa key on one token from
// many goroutines while only one signature may be in flight
// (MaxSessions 2): every signature is made and verifies, nothing deadlocks.
func TestSessionLimit(t *testing.T) {
	hsm := softhsm.New(t)
	tok := hsm.InitToken(t, "limited")
	tok.GenerateKey(t, softhsm.KeySpec{Type: softhsm.Ed25519, Label: "ed", ID: []byte{1}})
	tok.GenerateKey(t, softhsm.KeySpec{Type: softhsm.ECDSAP256, Label: "ec", ID: []byte{2}})
	b, err := pkcs11.NewBackend(pkcs11.BackendOptions{MaxSessions: 2, PoolWaitTimeout: time.Minute})
	if err != nil {
		t.Fatal(err)
	}
	defer b.Close()
	reg := keystore.NewRegistry()
	b.Register(reg)
	var signers []keystore.Signer
	for _, label := range []string{"ed", "ec"} {
		s, err := reg.Open(t.Context(), tok.URI(label), keystore.Options{})
		if err != nil {
			t.Fatal(err)
		}
		defer s.Close()
		signers = append(signers, s)
	}
	var wg sync.WaitGroup
	errs := make(chan error, 64)
	for w := range 16 {
		wg.Go(func() {
			s := signers[w%2]
			for i := range 4 {
				msg := fmt.Appendf(nil, "%d/%d", w, i)
				sig, err := s.Sign(t.Context(), msg)
				if err == nil {
					err = s.Key().Verify(msg, sig)
				}
				if err != nil {
					errs <- err
				}
			}
		})
	}
	wg.Wait()
	close(errs)
	for err := range errs {
		t.Error(err)
	}
}

// TestModuleSelection opens a key through module-name and through the
// backend's DefaultModulePath; both find the same key as module-path.
func TestModuleSelection(t *testing.T) {
	hsm := softhsm.New(t)
	tok := hsm.InitToken(t, "mods")
	tok.GenerateKey(t, softhsm.KeySpec{Type: softhsm.ECDSAP256, Label: "k", ID: []byte{9}})
	b, err := pkcs11.NewBackend(pkcs11.BackendOptions{
		DefaultModulePath: softhsm.ModulePath,
		ModuleDirs:        []string{t.TempDir(), filepath.Dir(softhsm.ModulePath)},
	})
	if err != nil {
		t.Fatal(err)
	}
	defer b.Close()
	reg := keystore.NewRegistry()
	b.Register(reg)
	var ids []string
	for _, uri := range []string{
		tok.URI("k"),
		"pkcs11:token=mods;object=k?module-name=softhsm2&pin-source=" + tok.PINFile,
		"pkcs11:token=mods;object=k?pin-source=" + tok.PINFile,
	} {
		s, err := reg.Open(t.Context(), uri, keystore.Options{})
		if err != nil {
			t.Fatalf("Open(%s): %v", uri, err)
		}
		ids = append(ids, s.Key().KeyID)
		_ = s.Close()
	}
	if ids[0] != ids[1] || ids[0] != ids[2] {
		t.Fatalf("key ids differ: %v", ids)
	}
}

// TestSignAfterBackendClose: signers fail cleanly (keystore.ErrClosed)
// once their Backend is closed; nothing touches the unloaded module.
func TestSignAfterBackendClose(t *testing.T) {
	hsm := softhsm.New(t)
	tok := hsm.InitToken(t, "closing")
	tok.GenerateKey(t, softhsm.KeySpec{Type: softhsm.Ed25519, Label: "ed", ID: []byte{1}})
	tok.GenerateKey(t, softhsm.KeySpec{Type: softhsm.ECDSAP256, Label: "ec", ID: []byte{2}})
	b, err := pkcs11.NewBackend(pkcs11.BackendOptions{})
	if err != nil {
		t.Fatal(err)
	}
	reg := keystore.NewRegistry()
	b.Register(reg)
	var signers []keystore.Signer
	for _, label := range []string{"ed", "ec"} {
		s, err := reg.Open(t.Context(), tok.URI(label), keystore.Options{})
		if err != nil {
			t.Fatal(err)
		}
		signers = append(signers, s)
	}
	if err := b.Close(); err != nil {
		t.Fatal(err)
	}
	for _, s := range signers {
		if _, err := s.Sign(t.Context(), []byte("x")); !errors.Is(err, keystore.ErrClosed) {
			t.Errorf("Sign after Backend.Close: got %v, want %v", err, keystore.ErrClosed)
		}
		if err := s.Close(); err != nil {
			t.Errorf("Close: %v", err)
		}
	}
}
