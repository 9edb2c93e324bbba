package vault

import (
	"context"
	"crypto"
	"fmt"
	"io"
	"runtime"
	"sync"

	"github.com/signet-dev/signet/keystore"
	"github.com/signet-dev/signet/pkg/keys"
)

// Signer is an open Vault transit key version. It is a keystore.Signer;
// Version and SignBatch are extra.
type Signer struct {
	keystore.Signer
	version int
	uri     string
	inner   *transitKey
}

// Version returns the pinned transit key version every signature uses.
func (s *Signer) Version() int { return s.version }

// URI returns the key's URI with the version pinned
// ("hashivault://transit/k?version=3"): the URI that names exactly this
// in-toto key.
func (s *Signer) URI() string { return s.uri }

// transitKey is the keys.Signer inside the keystore wrapper.
type transitKey struct {
	key    keys.Key
	pub    crypto.PublicKey
	hash   crypto.Hash // 0: the whole message is sent (ed25519)
	maxMsg int
	client *client
	batch  *batcher
	// signer hashes per the scheme, signs through the batcher with the
	// caller's context (keys.ContextSigner) and verifies; built once, as
	// is verifyBatch, which checks SignBatch's signatures.
	signer      keys.Signer
	verifyBatch func(msgs, sigs [][]byte) (int, error)
}

func newSigner(c *client, cfg Config, t target, v int, key keys.Key, pub crypto.PublicKey) (*Signer, error) {
	params, h, err := paramsFor(key.Scheme)
	if err != nil {
		return nil, err
	}
	send := func(ctx context.Context, inputs [][]byte) ([]signResult, error) {
		return c.sign(ctx, v, params, inputs)
	}
	tk := &transitKey{key: key, pub: pub, hash: h, maxMsg: cfg.MaxMessageSize, client: c, batch: newBatcher(send, cfg.MaxBatch, cfg.MaxInFlight)}
	if tk.verifyBatch, err = key.BatchVerifier(); err != nil {
		return nil, err
	}
	if tk.signer, err = keys.NewSignerForKey(ctxSigner{tk}, key); err != nil {
		return nil, err
	}
	closeFn := func() error {
		tk.batch.close()
		c.close()
		return nil
	}
	uri := fmt.Sprintf("%s://%s/%s?version=%d", Scheme, t.mount, t.name, v)
	return &Signer{Signer: keystore.Wrap(tk, closeFn), version: v, uri: uri, inner: tk}, nil
}

func (k *transitKey) Key() keys.Key            { return k.key }
func (k *transitKey) Public() crypto.PublicKey { return k.pub }

// VerifiesSignatures: every signature is verified (see keys.SelfVerifying).
func (k *transitKey) VerifiesSignatures() bool { return true }

// Sign signs msg through keys.NewSignerForKey, which hashes msg per the
// scheme, lets Vault sign the digest and verifies the signature.
func (k *transitKey) Sign(ctx context.Context, msg []byte) ([]byte, error) {
	if err := k.checkSize(msg); err != nil {
		return nil, err
	}
	return k.signer.Sign(ctx, msg)
}

// checkSize refuses messages Vault would refuse (ed25519 sends them whole).
func (k *transitKey) checkSize(msg []byte) error {
	if k.hash != 0 || len(msg) <= k.maxMsg {
		return nil
	}
	return fmt.Errorf("%w: %d bytes: ed25519 keys in Vault sign whole messages of at most %d bytes "+
		"(Config.MaxMessageSize, bounded by the Vault listener's max_json_string_value_length); "+
		"use an ecdsa or rsa key, which sign digests", ErrMessageTooLarge, len(msg), k.maxMsg)
}

// ctxSigner sends digests through the batcher; as a keys.ContextSigner
// it gets the caller's context (crypto.Signer has no context parameter).
type ctxSigner struct{ k *transitKey }

func (c ctxSigner) Public() crypto.PublicKey { return c.k.pub }

// SignContext ignores opts: the key's scheme fixed them when it was
// opened, and keys.NewSignerForKey checks the result.
func (c ctxSigner) SignContext(ctx context.Context, digest []byte, _ crypto.SignerOpts) ([]byte, error) {
	return c.k.batch.do(ctx, digest)
}

// Sign is crypto.Signer's form, without a context.
func (c ctxSigner) Sign(_ io.Reader, digest []byte, opts crypto.SignerOpts) ([]byte, error) {
	return c.SignContext(context.Background(), digest, opts)
}

// SignBatch signs every message with the pinned key version, in as few
// batch_input requests as Config.MaxBatch allows (sharing them with
// concurrent Sign calls), and verifies every signature. The result has one
// signature per message, in order; any failure fails the whole call.
func (s *Signer) SignBatch(ctx context.Context, msgs [][]byte) ([][]byte, error) {
	if err := ctx.Err(); err != nil {
		return nil, err
	}
	k := s.inner
	inputs := make([][]byte, len(msgs))
	for i, m := range msgs {
		if k.hash == 0 {
			if err := k.checkSize(m); err != nil {
				return nil, fmt.Errorf("message %d: %w", i, err)
			}
			inputs[i] = m
			continue
		}
		h := k.hash.New()
		h.Write(m)
		inputs[i] = h.Sum(nil)
	}
	chans, err := k.batch.submit(ctx, inputs)
	if err != nil {
		return nil, fmt.Errorf("signing with key %s: %w", k.key.ShortID(), err)
	}
	return k.collect(ctx, msgs, chans)
}

// collect waits for the signatures and verifies them in contiguous
// chunks, one per goroutine up to GOMAXPROCS, each as soon as all its
// signatures are in. A chunk is checked as a batch (keys.BatchVerifier):
// for ed25519 that costs a quarter of checking each signature alone.
func (k *transitKey) collect(ctx context.Context, msgs [][]byte, chans []chan signResult) ([][]byte, error) {
	sigs := make([][]byte, len(msgs))
	workers := max(1, min(runtime.GOMAXPROCS(0), len(msgs)/minChunk))
	chunk := (len(msgs) + workers - 1) / workers
	errs := make([]error, workers)
	var wg sync.WaitGroup
	for w := range workers {
		lo, hi := min(w*chunk, len(msgs)), min((w+1)*chunk, len(msgs))
		wg.Go(func() {
			for i := lo; i < hi; i++ {
				sig, err := wait(ctx, chans[i])
				if err != nil {
					errs[w] = fmt.Errorf("signing message %d with key %s: %w", i, k.key.ShortID(), err)
					return
				}
				sigs[i] = sig
			}
			if i, err := k.verifyBatch(msgs[lo:hi], sigs[lo:hi]); err != nil {
				which := fmt.Sprintf("message %d", lo+i)
				if i < 0 {
					which = fmt.Sprintf("messages %d to %d", lo, hi-1)
				}
				errs[w] = fmt.Errorf("%w: %s, key %s: %w", keys.ErrSignatureCheck, which, k.key.ShortID(), err)
			}
		})
	}
	wg.Wait()
	for _, err := range errs {
		if err != nil {
			return nil, err
		}
	}
	return sigs, nil
}

// minChunk is the fewest signatures collect gives a goroutine of its own:
// smaller batches check less efficiently.
const minChunk = 16
