package node

import (
	"crypto/tls"
	"errors"
	"fmt"
	"net/url"
	"os"
	"path/filepath"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/signet-dev/signet/coordinator/internal/devca"
	"github.com/signet-dev/signet/coordinator/internal/state"
)

// cluster is a set of node processes on 127.0.0.1 sharing one dev CA.
type cluster struct {
	owner *testing.T // the test that owns the processes
	dir   string
	procs map[string]*proc // live or dead, by id
	dead  map[string]bool
	mu    sync.Mutex
}

func (c *cluster) spec(id string, bootstrap bool) childSpec {
	return childSpec{ID: id, Dir: filepath.Join(c.dir, id), CADir: filepath.Join(c.dir, "ca"), RaftAddr: "127.0.0.1:0", Bootstrap: bootstrap}
}

func (c *cluster) start(t *testing.T, spec childSpec) *proc {
	p := startProc(t, c.owner, spec)
	c.mu.Lock()
	defer c.mu.Unlock()
	c.procs[spec.ID], c.dead[spec.ID] = p, false
	return p
}

// restart starts a killed node again on its data directory and address.
func (c *cluster) restart(t *testing.T, id string) *proc {
	old := c.procs[id]
	spec := old.spec
	spec.RaftAddr = old.addr
	return c.start(t, spec)
}

func (c *cluster) kill(id string) {
	c.mu.Lock()
	p := c.procs[id]
	c.dead[id] = true
	c.mu.Unlock()
	p.kill()
}

func (c *cluster) live() []*proc {
	c.mu.Lock()
	defer c.mu.Unlock()
	var out []*proc
	for id, p := range c.procs {
		if !c.dead[id] {
			out = append(out, p)
		}
	}
	return out
}

// leader waits until a live node leads and returns it.
func (c *cluster) leader(t *testing.T) *proc {
	t.Helper()
	l, err := c.findLeader()
	if err != nil {
		t.Fatal(err)
	}
	return l
}

func (c *cluster) findLeader() (*proc, error) {
	var l *proc
	err := poll(20*time.Second, "a leader", func() bool {
		for _, p := range c.live() {
			if st, err := p.status(); err == nil && st.IsLeader {
				l = p
				return true
			}
		}
		return false
	})
	return l, err
}

// apply retries op at the leader until it is acknowledged and returns the
// result; commands are idempotent, so retrying after an unknown outcome
// is what a client does.
func (c *cluster) apply(t *testing.T, op state.Op) applyResult {
	t.Helper()
	res, err := c.tryApply(op)
	if err != nil {
		t.Fatal(err)
	}
	return res
}

func (c *cluster) tryApply(op state.Op) (applyResult, error) {
	for deadline := time.Now().Add(30 * time.Second); time.Now().Before(deadline); {
		l, err := c.findLeader()
		if err != nil {
			return applyResult{}, err
		}
		res, err := l.apply(op)
		if err == nil && (res.OK || res.Refused != "") {
			return res, nil
		}
		time.Sleep(20 * time.Millisecond)
	}
	return applyResult{}, fmt.Errorf("%T was never acknowledged", op)
}

// converge makes the leader apply a barrier and waits until every live
// node has the leader's state hash, which it returns.
func (c *cluster) converge(t *testing.T) string {
	t.Helper()
	var hash string
	waitFor(t, 20*time.Second, "a barrier on the leader", func() bool {
		l, err := c.findLeader()
		if err != nil {
			return false
		}
		if l.post("/barrier", nil) != nil {
			return false
		}
		st, err := l.status()
		hash = st.Hash
		return err == nil && st.IsLeader
	})
	for _, p := range c.live() {
		waitFor(t, 20*time.Second, "node "+p.spec.ID+" to reach the leader's state", func() bool {
			st, err := p.status()
			return err == nil && st.Hash == hash
		})
	}
	return hash
}

// checkAcked fails unless every live node holds every acknowledged request.
func (c *cluster) checkAcked(t *testing.T, acked []string) {
	t.Helper()
	for _, p := range c.live() {
		st, err := p.status()
		if err != nil {
			t.Fatal(err)
		}
		for _, id := range acked {
			if _, ok := st.Requests[id]; !ok {
				t.Errorf("node %s lost acknowledged request %s", p.spec.ID, id)
			}
		}
	}
}

// TestCluster runs a 3-node cluster as separate processes over mutual TLS
// through its life: bootstrap and join, leader-only applies, leader-driven
// expiry, a foreign-CA node refused, kill -9 of the leader under load,
// catch-up after restart, snapshot save/restore and a restart of the whole
// cluster.
func TestCluster(t *testing.T) {
	if testing.Short() {
		t.Skip("starts node processes")
	}
	c := &cluster{owner: t, dir: t.TempDir(), procs: map[string]*proc{}, dead: map[string]bool{}}
	w := newWorkload(t)
	var acked []string

	t.Run("bootstrap and join", func(t *testing.T) {
		n1 := c.start(t, c.spec("n1", true))
		if l := c.leader(t); l != n1 {
			t.Fatalf("leader is %s, want the bootstrapped n1", l.spec.ID)
		}
		for _, id := range []string{"n2", "n3"} {
			p := c.start(t, c.spec(id, false))
			if err := n1.post("/addvoter", url.Values{"id": {id}, "addr": {p.addr}}); err != nil {
				t.Fatal(err)
			}
		}
		peers, err := n1.peers()
		if err != nil || len(peers) != 3 {
			t.Fatalf("peers = %+v, %v; want 3", peers, err)
		}
		for _, op := range w.setup() {
			if res := c.apply(t, op); !res.OK {
				t.Fatalf("setup %T: %+v", op, res)
			}
		}
		c.converge(t)
	})

	t.Run("applies go through the leader", func(t *testing.T) {
		l := c.leader(t)
		for _, p := range c.live() {
			if p == l {
				continue
			}
			res, err := p.apply(create("follower-1", "slsa"))
			if err != nil || !res.NotLeader || res.LeaderID != l.spec.ID {
				t.Errorf("apply on follower %s = %+v, %v; want not-leader naming %s", p.spec.ID, res, err, l.spec.ID)
			}
		}
		for i := range 10 {
			id := fmt.Sprintf("seq-%d", i)
			if res := c.apply(t, create(id, "slsa")); !res.OK {
				t.Fatalf("create %s: %+v", id, res)
			}
			acked = append(acked, id)
		}
		if res := c.apply(t, create("seq-0", "other-policy")); res.Refused == "" {
			t.Errorf("conflicting re-create was not refused: %+v", res)
		}
		c.converge(t)
		c.checkAcked(t, acked)
	})

	t.Run("leader expires due requests", func(t *testing.T) {
		if res := c.apply(t, create("short-1", "short")); !res.OK {
			t.Fatalf("%+v", res)
		}
		for _, p := range c.live() {
			waitFor(t, 20*time.Second, "short-1 to expire on "+p.spec.ID, func() bool {
				st, err := p.status()
				return err == nil && st.Requests["short-1"] == string(state.PhaseExpired)
			})
		}
	})

	t.Run("foreign CA cannot join", func(t *testing.T) { testForeignCA(t, c) })
	t.Run("kill -9 the leader under load", func(t *testing.T) { acked = append(acked, testKillLeader(t, c)...) })

	t.Run("snapshot save and restore", func(t *testing.T) {
		l := c.leader(t)
		saved := c.converge(t)
		file := filepath.Join(c.dir, "backup.snap")
		if err := l.post("/snapshot", url.Values{"path": {file}}); err != nil {
			t.Fatal(err)
		}
		for i := range 5 {
			c.apply(t, create(fmt.Sprintf("after-save-%d", i), "slsa"))
		}
		if c.converge(t) == saved {
			t.Fatal("the state did not change after the snapshot")
		}
		if err := c.leader(t).post("/restore", url.Values{"path": {file}}); err != nil {
			t.Fatal(err)
		}
		if got := c.converge(t); got != saved {
			t.Errorf("state after restore %s, want the saved %s", got, saved)
		}
	})

	t.Run("restart the whole cluster", func(t *testing.T) {
		before := c.converge(t)
		ids := []string{"n1", "n2", "n3"}
		for _, id := range ids {
			c.kill(id)
		}
		for _, id := range ids {
			c.restart(t, id) // n1 still has Bootstrap set: it must not bootstrap again
		}
		if got := c.converge(t); got != before {
			t.Errorf("state after a full restart %s, want %s", got, before)
		}
		c.checkAcked(t, acked)
		peers, err := c.leader(t).peers()
		if err != nil || len(peers) != 3 {
			t.Errorf("peers after restart = %+v, %v; want the 3 nodes", peers, err)
		}
		for _, p := range c.live() {
			p.stop(t)
		}
	})
}

// testKillLeader runs concurrent clients, kills the leader with SIGKILL
// while they run, and checks that a new leader takes over and that every
// acknowledged request is on every node, and on the killed one after it
// restarts. It returns the acknowledged ids.
func testKillLeader(t *testing.T, c *cluster) []string {
	const clients, perClient = 16, 12
	old := c.leader(t)
	var mu sync.Mutex
	var acked []string
	var count atomic.Int64
	killed := make(chan struct{})
	var wg sync.WaitGroup
	for g := range clients {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for i := range perClient {
				id := fmt.Sprintf("load-%d-%d", g, i)
				res, err := c.tryApply(create(id, "slsa"))
				if err != nil {
					t.Error(err)
					return
				}
				if res.OK {
					mu.Lock()
					acked = append(acked, id)
					mu.Unlock()
				}
				if count.Add(1) == clients*2 {
					c.kill(old.spec.ID)
					close(killed)
				}
			}
		}()
	}
	wg.Wait()
	select {
	case <-killed:
	default:
		t.Fatal("the load ended before the leader was killed")
	}
	if l := c.leader(t); l == old {
		t.Fatalf("the killed node %s still leads", old.spec.ID)
	}
	if len(acked) != clients*perClient {
		t.Errorf("%d of %d requests acknowledged", len(acked), clients*perClient)
	}
	c.converge(t)
	c.checkAcked(t, acked)
	c.restart(t, old.spec.ID)
	c.converge(t)
	c.checkAcked(t, acked)
	return acked
}

// testForeignCA starts a node whose certificate another CA issued and adds
// it: the cluster keeps working without it, it receives nothing, and its
// certificate is refused at the TLS handshake. API client certificates
// from the cluster's own CA are refused by raft too.
func testForeignCA(t *testing.T, c *cluster) {
	spec := c.spec("n4", false)
	spec.CADir = filepath.Join(c.dir, "foreign-ca")
	n4 := startProc(t, t, spec)
	defer n4.kill()
	l := c.leader(t)
	if err := l.post("/addvoter", url.Values{"id": {"n4"}, "addr": {n4.addr}}); err != nil {
		t.Fatal(err)
	}
	c.apply(t, create("with-n4-added", "slsa"))
	c.converge(t)
	if st, err := n4.status(); err != nil || st.Index != 0 || st.LeaderID != "" {
		t.Errorf("foreign node: %+v, %v; want no state and no leader", st, err)
	}
	if err := l.post("/remove", url.Values{"id": {"n4"}}); err != nil {
		t.Fatal(err)
	}

	own, err := devca.Open(filepath.Join(c.dir, "ca"), devca.Options{})
	if err != nil {
		t.Fatal(err)
	}
	foreign, err := devca.Open(spec.CADir, devca.Options{})
	if err != nil {
		t.Fatal(err)
	}
	fpair, _ := foreign.EnsureNode("n4")
	user, err := own.IssueClient("alice")
	if err != nil {
		t.Fatal(err)
	}
	good, _ := own.EnsureNode("n1")
	for _, tc := range []struct {
		name string
		conf *tls.Config
		ok   bool
	}{
		{"node certificate of this CA", own.NodeTLS(good), true},
		{"node certificate of another CA", withRoots(foreign.NodeTLS(fpair), own), false},
		{"API client certificate of this CA", own.ClientTLS(user), false},
	} {
		err := handshake(l.addr, tc.conf)
		if tc.ok != (err == nil) {
			t.Errorf("%s: handshake error %v, want ok=%v", tc.name, err, tc.ok)
		}
		if !tc.ok && err != nil && !errors.Is(err, errRemoteRefused) {
			t.Errorf("%s: %v, want the server to refuse", tc.name, err)
		}
	}
}

var errRemoteRefused = errors.New("server refused the handshake")

// handshake connects to a raft port and reports whether the server kept
// the connection: with TLS 1.3 a refused client certificate shows up as an
// alert on the first read; an accepted one leaves the server waiting for
// a command.
func handshake(addr string, conf *tls.Config) error {
	conn, err := tls.Dial("tcp", addr, conf)
	if err != nil {
		return err
	}
	defer conn.Close()
	_ = conn.SetReadDeadline(time.Now().Add(500 * time.Millisecond))
	_, err = conn.Read(make([]byte, 1))
	var ne interface{ Timeout() bool }
	if errors.As(err, &ne) && ne.Timeout() {
		return nil
	}
	return fmt.Errorf("%w: %w", errRemoteRefused, err)
}

func withRoots(conf *tls.Config, ca *devca.CA) *tls.Config {
	conf.RootCAs = ca.Pool()
	return conf
}

// TestClusterThroughput measures applies per second through a 3-process
// cluster (mutual TLS, bolt log with fsync) at 16, 64 and 256 concurrent
// clients inside the leader's process. It only runs when
// SIGNET_BENCH_CLUSTER is set and only logs: performance belongs in
// benchmarks, not in assertions.
func TestClusterThroughput(t *testing.T) {
	if os.Getenv("SIGNET_BENCH_CLUSTER") == "" {
		t.Skip("set SIGNET_BENCH_CLUSTER=1 to measure cluster throughput")
	}
	c := &cluster{owner: t, dir: t.TempDir(), procs: map[string]*proc{}, dead: map[string]bool{}}
	n1 := c.start(t, c.spec("n1", true))
	c.leader(t)
	for _, id := range []string{"n2", "n3"} {
		p := c.start(t, c.spec(id, false))
		if err := n1.post("/addvoter", url.Values{"id": {id}, "addr": {p.addr}}); err != nil {
			t.Fatal(err)
		}
	}
	for _, op := range newWorkload(t).setup() {
		c.apply(t, op)
	}
	for _, op := range []string{"create", "refused"} {
		for _, conc := range []int{16, 64, 256} {
			var rate float64
			form := url.Values{"n": {"6000"}, "concurrency": {fmt.Sprint(conc)}, "prefix": {fmt.Sprintf("c%d", conc)}, "op": {op}}
			if err := c.leader(t).do("POST", "/load", form, nil, &rate); err != nil {
				t.Fatal(err)
			}
			t.Logf("%-7s concurrency %3d: %6.0f applies/s", op, conc, rate)
		}
	}
}
