package state

import (
	"maps"
	"slices"
)

// Clone returns a copy of the state that later transitions of s do not
// change, cheaply enough to take on raft's FSM goroutine (a snapshot
// starts with it while applies wait; the copy is encoded afterwards, in
// the background). Every map and every object a transition may change is
// copied; what transitions never change in place is shared: payloads,
// signatures, released files' bytes, a request's policy as it was at
// creation, key material, token scopes and the audit entries (the log
// only grows, and the copy's slice is capped at its current length).
func (s *State) Clone() *State {
	c := &State{
		Keys:     make(map[string]*EnrolledKey, len(s.Keys)),
		Policies: make(map[string]*Policy, len(s.Policies)),
		Requests: make(map[string]*Request, len(s.Requests)),
		UsedSigs: maps.Clone(s.UsedSigs),
		Audit:    s.Audit[:len(s.Audit):len(s.Audit)],
	}
	for id, k := range s.Keys {
		kc := *k
		c.Keys[id] = &kc
	}
	for name, p := range s.Policies {
		pc := clonePolicy(*p)
		c.Policies[name] = &pc
	}
	for id, r := range s.Requests {
		rc := *r
		rc.Approvals = slices.Clone(r.Approvals)
		rc.Rejections = slices.Clone(r.Rejections)
		rc.Submissions = slices.Clone(r.Submissions)
		rc.Released = slices.Clone(r.Released)
		c.Requests[id] = &rc
	}
	if s.Tokens != nil {
		c.Tokens = make(map[string]*Token, len(s.Tokens))
		for id, t := range s.Tokens {
			tc := *t
			c.Tokens[id] = &tc
		}
	}
	if s.Nodes != nil {
		c.Nodes = make(map[string]*NodeInfo, len(s.Nodes))
		for id, n := range s.Nodes {
			nc := *n
			c.Nodes[id] = &nc
		}
	}
	return c
}
