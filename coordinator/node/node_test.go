package node

import (
	"bytes"
	"context"
	"crypto/tls"
	"crypto/x509"
	"errors"
	"net/url"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/hashicorp/raft"

	"github.com/signet-dev/signet/coordinator/internal/command"
	"github.com/signet-dev/signet/coordinator/internal/devca"
	"github.com/signet-dev/signet/coordinator/internal/state"
)

func testTLS(t testing.TB, caDir, id string) *tls.Config {
	t.Helper()
	ca, err := devca.Open(caDir, devca.Options{})
	if err != nil {
		t.Fatal(err)
	}
	p, err := ca.EnsureNode(id)
	if err != nil {
		t.Fatal(err)
	}
	return ca.NodeTLS(p)
}

func singleConfig(t *testing.T, dir string) Config {
	return Config{NodeID: "solo", DataDir: filepath.Join(dir, "solo"), RaftAddr: "127.0.0.1:0",
		TLS: testTLS(t, filepath.Join(dir, "ca"), "solo"), Bootstrap: true, ExpireInterval: -1,
		HeartbeatTimeout: 200 * time.Millisecond, ElectionTimeout: 200 * time.Millisecond,
		LeaderLeaseTimeout: 100 * time.Millisecond}
}

func openLeader(t *testing.T, cfg Config) *Node {
	t.Helper()
	n, err := Open(context.Background(), cfg)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { _ = n.Close(context.Background()) })
	waitFor(t, 10*time.Second, "the single node to lead", n.IsLeader)
	return n
}

func mustApply(t *testing.T, n *Node, op state.Op) {
	t.Helper()
	resp, err := n.Apply(context.Background(), op)
	if err != nil || resp.Err != nil {
		t.Fatalf("apply %T: %v / %+v", op, err, resp)
	}
}

func hashOf(t *testing.T, n *Node) string {
	t.Helper()
	h, err := n.FSM().Hash()
	if err != nil {
		t.Fatal(err)
	}
	return h
}

func TestValidate(t *testing.T) {
	dir := t.TempDir()
	good := singleConfig(t, dir)
	for _, tc := range []struct {
		name    string
		change  func(c *Config)
		wantErr error
	}{
		{"good", func(c *Config) {}, nil},
		{"no node id", func(c *Config) { c.NodeID = "" }, ErrConfig},
		{"bad node id", func(c *Config) { c.NodeID = "a/b" }, ErrConfig},
		{"no data dir", func(c *Config) { c.DataDir = "" }, ErrConfig},
		{"bad raft addr", func(c *Config) { c.RaftAddr = "localhost" }, ErrConfig},
		{"wildcard advertise", func(c *Config) { c.AdvertiseAddr = "0.0.0.0:7301" }, ErrConfig},
		{"no TLS", func(c *Config) { c.TLS = nil }, ErrConfig},
		{"TLS without CA", func(c *Config) { c.TLS = &tls.Config{Certificates: c.TLS.Certificates} }, ErrConfig},
		{"TLS without certificate", func(c *Config) { c.TLS = &tls.Config{RootCAs: c.TLS.RootCAs, ClientCAs: c.TLS.ClientCAs} }, ErrConfig},
		{"insecure TLS", func(c *Config) { c.TLS = c.TLS.Clone(); c.TLS.InsecureSkipVerify = true }, ErrConfig},
		{"duplicate peer", func(c *Config) { c.Peers = []Peer{{"a", "h:1"}, {"a", "h:2"}} }, ErrConfig},
		{"peer without port", func(c *Config) { c.Peers = []Peer{{"a", "h"}} }, ErrConfig},
		{"peers without bootstrap", func(c *Config) { c.Bootstrap = false; c.Peers = []Peer{{"a", "h:1"}} }, ErrConfig},
		{"too many append entries", func(c *Config) { c.MaxAppendEntries = 2000 }, ErrConfig},
		{"negative timeout", func(c *Config) { c.ApplyTimeout = -1 }, ErrConfig},
	} {
		t.Run(tc.name, func(t *testing.T) {
			c := good
			tc.change(&c)
			if err := c.Validate(); !errors.Is(err, tc.wantErr) {
				t.Errorf("Validate() = %v, want %v", err, tc.wantErr)
			}
		})
	}
}

// TestRestartKeepsStateAndDoesNotRebootstrap closes a bootstrapped node
// and opens it again with Bootstrap still set.
func TestRestartKeepsStateAndDoesNotRebootstrap(t *testing.T) {
	cfg := singleConfig(t, t.TempDir())
	n := openLeader(t, cfg)
	w := newWorkload(t)
	for _, op := range w.setup() {
		mustApply(t, n, op)
	}
	mustApply(t, n, create("r1", "slsa"))
	resp, err := n.Apply(context.Background(), create("r2", "no-such-policy"))
	if err != nil || !errors.Is(resp.Err, state.ErrUnknownPolicy) {
		t.Fatalf("unknown policy: %v / %+v", err, resp)
	}
	want, index := hashOf(t, n), n.FSM().Index()
	addr := n.Addr()
	if err := n.Close(context.Background()); err != nil {
		t.Fatal(err)
	}
	if _, err := n.Apply(context.Background(), create("r3", "slsa")); !errors.Is(err, ErrClosed) {
		t.Errorf("apply after Close: %v, want ErrClosed", err)
	}
	cfg.RaftAddr = addr
	n2 := openLeader(t, cfg)
	if err := n2.Barrier(context.Background()); err != nil {
		t.Fatal(err)
	}
	if got := hashOf(t, n2); got != want || n2.FSM().Index() < index {
		t.Errorf("after restart hash %s index %d, want %s and at least %d", got, n2.FSM().Index(), want, index)
	}
	peers, err := n2.Peers(context.Background())
	if err != nil || len(peers) != 1 || !peers[0].Leader || peers[0].ID != "solo" {
		t.Errorf("peers %+v, %v", peers, err)
	}
	if n2.Stats()["state"] != "Leader" {
		t.Errorf("stats: %v", n2.Stats())
	}
}

func TestDataDirInUse(t *testing.T) {
	cfg := singleConfig(t, t.TempDir())
	openLeader(t, cfg)
	_, err := Open(context.Background(), cfg)
	if err == nil || !strings.Contains(err.Error(), "another node") {
		t.Fatalf("second Open on the same data directory: %v", err)
	}
}

func TestApplyErrors(t *testing.T) {
	n := openLeader(t, singleConfig(t, t.TempDir()))
	cancelled, cancel := context.WithCancel(context.Background())
	cancel()
	for _, tc := range []struct {
		name    string
		ctx     context.Context
		op      state.Op
		wantErr error
	}{
		{"cancelled context", cancelled, create("r1", "slsa"), context.Canceled},
		{"nil operation", context.Background(), nil, command.ErrUnknownType},
		{"typed nil operation", context.Background(), (*state.Expire)(nil), command.ErrUnknownType},
		{"unstamped operation", context.Background(), &state.Expire{}, command.ErrMalformed},
	} {
		if _, err := n.Apply(tc.ctx, tc.op); !errors.Is(err, tc.wantErr) {
			t.Errorf("%s: %v, want %v", tc.name, err, tc.wantErr)
		}
	}
}

func TestSnapshotSaveRestore(t *testing.T) {
	n := openLeader(t, singleConfig(t, t.TempDir()))
	for _, op := range newWorkload(t).setup() {
		mustApply(t, n, op)
	}
	mustApply(t, n, create("before", "slsa"))
	saved := hashOf(t, n)
	var buf bytes.Buffer
	info, err := n.Snapshot(context.Background(), &buf)
	if err != nil {
		t.Fatal(err)
	}
	var again bytes.Buffer // nothing applied since: the latest snapshot is saved
	if info2, err := n.Snapshot(context.Background(), &again); err != nil || info2.SHA256 != info.SHA256 {
		t.Fatalf("second snapshot: %v, %+v vs %+v", err, info2, info)
	}
	mustApply(t, n, create("after", "slsa"))
	current := hashOf(t, n)
	for _, tc := range badArchives(t, buf.Bytes()) {
		if err := n.Restore(context.Background(), bytes.NewReader(tc.data)); !errors.Is(err, ErrSnapshotArchive) {
			t.Errorf("restore of %s: %v, want ErrSnapshotArchive", tc.name, err)
		}
	}
	if hashOf(t, n) != current {
		t.Fatal("a bad archive changed the state")
	}
	if err := n.Restore(context.Background(), bytes.NewReader(buf.Bytes())); err != nil {
		t.Fatal(err)
	}
	if got := hashOf(t, n); got != saved {
		t.Errorf("hash after restore %s, want %s", got, saved)
	}
	mustApply(t, n, create("after-restore", "slsa"))
}

type namedArchive struct {
	name string
	data []byte
}

// badArchives derives damaged archives from a good one.
func badArchives(t *testing.T, good []byte) []namedArchive {
	info, data, err := readArchive(bytes.NewReader(good), 1<<30)
	if err != nil {
		t.Fatal(err)
	}
	build := func(info SnapshotInfo, data []byte) []byte {
		var b bytes.Buffer
		if err := writeArchive(&b, info, data); err != nil {
			t.Fatal(err)
		}
		return b.Bytes()
	}
	wrongSum := info
	wrongSum.SHA256 = strings.Repeat("0", 64)
	wrongFormat := info
	wrongFormat.Format = "consul-snapshot"
	garbage := []byte(`{"format":"signet-coordinator-state","version":1,"index":1,"state":{"keys":null}}`)
	garbageInfo := info
	garbageInfo.Size = int64(len(garbage))
	garbageInfo.SHA256 = sha(garbage)
	return []namedArchive{
		{"not gzip", []byte("plain text")},
		{"truncated", good[:len(good)/2]},
		{"wrong checksum", build(wrongSum, data)},
		{"wrong format", build(wrongFormat, data)},
		{"state that does not load", build(garbageInfo, garbage)},
	}
}

func TestReadArchive(t *testing.T) {
	info := SnapshotInfo{Format: ArchiveFormat, Version: ArchiveVersion, Node: "n1", Index: 7, Term: 2}
	data := []byte(`{"x":1}`)
	info.Size, info.SHA256 = int64(len(data)), sha(data)
	var b bytes.Buffer
	if err := writeArchive(&b, info, data); err != nil {
		t.Fatal(err)
	}
	got, gotData, err := readArchive(bytes.NewReader(b.Bytes()), 1<<20)
	if err != nil || got.Index != 7 || !bytes.Equal(gotData, data) {
		t.Fatalf("round trip: %+v %q %v", got, gotData, err)
	}
	if _, _, err := readArchive(bytes.NewReader(b.Bytes()), 3); !errors.Is(err, ErrSnapshotArchive) {
		t.Errorf("over the size limit: %v", err)
	}
}

func FuzzReadArchive(f *testing.F) {
	data := []byte(`{"format":"x"}`)
	info := SnapshotInfo{Format: ArchiveFormat, Version: ArchiveVersion, Size: int64(len(data)), SHA256: sha(data)}
	var b bytes.Buffer
	_ = writeArchive(&b, info, data)
	f.Add(b.Bytes())
	f.Add([]byte{0x1f, 0x8b})
	f.Fuzz(func(t *testing.T, in []byte) {
		got, d, err := readArchive(bytes.NewReader(in), 1<<20)
		if err != nil {
			if !errors.Is(err, ErrSnapshotArchive) {
				t.Fatalf("error without ErrSnapshotArchive: %v", err)
			}
			return
		}
		if int64(len(d)) != got.Size || sha(d) != got.SHA256 {
			t.Fatalf("accepted an archive whose state does not match its meta: %+v", got)
		}
	})
}

func TestNotLeaderError(t *testing.T) {
	err := error(&NotLeaderError{LeaderID: "n2", LeaderAddr: "10.0.0.2:7301", Err: errors.Join(raft.ErrLeadershipLost, ErrOutcomeUnknown)})
	if !errors.Is(err, ErrNotLeader) || !errors.Is(err, ErrOutcomeUnknown) || !errors.Is(err, raft.ErrLeadershipLost) {
		t.Errorf("errors.Is does not see the causes of %v", err)
	}
	var nl *NotLeaderError
	if !errors.As(err, &nl) || nl.LeaderID != "n2" || !strings.Contains(err.Error(), "n2 at 10.0.0.2:7301") {
		t.Errorf("message %q", err)
	}
	if err := (&NotLeaderError{}); !strings.Contains(err.Error(), "no leader is known") || !errors.Is(err, ErrNotLeader) {
		t.Errorf("message %q", err)
	}
}

func TestRequireNodeCert(t *testing.T) {
	mk := func(uris ...string) *x509.Certificate {
		c := &x509.Certificate{}
		for _, s := range uris {
			u, _ := url.Parse(s)
			c.URIs = append(c.URIs, u)
		}
		return c
	}
	for _, tc := range []struct {
		name    string
		cert    *x509.Certificate
		wantErr error
	}{
		{"node", mk("urn:signet:node:n1"), nil},
		{"user", mk("urn:signet:user:alice"), ErrPeerRefused},
		{"none", mk(), ErrPeerRefused},
		{"empty id", mk("urn:signet:node:"), ErrPeerRefused},
	} {
		if err := RequireNodeCert(tc.cert); !errors.Is(err, tc.wantErr) {
			t.Errorf("%s: %v, want %v", tc.name, err, tc.wantErr)
		}
	}
}

// TestNodeStopsAtUnreadableEntry: a node's FSM stops (panics, ending the
// process) at a committed entry it cannot decode, with a message that
// says to upgrade, instead of applying it as a refusal and diverging.
func TestNodeStopsAtUnreadableEntry(t *testing.T) {
	n := openLeader(t, singleConfig(t, t.TempDir()))
	defer func() {
		p := recover()
		msg, _ := p.(string)
		if !strings.Contains(msg, "raft log entry 999999") || !strings.Contains(msg, "upgrade it") {
			t.Fatalf("panic = %v, want one naming the entry and saying to upgrade", p)
		}
	}()
	n.fsm.Apply(&raft.Log{Index: 999999, Type: raft.LogCommand, Data: []byte{42, '{', '}'}})
	t.Fatal("the node applied an entry it cannot read")
}
