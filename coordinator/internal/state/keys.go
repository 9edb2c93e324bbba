package state

import (
	"bytes"
	"encoding/json"
	"fmt"
	"slices"
)

func (s *State) enrollKey(o *EnrollKey) (Result, error) {
	ek, err := newEnrolledKey(o)
	if err != nil {
		return Result{}, err
	}
	id := ek.Key.KeyID
	if old, ok := s.Keys[id]; ok {
		if !sameEnrolment(old, ek) {
			return Result{}, fmt.Errorf("%w: key %s is already enrolled with other attributes; revoke it and enrol a new key", ErrConflict, id)
		}
		if old.Status == KeyRevoked {
			return Result{}, fmt.Errorf("%w: key %s cannot be enrolled again", ErrKeyRevoked, id)
		}
		return Result{Subject: id}, nil
	}
	for _, other := range s.sortedKeys() {
		if other.Fingerprint == ek.Fingerprint {
			return Result{}, fmt.Errorf("%w: the public key of %s is already enrolled as %s (fingerprint %s)", ErrConflict, id, other.Key.KeyID, ek.Fingerprint)
		}
	}
	s.Keys[id] = ek
	s.record(o.Stamp, "key.enroll", id, "sha256:"+ek.Fingerprint, fmt.Sprintf("identity=%s role=%s", ek.Identity, ek.Role))
	return Result{Changed: true, Subject: id}, nil
}

func newEnrolledKey(o *EnrollKey) (*EnrolledKey, error) {
	if err := checkIdentity("identity", o.Identity); err != nil {
		return nil, err
	}
	switch o.Role {
	case RoleOwner, RoleFunctionary, RoleAgent:
	default:
		return nil, fmt.Errorf("%w: role %q: want owner, functionary or agent", ErrInvalid, o.Role)
	}
	if err := o.Key.Validate(); err != nil {
		return nil, fmt.Errorf("%w: key: %w", ErrInvalid, err)
	}
	if err := checkID("keyid", o.Key.KeyID); err != nil {
		return nil, err
	}
	fp, err := o.Key.Fingerprint()
	if err != nil {
		return nil, fmt.Errorf("%w: key %s: %w", ErrInvalid, o.Key.KeyID, err)
	}
	if !o.ValidUntil.IsZero() && !o.ValidUntil.After(o.ValidFrom) {
		return nil, fmt.Errorf("%w: key %s: valid_until must be after valid_from", ErrInvalid, o.Key.KeyID)
	}
	k := o.Key
	k.KeyIDHashAlgorithms = slices.Clone(k.KeyIDHashAlgorithms)
	return &EnrolledKey{
		Key: k, Fingerprint: fp, Identity: o.Identity, Role: o.Role, Status: KeyActive,
		ValidFrom: o.ValidFrom.UTC(), ValidUntil: o.ValidUntil.UTC(), Version: 1, EnrolledBy: o.Actor,
	}, nil
}

func sameEnrolment(a, b *EnrolledKey) bool {
	ka, err1 := json.Marshal(a.Key)
	kb, err2 := json.Marshal(b.Key)
	return err1 == nil && err2 == nil && bytes.Equal(ka, kb) && a.Identity == b.Identity &&
		a.Role == b.Role && a.ValidFrom.Equal(b.ValidFrom) && a.ValidUntil.Equal(b.ValidUntil)
}

func (s *State) revokeKey(o *RevokeKey) (Result, error) {
	if err := checkReason(o.Reason); err != nil {
		return Result{}, err
	}
	k, ok := s.Keys[o.KeyID]
	if !ok {
		return Result{}, fmt.Errorf("%w: %q", ErrUnknownKey, o.KeyID)
	}
	if k.Status == KeyRevoked {
		return Result{Subject: o.KeyID}, nil
	}
	nk := *k
	nk.Status, nk.RevokedAt, nk.Reason, nk.Version = KeyRevoked, o.At.UTC(), o.Reason, k.Version+1
	s.Keys[o.KeyID] = &nk
	s.record(o.Stamp, "key.revoke", o.KeyID, "sha256:"+k.Fingerprint, o.Reason)
	s.rejectUnreachable(o.Stamp, o.KeyID)
	return Result{Changed: true, Subject: o.KeyID}, nil
}

// rejectUnreachable rejects the pending requests that key id could sign
// and whose threshold can no longer be met.
func (s *State) rejectUnreachable(st Stamp, keyID string) {
	for _, id := range s.RequestIDs() {
		r := s.Requests[id]
		if r.Phase != PhasePending || !slices.Contains(r.Policy.Keys, keyID) {
			continue
		}
		if ts := s.evaluate(r); !ts.Met && !ts.Reachable {
			nr := *r
			s.close(st, &nr, PhaseRejected, "threshold unreachable after revocation of key "+keyID)
		}
	}
}

func (s *State) sortedKeys() []*EnrolledKey {
	ids := make([]string, 0, len(s.Keys))
	for id := range s.Keys {
		ids = append(ids, id)
	}
	slices.Sort(ids)
	out := make([]*EnrolledKey, len(ids))
	for i, id := range ids {
		out[i] = s.Keys[id]
	}
	return out
}
