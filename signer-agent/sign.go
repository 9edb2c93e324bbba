package signeragent

import (
	"context"
	"errors"
	"fmt"
	"time"

	"github.com/signet-dev/signet/pkg/keys"
	"github.com/signet-dev/signet/signer-agent/journal"
)

// ErrSigning means the key store failed to sign (a device or server
// error); nothing was recorded, and the agent tries again later.
var ErrSigning = errors.New("signing failed")

// Signature is what the agent submits for one request and key.
type Signature struct {
	KeyID        string
	Sig, MetaSig []byte
	// Reused is set when the journal already held this signature (a retry
	// after a restart or a lost response): it was not made again.
	Reused bool
}

// Sign signs a prepared request with s, at most once per request and key:
// a signature in the journal is returned again; different bytes for a
// request the key already signed are refused (journal.ErrConflictingPayload);
// a new signature is written to the journal (fsync) before it is returned,
// so it can never be made twice.
func Sign(ctx context.Context, j *journal.Journal, s keys.Signer, requestID string, p *Prepared, now time.Time) (Signature, error) {
	keyID := s.Key().KeyID
	prev, err := j.Check(requestID, keyID, p.Digest)
	if err != nil {
		return Signature{}, err
	}
	if prev != nil {
		return Signature{KeyID: keyID, Sig: prev.Signature, MetaSig: prev.MetaSignature, Reused: true}, nil
	}
	sig, err := s.Sign(ctx, p.PAE)
	if err != nil {
		return Signature{}, fmt.Errorf("%w: request %s with key %s: %w", ErrSigning, requestID, s.Key().ShortID(), err)
	}
	var meta []byte
	if p.Canonical != nil {
		if meta, err = s.Sign(ctx, p.Canonical); err != nil {
			return Signature{}, fmt.Errorf("%w: request %s with key %s: %w", ErrSigning, requestID, s.Key().ShortID(), err)
		}
	}
	rec := journal.Record{RequestID: requestID, KeyID: keyID, Digest: p.Digest, Signature: sig, MetaSignature: meta, At: now.UTC()}
	if err := j.Append(rec); err != nil {
		return Signature{}, fmt.Errorf("recording the signature before sending it: %w", err)
	}
	return Signature{KeyID: keyID, Sig: sig, MetaSig: meta}, nil
}
