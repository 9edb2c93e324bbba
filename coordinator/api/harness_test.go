package api_test

import (
	"context"
	"encoding/json"
	"fmt"
	"net/http/httptest"
	"sync"
	"testing"
	"time"

	"github.com/hashicorp/go-hclog"
	"github.com/hashicorp/raft"

	"github.com/signet-dev/signet/coordinator/api"
	"github.com/signet-dev/signet/coordinator/client"
	"github.com/signet-dev/signet/coordinator/internal/fsm"
	"github.com/signet-dev/signet/pkg/dsse"
	"github.com/signet-dev/signet/pkg/intoto"
	"github.com/signet-dev/signet/pkg/keys"
)

var t0 = time.Date(2026, 11, 22, 8, 0, 0, 0, time.UTC)

// clock is the leader's clock in tests; tests move it.
type clock struct {
	mu  sync.Mutex
	now time.Time
}

func (c *clock) Now() time.Time {
	c.mu.Lock()
	defer c.mu.Unlock()
	return c.now
}

func (c *clock) advance(d time.Duration) {
	c.mu.Lock()
	defer c.mu.Unlock()
	c.now = c.now.Add(d)
}

type node struct {
	id      raft.ServerID
	backend *api.RaftBackend
	srv     *httptest.Server
}

type cluster struct {
	nodes []*node
	clock *clock
	mu    sync.Mutex
	urls  map[raft.ServerID]string
}

// newCluster starts n raft nodes (in-memory stores and transports) with an
// API server each, bootstrapped as one cluster.
func newCluster(t testing.TB, n int, tweak func(*api.Config)) *cluster {
	t.Helper()
	c := &cluster{clock: &clock{now: t0}, urls: map[raft.ServerID]string{}}
	var servers []raft.Server
	var transports []*raft.InmemTransport
	for i := range n {
		id := raft.ServerID(fmt.Sprintf("node%d", i))
		addr, trans := raft.NewInmemTransport(raft.ServerAddress(id))
		transports = append(transports, trans)
		servers = append(servers, raft.Server{ID: id, Address: addr})
		f := fsm.New(fsm.Options{})
		conf := raft.DefaultConfig()
		conf.LocalID = id
		conf.Logger = hclog.NewNullLogger()
		conf.HeartbeatTimeout, conf.ElectionTimeout = 100*time.Millisecond, 100*time.Millisecond
		conf.LeaderLeaseTimeout, conf.CommitTimeout = 50*time.Millisecond, 5*time.Millisecond
		store := raft.NewInmemStore()
		r, err := raft.NewRaft(conf, f, store, store, raft.NewInmemSnapshotStore(), trans)
		if err != nil {
			t.Fatal(err)
		}
		t.Cleanup(func() { _ = r.Shutdown().Error() })
		b := &api.RaftBackend{Raft: r, Machine: f, APIAddr: c.apiAddr}
		cfg := api.Config{Backend: b, Now: c.clock.Now, ForwardScheme: "http"}
		if tweak != nil {
			tweak(&cfg)
		}
		s, err := api.New(cfg)
		if err != nil {
			t.Fatal(err)
		}
		hs := httptest.NewServer(s)
		t.Cleanup(hs.Close)
		c.mu.Lock()
		c.urls[id] = hs.URL
		c.mu.Unlock()
		c.nodes = append(c.nodes, &node{id: id, backend: b, srv: hs})
	}
	for i, a := range transports {
		for j, b := range transports {
			if i != j {
				a.Connect(servers[j].Address, b)
			}
		}
	}
	if err := c.nodes[0].backend.Raft.BootstrapCluster(raft.Configuration{Servers: servers}).Error(); err != nil {
		t.Fatal(err)
	}
	return c
}

func (c *cluster) apiAddr(id raft.ServerID) string {
	c.mu.Lock()
	defer c.mu.Unlock()
	return c.urls[id]
}

// leader waits for a leader, woken by raft's leader channel checks.
func (c *cluster) leader(t testing.TB) *node {
	t.Helper()
	deadline := time.Now().Add(20 * time.Second)
	for time.Now().Before(deadline) {
		for _, n := range c.nodes {
			if n.backend.IsLeader() {
				return n
			}
		}
		select {
		case <-c.nodes[0].backend.Raft.LeaderCh():
		case <-time.After(20 * time.Millisecond):
		}
	}
	t.Fatal("no leader within 20s")
	return nil
}

func (c *cluster) follower(t *testing.T) *node {
	t.Helper()
	l := c.leader(t)
	for _, n := range c.nodes {
		if n != l {
			return n
		}
	}
	t.Fatal("no follower")
	return nil
}

// bootstrap applies the bootstrap token on the leader, as a node
// initialising the cluster does.
func (c *cluster) bootstrap(t testing.TB) string {
	t.Helper()
	l := c.leader(t)
	op, secret, err := api.NewBootstrapOp(api.Config{Now: c.clock.Now}, "admin")
	if err != nil {
		t.Fatal(err)
	}
	resp, err := l.backend.Apply(context.Background(), op)
	if err != nil || resp.Err != nil {
		t.Fatalf("bootstrap: %v %v", err, resp)
	}
	return secret
}

func (c *cluster) hash(t testing.TB) string {
	t.Helper()
	h, err := c.leader(t).backend.FSM().Hash()
	if err != nil {
		t.Fatal(err)
	}
	return h
}

func newClient(t *testing.T, token string, urls ...string) *client.Client {
	t.Helper()
	cl, err := client.New(client.Config{Endpoints: urls, Token: token, Wait: 5 * time.Second})
	if err != nil {
		t.Fatal(err)
	}
	return cl
}

func newSigner(t *testing.T) keys.Signer {
	t.Helper()
	cs, err := keys.GenerateKey(keys.KeyTypeED25519, 0)
	if err != nil {
		t.Fatal(err)
	}
	s, err := keys.NewSigner(cs, keys.SchemeED25519)
	if err != nil {
		t.Fatal(err)
	}
	return s
}

func statement(t *testing.T, name string) []byte {
	t.Helper()
	st := &intoto.Statement{Type: intoto.StatementTypeV1, PredicateType: "https://slsa.dev/provenance/v1",
		Subject:   []intoto.Subject{{Name: name, Digest: intoto.DigestSet{"sha256": fmt.Sprintf("%064x", len(name))}}},
		Predicate: json.RawMessage(`{"builder":{"id":"ci"}}`)}
	b, err := intoto.EncodePayload(st)
	if err != nil {
		t.Fatal(err)
	}
	return b
}

func sigBody(t *testing.T, s keys.Signer, payload []byte) api.SignatureBody {
	t.Helper()
	sig, err := s.Sign(context.Background(), dsse.PAE(dsse.PayloadTypeInToto, payload))
	if err != nil {
		t.Fatal(err)
	}
	return api.SignatureBody{KeyID: s.Key().KeyID, Sig: sig}
}

// signedLink returns a metablock link for step signed by s.
func signedLink(t *testing.T, s keys.Signer, step string) []byte {
	t.Helper()
	l := intoto.NewLink(step)
	l.Command = []string{"make"}
	l.Materials = intoto.ArtifactMap{"src.c": {"sha256": fmt.Sprintf("%064x", 1)}}
	l.Products = intoto.ArtifactMap{"app": {"sha256": fmt.Sprintf("%064x", 2)}}
	mb, err := intoto.NewMetablock(l)
	if err != nil {
		t.Fatal(err)
	}
	if err := mb.Sign(context.Background(), s); err != nil {
		t.Fatal(err)
	}
	b, err := mb.MarshalIndent()
	if err != nil {
		t.Fatal(err)
	}
	return b
}

// world is a bootstrapped cluster with three keys, two policies and a
// token per role.
type world struct {
	*cluster
	signers []keys.Signer
	tokens  map[string]string // role -> secret
	admin   *client.Client
}

// roles of the auth matrix.
const (
	roleAdmin     = "admin"
	roleRequester = "requester"
	roleSigner    = "signer"
	roleReader    = "reader"
	roleNone      = "none"
	roleRevoked   = "revoked"
	roleExpired   = "expired"
)

var allRoles = []string{roleAdmin, roleRequester, roleSigner, roleReader, roleNone, roleRevoked, roleExpired}

func newWorld(t *testing.T, n int) *world {
	t.Helper()
	c := newCluster(t, n, nil)
	w := &world{cluster: c, tokens: map[string]string{}}
	w.tokens[roleAdmin] = c.bootstrap(t)
	w.admin = newClient(t, w.tokens[roleAdmin], c.leader(t).srv.URL)
	ctx := context.Background()
	var ids []string
	for i := range 3 {
		s := newSigner(t)
		w.signers = append(w.signers, s)
		ids = append(ids, s.Key().KeyID)
		if _, err := w.admin.EnrollKey(ctx, api.EnrollKeyBody{Key: s.Key(), Identity: fmt.Sprintf("owner%d", i), Role: api.RoleFunctionary}); err != nil {
			t.Fatal(err)
		}
	}
	for _, p := range []api.Policy{
		{Name: "slsa", Kinds: []api.Kind{api.KindStatement}, Keys: ids, Threshold: 2, Requesters: []string{"ci", "admin"}, RequestTTL: time.Hour},
		{Name: "rebuild", Kinds: []api.Kind{api.KindStepCollect}, Keys: ids, Threshold: 2, Requesters: []string{"ci", "admin"}, RequestTTL: time.Hour},
		{Name: "gated", Kinds: []api.Kind{api.KindStatement}, Keys: ids, Threshold: 2, Requesters: []string{"ci", "admin"}, RequestTTL: time.Hour,
			Condition: `request.statement.predicate_type == "https://example.org/never"`},
	} {
		if _, err := w.admin.ApplyPolicy(ctx, p); err != nil {
			t.Fatal(err)
		}
	}
	w.token(t, roleRequester, api.CreateTokenBody{Name: "ci", Identity: "ci", Scopes: []string{"request:slsa", "request:rebuild"}})
	w.token(t, roleSigner, api.CreateTokenBody{Name: "agent0", Identity: "agent0", Scopes: []string{"sign:" + ids[0]}})
	w.token(t, roleReader, api.CreateTokenBody{Name: "auditor", Identity: "auditor", Scopes: []string{"read"}})
	rev := w.token(t, roleRevoked, api.CreateTokenBody{Name: "old", Identity: "old", Scopes: []string{"admin"}})
	if _, err := w.admin.RevokeToken(ctx, rev.Token.ID, "rotated"); err != nil {
		t.Fatal(err)
	}
	w.token(t, roleExpired, api.CreateTokenBody{Name: "temp", Identity: "temp", Scopes: []string{"admin"}, Expires: c.clock.Now().Add(time.Minute)})
	c.clock.advance(2 * time.Minute)
	return w
}

func (w *world) token(t *testing.T, role string, b api.CreateTokenBody) api.NewToken {
	t.Helper()
	nt, err := w.admin.CreateToken(context.Background(), b)
	if err != nil {
		t.Fatal(err)
	}
	w.tokens[role] = nt.Secret
	return nt
}

// as returns a client for role talking to node url (the leader if "").
func (w *world) as(t *testing.T, role string) *client.Client {
	t.Helper()
	return newClient(t, w.tokens[role], w.leader(t).srv.URL)
}
