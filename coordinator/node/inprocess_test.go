package node

import (
	"context"
	"fmt"
	"net"
	"path/filepath"
	"sync"
	"testing"
	"time"
)

// inprocCluster opens n nodes in this process, all bootstrapped with the
// same Peers (the other way to form a cluster than AddVoter).
func inprocCluster(t testing.TB, n int) []*Node {
	dir := t.TempDir()
	var lns []net.Listener
	var peers []Peer
	for i := range n {
		ln, err := net.Listen("tcp", "127.0.0.1:0")
		if err != nil {
			t.Fatal(err)
		}
		lns = append(lns, ln)
		peers = append(peers, Peer{ID: fmt.Sprintf("n%d", i+1), Addr: ln.Addr().String()})
	}
	var nodes []*Node
	for i, p := range peers {
		cfg := Config{NodeID: p.ID, DataDir: filepath.Join(dir, p.ID), Listener: lns[i], Bootstrap: true, Peers: peers,
			TLS: testTLS(t, filepath.Join(dir, "ca"), p.ID), ExpireInterval: -1,
			HeartbeatTimeout: 300 * time.Millisecond, ElectionTimeout: 300 * time.Millisecond, LeaderLeaseTimeout: 150 * time.Millisecond}
		nd, err := Open(context.Background(), cfg)
		if err != nil {
			t.Fatal(err)
		}
		t.Cleanup(func() { _ = nd.Close(context.Background()) })
		nodes = append(nodes, nd)
	}
	return nodes
}

func leaderOf(t testing.TB, nodes []*Node) *Node {
	deadline := time.Now().Add(15 * time.Second)
	for time.Now().Before(deadline) {
		for _, n := range nodes {
			if n.IsLeader() {
				return n
			}
		}
		time.Sleep(20 * time.Millisecond)
	}
	t.Fatal("no leader")
	return nil
}

func TestBootstrapWithPeersAndGracefulClose(t *testing.T) {
	nodes := inprocCluster(t, 3)
	l := leaderOf(t, nodes)
	for _, op := range newWorkload(t).setup() {
		mustApply(t, l, op)
	}
	if err := l.Barrier(context.Background()); err != nil {
		t.Fatal(err)
	}
	want := hashOf(t, l)
	for _, n := range nodes {
		if err := n.FSM().WaitIndex(context.Background(), l.FSM().Index()); err != nil {
			t.Fatal(err)
		}
		if got := hashOf(t, n); got != want {
			t.Errorf("%s: hash %s, want %s", n.ID(), got, want)
		}
	}
	// Closing the leader hands leadership over; the others go on.
	if err := l.Close(context.Background()); err != nil {
		t.Fatal(err)
	}
	var rest []*Node
	for _, n := range nodes {
		if n != l {
			rest = append(rest, n)
		}
	}
	l2 := leaderOf(t, rest)
	mustApply(t, l2, create("after-close", "slsa"))
}

// BenchmarkApply measures applies per second through a 3-node cluster
// (in one process, mutual TLS over loopback, bolt log with fsync) at
// several concurrencies: the batching of concurrent applies shows here.
func BenchmarkApply(b *testing.B) {
	for _, conc := range []int{16, 64, 256} {
		b.Run(fmt.Sprintf("concurrency=%d", conc), func(b *testing.B) {
			nodes := inprocCluster(b, 3)
			l := leaderOf(b, nodes)
			w := newWorkload(b)
			for _, op := range w.setup() {
				if _, err := l.Apply(context.Background(), op); err != nil {
					b.Fatal(err)
				}
			}
			var next sync.Mutex
			i := 0
			b.ResetTimer()
			start := time.Now()
			var wg sync.WaitGroup
			for range conc {
				wg.Add(1)
				go func() {
					defer wg.Done()
					for {
						next.Lock()
						if i >= b.N {
							next.Unlock()
							return
						}
						id := fmt.Sprintf("b-%d", i)
						i++
						next.Unlock()
						if resp, err := l.Apply(context.Background(), create(id, "slsa")); err != nil || resp.Err != nil {
							b.Error(err, resp)
							return
						}
					}
				}()
			}
			wg.Wait()
			b.ReportMetric(float64(b.N)/time.Since(start).Seconds(), "applies/s")
		})
	}
}
