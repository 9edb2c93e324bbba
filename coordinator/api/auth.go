package api

import (
	"crypto/rand"
	"crypto/sha256"
	"crypto/subtle"
	"crypto/x509"
	"encoding/base64"
	"encoding/hex"
	"fmt"
	"io"
	"net/http"
	"slices"
	"strings"
	"time"

	"github.com/signet-dev/signet/coordinator/internal/state"
)

// tokenPrefix starts every bearer token: signet_<id>_<secret>.
const tokenPrefix = "signet_"

// MaxAuthHeader bounds the Authorization header.
const MaxAuthHeader = 512

// CertIdentity is what a client certificate's name maps to.
type CertIdentity struct {
	Identity string   `json:"identity"`
	Scopes   []string `json:"scopes"`
}

// Principal is an authenticated caller.
type Principal struct {
	// Identity is what commands are stamped with (Stamp.Actor).
	Identity string
	Scopes   []string
	// TokenID is set for token callers; Cert for certificate callers.
	TokenID string
	Cert    bool
}

// Has reports whether p holds scope (admin holds every scope).
func (p *Principal) Has(scope string) bool {
	return p != nil && (slices.Contains(p.Scopes, ScopeAdmin) || slices.Contains(p.Scopes, scope))
}

// any reports whether p holds any scope at all (admin, read, request:*,
// sign:*).
func (p *Principal) any() bool { return p != nil && len(p.Scopes) > 0 }

// newSecret draws a token id and secret. The token the caller sees is
// signet_<id>_<secret>; the state keeps the hex SHA-256 of the raw secret.
func newSecret(rnd io.Reader) (id, token, hash string, err error) {
	var idb [8]byte
	var sec [32]byte
	if _, err := io.ReadFull(rnd, idb[:]); err != nil {
		return "", "", "", fmt.Errorf("drawing a token id: %w", err)
	}
	if _, err := io.ReadFull(rnd, sec[:]); err != nil {
		return "", "", "", fmt.Errorf("drawing a token secret: %w", err)
	}
	id = hex.EncodeToString(idb[:])
	sum := sha256.Sum256(sec[:])
	return id, tokenPrefix + id + "_" + base64.RawURLEncoding.EncodeToString(sec[:]), hex.EncodeToString(sum[:]), nil
}

// parseToken splits a bearer token into its id and the hash of its
// secret.
func parseToken(tok string) (id, hash string, ok bool) {
	rest, found := strings.CutPrefix(tok, tokenPrefix)
	if !found {
		return "", "", false
	}
	id, secret, found := strings.Cut(rest, "_")
	if !found || len(id) != 16 {
		return "", "", false
	}
	raw, err := base64.RawURLEncoding.DecodeString(secret)
	if err != nil || len(raw) != 32 {
		return "", "", false
	}
	sum := sha256.Sum256(raw)
	return id, hex.EncodeToString(sum[:]), true
}

// authenticate finds who sent r: a bearer token if there is an
// Authorization header (a bad one is refused even when a certificate is
// also presented), else a verified client certificate mapped by the
// configuration, else nobody (nil, nil).
func (s *Server) authenticate(r *http.Request) (*Principal, error) {
	h := r.Header.Get("Authorization")
	if h != "" {
		return s.tokenPrincipal(h)
	}
	if r.TLS != nil && len(r.TLS.VerifiedChains) > 0 && len(r.TLS.VerifiedChains[0]) > 0 {
		return s.certPrincipal(r.TLS.VerifiedChains[0][0])
	}
	return nil, nil
}

func (s *Server) tokenPrincipal(h string) (*Principal, error) {
	if len(h) > MaxAuthHeader {
		return nil, fmt.Errorf("%w: Authorization header is longer than %d bytes", ErrTooLarge, MaxAuthHeader)
	}
	scheme, tok, ok := strings.Cut(h, " ")
	if !ok || !strings.EqualFold(scheme, "Bearer") {
		return nil, fmt.Errorf("%w: use \"Authorization: Bearer signet_...\"", ErrUnauthenticated)
	}
	id, hash, ok := parseToken(strings.TrimSpace(tok))
	if !ok {
		return nil, fmt.Errorf("%w: the bearer token is not a Signet token (signet_<id>_<secret>)", ErrUnauthenticated)
	}
	var t state.Token
	var found bool
	s.cfg.Backend.FSM().Read(func(st *state.State, _ uint64) { t, found = st.Token(id) })
	now := s.cfg.Now()
	switch {
	case !found || t.ID != id || subtle.ConstantTimeCompare([]byte(t.Hash), []byte(hash)) != 1:
		return nil, fmt.Errorf("%w: unknown token", ErrUnauthenticated)
	case t.Revoked:
		return nil, fmt.Errorf("%w: token %s was revoked; ask an administrator for a new one", ErrUnauthenticated, id)
	case !t.Expires.IsZero() && !now.Before(t.Expires):
		return nil, fmt.Errorf("%w: token %s expired at %s; ask an administrator for a new one", ErrUnauthenticated, id, t.Expires.Format(time.RFC3339))
	}
	return &Principal{Identity: t.Identity, Scopes: t.Scopes, TokenID: t.ID}, nil
}

// certPrincipal maps a verified client certificate by its subject common
// name, then by its DNS, e-mail and URI subject alternative names, in
// that order; the first configured name wins.
func (s *Server) certPrincipal(c *x509.Certificate) (*Principal, error) {
	names := []string{c.Subject.CommonName}
	names = append(names, c.DNSNames...)
	names = append(names, c.EmailAddresses...)
	for _, u := range c.URIs {
		names = append(names, u.String())
	}
	for _, n := range names {
		if ci, ok := s.cfg.CertIdentities[n]; ok && n != "" {
			return &Principal{Identity: ci.Identity, Scopes: slices.Clone(ci.Scopes), Cert: true}, nil
		}
	}
	return nil, fmt.Errorf("%w: client certificate %q is not mapped to an identity; add it to the coordinator's cert identities", ErrUnauthenticated, c.Subject.CommonName)
}

// newTokenOp builds the command for a new token and its secret.
func (s *Server) newTokenOp(p *Principal, b CreateTokenBody) (*state.CreateToken, string, error) {
	id, secret, hash, err := newSecret(s.cfg.Rand)
	if err != nil {
		return nil, "", err
	}
	ident := b.Identity
	if ident == "" {
		ident = id
	}
	return &state.CreateToken{Stamp: s.stamp(p), ID: id, Name: b.Name, Identity: ident, Scopes: b.Scopes,
		Hash: hash, Expires: b.Expires}, secret, nil
}

func (s *Server) stamp(p *Principal) state.Stamp {
	return state.Stamp{At: s.cfg.Now().UTC(), Actor: p.Identity}
}

// rand returns the configured randomness, crypto/rand by default.
func defaultRand() io.Reader { return rand.Reader }
