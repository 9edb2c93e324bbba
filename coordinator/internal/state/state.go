package state

import (
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"fmt"
	"reflect"
	"slices"
	"sort"
)

// State is the coordinator's replicated state. Its zero value is not ready;
// use New. State is not safe for concurrent use: the FSM serialises access.
type State struct {
	Keys     map[string]*EnrolledKey `json:"keys"`
	Policies map[string]*Policy      `json:"policies"`
	Requests map[string]*Request     `json:"requests"`
	// UsedSigs maps the SHA-256 of every counted signature to the request
	// it was counted for, so that it cannot be replayed onto another one.
	UsedSigs map[string]string `json:"used_sigs"`
	Audit    []AuditEntry      `json:"audit"`
	// Tokens holds the API tokens by id (tokens.go); omitted when empty.
	Tokens map[string]*Token `json:"tokens,omitempty"`
	// Nodes holds the coordinator nodes' API addresses (nodes.go);
	// omitted when empty.
	Nodes map[string]*NodeInfo `json:"nodes,omitempty"`

	// conds caches compiled policy conditions; not replicated.
	conds *condCache
}

// New returns an empty state.
func New() *State {
	return &State{
		Keys:     map[string]*EnrolledKey{},
		Policies: map[string]*Policy{},
		Requests: map[string]*Request{},
		UsedSigs: map[string]string{},
		Audit:    []AuditEntry{},
		Tokens:   map[string]*Token{},
	}
}

// Apply performs one operation. On error nothing has changed.
func (s *State) Apply(op Op) (Result, error) {
	if op == nil || reflect.ValueOf(op).Kind() == reflect.Pointer && reflect.ValueOf(op).IsNil() {
		return Result{}, fmt.Errorf("%w: nil operation", ErrUnknownCommand)
	}
	if err := checkStamp(op.Stamped()); err != nil {
		return Result{}, err
	}
	switch o := op.(type) {
	case *EnrollKey:
		return s.enrollKey(o)
	case *RevokeKey:
		return s.revokeKey(o)
	case *ApplyPolicy:
		return s.applyPolicy(o)
	case *CreateRequest:
		return s.createRequest(o)
	case *AddSignature:
		return s.addSignature(o)
	case *SubmitLink:
		return s.submitLink(o)
	case *Reject:
		return s.reject(o)
	case *Cancel:
		return s.cancel(o)
	case *Expire:
		return s.expire(o)
	case *RegisterNode:
		return s.registerNode(o)
	default:
		return s.applyToken(op)
	}
}

// Marshal returns the JSON form of the whole state. encoding/json writes
// map keys sorted, so equal states marshal to equal bytes.
func (s *State) Marshal() ([]byte, error) {
	return json.Marshal(s)
}

// Unmarshal reads a state written by Marshal.
func Unmarshal(data []byte) (*State, error) {
	s := New()
	if err := json.Unmarshal(data, s); err != nil {
		return nil, fmt.Errorf("%w: state: %v", ErrInvalid, err)
	}
	if s.Keys == nil || s.Policies == nil || s.Requests == nil || s.UsedSigs == nil {
		return nil, fmt.Errorf("%w: state: missing keys, policies, requests or used_sigs", ErrInvalid)
	}
	if err := s.checkConsistent(); err != nil {
		return nil, err
	}
	if err := VerifyAudit(s.Audit); err != nil {
		return nil, err
	}
	return s, nil
}

// checkConsistent checks what transitions rely on: no null entries, and
// every object filed under its own id.
func (s *State) checkConsistent() error {
	for id, k := range s.Keys {
		if k == nil || k.Key.KeyID != id {
			return fmt.Errorf("%w: state: key %q is null or filed under another id", ErrInvalid, id)
		}
	}
	for name, p := range s.Policies {
		if p == nil || p.Name != name {
			return fmt.Errorf("%w: state: policy %q is null or filed under another name", ErrInvalid, name)
		}
	}
	for id, r := range s.Requests {
		if r == nil || r.ID != id {
			return fmt.Errorf("%w: state: request %q is null or filed under another id", ErrInvalid, id)
		}
	}
	return nil
}

// Hash returns the hex SHA-256 of Marshal: two nodes that applied the same
// log have the same hash.
func (s *State) Hash() (string, error) {
	b, err := s.Marshal()
	if err != nil {
		return "", err
	}
	sum := sha256.Sum256(b)
	return hex.EncodeToString(sum[:]), nil
}

// Request returns a shallow copy of the request with the given id; its
// slices share memory with the state and must be treated as read-only.
func (s *State) Request(id string) (Request, bool) {
	r, ok := s.Requests[id]
	if !ok {
		return Request{}, false
	}
	return *r, true
}

// Key returns the enrolled key with the given id.
func (s *State) Key(id string) (EnrolledKey, bool) {
	k, ok := s.Keys[id]
	if !ok {
		return EnrolledKey{}, false
	}
	return *k, true
}

// Policy returns the current version of a policy.
func (s *State) Policy(name string) (Policy, bool) {
	p, ok := s.Policies[name]
	if !ok {
		return Policy{}, false
	}
	return clonePolicy(*p), true
}

// RequestIDs returns the ids of all requests, sorted.
func (s *State) RequestIDs() []string {
	ids := make([]string, 0, len(s.Requests))
	for id := range s.Requests {
		ids = append(ids, id)
	}
	sort.Strings(ids)
	return ids
}

func clonePolicy(p Policy) Policy {
	p.Kinds = slices.Clone(p.Kinds)
	p.Keys = slices.Clone(p.Keys)
	p.ExpectedCommand = slices.Clone(p.ExpectedCommand)
	p.Requesters = slices.Clone(p.Requesters)
	return p
}
