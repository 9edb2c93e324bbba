package api

import (
	"fmt"
	"net/http"
	"sort"
	"strings"
	"sync"

	"github.com/signet-dev/signet/coordinator/internal/state"
)

// metrics counts API responses by route and status; GET /metrics writes
// them with gauges of the state in the Prometheus text format.
type metrics struct {
	mu     sync.Mutex
	counts map[string]uint64 // "route\x00status"
}

func newMetrics() *metrics { return &metrics{counts: map[string]uint64{}} }

func (m *metrics) observe(route string, status int) {
	m.mu.Lock()
	defer m.mu.Unlock()
	m.counts[fmt.Sprintf("%s\x00%d", route, status)]++
}

func (m *metrics) snapshot() map[string]uint64 {
	m.mu.Lock()
	defer m.mu.Unlock()
	out := make(map[string]uint64, len(m.counts))
	for k, v := range m.counts {
		out[k] = v
	}
	return out
}

// escapeLabel escapes a Prometheus label value.
func escapeLabel(s string) string {
	return strings.NewReplacer(`\`, `\\`, `"`, `\"`, "\n", `\n`).Replace(s)
}

func (s *Server) serveMetrics(w http.ResponseWriter, _ *http.Request, _ *Principal) error {
	var b strings.Builder
	b.WriteString("# HELP signet_http_requests_total API responses by route and status code.\n")
	b.WriteString("# TYPE signet_http_requests_total counter\n")
	counts := s.metrics.snapshot()
	for _, k := range sortedKeys(counts) {
		route, code, _ := strings.Cut(k, "\x00")
		fmt.Fprintf(&b, "signet_http_requests_total{route=\"%s\",code=\"%s\"} %d\n", escapeLabel(route), code, counts[k])
	}
	phases := map[string]int{}
	var keys, tokens, audit int
	s.cfg.Backend.FSM().Read(func(st *state.State, _ uint64) {
		for _, r := range st.Requests {
			phases[string(r.Phase)]++
		}
		keys, tokens, audit = len(st.Keys), len(st.Tokens), len(st.Audit)
	})
	b.WriteString("# HELP signet_requests Signing requests by phase.\n# TYPE signet_requests gauge\n")
	for _, ph := range []state.Phase{state.PhasePending, state.PhaseReleased, state.PhaseRejected, state.PhaseExpired, state.PhaseCancelled} {
		fmt.Fprintf(&b, "signet_requests{phase=\"%s\"} %d\n", ph, phases[string(ph)])
	}
	leader := 0
	if s.cfg.Backend.IsLeader() {
		leader = 1
	}
	gauges := [][3]any{
		{"signet_keys", "Enrolled keys.", keys}, {"signet_tokens", "API tokens.", tokens},
		{"signet_audit_entries", "Audit log entries.", audit}, {"signet_is_leader", "1 if this node is the raft leader.", leader},
		{"signet_applied_index", "Index of the last applied raft log entry.", s.cfg.Backend.FSM().Index()},
	}
	sort.Slice(gauges, func(i, j int) bool { return gauges[i][0].(string) < gauges[j][0].(string) })
	for _, g := range gauges {
		fmt.Fprintf(&b, "# HELP %s %s\n# TYPE %s gauge\n%s %v\n", g[0], g[1], g[0], g[0], g[2])
	}
	w.Header().Set("Content-Type", "text/plain; version=0.0.4; charset=utf-8")
	_, _ = w.Write([]byte(b.String()))
	return nil
}
