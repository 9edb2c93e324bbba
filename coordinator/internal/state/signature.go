package state

import (
	"bytes"
	"crypto/sha256"
	"encoding/hex"
	"fmt"
	"slices"
)

func (s *State) addSignature(o *AddSignature) (Result, error) {
	if err := checkSig("sig", o.Sig); err != nil {
		return Result{}, err
	}
	if r, ok := s.Requests[o.RequestID]; ok && slices.ContainsFunc(r.Approvals, func(a Approval) bool {
		return a.KeyID == o.KeyID && bytes.Equal(a.Sig, o.Sig) && bytes.Equal(a.MetaSig, o.MetaSig)
	}) {
		return Result{Phase: r.Phase, Subject: r.ID}, nil // a retry
	}
	r, err := s.pending(o.Stamp, o.RequestID)
	if err != nil {
		return Result{}, err
	}
	if r.Kind == KindStepCollect {
		return Result{}, fmt.Errorf("%w: request %s collects signed links; submit a link instead", ErrWrongKind, r.ID)
	}
	k, err := s.signer(o.Stamp, r, o.KeyID)
	if err != nil {
		return Result{}, err
	}
	if err := s.verifyApproval(r, k, o); err != nil {
		return Result{}, err
	}
	if slices.ContainsFunc(r.Approvals, func(a Approval) bool { return a.Fingerprint == k.Fingerprint }) {
		return Result{Phase: r.Phase, Subject: r.ID}, nil // already counted: a re-signature is a no-op
	}
	if slices.ContainsFunc(r.Rejections, func(x Rejection) bool { return x.Fingerprint == k.Fingerprint }) {
		return Result{}, fmt.Errorf("%w: key %s already rejected request %s", ErrConflict, o.KeyID, r.ID)
	}
	nr := *r
	nr.Approvals = append(slices.Clip(r.Approvals), Approval{
		KeyID: o.KeyID, Fingerprint: k.Fingerprint, Sig: bytes.Clone(o.Sig), MetaSig: bytes.Clone(o.MetaSig),
		Actor: o.Actor, At: o.At.UTC(),
	})
	return s.commit(o.Stamp, &nr, "request.sign", "keyid="+o.KeyID, sigDigests(o.Sig, o.MetaSig))
}

// verifyApproval checks o's signatures with k over the bytes r's kind
// signs, and that they were not counted on another request.
func (s *State) verifyApproval(r *Request, k *EnrolledKey, o *AddSignature) error {
	pae, canonical, err := signedBytes(r)
	if err != nil {
		return err
	}
	if err := k.Key.Verify(pae, o.Sig); err != nil {
		return fmt.Errorf("%w: key %s, request %s: sig is not a valid signature over DSSE PAE(payload_type, payload): %w", ErrBadSignature, k.Key.KeyID, r.ID, err)
	}
	if canonical == nil {
		if len(o.MetaSig) != 0 {
			return fmt.Errorf("%w: meta_sig is only for layout and link requests", ErrInvalid)
		}
	} else {
		if err := checkSig("meta_sig", o.MetaSig); err != nil {
			return fmt.Errorf("%w (a %s request needs a signature over the canonical JSON of the payload too)", err, r.Kind)
		}
		if err := k.Key.Verify(canonical, o.MetaSig); err != nil {
			return fmt.Errorf("%w: key %s, request %s: meta_sig is not a valid signature over the canonical JSON of the payload: %w", ErrBadSignature, k.Key.KeyID, r.ID, err)
		}
	}
	for _, d := range sigDigests(o.Sig, o.MetaSig) {
		if other, ok := s.UsedSigs[d]; ok && other != r.ID {
			return fmt.Errorf("%w: key %s's signature was counted for request %s", ErrReplay, k.Key.KeyID, other)
		}
	}
	return nil
}

func sigDigests(sigs ...[]byte) []string {
	var out []string
	for _, sig := range sigs {
		if len(sig) > 0 {
			sum := sha256.Sum256(sig)
			out = append(out, hex.EncodeToString(sum[:]))
		}
	}
	return out
}

// commit stores nr (a changed copy of a pending request) after a signature
// or submission, records it, and releases or rejects it if its threshold is
// now met or unreachable. Release assembly is checked before anything is
// stored.
func (s *State) commit(st Stamp, nr *Request, action, detail string, used []string) (Result, error) {
	ts := s.evaluate(nr)
	if ts.Met {
		files, err := s.assemble(nr, ts)
		if err != nil {
			return Result{}, fmt.Errorf("request %s: assembling the release: %w", nr.ID, err)
		}
		nr.Released = files
	}
	s.Requests[nr.ID] = nr
	for _, d := range used {
		s.UsedSigs[d] = nr.ID
	}
	s.record(st, action, nr.ID, digestOf(nr.Payload), detail)
	switch {
	case ts.Met:
		s.close(st, nr, PhaseReleased, fmt.Sprintf("threshold %d met by %v", ts.Threshold, ts.Signed))
	case !ts.Reachable:
		s.close(st, nr, PhaseRejected, "threshold unreachable")
	}
	return Result{Changed: true, Phase: nr.Phase, Subject: nr.ID}, nil
}
