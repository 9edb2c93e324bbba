package api

import (
	"context"
	"errors"
	"fmt"
	"net/http"
	"net/url"
	"slices"
	"strconv"
	"time"

	"github.com/signet-dev/signet/coordinator/internal/state"
)

// MaxFilterKeys bounds the key_id values of a list query.
const MaxFilterKeys = 64

// Filter selects requests in GET /v1/requests: every field given must
// match; KeyIDs matches requests whose policy lists any of them.
type Filter struct {
	Status Phase
	Kind   Kind
	KeyIDs []string
	Policy string
	Limit  int
}

// Query renders f as URL query parameters.
func (f Filter) Query() url.Values {
	q := url.Values{}
	if f.Status != "" {
		q.Set("status", string(f.Status))
	}
	if f.Kind != "" {
		q.Set("kind", string(f.Kind))
	}
	if f.Policy != "" {
		q.Set("policy", f.Policy)
	}
	for _, k := range f.KeyIDs {
		q.Add("key_id", k)
	}
	if f.Limit > 0 {
		q.Set("limit", strconv.Itoa(f.Limit))
	}
	return q
}

// ParseFilter reads a Filter from query parameters.
func ParseFilter(q url.Values) (Filter, error) {
	f := Filter{Status: Phase(q.Get("status")), Kind: Kind(q.Get("kind")), Policy: q.Get("policy"), KeyIDs: q["key_id"], Limit: DefaultListLimit}
	if len(f.KeyIDs) > MaxFilterKeys {
		return Filter{}, fmt.Errorf("%w: at most %d key_id parameters", ErrBadRequest, MaxFilterKeys)
	}
	switch f.Status {
	case "", PhasePending, PhaseReleased, PhaseRejected, PhaseExpired, PhaseCancelled:
	default:
		return Filter{}, fmt.Errorf("%w: status %q: use pending, released, rejected, expired or cancelled", ErrBadRequest, f.Status)
	}
	switch f.Kind {
	case "", KindLayout, KindLink, KindStatement, KindStepCollect:
	default:
		return Filter{}, fmt.Errorf("%w: kind %q: use layout, link, statement or step-collect", ErrBadRequest, f.Kind)
	}
	if v := q.Get("limit"); v != "" {
		n, err := strconv.Atoi(v)
		if err != nil || n < 1 || n > MaxListLimit {
			return Filter{}, fmt.Errorf("%w: limit %q: give a number from 1 to %d", ErrBadRequest, v, MaxListLimit)
		}
		f.Limit = n
	}
	return f, nil
}

func (f Filter) match(r *state.Request) bool {
	return (f.Status == "" || r.Phase == f.Status) && (f.Kind == "" || r.Kind == f.Kind) &&
		(f.Policy == "" || r.Policy.Name == f.Policy) &&
		(len(f.KeyIDs) == 0 || slices.ContainsFunc(f.KeyIDs, func(k string) bool { return slices.Contains(r.Policy.Keys, k) }))
}

func (s *Server) listRequests(w http.ResponseWriter, r *http.Request, p *Principal) error {
	if !p.any() {
		return fmt.Errorf("%w: listing requests needs a scope", ErrForbidden)
	}
	f, err := ParseFilter(r.URL.Query())
	if err != nil {
		return err
	}
	if err := s.block(r); err != nil {
		return err
	}
	out := RequestList{Requests: []RequestView{}}
	s.cfg.Backend.FSM().Read(func(st *state.State, index uint64) {
		out.Index = index
		for _, id := range st.RequestIDs() {
			req := st.Requests[id]
			if !f.match(req) {
				continue
			}
			if len(out.Requests) == f.Limit {
				out.Truncated = true
				break
			}
			c := cloneRequest(*req)
			c.Released = nil
			out.Requests = append(out.Requests, RequestView{Request: c, Status: mustStatus(st, id)})
		}
	})
	w.Header().Set(IndexHeader, strconv.FormatUint(out.Index, 10))
	writeJSON(w, http.StatusOK, out)
	return nil
}

// block implements Consul-style blocking queries: with ?index=N it waits
// until the state moves past N or ?wait= (default and maximum MaxWait)
// passes, then the handler answers with the current state.
func (s *Server) block(r *http.Request) error {
	q := r.URL.Query()
	iv, wv := q.Get("index"), q.Get("wait")
	if iv == "" {
		if wv != "" {
			return fmt.Errorf("%w: wait needs index (the %s of an earlier answer)", ErrBadRequest, IndexHeader)
		}
		return nil
	}
	index, err := strconv.ParseUint(iv, 10, 64)
	if err != nil {
		return fmt.Errorf("%w: index %q is not a number", ErrBadRequest, iv)
	}
	wait := s.cfg.MaxWait
	if wv != "" {
		d, err := time.ParseDuration(wv)
		if err != nil || d < 0 {
			return fmt.Errorf("%w: wait %q: give a duration such as 30s", ErrBadRequest, wv)
		}
		wait = min(d, s.cfg.MaxWait)
	}
	ctx, cancel := context.WithTimeout(r.Context(), wait)
	defer cancel()
	err = s.cfg.Backend.FSM().WaitIndex(ctx, index+1)
	if err != nil && !errors.Is(err, context.DeadlineExceeded) {
		return fmt.Errorf("%w: %w", ErrBadRequest, err) // the client went away
	}
	return nil
}
