package keys

import (
	"context"
	"crypto"
	"crypto/ed25519"
	"crypto/rand"
	"crypto/rsa"
	"crypto/sha256"
	"errors"
	"fmt"
	"io"
	"sync"
	"testing"
)

func TestSignVerifySchemes(t *testing.T) {
	ks := newTestKeys(t)
	msg := []byte("PAE bytes or canonical JSON")
	tests := []struct {
		name   string
		cs     crypto.Signer
		scheme string
	}{
		{"ed25519", ks.ed, ""},
		{"p256", ks.p256, ""},
		{"p384", ks.p384, SchemeECDSAP384},
		{"p521", ks.p521, ""},
		{"rsa pss sha256", ks.rsa, ""},
		{"rsa pss sha384", ks.rsa, SchemeRSASSAPSSSHA384},
		{"rsa pss sha512", ks.rsa, SchemeRSASSAPSSSHA512},
		{"rsa pss sha224", ks.rsa, SchemeRSASSAPSSSHA224},
		{"rsa pkcs1v15 sha256", ks.rsa, SchemeRSAPKCS1v15SHA256},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			s, err := NewSigner(tt.cs, tt.scheme)
			if err != nil {
				t.Fatal(err)
			}
			sig, err := s.Sign(context.Background(), msg)
			if err != nil {
				t.Fatal(err)
			}
			k := s.Key()
			if err := k.Verify(msg, sig); err != nil {
				t.Errorf("Verify: %v", err)
			}
			if err := k.Verify(append([]byte("x"), msg...), sig); !errors.Is(err, ErrBadSignature) {
				t.Errorf("Verify(other message) = %v, want ErrBadSignature", err)
			}
			bad := append([]byte(nil), sig...)
			bad[len(bad)/2] ^= 1
			if err := k.Verify(msg, bad); !errors.Is(err, ErrBadSignature) {
				t.Errorf("Verify(flipped bit) = %v, want ErrBadSignature", err)
			}
			if !s.Public().(interface{ Equal(crypto.PublicKey) bool }).Equal(tt.cs.Public()) {
				t.Error("Public() is not the signer's key")
			}
		})
	}
}

// TestRSAPSSSaltLength checks that signatures use a 32-byte salt (the
// reference's and HSMs' choice) and that verification accepts any salt
// length, as the reference's PSS.AUTO does.
func TestRSAPSSSaltLength(t *testing.T) {
	ks := newTestKeys(t)
	s, err := NewSigner(ks.rsa, "")
	if err != nil {
		t.Fatal(err)
	}
	msg := []byte("salt")
	sig, err := s.Sign(context.Background(), msg)
	if err != nil {
		t.Fatal(err)
	}
	d := sha256.Sum256(msg)
	if err := rsa.VerifyPSS(&ks.rsa.PublicKey, crypto.SHA256, d[:], sig, &rsa.PSSOptions{SaltLength: 32}); err != nil {
		t.Errorf("signature salt is not 32 bytes: %v", err)
	}
	for _, salt := range []int{0, 20, rsa.PSSSaltLengthAuto} {
		other, err := rsa.SignPSS(rand.Reader, ks.rsa, crypto.SHA256, d[:], &rsa.PSSOptions{SaltLength: salt})
		if err != nil {
			t.Fatal(err)
		}
		if err := s.Key().Verify(msg, other); err != nil {
			t.Errorf("salt length %d not accepted: %v", salt, err)
		}
	}
}

// faultySigner returns a wrong signature, as a broken device might.
type faultySigner struct{ crypto.Signer }

func (f faultySigner) Sign(r io.Reader, digest []byte, opts crypto.SignerOpts) ([]byte, error) {
	sig, err := f.Signer.Sign(r, digest, opts)
	if len(sig) > 0 {
		sig[len(sig)-1] ^= 0x80
	}
	return sig, err
}

// countingSigner counts calls to Sign.
type countingSigner struct {
	crypto.Signer
	mu    sync.Mutex
	calls int
}

func (c *countingSigner) Sign(r io.Reader, digest []byte, opts crypto.SignerOpts) ([]byte, error) {
	c.mu.Lock()
	c.calls++
	c.mu.Unlock()
	return c.Signer.Sign(r, digest, opts)
}

func TestSignerErrors(t *testing.T) {
	ks := newTestKeys(t)
	ctx := context.Background()
	s, err := NewSigner(faultySigner{ks.ed}, "")
	if err != nil {
		t.Fatal(err)
	}
	if _, err := s.Sign(ctx, []byte("m")); !errors.Is(err, ErrSignatureCheck) {
		t.Errorf("faulty device: err = %v, want ErrSignatureCheck", err)
	}

	cs := &countingSigner{Signer: ks.p256}
	s, err = NewSigner(cs, "")
	if err != nil {
		t.Fatal(err)
	}
	canceled, cancel := context.WithCancel(ctx)
	cancel()
	if _, err := s.Sign(canceled, []byte("m")); !errors.Is(err, context.Canceled) || cs.calls != 0 {
		t.Errorf("canceled ctx: err = %v after %d device calls, want context.Canceled and none", err, cs.calls)
	}

	other, _ := NewKey(ks.p384.Public(), "")
	if _, err := NewSignerForKey(ks.p256, other); !errors.Is(err, ErrKeyMismatch) {
		t.Errorf("NewSignerForKey(wrong key) = %v, want ErrKeyMismatch", err)
	}
	tampered, _ := NewKey(ks.p256.Public(), "")
	tampered.KeyID = "00"
	if _, err := NewSignerForKey(ks.p256, tampered); !errors.Is(err, ErrKeyIDMismatch) {
		t.Errorf("NewSignerForKey(bad id) = %v, want ErrKeyIDMismatch", err)
	}
	if _, err := NewSigner(nil, ""); !errors.Is(err, ErrUnsupportedKey) {
		t.Errorf("NewSigner(nil) = %v, want ErrUnsupportedKey", err)
	}
}

func TestSignerKeyIsACopy(t *testing.T) {
	ks := newTestKeys(t)
	s, err := NewSigner(ks.ed, "")
	if err != nil {
		t.Fatal(err)
	}
	k := s.Key()
	k.KeyIDHashAlgorithms[0] = "md5"
	if got := s.Key().KeyIDHashAlgorithms[0]; got != "sha256" {
		t.Errorf("mutating a returned Key changed the signer: %s", got)
	}
}

func TestSignerConcurrent(t *testing.T) {
	ks := newTestKeys(t)
	s, err := NewSigner(ks.p256, "")
	if err != nil {
		t.Fatal(err)
	}
	var wg sync.WaitGroup
	errs := make(chan error, 16)
	for i := range 16 {
		wg.Go(func() {
			msg := []byte{byte(i)}
			sig, err := s.Sign(context.Background(), msg)
			if err == nil {
				err = s.Key().Verify(msg, sig)
			}
			errs <- err
		})
	}
	wg.Wait()
	close(errs)
	for err := range errs {
		if err != nil {
			t.Error(err)
		}
	}
}

func TestMustVerify(t *testing.T) {
	priv := ed25519.NewKeyFromSeed(make([]byte, ed25519.SeedSize))
	s, err := NewSigner(priv, "")
	if err != nil {
		t.Fatal(err)
	}
	if MustVerify(s) {
		t.Fatal("a signer from NewSigner verifies its own signatures")
	}
	if !MustVerify(plainSigner{s}) {
		t.Fatal("a signer without the SelfVerifying ability must be verified by its callers")
	}
}

// plainSigner hides the optional abilities of the signer it wraps.
type plainSigner struct{ Signer }

type ctxKey struct{}

// ctxCS is a ContextSigner that records the context it was given.
type ctxCS struct {
	crypto.Signer
	got *context.Context
}

func (c ctxCS) SignContext(ctx context.Context, digest []byte, opts crypto.SignerOpts) ([]byte, error) {
	*c.got = ctx
	return c.Signer.Sign(rand.Reader, digest, opts)
}

// TestContextSigner: a ContextSigner gets Sign's context.
func TestContextSigner(t *testing.T) {
	priv, err := GenerateKey(KeyTypeECDSA, 256)
	if err != nil {
		t.Fatal(err)
	}
	var got context.Context
	s, err := NewSigner(ctxCS{Signer: priv, got: &got}, "")
	if err != nil {
		t.Fatal(err)
	}
	ctx := context.WithValue(context.Background(), ctxKey{}, "mine")
	sig, err := s.Sign(ctx, []byte("msg"))
	if err != nil || s.Key().Verify([]byte("msg"), sig) != nil {
		t.Fatalf("Sign: %v", err)
	}
	if got == nil || got.Value(ctxKey{}) != "mine" {
		t.Fatal("the ContextSigner did not get the caller's context")
	}
}

// TestVerifier: Key.Verifier agrees with Key.Verify.
func TestVerifier(t *testing.T) {
	priv, err := GenerateKey(KeyTypeED25519, 0)
	if err != nil {
		t.Fatal(err)
	}
	s, err := NewSigner(priv, "")
	if err != nil {
		t.Fatal(err)
	}
	sig, err := s.Sign(context.Background(), []byte("msg"))
	if err != nil {
		t.Fatal(err)
	}
	verify, err := s.Key().Verifier()
	if err != nil {
		t.Fatal(err)
	}
	if err := verify([]byte("msg"), sig); err != nil {
		t.Fatalf("good signature: %v", err)
	}
	if err := verify([]byte("other"), sig); !errors.Is(err, ErrBadSignature) {
		t.Fatalf("wrong message: %v, want ErrBadSignature", err)
	}
}

// TestBatchVerifier: Key.BatchVerifier accepts batches Verify accepts and
// names the first signature Verify refuses, for every key type and for
// batches below and above the ed25519 batch threshold.
func TestBatchVerifier(t *testing.T) {
	for _, tt := range []struct {
		keyType string
		bits    int
	}{
		{KeyTypeED25519, 0},
		{KeyTypeECDSA, 256},
		{KeyTypeECDSA, 384},
		{KeyTypeRSA, 2048},
	} {
		priv, err := GenerateKey(tt.keyType, tt.bits)
		if err != nil {
			t.Fatal(err)
		}
		s, err := NewSigner(priv, "")
		if err != nil {
			t.Fatal(err)
		}
		for _, n := range []int{1, 3, 12} {
			t.Run(fmt.Sprintf("%s-%d/%d", tt.keyType, tt.bits, n), func(t *testing.T) {
				msgs := make([][]byte, n)
				sigs := make([][]byte, n)
				for i := range msgs {
					msgs[i] = fmt.Appendf(nil, "message %d", i)
					if sigs[i], err = s.Sign(context.Background(), msgs[i]); err != nil {
						t.Fatal(err)
					}
				}
				verify, err := s.Key().BatchVerifier()
				if err != nil {
					t.Fatal(err)
				}
				if i, err := verify(msgs, sigs); i != -1 || err != nil {
					t.Fatalf("good batch: %d, %v", i, err)
				}
				bad := n / 2
				msgs[bad] = []byte("other")
				if i, err := verify(msgs, sigs); i != bad || !errors.Is(err, ErrBadSignature) {
					t.Fatalf("batch with signature %d spoiled: %d, %v; want %d and ErrBadSignature", bad, i, err, bad)
				}
				if i, err := verify(msgs, sigs[1:]); i != -1 || err == nil {
					t.Fatalf("more messages than signatures: %d, %v; want -1 and an error", i, err)
				}
			})
		}
	}
}
