package api

import (
	"fmt"
	"net/http"
	"slices"
	"strconv"

	"github.com/signet-dev/signet/coordinator/internal/state"
	"github.com/signet-dev/signet/pkg/intoto"
)

func (s *Server) createRequest(w http.ResponseWriter, r *http.Request, p *Principal) error {
	var b CreateRequestBody
	if err := decodeBody(r, &b); err != nil {
		return err
	}
	if !p.Has(ScopeRequestPrefix + b.Policy) {
		return fmt.Errorf("%w: creating a request under policy %q needs scope %s%s", ErrForbidden, b.Policy, ScopeRequestPrefix, b.Policy)
	}
	res, err := s.apply(r.Context(), &state.CreateRequest{Stamp: s.stamp(p), ID: b.ID, Kind: b.Kind,
		PayloadType: b.PayloadType, Payload: b.Payload, Policy: b.Policy})
	if err != nil {
		return err
	}
	writeResult(w, res, true)
	return nil
}

// lookup returns the request named by the path, or ErrUnknownRequest.
func (s *Server) lookup(id string) (state.Request, state.ThresholdStatus, uint64, error) {
	var req state.Request
	var ts state.ThresholdStatus
	var idx uint64
	var err error
	s.cfg.Backend.FSM().Read(func(st *state.State, index uint64) {
		idx = index
		r, ok := st.Request(id)
		if !ok {
			err = fmt.Errorf("%w: %q", state.ErrUnknownRequest, id)
			return
		}
		req, ts = cloneRequest(r), mustStatus(st, id)
	})
	return req, ts, idx, err
}

func mustStatus(st *state.State, id string) state.ThresholdStatus {
	ts, _ := st.Status(id)
	return ts
}

// cloneRequest copies the slices a response shows, so that it does not
// share memory with the state once the read lock is released.
func cloneRequest(r state.Request) state.Request {
	r.Payload = slices.Clone(r.Payload)
	r.Approvals = slices.Clone(r.Approvals)
	r.Rejections = slices.Clone(r.Rejections)
	r.Submissions = slices.Clone(r.Submissions)
	r.Released = slices.Clone(r.Released)
	return r
}

func (s *Server) getRequest(w http.ResponseWriter, r *http.Request, p *Principal) error {
	if !p.any() {
		return fmt.Errorf("%w: reading requests needs a scope", ErrForbidden)
	}
	if err := s.block(r); err != nil {
		return err
	}
	req, ts, idx, err := s.lookup(r.PathValue("id"))
	if err != nil {
		return err
	}
	w.Header().Set(IndexHeader, strconv.FormatUint(idx, 10))
	writeJSON(w, http.StatusOK, RequestView{Request: req, Status: ts})
	return nil
}

func (s *Server) released(w http.ResponseWriter, r *http.Request, p *Principal) error {
	if !p.any() {
		return fmt.Errorf("%w: fetching released files needs a scope", ErrForbidden)
	}
	if err := s.block(r); err != nil {
		return err
	}
	req, _, idx, err := s.lookup(r.PathValue("id"))
	if err != nil {
		return err
	}
	w.Header().Set(IndexHeader, strconv.FormatUint(idx, 10))
	files := req.Released
	if files == nil {
		files = []state.File{}
	}
	writeJSON(w, http.StatusOK, ReleasedBody{ID: req.ID, Phase: req.Phase, Files: files})
	return nil
}

// authorizeKey checks that p may act for keyID on request id.
func authorizeKey(p *Principal, keyID string) error {
	if !p.Has(ScopeSignPrefix + keyID) {
		return fmt.Errorf("%w: acting for key %q needs scope %s%s", ErrForbidden, keyID, ScopeSignPrefix, keyID)
	}
	return nil
}

func (s *Server) addSignature(w http.ResponseWriter, r *http.Request, p *Principal) error {
	var b SignatureBody
	if err := decodeBody(r, &b); err != nil {
		return err
	}
	if err := authorizeKey(p, b.KeyID); err != nil {
		return err
	}
	res, err := s.apply(r.Context(), &state.AddSignature{Stamp: s.stamp(p), RequestID: r.PathValue("id"),
		KeyID: b.KeyID, Sig: b.Sig, MetaSig: b.MetaSig})
	if err != nil {
		return err
	}
	writeResult(w, res, false)
	return nil
}

func (s *Server) submitLink(w http.ResponseWriter, r *http.Request, p *Principal) error {
	var b LinkBody
	if err := decodeBody(r, &b); err != nil {
		return err
	}
	doc, err := intoto.ReadDocument(b.Document)
	if err != nil {
		return fmt.Errorf("%w: document: %w", state.ErrInvalid, err)
	}
	ids := doc.KeyIDs()
	if len(ids) != 1 {
		return fmt.Errorf("%w: document: submit a link signed by exactly one key (it has %d signatures)", state.ErrInvalid, len(ids))
	}
	if err := authorizeKey(p, ids[0]); err != nil {
		return err
	}
	res, err := s.apply(r.Context(), &state.SubmitLink{Stamp: s.stamp(p), RequestID: r.PathValue("id"), Document: b.Document})
	if err != nil {
		return err
	}
	writeResult(w, res, false)
	return nil
}

func (s *Server) reject(w http.ResponseWriter, r *http.Request, p *Principal) error {
	var b RejectBody
	if err := decodeBody(r, &b); err != nil {
		return err
	}
	if err := authorizeKey(p, b.KeyID); err != nil {
		return err
	}
	res, err := s.apply(r.Context(), &state.Reject{Stamp: s.stamp(p), RequestID: r.PathValue("id"), KeyID: b.KeyID, Reason: b.Reason})
	if err != nil {
		return err
	}
	writeResult(w, res, false)
	return nil
}

// cancel needs request:<policy of the request> (and the state checks
// that the caller is the requester) or admin.
func (s *Server) cancel(w http.ResponseWriter, r *http.Request, p *Principal) error {
	var b CancelBody
	if err := decodeBody(r, &b); err != nil {
		return err
	}
	id := r.PathValue("id")
	req, _, _, err := s.lookup(id)
	if err != nil {
		return err
	}
	if !p.Has(ScopeRequestPrefix + req.Policy.Name) {
		return fmt.Errorf("%w: cancelling request %s needs scope %s%s", ErrForbidden, id, ScopeRequestPrefix, req.Policy.Name)
	}
	res, err := s.apply(r.Context(), &state.Cancel{Stamp: s.stamp(p), RequestID: id, Reason: b.Reason, Admin: p.Has(ScopeAdmin)})
	if err != nil {
		return err
	}
	writeResult(w, res, false)
	return nil
}
