package fsm

import (
	"context"
	"errors"
	"fmt"
	"sync"
	"testing"
	"time"

	"github.com/hashicorp/go-hclog"
	"github.com/hashicorp/raft"

	"github.com/signet-dev/signet/coordinator/internal/state"
)

type node struct {
	id    raft.ServerID
	addr  raft.ServerAddress
	trans *raft.InmemTransport
	fsm   *FSM
	r     *raft.Raft
}

type cluster struct {
	nodes []*node
	obs   chan raft.Observation
}

// newCluster starts n raft nodes over in-memory transports and stores,
// bootstrapped as one cluster.
func newCluster(t *testing.T, n int) *cluster {
	t.Helper()
	c := &cluster{obs: make(chan raft.Observation, 256)}
	var servers []raft.Server
	for i := range n {
		addr, trans := raft.NewInmemTransport(raft.ServerAddress(fmt.Sprintf("node%d", i)))
		nd := &node{id: raft.ServerID(fmt.Sprintf("node%d", i)), addr: addr, trans: trans, fsm: New(Options{})}
		c.nodes = append(c.nodes, nd)
		servers = append(servers, raft.Server{ID: nd.id, Address: addr})
	}
	for _, a := range c.nodes {
		for _, b := range c.nodes {
			if a != b {
				a.trans.Connect(b.addr, b.trans)
			}
		}
	}
	for _, nd := range c.nodes {
		conf := raft.DefaultConfig()
		conf.LocalID = nd.id
		conf.Logger = hclog.NewNullLogger()
		conf.HeartbeatTimeout, conf.ElectionTimeout = 100*time.Millisecond, 100*time.Millisecond
		conf.LeaderLeaseTimeout, conf.CommitTimeout = 50*time.Millisecond, 5*time.Millisecond
		conf.SnapshotThreshold, conf.TrailingLogs = 1<<20, 2
		store := raft.NewInmemStore()
		r, err := raft.NewRaft(conf, nd.fsm, store, store, raft.NewInmemSnapshotStore(), nd.trans)
		if err != nil {
			t.Fatal(err)
		}
		nd.r = r
		r.RegisterObserver(raft.NewObserver(c.obs, false, func(o *raft.Observation) bool {
			_, ok := o.Data.(raft.LeaderObservation)
			return ok
		}))
		t.Cleanup(func() { _ = r.Shutdown().Error() })
	}
	if err := c.nodes[0].r.BootstrapCluster(raft.Configuration{Servers: servers}).Error(); err != nil {
		t.Fatal(err)
	}
	return c
}

// leader waits for a node to be leader, woken by leadership observations
// (with a periodic re-check in case an observation was dropped).
func (c *cluster) leader(t *testing.T) *node {
	t.Helper()
	nd, err := c.waitLeader()
	if err != nil {
		t.Fatal(err)
	}
	return nd
}

// waitLeader is leader for goroutines other than the test's.
func (c *cluster) waitLeader() (*node, error) {
	deadline := time.After(20 * time.Second)
	for {
		for _, nd := range c.nodes {
			if nd.r.State() == raft.Leader {
				return nd, nil
			}
		}
		select {
		case <-c.obs:
		case <-time.After(50 * time.Millisecond):
		case <-deadline:
			return nil, errors.New("no leader elected within 20s")
		}
	}
}

// apply applies one command through the leader, retrying on leadership
// changes (commands are idempotent, so a retry is always safe).
func (c *cluster) apply(data []byte) (*Response, error) {
	for attempt := 0; ; attempt++ {
		l, err := c.waitLeader()
		if err != nil {
			return nil, err
		}
		f := l.r.Apply(data, 5*time.Second)
		err = f.Error()
		if (errors.Is(err, raft.ErrNotLeader) || errors.Is(err, raft.ErrLeadershipLost)) && attempt < 10 {
			continue
		}
		if err != nil {
			return nil, err
		}
		r, _ := f.Response().(*Response)
		return r, nil
	}
}

// converge waits until every node applied what the leader has applied and
// returns their state hashes.
func (c *cluster) converge(t *testing.T, nodes []*node) []string {
	t.Helper()
	l := c.leader(t)
	if err := l.r.Barrier(10 * time.Second).Error(); err != nil {
		t.Fatal(err)
	}
	idx := l.fsm.Index()
	ctx, cancel := context.WithTimeout(context.Background(), 20*time.Second)
	defer cancel()
	var hashes []string
	for _, nd := range nodes {
		if err := nd.fsm.WaitIndex(ctx, idx); err != nil {
			t.Fatalf("%s: %v", nd.id, err)
		}
		h, err := nd.fsm.Hash()
		if err != nil {
			t.Fatal(err)
		}
		hashes = append(hashes, h)
	}
	return hashes
}

func TestClusterConverges(t *testing.T) {
	if testing.Short() {
		t.Skip("starts a 3-node raft cluster")
	}
	c := newCluster(t, 3)
	w := newWorkload(t)
	for _, e := range w.setup(t) {
		if r, err := c.apply(e); err != nil || r.Err != nil {
			t.Fatalf("setup: %v %+v", err, r)
		}
	}
	// Concurrent requests, each with its commands in order; every command
	// is sent twice, as a client retrying would.
	reqs := make([][][]byte, 20)
	for i := range reqs {
		reqs[i] = w.request(t, i)
	}
	var wg sync.WaitGroup
	errs := make(chan error, 64)
	for g := range 4 {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for i := g * 5; i < g*5+5; i++ {
				for k, e := range reqs[i] {
					for range 2 {
						r, err := c.apply(e)
						if err != nil {
							errs <- err
							return
						}
						if k != 1 && r.Err != nil { // k == 1 is the bad signature
							errs <- fmt.Errorf("request %d command %d: %w", i, k, r.Err)
						}
					}
				}
			}
		}()
	}
	wg.Wait()
	close(errs)
	for err := range errs {
		t.Error(err)
	}
	hashes := c.converge(t, c.nodes)
	for i, h := range hashes[1:] {
		if h != hashes[0] {
			t.Errorf("node%d hash %s, node0 %s", i+1, h, hashes[0])
		}
	}
	c.nodes[1].fsm.Read(func(st *state.State, _ uint64) {
		for i := range 20 {
			if r, ok := st.Request(fmt.Sprintf("req-%d", i)); !ok || r.Phase != state.PhaseReleased || len(r.Approvals) != 2 {
				t.Errorf("req-%d: present %v, phase %s, %d approvals", i, ok, r.Phase, len(r.Approvals))
			}
		}
		if err := state.VerifyAudit(st.Audit); err != nil {
			t.Error(err)
		}
	})

	// A raft snapshot restores into a fresh FSM with the same state.
	fut := c.nodes[2].r.Snapshot()
	if err := fut.Error(); err != nil {
		t.Fatal(err)
	}
	_, rc, err := fut.Open()
	if err != nil {
		t.Fatal(err)
	}
	fresh := New(Options{})
	if err := fresh.Restore(rc); err != nil {
		t.Fatal(err)
	}
	if h, _ := fresh.Hash(); h != hashes[2] {
		t.Errorf("restored from node2's raft snapshot: hash %s, want %s", h, hashes[2])
	}
}

// TestClusterSnapshotCatchUp cuts a follower off, applies more and compacts
// the leader's log, then reconnects the follower, which can only catch up
// by installing the leader's snapshot (FSM.Restore).
func TestClusterSnapshotCatchUp(t *testing.T) {
	if testing.Short() {
		t.Skip("starts a 3-node raft cluster")
	}
	c := newCluster(t, 3)
	w := newWorkload(t)
	for _, e := range append(w.setup(t), w.request(t, 0)...) {
		if _, err := c.apply(e); err != nil {
			t.Fatal(err)
		}
	}
	c.converge(t, c.nodes)
	l := c.leader(t)
	var cut *node
	for _, nd := range c.nodes {
		if nd != l {
			cut = nd
			break
		}
	}
	cut.trans.DisconnectAll()
	for _, nd := range c.nodes {
		nd.trans.Disconnect(cut.addr)
	}
	for i := 1; i <= 5; i++ {
		for _, e := range w.request(t, i) {
			if _, err := c.apply(e); err != nil {
				t.Fatal(err)
			}
		}
	}
	l = c.leader(t)
	if err := l.r.Snapshot().Error(); err != nil {
		t.Fatal(err)
	}
	for _, nd := range c.nodes {
		if nd != cut {
			cut.trans.Connect(nd.addr, nd.trans)
			nd.trans.Connect(cut.addr, cut.trans)
		}
	}
	hashes := c.converge(t, c.nodes)
	for i, h := range hashes[1:] {
		if h != hashes[0] {
			t.Errorf("node%d hash %s, node0 %s", i+1, h, hashes[0])
		}
	}
	cut.fsm.mu.RLock()
	restores := cut.fsm.restores
	cut.fsm.mu.RUnlock()
	if restores == 0 {
		t.Error("the reconnected follower caught up without installing a snapshot; the test did not exercise Restore")
	}
}
