package dsse

import (
	"fmt"

	"github.com/signet-dev/signet/pkg/keys"
)

// MaxSignatures bounds how many signatures Verify looks at, so that an
// envelope padded with junk signatures cannot make verification slow.
const MaxSignatures = 1024

// Verify checks e's signatures against the trusted keys and returns the
// keys that made a valid signature, one per distinct public key, in the
// order of trusted. It fails with ErrThresholdNotMet (the accepted keys
// are still returned) when fewer than threshold distinct public keys
// verified.
//
// Keys are told apart by their SPKI fingerprint, so a public key listed
// twice (under two key ids, schemes or dialects) counts once. The key id
// of a signature is only a hint: signatures whose key id matches the key
// (or is empty) are tried first, the others after, so a key known under a
// different key id (the legacy and modern dialects of one key) still
// verifies.
func Verify(e *Envelope, trusted []keys.Key, threshold int) ([]keys.Key, error) {
	if threshold < 1 {
		return nil, fmt.Errorf("%w: got %d", ErrInvalidThreshold, threshold)
	}
	if len(e.Signatures) > MaxSignatures {
		return nil, fmt.Errorf("%w: %d signatures, more than the limit of %d", ErrMalformed, len(e.Signatures), MaxSignatures)
	}
	pae := PAE(e.PayloadType, e.Payload)
	seen := map[string]bool{}
	var accepted []keys.Key
	for _, k := range trusted {
		fp, err := k.Fingerprint()
		if err != nil {
			return nil, fmt.Errorf("%w %s: %w", ErrBadKey, k.ShortID(), err)
		}
		if seen[fp] {
			continue
		}
		if verifiedBy(e, pae, k, true) || verifiedBy(e, pae, k, false) {
			seen[fp] = true
			accepted = append(accepted, k)
		}
	}
	if len(accepted) < threshold {
		return accepted, fmt.Errorf("%w: %d of the %d required keys made a valid signature (%d signatures, %d trusted keys)",
			ErrThresholdNotMet, len(accepted), threshold, len(e.Signatures), len(trusted))
	}
	return accepted, nil
}

// verifiedBy reports whether a signature of e verifies with k, trying
// either the signatures whose key id fits k (hinted) or the others.
func verifiedBy(e *Envelope, pae []byte, k keys.Key, hinted bool) bool {
	for _, s := range e.Signatures {
		fits := s.KeyID == "" || s.KeyID == k.KeyID
		if fits != hinted {
			continue
		}
		if k.Verify(pae, s.Sig) == nil {
			return true
		}
	}
	return false
}
