package keystoretest

import (
	"bytes"
	"context"
	"crypto"
	"encoding/hex"
	"errors"
	"sync"
	"testing"

	"github.com/signet-dev/signet/keystore"
	"github.com/signet-dev/signet/pkg/dsse"
	"github.com/signet-dev/signet/pkg/keys"
)

// OpenFunc opens a fresh Signer for the key under test. It fails t itself
// if the key cannot be opened.
type OpenFunc func(t *testing.T) keystore.Signer

// Run runs the conformance suite as subtests of t.
func Run(t *testing.T, open OpenFunc) {
	t.Helper()
	tests := []struct {
		name string
		fn   func(t *testing.T, s keystore.Signer)
	}{
		{"PublicMatchesKey", testPublicMatchesKey},
		{"KeyID", testKeyID},
		{"SignVerify", testSignVerify},
		{"WrongMessage", testWrongMessage},
		{"DSSE", testDSSE},
		{"Concurrent", testConcurrent},
		{"CancelledContext", testCancelledContext},
		{"Close", testClose},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			s := open(t)
			if s == nil {
				t.Fatal("open returned a nil Signer")
			}
			t.Cleanup(func() {
				if err := s.Close(); err != nil {
					t.Errorf("Close: %v", err)
				}
			})
			tc.fn(t, s)
		})
	}
}

func testPublicMatchesKey(t *testing.T, s keystore.Signer) {
	pub, err := s.Key().PublicKey()
	if err != nil {
		t.Fatalf("Key().PublicKey(): %v", err)
	}
	eq, ok := s.Public().(interface{ Equal(crypto.PublicKey) bool })
	if !ok {
		t.Fatalf("Public() returned %T, which is not a supported public key type", s.Public())
	}
	if !eq.Equal(pub) {
		t.Fatal("Public() is not the public key in Key()")
	}
}

func testKeyID(t *testing.T, s keystore.Signer) {
	k := s.Key()
	if err := k.Validate(); err != nil {
		t.Fatalf("Key().Validate(): %v", err)
	}
	id, err := keys.ComputeKeyID(k)
	if err != nil {
		t.Fatalf("ComputeKeyID: %v", err)
	}
	if k.KeyID != id {
		t.Fatalf("KeyID = %q, ComputeKeyID = %q", k.KeyID, id)
	}
	if b, err := hex.DecodeString(k.KeyID); err != nil || len(b) != 32 {
		t.Fatalf("KeyID %q is not 64 lowercase hex characters", k.KeyID)
	}
}

// messages returns the messages every backend must sign.
func messages() map[string][]byte {
	big := make([]byte, 1<<20)
	for i := range big {
		big[i] = byte(i * 7)
	}
	return map[string][]byte{
		"empty":  {},
		"1 byte": {0x42},
		"text":   []byte(`{"_type":"link","name":"build"}`),
		"1 MiB":  big,
	}
}

func testSignVerify(t *testing.T, s keystore.Signer) {
	k := s.Key()
	for name, msg := range messages() {
		sig, err := s.Sign(t.Context(), msg)
		if err != nil {
			t.Fatalf("Sign(%s): %v", name, err)
		}
		if err := k.Verify(msg, sig); err != nil {
			t.Errorf("Verify(%s): %v", name, err)
		}
	}
}

func testWrongMessage(t *testing.T, s keystore.Signer) {
	k := s.Key()
	msg := []byte("the message that was signed")
	sig, err := s.Sign(t.Context(), msg)
	if err != nil {
		t.Fatalf("Sign: %v", err)
	}
	other := bytes.Clone(msg)
	other[0] ^= 1
	if err := k.Verify(other, sig); !errors.Is(err, keys.ErrBadSignature) {
		t.Errorf("Verify over a different message: got %v, want %v", err, keys.ErrBadSignature)
	}
	bad := bytes.Clone(sig)
	bad[len(bad)/2] ^= 0x80
	if err := k.Verify(msg, bad); err == nil {
		t.Error("a modified signature verified")
	}
}

func testDSSE(t *testing.T, s keystore.Signer) {
	const payloadType = "application/vnd.in-toto+json"
	payload := []byte(`{"_type":"https://in-toto.io/Statement/v1","subject":[]}`)
	sig, err := s.Sign(t.Context(), dsse.PAE(payloadType, payload))
	if err != nil {
		t.Fatalf("Sign(PAE): %v", err)
	}
	if err := s.Key().Verify(dsse.PAE(payloadType, payload), sig); err != nil {
		t.Fatalf("Verify(PAE): %v", err)
	}
	env, err := dsse.Sign(t.Context(), payloadType, payload, s)
	if err != nil {
		t.Fatalf("dsse.Sign: %v", err)
	}
	accepted, err := dsse.Verify(env, []keys.Key{s.Key()}, 1)
	if err != nil || len(accepted) != 1 {
		t.Fatalf("dsse.Verify: %d keys accepted, err %v", len(accepted), err)
	}
}

func testConcurrent(t *testing.T, s keystore.Signer) {
	const workers, perWorker = 8, 4
	k := s.Key()
	var wg sync.WaitGroup
	errs := make(chan error, workers*perWorker)
	for w := range workers {
		wg.Go(func() {
			for i := range perWorker {
				msg := []byte{byte(w), byte(i), 'm'}
				sig, err := s.Sign(context.Background(), msg)
				if err == nil {
					err = k.Verify(msg, sig)
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
		t.Errorf("concurrent Sign: %v", err)
	}
}

func testCancelledContext(t *testing.T, s keystore.Signer) {
	ctx, cancel := context.WithCancel(t.Context())
	cancel()
	sig, err := s.Sign(ctx, []byte("msg"))
	if !errors.Is(err, context.Canceled) {
		t.Fatalf("Sign with a cancelled context: got %v, want %v", err, context.Canceled)
	}
	if sig != nil {
		t.Fatal("Sign with a cancelled context returned a signature")
	}
}

func testClose(t *testing.T, s keystore.Signer) {
	if _, err := s.Sign(t.Context(), []byte("before close")); err != nil {
		t.Fatalf("Sign before Close: %v", err)
	}
	if err := s.Close(); err != nil {
		t.Fatalf("Close: %v", err)
	}
	sig, err := s.Sign(t.Context(), []byte("after close"))
	if !errors.Is(err, keystore.ErrClosed) {
		t.Fatalf("Sign after Close: got %v, want %v", err, keystore.ErrClosed)
	}
	if sig != nil {
		t.Fatal("Sign after Close returned a signature")
	}
	if err := s.Close(); err != nil {
		t.Fatalf("second Close: got %v, want nil", err)
	}
}
