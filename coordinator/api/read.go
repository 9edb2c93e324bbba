package api

import (
	"fmt"
	"net/http"
	"slices"
	"sort"
	"strconv"
	"time"

	"github.com/signet-dev/signet/coordinator/internal/state"
)

func timeNow() time.Time { return time.Now() }

func sortedKeys[V any](m map[string]V) []string {
	out := make([]string, 0, len(m))
	for k := range m {
		out = append(out, k)
	}
	sort.Strings(out)
	return out
}

func (s *Server) routes() {
	for _, rt := range s.routeTable() {
		s.handle(rt)
	}
	s.mux.HandleFunc("/", func(w http.ResponseWriter, r *http.Request) {
		writeError(w, fmt.Errorf("%w: no endpoint %s %s; see docs/api.md", ErrNotFound, r.Method, r.URL.Path))
	})
}

// routeTable lists every endpoint.
func (s *Server) routeTable() []route {
	return []route{
		{pattern: "GET /v1/health", public: true, h: s.health},
		{pattern: "GET /metrics", public: true, h: s.serveMetrics},
		{pattern: "POST /v1/bootstrap", write: true, public: true, limit: MaxSmallBody, h: s.bootstrap},
		{pattern: "POST /v1/requests", write: true, limit: MaxPayloadBody, h: s.createRequest},
		{pattern: "GET /v1/requests", h: s.listRequests},
		{pattern: "GET /v1/requests/{id}", h: s.getRequest},
		{pattern: "GET /v1/requests/{id}/released", h: s.released},
		{pattern: "POST /v1/requests/{id}/signatures", write: true, limit: MaxSmallBody, h: s.addSignature},
		{pattern: "POST /v1/requests/{id}/links", write: true, limit: MaxPayloadBody, h: s.submitLink},
		{pattern: "POST /v1/requests/{id}/reject", write: true, limit: MaxSmallBody, h: s.reject},
		{pattern: "POST /v1/requests/{id}/cancel", write: true, limit: MaxSmallBody, h: s.cancel},
		{pattern: "POST /v1/keys", write: true, limit: MaxSmallBody, h: s.enrollKey},
		{pattern: "GET /v1/keys", h: s.listKeys},
		{pattern: "POST /v1/keys/{id}/revoke", write: true, limit: MaxSmallBody, h: s.revokeKey},
		{pattern: "POST /v1/policies", write: true, limit: MaxSmallBody, h: s.applyPolicy},
		{pattern: "GET /v1/policies", h: s.listPolicies},
		{pattern: "GET /v1/policies/{name}", h: s.getPolicy},
		{pattern: "POST /v1/tokens", write: true, limit: MaxSmallBody, h: s.createToken},
		{pattern: "GET /v1/tokens", h: s.listTokens},
		{pattern: "POST /v1/tokens/{id}/revoke", write: true, limit: MaxSmallBody, h: s.revokeToken},
		{pattern: "GET /v1/audit", h: s.audit},
		{pattern: "GET /v1/operator/raft/peers", h: s.listPeers},
		{pattern: "POST /v1/operator/raft/peers", write: true, limit: MaxSmallBody, h: s.addPeer},
		{pattern: "DELETE /v1/operator/raft/peers/{id}", write: true, h: s.removePeer},
		{pattern: "GET /v1/operator/snapshot", h: s.saveSnapshot},
		{pattern: "PUT /v1/operator/snapshot", write: true, limit: MaxSnapshotBody, h: s.restoreSnapshot},
	}
}

func (s *Server) health(w http.ResponseWriter, _ *http.Request, _ *Principal) error {
	b := s.cfg.Backend
	h := Health{Leader: b.IsLeader(), LeaderAt: b.LeaderAPIAddr(), Index: b.FSM().Index()}
	w.Header().Set(IndexHeader, strconv.FormatUint(h.Index, 10))
	status := http.StatusOK
	if !h.Leader && h.LeaderAt == "" {
		status = http.StatusServiceUnavailable
	}
	writeJSON(w, status, h)
	return nil
}

// audit returns audit entries after ?after=SEQ (default 0), at most
// ?limit= of them.
func (s *Server) audit(w http.ResponseWriter, r *http.Request, p *Principal) error {
	if err := needRead(p, "reading the audit log"); err != nil {
		return err
	}
	after, limit, err := auditRange(r)
	if err != nil {
		return err
	}
	if err := s.block(r); err != nil {
		return err
	}
	out := AuditList{Entries: []AuditEntry{}}
	s.cfg.Backend.FSM().Read(func(st *state.State, index uint64) {
		out.Index = index
		if after < uint64(len(st.Audit)) {
			rest := st.Audit[after:]
			out.Truncated = len(rest) > limit
			out.Entries = slices.Clone(rest[:min(limit, len(rest))])
		}
	})
	w.Header().Set(IndexHeader, strconv.FormatUint(out.Index, 10))
	writeJSON(w, http.StatusOK, out)
	return nil
}

func auditRange(r *http.Request) (uint64, int, error) {
	q := r.URL.Query()
	var after uint64
	if v := q.Get("after"); v != "" {
		n, err := strconv.ParseUint(v, 10, 64)
		if err != nil {
			return 0, 0, fmt.Errorf("%w: after %q is not a sequence number", ErrBadRequest, v)
		}
		after = n
	}
	limit := MaxListLimit
	if v := q.Get("limit"); v != "" {
		n, err := strconv.Atoi(v)
		if err != nil || n < 1 || n > MaxListLimit {
			return 0, 0, fmt.Errorf("%w: limit %q: give a number from 1 to %d", ErrBadRequest, v, MaxListLimit)
		}
		limit = n
	}
	return after, limit, nil
}
