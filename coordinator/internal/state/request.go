package state

import (
	"bytes"
	"fmt"
	"slices"
)

func (s *State) createRequest(o *CreateRequest) (Result, error) {
	if err := checkID("request id", o.ID); err != nil {
		return Result{}, err
	}
	if old, ok := s.Requests[o.ID]; ok {
		if old.Kind != o.Kind || old.PayloadType != o.PayloadType || !bytes.Equal(old.Payload, o.Payload) ||
			old.Policy.Name != o.Policy || old.Requester != o.Actor {
			return Result{}, fmt.Errorf("%w: request %s already exists with other content; choose a new id", ErrConflict, o.ID)
		}
		return Result{Phase: old.Phase, Subject: o.ID}, nil
	}
	p, ok := s.Policies[o.Policy]
	if !ok {
		return Result{}, fmt.Errorf("%w: %q (request %s)", ErrUnknownPolicy, o.Policy, o.ID)
	}
	if !slices.Contains(p.Kinds, o.Kind) {
		return Result{}, fmt.Errorf("%w: policy %s allows %v, not %q", ErrKindNotAllowed, p.Name, p.Kinds, o.Kind)
	}
	if !slices.Contains(p.Requesters, o.Actor) {
		return Result{}, fmt.Errorf("%w: %q may not request under policy %s", ErrRequesterNotAllowed, o.Actor, p.Name)
	}
	facts, err := checkPayload(o.Kind, o.PayloadType, o.Payload, p)
	if err != nil {
		return Result{}, fmt.Errorf("request %s: %w", o.ID, err)
	}
	if err := s.checkCondition(p, o, facts); err != nil {
		return Result{}, fmt.Errorf("request %s: %w", o.ID, err)
	}
	at := o.At.UTC()
	r := &Request{
		ID: o.ID, Kind: o.Kind, PayloadType: o.PayloadType, Payload: bytes.Clone(o.Payload),
		Policy: clonePolicy(*p), Requester: o.Actor, Created: at, Expires: at.Add(p.RequestTTL),
		Phase: PhasePending, Approvals: []Approval{}, Rejections: []Rejection{},
	}
	if ts := s.evaluate(r); !ts.Reachable {
		return Result{}, fmt.Errorf("%w: request %s: policy %s needs %d signatures, and only %d keys not owned by %s can give one",
			ErrSelfApproval, o.ID, p.Name, p.Threshold, len(ts.Missing)-selfOwned(s, r), o.Actor)
	}
	s.Requests[o.ID] = r
	s.record(o.Stamp, "request.create", o.ID, digestOf(o.Payload),
		fmt.Sprintf("kind=%s policy=%s@%d", o.Kind, p.Name, p.Version))
	return Result{Changed: true, Phase: PhasePending, Subject: o.ID}, nil
}

// pending returns the request if it is pending and not expired at st.At.
func (s *State) pending(st Stamp, id string) (*Request, error) {
	r, ok := s.Requests[id]
	if !ok {
		return nil, fmt.Errorf("%w: %q", ErrUnknownRequest, id)
	}
	if r.Phase != PhasePending {
		return nil, fmt.Errorf("%w: request %s is %s", ErrTerminal, id, r.Phase)
	}
	if !st.At.Before(r.Expires) {
		return nil, fmt.Errorf("%w: request %s expired at %s", ErrExpired, id, r.Expires.Format("2006-01-02T15:04:05Z07:00"))
	}
	return r, nil
}

// signer returns the enrolled key id if it may act on r at st.At.
func (s *State) signer(st Stamp, r *Request, keyID string) (*EnrolledKey, error) {
	k, ok := s.Keys[keyID]
	if !ok {
		return nil, fmt.Errorf("%w: %q (request %s)", ErrUnknownKey, keyID, r.ID)
	}
	if !slices.Contains(r.Policy.Keys, keyID) {
		return nil, fmt.Errorf("%w: key %s may not sign request %s (policy %s@%d)", ErrUnauthorizedKey, keyID, r.ID, r.Policy.Name, r.Policy.Version)
	}
	if err := k.usable(st.At); err != nil {
		return nil, fmt.Errorf("request %s: %w", r.ID, err)
	}
	if st.Actor == r.Requester || k.Identity == r.Requester {
		return nil, fmt.Errorf("%w: %s requested %s", ErrSelfApproval, r.Requester, r.ID)
	}
	return k, nil
}

func (s *State) reject(o *Reject) (Result, error) {
	if err := checkReason(o.Reason); err != nil {
		return Result{}, err
	}
	if r, ok := s.Requests[o.RequestID]; ok {
		if k, ok := s.Keys[o.KeyID]; ok && slices.ContainsFunc(r.Rejections, func(x Rejection) bool { return x.Fingerprint == k.Fingerprint }) {
			return Result{Phase: r.Phase, Subject: r.ID}, nil
		}
	}
	r, err := s.pending(o.Stamp, o.RequestID)
	if err != nil {
		return Result{}, err
	}
	k, err := s.signer(o.Stamp, r, o.KeyID)
	if err != nil {
		return Result{}, err
	}
	if slices.ContainsFunc(r.Approvals, func(a Approval) bool { return a.Fingerprint == k.Fingerprint }) ||
		slices.ContainsFunc(r.Submissions, func(x Submission) bool { return x.Fingerprint == k.Fingerprint }) {
		return Result{}, fmt.Errorf("%w: key %s already signed request %s", ErrConflict, o.KeyID, r.ID)
	}
	nr := *r
	nr.Rejections = append(slices.Clip(r.Rejections), Rejection{
		KeyID: o.KeyID, Fingerprint: k.Fingerprint, Reason: o.Reason, Actor: o.Actor, At: o.At.UTC(),
	})
	s.Requests[r.ID] = &nr
	s.record(o.Stamp, "request.reject", r.ID, digestOf(r.Payload), "keyid="+o.KeyID+" "+o.Reason)
	if ts := s.evaluate(&nr); !ts.Reachable {
		s.close(o.Stamp, &nr, PhaseRejected, "threshold unreachable after rejections")
	}
	return Result{Changed: true, Phase: s.Requests[r.ID].Phase, Subject: r.ID}, nil
}

func (s *State) cancel(o *Cancel) (Result, error) {
	if err := checkReason(o.Reason); err != nil {
		return Result{}, err
	}
	r, ok := s.Requests[o.RequestID]
	if !ok {
		return Result{}, fmt.Errorf("%w: %q", ErrUnknownRequest, o.RequestID)
	}
	if !o.Admin && o.Actor != r.Requester {
		return Result{}, fmt.Errorf("%w: %s requested %s, not %s", ErrNotRequester, r.Requester, r.ID, o.Actor)
	}
	if r.Phase == PhaseCancelled {
		return Result{Phase: r.Phase, Subject: r.ID}, nil
	}
	if r.Phase != PhasePending {
		return Result{}, fmt.Errorf("%w: request %s is %s", ErrTerminal, r.ID, r.Phase)
	}
	nr := *r
	s.close(o.Stamp, &nr, PhaseCancelled, o.Reason)
	return Result{Changed: true, Phase: PhaseCancelled, Subject: r.ID}, nil
}

func (s *State) expire(o *Expire) (Result, error) {
	ids := []string{o.RequestID}
	if o.RequestID == "" {
		ids = s.RequestIDs()
	} else if _, ok := s.Requests[o.RequestID]; !ok {
		return Result{}, fmt.Errorf("%w: %q", ErrUnknownRequest, o.RequestID)
	}
	n := 0
	for _, id := range ids {
		r := s.Requests[id]
		if r.Phase != PhasePending || o.At.Before(r.Expires) {
			continue
		}
		nr := *r
		s.close(o.Stamp, &nr, PhaseExpired, "time to live passed")
		n++
	}
	return Result{Changed: n > 0, Count: n, Subject: o.RequestID}, nil
}

// close moves r (a copy the caller made) to a terminal phase and stores it.
func (s *State) close(st Stamp, r *Request, phase Phase, reason string) {
	r.Phase, r.ClosedAt, r.Reason = phase, st.At.UTC(), reason
	s.Requests[r.ID] = r
	s.record(st, "request."+string(phase), r.ID, digestOf(r.Payload), reason)
}

// selfOwned counts r's policy keys owned by its requester.
func selfOwned(s *State, r *Request) int {
	n := 0
	for _, id := range r.Policy.Keys {
		if k, ok := s.Keys[id]; ok && k.Identity == r.Requester {
			n++
		}
	}
	return n
}
