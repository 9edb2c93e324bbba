package coordtest

import (
	"context"
	"crypto/tls"
	"crypto/x509"
	"encoding/pem"
	"fmt"
	"net/http"
	"net/http/httptest"
	"os"
	"path/filepath"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/hashicorp/go-hclog"
	"github.com/hashicorp/raft"

	"github.com/signet-dev/signet/coordinator/api"
	"github.com/signet-dev/signet/coordinator/client"
	"github.com/signet-dev/signet/coordinator/internal/fsm"
)

// Options configure Start.
type Options struct {
	// Nodes is the cluster size; 1 when zero.
	Nodes int
	// Now is the leader's clock; time.Now when nil.
	Now func() time.Time
}

// Cluster is a running in-process coordinator.
type Cluster struct {
	// URLs are the API base URLs (https://127.0.0.1:PORT), one per node.
	URLs []string
	// CAFile is a PEM file of the certificate the API servers present.
	CAFile string
	// AdminToken is the bootstrap admin token's secret.
	AdminToken string

	backends []*api.RaftBackend
	mu       sync.Mutex
	byID     map[raft.ServerID]string
}

// Start starts a cluster, waits for its leader and bootstraps the admin
// token. It fails the test on any error.
func Start(tb testing.TB, opts Options) *Cluster {
	tb.Helper()
	if opts.Nodes <= 0 {
		opts.Nodes = 1
	}
	if opts.Now == nil {
		opts.Now = time.Now
	}
	c := &Cluster{byID: map[raft.ServerID]string{}}
	var servers []raft.Server
	var transports []*raft.InmemTransport
	for i := range opts.Nodes {
		id := raft.ServerID(fmt.Sprintf("node%d", i+1))
		addr, trans := raft.NewInmemTransport(raft.ServerAddress(id))
		servers = append(servers, raft.Server{ID: id, Address: addr})
		transports = append(transports, trans)
		c.startNode(tb, id, trans, opts.Now)
	}
	for i, a := range transports {
		for j, b := range transports {
			if i != j {
				a.Connect(servers[j].Address, b)
			}
		}
	}
	if err := c.backends[0].Raft.BootstrapCluster(raft.Configuration{Servers: servers}).Error(); err != nil {
		tb.Fatalf("coordtest: bootstrapping raft: %v", err)
	}
	c.bootstrapToken(tb, opts.Now)
	return c
}

// startNode opens one raft node and its API server.
func (c *Cluster) startNode(tb testing.TB, id raft.ServerID, trans *raft.InmemTransport, now func() time.Time) {
	tb.Helper()
	f := fsm.New(fsm.Options{})
	conf := raft.DefaultConfig()
	conf.LocalID = id
	conf.Logger = hclog.NewNullLogger()
	conf.HeartbeatTimeout, conf.ElectionTimeout = 100*time.Millisecond, 100*time.Millisecond
	conf.LeaderLeaseTimeout, conf.CommitTimeout = 50*time.Millisecond, 5*time.Millisecond
	store := raft.NewInmemStore()
	r, err := raft.NewRaft(conf, f, store, store, raft.NewInmemSnapshotStore(), trans)
	if err != nil {
		tb.Fatalf("coordtest: starting raft: %v", err)
	}
	tb.Cleanup(func() { _ = r.Shutdown().Error() })
	b := &api.RaftBackend{Raft: r, Machine: f, APIAddr: c.apiAddr}
	var handler atomic.Pointer[api.Server] // set once the server's transport is known
	hs := httptest.NewUnstartedServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if s := handler.Load(); s != nil {
			s.ServeHTTP(w, r)
			return
		}
		http.Error(w, `{"error":"starting","code":"no_leader"}`, http.StatusServiceUnavailable)
	}))
	hs.StartTLS()
	tb.Cleanup(hs.Close)
	s, err := api.New(api.Config{Backend: b, Now: now, ForwardTransport: hs.Client().Transport})
	if err != nil {
		tb.Fatalf("coordtest: api server: %v", err)
	}
	handler.Store(s)
	if c.CAFile == "" {
		c.CAFile = filepath.Join(tb.TempDir(), "ca.pem")
		data := pem.EncodeToMemory(&pem.Block{Type: "CERTIFICATE", Bytes: hs.Certificate().Raw})
		if err := os.WriteFile(c.CAFile, data, 0o644); err != nil {
			tb.Fatalf("coordtest: %v", err)
		}
	}
	c.mu.Lock()
	c.byID[id] = hs.URL
	c.mu.Unlock()
	c.URLs = append(c.URLs, hs.URL)
	c.backends = append(c.backends, b)
}

func (c *Cluster) apiAddr(id raft.ServerID) string {
	c.mu.Lock()
	defer c.mu.Unlock()
	return c.byID[id]
}

// Leader waits up to 20 s for a leader and returns its API URL.
func (c *Cluster) Leader(tb testing.TB) string {
	tb.Helper()
	return c.URLs[c.leader(tb)]
}

func (c *Cluster) leader(tb testing.TB) int {
	tb.Helper()
	deadline := time.Now().Add(20 * time.Second)
	for time.Now().Before(deadline) {
		for i, b := range c.backends {
			if b.IsLeader() {
				return i
			}
		}
		select {
		case <-c.backends[0].Raft.LeaderCh():
		case <-time.After(20 * time.Millisecond):
		}
	}
	tb.Fatal("coordtest: no raft leader within 20s")
	return 0
}

// bootstrapToken applies the one-time admin token on the leader.
func (c *Cluster) bootstrapToken(tb testing.TB, now func() time.Time) {
	tb.Helper()
	b := c.backends[c.leader(tb)]
	op, secret, err := api.NewBootstrapOp(api.Config{Now: now}, "admin")
	if err != nil {
		tb.Fatalf("coordtest: %v", err)
	}
	resp, err := b.Apply(context.Background(), op)
	if err == nil && resp.Err != nil {
		err = resp.Err
	}
	if err != nil {
		tb.Fatalf("coordtest: bootstrap token: %v", err)
	}
	c.AdminToken = secret
}

// Client returns a client for every node of the cluster with token,
// trusting the cluster's certificate; blocking queries wait 2 s.
func (c *Cluster) Client(tb testing.TB, token string) *client.Client {
	tb.Helper()
	pem, err := os.ReadFile(c.CAFile)
	if err != nil {
		tb.Fatalf("coordtest: %v", err)
	}
	pool := x509.NewCertPool()
	pool.AppendCertsFromPEM(pem)
	cl, err := client.New(client.Config{Endpoints: c.URLs, Token: token,
		TLS: &tls.Config{RootCAs: pool, MinVersion: tls.VersionTLS12}, Wait: 2 * time.Second})
	if err != nil {
		tb.Fatalf("coordtest: %v", err)
	}
	return cl
}
