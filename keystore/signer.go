package keystore

import (
	"context"
	"crypto"
	"fmt"
	"sync"

	"github.com/signet-dev/signet/pkg/keys"
)

// Signer is a key held in a key store: a keys.Signer (Key, Public, Sign)
// that owns resources (a file's key in memory, a PKCS#11 session, a PIV
// card handle, a Vault client) released by Close. The key id is
// Key().KeyID.
//
// Sign must be safe for concurrent use and must refuse a cancelled
// context. After Close, Sign fails with ErrClosed; Close may be called
// more than once (later calls return nil).
type Signer interface {
	keys.Signer
	Close() error
}

// Wrap turns a keys.Signer into a Signer. closeFn (may be nil) releases
// the backend's resources; it runs once, on the first Close, after every
// Sign in progress has returned. Sign after Close returns ErrClosed.
func Wrap(s keys.Signer, closeFn func() error) Signer {
	return &wrapped{inner: s, closeFn: closeFn}
}

type wrapped struct {
	inner   keys.Signer
	closeFn func() error
	mu      sync.RWMutex // Sign holds it shared, Close exclusively
	closed  bool
}

func (w *wrapped) Key() keys.Key            { return w.inner.Key() }
func (w *wrapped) Public() crypto.PublicKey { return w.inner.Public() }

// Sign signs msg unless the signer is closed or ctx is done.
func (w *wrapped) Sign(ctx context.Context, msg []byte) ([]byte, error) {
	if err := ctx.Err(); err != nil {
		return nil, fmt.Errorf("signing with key %s: %w", w.inner.Key().ShortID(), err)
	}
	w.mu.RLock()
	defer w.mu.RUnlock()
	if w.closed {
		return nil, fmt.Errorf("signing with key %s: %w", w.inner.Key().ShortID(), ErrClosed)
	}
	return w.inner.Sign(ctx, msg)
}

// Close releases the signer; later calls return nil.
func (w *wrapped) Close() error {
	w.mu.Lock()
	defer w.mu.Unlock()
	if w.closed {
		return nil
	}
	w.closed = true
	if w.closeFn != nil {
		return w.closeFn()
	}
	return nil
}
