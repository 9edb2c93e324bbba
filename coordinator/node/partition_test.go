package node

import (
	"fmt"
	"math"
	"math/rand/v2"
	"net"
	"net/url"
	"path/filepath"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/anishathalye/porcupine"

	"github.com/signet-dev/signet/coordinator/internal/state"
)

var nodeIDs = []string{"n1", "n2", "n3"}

// proxiedCluster starts three node processes whose raft traffic runs
// through netsim proxies, bootstraps n1, adds n2 and n3 and applies the
// workload's setup.
func proxiedCluster(t *testing.T) (*cluster, *netsim) {
	t.Helper()
	c := &cluster{owner: t, dir: t.TempDir(), procs: map[string]*proc{}, dead: map[string]bool{}}
	ns := newNetsim()
	for i, id := range nodeIDs {
		spec := c.spec(id, i == 0)
		spec.RaftAddr = freeAddr(t)
		spec.Source = fmt.Sprintf("127.0.0.%d", 11+i)
		spec.Advertise = ns.addNode(t, id, spec.Source, spec.RaftAddr)
		p := c.start(t, spec)
		if i == 0 {
			c.leader(t)
		}
		if i > 0 {
			if err := c.procs["n1"].post("/addvoter", url.Values{"id": {id}, "addr": {p.addr}}); err != nil {
				t.Fatal(err)
			}
		}
	}
	for _, op := range newWorkload(t).setup() {
		if res := c.apply(t, op); !res.OK {
			t.Fatalf("setup %T: %+v", op, res)
		}
	}
	c.converge(t)
	return c, ns
}

func freeAddr(t *testing.T) string {
	t.Helper()
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	defer ln.Close()
	return ln.Addr().String()
}

// leaderAmong waits for a node of ids that says it leads.
func (c *cluster) leaderAmong(t *testing.T, ids ...string) *proc {
	t.Helper()
	var l *proc
	waitFor(t, 20*time.Second, "a leader among "+strings.Join(ids, ","), func() bool {
		for _, id := range ids {
			if st, err := c.procs[id].status(); err == nil && st.IsLeader {
				l = c.procs[id]
				return true
			}
		}
		return false
	})
	return l
}

// TestPartition cuts the leader off from both followers: it cannot
// commit, the majority elects a new leader and goes on, and after the
// partition heals every node converges on the majority's history.
func TestPartition(t *testing.T) {
	if testing.Short() {
		t.Skip("starts node processes")
	}
	c, ns := proxiedCluster(t)
	old := c.leader(t)
	ns.isolate(old.spec.ID, nodeIDs...)
	res, err := old.apply(create("minority", "slsa"))
	if err == nil && res.OK {
		t.Fatalf("the isolated leader %s acknowledged a write: %+v", old.spec.ID, res)
	}
	var rest []string
	for _, id := range nodeIDs {
		if id != old.spec.ID {
			rest = append(rest, id)
		}
	}
	nl := c.leaderAmong(t, rest...)
	if r, err := nl.apply(create("majority", "slsa")); err != nil || !r.OK {
		t.Fatalf("the majority's leader %s: %+v, %v", nl.spec.ID, r, err)
	}
	if st, err := old.status(); err == nil && st.IsLeader {
		t.Errorf("%s still says it leads while cut off from the majority", old.spec.ID)
	}
	ns.heal()
	c.converge(t)
	c.checkAcked(t, []string{"majority"})
}

// Linearizability: clients create, cancel and read requests through
// whichever node leads while the leader is cut off and later killed with
// SIGKILL and restarted; porcupine checks the recorded history against a
// model of the state's rules.

type linInput struct {
	Op, ID string
}

type linOutput struct {
	// Result is "ok", "unknown-request" (a refusal), "maybe" (the outcome
	// is unknown: the operation may or may not have happened) or, for
	// reads, the phase ("" for absent).
	Result string
}

var linModel = porcupine.NondeterministicModel{
	Partition: func(h []porcupine.Operation) [][]porcupine.Operation {
		by := map[string][]porcupine.Operation{}
		for _, op := range h {
			id := op.Input.(linInput).ID
			by[id] = append(by[id], op)
		}
		var out [][]porcupine.Operation
		for _, ops := range by {
			out = append(out, ops)
		}
		return out
	},
	Init: func() []any { return []any{""} },
	Step: func(st, in, out any) []any {
		s, i, o := st.(string), in.(linInput), out.(linOutput).Result
		return linStep(s, i.Op, o)
	},
	Equal: func(a, b any) bool { return a == b },
	DescribeOperation: func(in, out any) string {
		return fmt.Sprintf("%s(%s) -> %q", in.(linInput).Op, in.(linInput).ID, out.(linOutput).Result)
	},
}

// linStep lists the states a request in phase s can be in after op
// answered result (none: the answer is impossible).
func linStep(s, op, result string) []any {
	switch op {
	case "create":
		next := s
		if s == "" {
			next = string(state.PhasePending)
		}
		switch result {
		case "ok":
			return []any{next}
		case "maybe":
			return []any{s, next}
		}
	case "cancel":
		switch {
		case result == "unknown-request" && s == "":
			return []any{s}
		case result == "ok" && s != "":
			return []any{string(state.PhaseCancelled)}
		case result == "maybe" && s != "":
			return []any{s, string(state.PhaseCancelled)}
		case result == "maybe":
			return []any{s}
		}
	case "read":
		if result == s {
			return []any{s}
		}
	}
	return nil
}

func TestLinearizable(t *testing.T) {
	if testing.Short() {
		t.Skip("starts node processes")
	}
	c, ns := proxiedCluster(t)
	h := &history{start: time.Now()}
	stop := make(chan struct{})
	var wg sync.WaitGroup
	for client := range 6 {
		wg.Go(func() { linClient(c, h, client, stop) })
	}
	faults(t, c, ns)
	close(stop)
	wg.Wait()
	ns.heal()
	c.converge(t)

	ops := h.operations()
	counts := map[string]int{}
	for _, op := range ops {
		counts[op.Input.(linInput).Op+" "+op.Output.(linOutput).Result]++
	}
	t.Logf("%d operations: %v", len(ops), counts)
	if counts["create ok"] == 0 || counts["cancel ok"] == 0 || counts["read pending"]+counts["read cancelled"] == 0 {
		t.Fatalf("the history is too thin to check anything: %v", counts)
	}
	model := linModel.ToModel()
	res, info := porcupine.CheckOperationsVerbose(model, ops, time.Minute)
	switch res {
	case porcupine.Illegal:
		path := filepath.Join(t.TempDir(), "history.html")
		if err := porcupine.VisualizePath(model, info, path); err == nil {
			t.Logf("visualization: %s", path)
		}
		t.Fatal("the history is not linearizable")
	case porcupine.Unknown:
		t.Fatal("the linearizability check timed out")
	}
}

// TestLinearizabilityModel: the checker refuses histories the state's
// rules forbid, so a passing TestLinearizable means something.
func TestLinearizabilityModel(t *testing.T) {
	op := func(op, result string, call, ret int64) porcupine.Operation {
		return porcupine.Operation{Input: linInput{Op: op, ID: "r"}, Output: linOutput{Result: result}, Call: call, Return: ret}
	}
	tests := []struct {
		name string
		h    []porcupine.Operation
		want porcupine.CheckResult
	}{
		{"create, cancel, read", []porcupine.Operation{op("create", "ok", 0, 1), op("cancel", "ok", 2, 3), op("read", "cancelled", 4, 5)}, porcupine.Ok},
		{"stale read after a create", []porcupine.Operation{op("create", "ok", 0, 1), op("read", "", 2, 3)}, porcupine.Illegal},
		{"stale read after a cancel", []porcupine.Operation{op("create", "ok", 0, 1), op("cancel", "ok", 2, 3), op("read", "pending", 4, 5)}, porcupine.Illegal},
		{"concurrent read may miss the create", []porcupine.Operation{op("create", "ok", 0, 3), op("read", "", 1, 2)}, porcupine.Ok},
		{"an unknown create may land later", []porcupine.Operation{op("create", "maybe", 0, math.MaxInt64), op("read", "", 1, 2), op("read", "pending", 3, 4)}, porcupine.Ok},
		{"cancel of an unknown request after a create", []porcupine.Operation{op("create", "ok", 0, 1), op("cancel", "unknown-request", 2, 3)}, porcupine.Illegal},
		{"an unexpected refusal", []porcupine.Operation{op("create", "refused: conflict", 0, 1)}, porcupine.Illegal},
	}
	model := linModel.ToModel()
	for _, tt := range tests {
		if got := porcupine.CheckOperationsTimeout(model, tt.h, 10*time.Second); got != tt.want {
			t.Errorf("%s: %s, want %s", tt.name, got, tt.want)
		}
	}
}

// faults cuts the leader off for 2 s, heals, then kills it with SIGKILL
// and restarts it 2 s later.
func faults(t *testing.T, c *cluster, ns *netsim) {
	t.Helper()
	time.Sleep(1500 * time.Millisecond)
	l := c.leader(t)
	ns.isolate(l.spec.ID, nodeIDs...)
	time.Sleep(2 * time.Second)
	ns.heal()
	time.Sleep(1500 * time.Millisecond)
	l = c.leader(t)
	c.kill(l.spec.ID)
	time.Sleep(2 * time.Second)
	c.start(t, l.spec)
	time.Sleep(1500 * time.Millisecond)
}

// history collects operations from concurrent clients.
type history struct {
	start time.Time
	mu    sync.Mutex
	ops   []porcupine.Operation
}

func (h *history) now() int64 { return int64(time.Since(h.start)) }

func (h *history) add(op porcupine.Operation) {
	h.mu.Lock()
	defer h.mu.Unlock()
	h.ops = append(h.ops, op)
}

func (h *history) operations() []porcupine.Operation {
	h.mu.Lock()
	defer h.mu.Unlock()
	return h.ops
}

// linClient runs operations until stop closes. An operation that surely
// did not happen (no leader, refused before submission, a read that
// failed) is left out of the history; one whose outcome is unknown
// never returns (porcupine's way of saying it may take effect at any
// later time).
func linClient(c *cluster, h *history, client int, stop <-chan struct{}) {
	rng := rand.New(rand.NewPCG(uint64(client), 7))
	for {
		select {
		case <-stop:
			return
		default:
		}
		l, err := c.findLeader()
		if err != nil {
			continue
		}
		in := linInput{ID: fmt.Sprintf("lin-%d", rng.IntN(40))}
		switch r := rng.IntN(10); {
		case r < 4:
			in.Op = "create"
		case r < 6:
			in.Op = "cancel"
		default:
			in.Op = "read"
		}
		call := h.now()
		out, ok := linDo(l, in)
		if !ok {
			continue
		}
		ret := h.now()
		if out.Result == "maybe" {
			ret = math.MaxInt64
		}
		h.add(porcupine.Operation{ClientId: client, Input: in, Call: call, Output: out, Return: ret})
	}
}

// linDo performs one operation on node p; ok is false when it surely had
// no effect.
func linDo(p *proc, in linInput) (linOutput, bool) {
	if in.Op == "read" {
		var st nodeStatus
		if err := p.do("GET", "/read", nil, nil, &st); err != nil {
			return linOutput{}, false
		}
		return linOutput{Result: st.Requests[in.ID]}, true
	}
	var op state.Op = create(in.ID, "slsa")
	if in.Op == "cancel" {
		op = &state.Cancel{Stamp: stamp("admin"), RequestID: in.ID, Admin: true, Reason: "test"}
	}
	res, err := p.apply(op)
	switch {
	case err != nil, res.Unknown, res.Err != "" && !res.NotLeader:
		return linOutput{Result: "maybe"}, true
	case res.NotLeader:
		return linOutput{}, false
	case res.OK:
		return linOutput{Result: "ok"}, true
	case strings.Contains(res.Refused, "unknown request"):
		return linOutput{Result: "unknown-request"}, true
	}
	// Any other refusal is a bug the model does not allow.
	return linOutput{Result: "refused: " + res.Refused}, true
}
