package api

import (
	"fmt"
	"net/http"
	"strconv"
	"time"

	"github.com/signet-dev/signet/coordinator/internal/state"
)

func needAdmin(p *Principal, what string) error {
	if !p.Has(ScopeAdmin) {
		return fmt.Errorf("%w: %s needs scope admin", ErrForbidden, what)
	}
	return nil
}

func needRead(p *Principal, what string) error {
	if !p.Has(ScopeRead) {
		return fmt.Errorf("%w: %s needs scope read", ErrForbidden, what)
	}
	return nil
}

func (s *Server) enrollKey(w http.ResponseWriter, r *http.Request, p *Principal) error {
	if err := needAdmin(p, "enrolling keys"); err != nil {
		return err
	}
	var b EnrollKeyBody
	if err := decodeBody(r, &b); err != nil {
		return err
	}
	res, err := s.apply(r.Context(), &state.EnrollKey{Stamp: s.stamp(p), Key: b.Key, Identity: b.Identity,
		Role: b.Role, ValidFrom: b.ValidFrom, ValidUntil: b.ValidUntil})
	if err != nil {
		return err
	}
	writeResult(w, res, true)
	return nil
}

func (s *Server) revokeKey(w http.ResponseWriter, r *http.Request, p *Principal) error {
	if err := needAdmin(p, "revoking keys"); err != nil {
		return err
	}
	var b RevokeBody
	if err := decodeBody(r, &b); err != nil {
		return err
	}
	res, err := s.apply(r.Context(), &state.RevokeKey{Stamp: s.stamp(p), KeyID: r.PathValue("id"), Reason: b.Reason})
	if err != nil {
		return err
	}
	writeResult(w, res, false)
	return nil
}

func (s *Server) listKeys(w http.ResponseWriter, r *http.Request, p *Principal) error {
	if err := needRead(p, "listing keys"); err != nil {
		return err
	}
	if err := s.block(r); err != nil {
		return err
	}
	out := []EnrolledKey{}
	var idx uint64
	s.cfg.Backend.FSM().Read(func(st *state.State, index uint64) {
		idx = index
		for _, id := range sortedKeys(st.Keys) {
			k, _ := st.Key(id)
			out = append(out, k)
		}
	})
	w.Header().Set(IndexHeader, strconv.FormatUint(idx, 10))
	writeJSON(w, http.StatusOK, out)
	return nil
}

func (s *Server) applyPolicy(w http.ResponseWriter, r *http.Request, p *Principal) error {
	if err := needAdmin(p, "applying policies"); err != nil {
		return err
	}
	var b PolicyBody
	if err := decodeBody(r, &b); err != nil {
		return err
	}
	res, err := s.apply(r.Context(), &state.ApplyPolicy{Stamp: s.stamp(p), Policy: b.Policy})
	if err != nil {
		return err
	}
	writeResult(w, res, true)
	return nil
}

func (s *Server) listPolicies(w http.ResponseWriter, r *http.Request, p *Principal) error {
	if err := needRead(p, "listing policies"); err != nil {
		return err
	}
	if err := s.block(r); err != nil {
		return err
	}
	out := []Policy{}
	var idx uint64
	s.cfg.Backend.FSM().Read(func(st *state.State, index uint64) {
		idx = index
		for _, name := range sortedKeys(st.Policies) {
			pol, _ := st.Policy(name)
			out = append(out, pol)
		}
	})
	w.Header().Set(IndexHeader, strconv.FormatUint(idx, 10))
	writeJSON(w, http.StatusOK, out)
	return nil
}

func (s *Server) getPolicy(w http.ResponseWriter, r *http.Request, p *Principal) error {
	if err := needRead(p, "reading policies"); err != nil {
		return err
	}
	if err := s.block(r); err != nil {
		return err
	}
	name := r.PathValue("name")
	var pol Policy
	var ok bool
	var idx uint64
	s.cfg.Backend.FSM().Read(func(st *state.State, index uint64) { pol, ok = st.Policy(name); idx = index })
	if !ok {
		return fmt.Errorf("%w: %q", state.ErrUnknownPolicy, name)
	}
	w.Header().Set(IndexHeader, strconv.FormatUint(idx, 10))
	writeJSON(w, http.StatusOK, pol)
	return nil
}

func (s *Server) createToken(w http.ResponseWriter, r *http.Request, p *Principal) error {
	if err := needAdmin(p, "creating tokens"); err != nil {
		return err
	}
	var b CreateTokenBody
	if err := decodeBody(r, &b); err != nil {
		return err
	}
	op, secret, err := s.newTokenOp(p, b)
	if err != nil {
		return err
	}
	return s.finishToken(w, r, op, op.ID, secret)
}

// finishToken applies a token command and shows the secret once.
func (s *Server) finishToken(w http.ResponseWriter, r *http.Request, op state.Op, id, secret string) error {
	res, err := s.apply(r.Context(), op)
	if err != nil {
		return err
	}
	var t state.Token
	s.cfg.Backend.FSM().Read(func(st *state.State, _ uint64) { t, _ = st.Token(id) })
	w.Header().Set("Cache-Control", "no-store")
	w.Header().Set(IndexHeader, strconv.FormatUint(res.Index, 10))
	writeJSON(w, http.StatusCreated, NewToken{Token: tokenInfo(t), Secret: secret, Index: res.Index})
	return nil
}

// bootstrap hands out the first admin token, once, to an unauthenticated
// caller, when Config.AllowBootstrap is set.
func (s *Server) bootstrap(w http.ResponseWriter, r *http.Request, _ *Principal) error {
	if !s.cfg.AllowBootstrap {
		return fmt.Errorf("%w: start the node with bootstrap allowed, or use the admin token created at initialisation", ErrBootstrapDisabled)
	}
	var b BootstrapBody
	if err := decodeBody(r, &b); err != nil {
		return err
	}
	op, secret, err := NewBootstrapOp(s.cfg, b.Identity)
	if err != nil {
		return err
	}
	return s.finishToken(w, r, op, op.ID, secret)
}

// NewBootstrapOp builds the one-time bootstrap command and the admin
// token's secret, for a node that initialises a cluster (cfg.Rand and
// cfg.Now are used; identity defaults to "admin"). Apply the command on
// the leader and show the secret to the operator once.
func NewBootstrapOp(cfg Config, identity string) (*state.BootstrapToken, string, error) {
	if identity == "" {
		identity = "admin"
	}
	rnd, now := cfg.Rand, cfg.Now
	if rnd == nil {
		rnd = defaultRand()
	}
	if now == nil {
		now = timeNow
	}
	id, secret, hash, err := newSecret(rnd)
	if err != nil {
		return nil, "", err
	}
	return &state.BootstrapToken{Stamp: state.Stamp{At: now().UTC(), Actor: identity}, ID: id, Identity: identity, Hash: hash}, secret, nil
}

func (s *Server) revokeToken(w http.ResponseWriter, r *http.Request, p *Principal) error {
	if err := needAdmin(p, "revoking tokens"); err != nil {
		return err
	}
	var b RevokeBody
	if err := decodeBody(r, &b); err != nil {
		return err
	}
	res, err := s.apply(r.Context(), &state.RevokeToken{Stamp: s.stamp(p), ID: r.PathValue("id"), Reason: b.Reason})
	if err != nil {
		return err
	}
	writeResult(w, res, false)
	return nil
}

func (s *Server) listTokens(w http.ResponseWriter, r *http.Request, p *Principal) error {
	if err := needAdmin(p, "listing tokens"); err != nil {
		return err
	}
	if err := s.block(r); err != nil {
		return err
	}
	out := []TokenInfo{}
	var idx uint64
	s.cfg.Backend.FSM().Read(func(st *state.State, index uint64) {
		idx = index
		for _, t := range st.TokenList() {
			out = append(out, tokenInfo(t))
		}
	})
	w.Header().Set(IndexHeader, strconv.FormatUint(idx, 10))
	writeJSON(w, http.StatusOK, out)
	return nil
}

// BootstrapOpFor builds the bootstrap command for an existing token
// secret (one NewBootstrapOp drew earlier), so that a node that saved the
// secret before crashing applies the same token again.
func BootstrapOpFor(secret, identity string, now time.Time) (*state.BootstrapToken, error) {
	id, hash, ok := parseToken(secret)
	if !ok {
		return nil, fmt.Errorf("%w: not a Signet token (signet_<id>_<secret>)", ErrBadRequest)
	}
	if identity == "" {
		identity = "admin"
	}
	return &state.BootstrapToken{Stamp: state.Stamp{At: now.UTC(), Actor: identity}, ID: id, Identity: identity, Hash: hash}, nil
}
