package pkcs11_test

import (
	"context"
	"crypto"
	"crypto/rand"
	"crypto/rsa"
	"crypto/sha256"
	"crypto/sha512"
	"errors"
	"path/filepath"
	"testing"

	"github.com/ThalesIgnite/crypto11"
	"github.com/miekg/pkcs11"
	"github.com/signet-dev/signet/keystore"
	"github.com/signet-dev/signet/keystore/keystoretest"
	"github.com/signet-dev/signet/softhsm-test/softhsm"
)

// benchMessage is about the size of a link's canonical bytes.
var benchMessage = make([]byte, 512)

// BenchmarkSign compares signing through Signet (keystore signer: session
// limit, hashing, verification of every signature) with the same key used
// directly through crypto11 or miekg/pkcs11 (hashing only) in the same run,
// and with raw+verify, which adds the signature check Signet always makes.
func BenchmarkSign(b *testing.B) {
	f := newFixture(b)
	for _, k := range f.generateAll(b) {
		s := f.open(b, f.tok.URI(k.spec.Label), keystore.Options{})
		b.Run(k.name+"/signet", func(b *testing.B) {
			for b.Loop() {
				if _, err := s.Sign(context.Background(), benchMessage); err != nil {
					b.Fatal(err)
				}
			}
		})
		raw := rawSigner(b, f, k.spec)
		b.Run(k.name+"/raw", func(b *testing.B) {
			for b.Loop() {
				if _, err := raw(benchMessage); err != nil {
					b.Fatal(err)
				}
			}
		})
		// raw+verify adds the verification Signet must do (the issue asks
		// for every signature to be checked), to show what remains.
		key := s.Key()
		b.Run(k.name+"/raw+verify", func(b *testing.B) {
			for b.Loop() {
				sig, err := raw(benchMessage)
				if err == nil {
					err = key.Verify(benchMessage, sig)
				}
				if err != nil {
					b.Fatal(err)
				}
			}
		})
	}
}

// BenchmarkSignAlternating is BenchmarkSign's comparison with the two
// sides in turns: Signet's Sign against the raw device plus the same
// verification, reported as overhead-%.
func BenchmarkSignAlternating(b *testing.B) {
	f := newFixture(b)
	for _, k := range f.generateAll(b) {
		s := f.open(b, f.tok.URI(k.spec.Label), keystore.Options{})
		raw := rawSigner(b, f, k.spec)
		b.Run(k.name, func(b *testing.B) { keystoretest.CompareSign(b, s, raw, benchMessage) })
	}
}

// rawSigner signs with the key without Signet: crypto11 for ecdsa and rsa
// (PSS, salt length = hash length, as rsassa-pss-sha256), miekg/pkcs11
// CKM_EDDSA for ed25519.
func rawSigner(b *testing.B, f *fixture, spec softhsm.KeySpec) func(msg []byte) ([]byte, error) {
	b.Helper()
	if spec.Type == softhsm.Ed25519 {
		return rawEd25519(b, f, spec)
	}
	// crypto11 counts its contexts per path string and the Backend uses the
	// module's resolved path: use the same, or crypto11 would initialise
	// (and on failure finalise) the module under the Backend.
	path, err := filepath.EvalSymlinks(f.tok.Module)
	if err != nil {
		b.Fatal(err)
	}
	ctx, err := crypto11.Configure(&crypto11.Config{Path: path, TokenLabel: f.tok.Label, Pin: f.tok.PIN,
		MaxSessions: 4, PoolWaitTimeout: 10e9})
	if err != nil {
		b.Fatal(err)
	}
	b.Cleanup(func() { _ = ctx.Close() })
	cs, err := ctx.FindKeyPair(spec.ID, []byte(spec.Label))
	if err != nil || cs == nil {
		b.Fatalf("FindKeyPair: %v", err)
	}
	var hash crypto.Hash
	var opts crypto.SignerOpts
	switch spec.Type {
	case softhsm.ECDSAP256:
		hash, opts = crypto.SHA256, crypto.SHA256
	case softhsm.ECDSAP384:
		hash, opts = crypto.SHA384, crypto.SHA384
	default:
		hash, opts = crypto.SHA256, &rsa.PSSOptions{SaltLength: rsa.PSSSaltLengthEqualsHash, Hash: crypto.SHA256}
	}
	return func(msg []byte) ([]byte, error) {
		var digest []byte
		if hash == crypto.SHA384 {
			d := sha512.Sum384(msg)
			digest = d[:]
		} else {
			d := sha256.Sum256(msg)
			digest = d[:]
		}
		return cs.Sign(rand.Reader, digest, opts)
	}
}

func rawEd25519(b *testing.B, f *fixture, spec softhsm.KeySpec) func(msg []byte) ([]byte, error) {
	p := pkcs11.New(f.tok.Module)
	if err := p.Initialize(); err != nil && !errors.Is(err, pkcs11.Error(pkcs11.CKR_CRYPTOKI_ALREADY_INITIALIZED)) {
		b.Fatal(err)
	}
	b.Cleanup(p.Destroy) // the Backend's crypto11 context lives: never Finalize here
	slot, _, err := softhsm.FindSlot(p, f.tok.Label)
	if err != nil {
		b.Fatal(err)
	}
	s, err := p.OpenSession(slot, pkcs11.CKF_SERIAL_SESSION)
	if err != nil {
		b.Fatal(err)
	}
	b.Cleanup(func() { _ = p.CloseSession(s) })
	if err := p.FindObjectsInit(s, []*pkcs11.Attribute{
		pkcs11.NewAttribute(pkcs11.CKA_CLASS, pkcs11.CKO_PRIVATE_KEY),
		pkcs11.NewAttribute(pkcs11.CKA_LABEL, spec.Label)}); err != nil {
		b.Fatal(err)
	}
	hs, _, err := p.FindObjects(s, 1)
	_ = p.FindObjectsFinal(s)
	if err != nil || len(hs) != 1 {
		b.Fatalf("finding %s: %v", spec.Label, err)
	}
	mech := []*pkcs11.Mechanism{pkcs11.NewMechanism(0x1057, nil)} // CKM_EDDSA
	return func(msg []byte) ([]byte, error) {
		if err := p.SignInit(s, mech, hs[0]); err != nil {
			return nil, err
		}
		return p.Sign(s, msg)
	}
}
