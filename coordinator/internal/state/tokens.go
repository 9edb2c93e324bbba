package state

import (
	"encoding/hex"
	"encoding/json"
	"errors"
	"fmt"
	"slices"
	"sort"
	"strings"
	"time"
)

// Token errors; they join the sentinel errors of errors.go.
var (
	// ErrUnknownToken means no API token has that id.
	ErrUnknownToken = errors.New("unknown token")
	// ErrBootstrapped means the bootstrap token was asked for after a token
	// already exists: bootstrapping happens once per cluster.
	ErrBootstrapped = errors.New("cluster already bootstrapped: tokens exist")
)

// Token limits.
const (
	MaxTokenScopes  = 64
	MaxTokenNameLen = 128
	// TokenHashLen is the length of Token.Hash: hex SHA-256.
	TokenHashLen = 64
	// ScopeAdmin grants everything.
	ScopeAdmin = "admin"
	// ScopeRead grants reading requests, keys, policies and the audit log.
	ScopeRead = "read"
	// ScopeRequestPrefix + policy grants creating and cancelling requests
	// under that policy.
	ScopeRequestPrefix = "request:"
	// ScopeSignPrefix + key id grants submitting signatures, links and
	// rejections made with that key.
	ScopeSignPrefix = "sign:"
)

// Token is an API bearer token. Only the hex SHA-256 of its secret is
// stored; the secret is shown once, to whoever created it. Identity is the
// actor name the token's commands are stamped with (what policies list as
// requesters and keys as owners).
type Token struct {
	ID        string    `json:"id"`
	Name      string    `json:"name"`
	Identity  string    `json:"identity"`
	Scopes    []string  `json:"scopes"`
	Hash      string    `json:"hash"`
	Created   time.Time `json:"created"`
	Expires   time.Time `json:"expires"` // zero: never
	CreatedBy string    `json:"created_by"`
	Revoked   bool      `json:"revoked"`
	RevokedAt time.Time `json:"revoked_at"`
	Reason    string    `json:"reason,omitempty"`
}

// CreateToken stores a new API token. The leader draws the id and the
// secret and puts only the secret's hash into the command.
type CreateToken struct {
	Stamp
	ID       string    `json:"id"`
	Name     string    `json:"name"`
	Identity string    `json:"identity"`
	Scopes   []string  `json:"scopes"`
	Hash     string    `json:"hash"`
	Expires  time.Time `json:"expires"`
}

// BootstrapToken stores the first administrator token. It succeeds only
// while no token exists (a retry of the same command is a no-op).
type BootstrapToken struct {
	Stamp
	ID       string `json:"id"`
	Identity string `json:"identity"`
	Hash     string `json:"hash"`
}

// RevokeToken revokes an API token for good.
type RevokeToken struct {
	Stamp
	ID     string `json:"id"`
	Reason string `json:"reason"`
}

// applyToken dispatches the token operations; State.Apply calls it for
// operation types it does not handle itself.
func (s *State) applyToken(op Op) (Result, error) {
	if s.Tokens == nil {
		s.Tokens = map[string]*Token{}
	}
	switch o := op.(type) {
	case *CreateToken:
		return s.createToken(o)
	case *BootstrapToken:
		return s.bootstrapToken(o)
	case *RevokeToken:
		return s.revokeToken(o)
	}
	return Result{}, fmt.Errorf("%w: %T", ErrUnknownCommand, op)
}

func (s *State) createToken(o *CreateToken) (Result, error) {
	t := &Token{ID: o.ID, Name: o.Name, Identity: o.Identity, Scopes: slices.Clone(o.Scopes), Hash: o.Hash,
		Created: o.At.UTC(), CreatedBy: o.Actor}
	if !o.Expires.IsZero() {
		t.Expires = o.Expires.UTC()
	}
	if err := checkToken(t); err != nil {
		return Result{}, err
	}
	if !t.Expires.IsZero() && !t.Expires.After(t.Created) {
		return Result{}, fmt.Errorf("%w: token %s: expires must be after the time of creation", ErrInvalid, t.ID)
	}
	return s.storeToken(o.Stamp, t)
}

func (s *State) bootstrapToken(o *BootstrapToken) (Result, error) {
	t := &Token{ID: o.ID, Name: "bootstrap", Identity: o.Identity, Scopes: []string{ScopeAdmin}, Hash: o.Hash,
		Created: o.At.UTC(), CreatedBy: o.Actor}
	if err := checkToken(t); err != nil {
		return Result{}, err
	}
	if old, ok := s.Tokens[t.ID]; ok && old != nil && len(s.Tokens) == 1 && sameToken(old, t) {
		return Result{Subject: t.ID}, nil
	}
	if len(s.Tokens) > 0 {
		return Result{}, fmt.Errorf("%w: create further tokens with an administrator token", ErrBootstrapped)
	}
	return s.storeToken(o.Stamp, t)
}

// storeToken files t, or is a no-op when the same token is already there.
func (s *State) storeToken(st Stamp, t *Token) (Result, error) {
	if old, ok := s.Tokens[t.ID]; ok {
		if old == nil || !sameToken(old, t) {
			return Result{}, fmt.Errorf("%w: token %s already exists with other content", ErrConflict, t.ID)
		}
		return Result{Subject: t.ID}, nil
	}
	for _, old := range s.Tokens {
		if old != nil && old.Hash == t.Hash {
			return Result{}, fmt.Errorf("%w: token %s has the secret of token %s", ErrConflict, t.ID, old.ID)
		}
	}
	s.Tokens[t.ID] = t
	meta, err := json.Marshal(struct {
		Name, Identity string
		Scopes         []string
		Expires        time.Time
	}{t.Name, t.Identity, t.Scopes, t.Expires})
	if err != nil {
		return Result{}, fmt.Errorf("%w: token %s: %v", ErrInvalid, t.ID, err)
	}
	s.record(st, "token.create", t.ID, digestOf(meta), "identity="+t.Identity+" scopes="+strings.Join(t.Scopes, ","))
	return Result{Changed: true, Subject: t.ID}, nil
}

// sameToken compares what a retry of the same command reproduces (not
// the creation time, which a retry stamps anew).
func sameToken(a, b *Token) bool {
	return a.Name == b.Name && a.Identity == b.Identity && a.Hash == b.Hash &&
		slices.Equal(a.Scopes, b.Scopes) && a.Expires.Equal(b.Expires)
}

func (s *State) revokeToken(o *RevokeToken) (Result, error) {
	if err := checkID("token id", o.ID); err != nil {
		return Result{}, err
	}
	if err := checkReason(o.Reason); err != nil {
		return Result{}, err
	}
	t, ok := s.Tokens[o.ID]
	if !ok || t == nil {
		return Result{}, fmt.Errorf("%w: %q", ErrUnknownToken, o.ID)
	}
	if t.Revoked {
		return Result{Subject: o.ID}, nil
	}
	nt := *t
	nt.Revoked, nt.RevokedAt, nt.Reason = true, o.At.UTC(), o.Reason
	s.Tokens[o.ID] = &nt
	s.record(o.Stamp, "token.revoke", o.ID, "", o.Reason)
	return Result{Changed: true, Subject: o.ID}, nil
}

// checkToken validates a token's fields.
func checkToken(t *Token) error {
	if err := checkID("token id", t.ID); err != nil {
		return err
	}
	if len(t.Name) > MaxTokenNameLen {
		return fmt.Errorf("%w: token %s: name is longer than %d bytes", ErrInvalid, t.ID, MaxTokenNameLen)
	}
	if err := checkText("token name", t.Name); err != nil {
		return err
	}
	if err := checkIdentity("token identity", t.Identity); err != nil {
		return err
	}
	if b, err := hex.DecodeString(t.Hash); err != nil || len(b) != TokenHashLen/2 || strings.ToLower(t.Hash) != t.Hash {
		return fmt.Errorf("%w: token %s: hash must be %d lower-case hex digits (SHA-256 of the secret)", ErrInvalid, t.ID, TokenHashLen)
	}
	if len(t.Scopes) == 0 || len(t.Scopes) > MaxTokenScopes {
		return fmt.Errorf("%w: token %s: give 1 to %d scopes", ErrInvalid, t.ID, MaxTokenScopes)
	}
	for i, sc := range t.Scopes {
		if err := CheckScope(sc); err != nil {
			return fmt.Errorf("token %s: %w", t.ID, err)
		}
		if slices.Contains(t.Scopes[:i], sc) {
			return fmt.Errorf("%w: token %s: scope %q given twice", ErrInvalid, t.ID, sc)
		}
	}
	return nil
}

// CheckScope accepts admin, read, request:<policy> and sign:<keyid>, where
// the policy name and key id follow the identifier rules.
func CheckScope(sc string) error {
	switch {
	case sc == ScopeAdmin || sc == ScopeRead:
		return nil
	case strings.HasPrefix(sc, ScopeRequestPrefix):
		return checkID("policy in scope", strings.TrimPrefix(sc, ScopeRequestPrefix))
	case strings.HasPrefix(sc, ScopeSignPrefix):
		return checkID("key id in scope", strings.TrimPrefix(sc, ScopeSignPrefix))
	}
	return fmt.Errorf("%w: scope %q: use admin, read, request:<policy> or sign:<keyid>", ErrInvalid, sc)
}

// Token returns the token with the given id (its Scopes slice is a copy).
func (s *State) Token(id string) (Token, bool) {
	t, ok := s.Tokens[id]
	if !ok || t == nil {
		return Token{}, false
	}
	c := *t
	c.Scopes = slices.Clone(t.Scopes)
	return c, true
}

// TokenList returns every token, sorted by id.
func (s *State) TokenList() []Token {
	ids := make([]string, 0, len(s.Tokens))
	for id := range s.Tokens {
		ids = append(ids, id)
	}
	sort.Strings(ids)
	out := make([]Token, 0, len(ids))
	for _, id := range ids {
		if t, ok := s.Token(id); ok {
			out = append(out, t)
		}
	}
	return out
}
