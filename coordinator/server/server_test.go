package server_test

import (
	"bytes"
	"context"
	"crypto/tls"
	"crypto/x509"
	"errors"
	"fmt"
	"io"
	"net"
	"net/http"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/signet-dev/signet/coordinator/api"
	"github.com/signet-dev/signet/coordinator/client"
	"github.com/signet-dev/signet/coordinator/node"
	"github.com/signet-dev/signet/coordinator/server"
)

// running is one node started by start.
type running struct {
	info server.Info
	stop context.CancelFunc
	done chan error
}

func fast(c *node.Config) {
	c.HeartbeatTimeout, c.ElectionTimeout = 300*time.Millisecond, 300*time.Millisecond
	c.LeaderLeaseTimeout = 150 * time.Millisecond
}

// start runs a node in this process and waits until its API listens.
func start(t *testing.T, cfg server.Config) *running {
	t.Helper()
	cfg.RaftAddr, cfg.APIAddr, cfg.Tune = "127.0.0.1:0", "127.0.0.1:0", fast
	ctx, cancel := context.WithCancel(context.Background())
	r := &running{stop: cancel, done: make(chan error, 1)}
	ready := make(chan server.Info, 1)
	go func() { r.done <- server.Run(ctx, cfg, func(i server.Info) { ready <- i }) }()
	select {
	case r.info = <-ready:
	case err := <-r.done:
		t.Fatalf("node %s did not start: %v", cfg.NodeID, err)
	case <-time.After(20 * time.Second):
		t.Fatalf("node %s did not start in 20s", cfg.NodeID)
	}
	t.Cleanup(func() { r.halt(t) })
	return r
}

func (r *running) halt(t *testing.T) {
	t.Helper()
	r.stop()
	select {
	case err := <-r.done:
		if err != nil {
			t.Errorf("node %s stopped with %v", r.info.NodeID, err)
		}
		r.done <- nil // later halts return at once
	case <-time.After(20 * time.Second):
		t.Errorf("node %s did not stop in 20s", r.info.NodeID)
	}
}

func clientFor(t *testing.T, caFile, tokenFile string, urls ...string) *client.Client {
	t.Helper()
	pem, err := os.ReadFile(caFile)
	if err != nil {
		t.Fatal(err)
	}
	pool := x509.NewCertPool()
	pool.AppendCertsFromPEM(pem)
	var tok string
	if tokenFile != "" {
		b, err := os.ReadFile(tokenFile)
		if err != nil {
			t.Fatal(err)
		}
		tok = strings.TrimSpace(string(b))
	}
	cl, err := client.New(client.Config{Endpoints: urls, Token: tok, TLS: &tls.Config{RootCAs: pool}})
	if err != nil {
		t.Fatal(err)
	}
	return cl
}

// eventually retries f until it succeeds or 20 s pass.
func eventually(t *testing.T, what string, f func() error) {
	t.Helper()
	deadline := time.Now().Add(20 * time.Second)
	for {
		err := f()
		if err == nil {
			return
		}
		if time.Now().After(deadline) {
			t.Fatalf("%s: %v", what, err)
		}
		time.Sleep(100 * time.Millisecond)
	}
}

// TestClusterLifecycle bootstraps a node, joins two more, writes through
// a follower, fails the leader over, and saves and restores a snapshot.
func TestClusterLifecycle(t *testing.T) {
	dir := t.TempDir()
	ca, tokFile := filepath.Join(dir, "ca"), filepath.Join(dir, "admin.token")
	n1 := start(t, server.Config{NodeID: "n1", DataDir: filepath.Join(dir, "n1"), DevCADir: ca, Bootstrap: true, AdminTokenFile: tokFile})
	eventually(t, "admin token file", func() error { _, err := os.Stat(tokFile); return err })
	if fi, _ := os.Stat(tokFile); fi.Mode().Perm() != 0o600 {
		t.Fatalf("admin token file mode %v, want 0600", fi.Mode().Perm())
	}
	nodes := []*running{n1}
	for _, id := range []string{"n2", "n3"} {
		nodes = append(nodes, start(t, server.Config{NodeID: id, DataDir: filepath.Join(dir, id), DevCADir: ca,
			Join: []string{n1.info.APIURL}, JoinTokenFile: tokFile}))
	}
	ctx := context.Background()
	admin := clientFor(t, n1.info.CAFile, tokFile, n1.info.APIURL)
	eventually(t, "three voters", func() error {
		peers, err := admin.Peers(ctx)
		if err == nil && len(peers) != 3 {
			err = errors.New("not yet three peers")
		}
		return err
	})

	// A write sent to a follower is forwarded to the leader.
	viaN3 := clientFor(t, n1.info.CAFile, tokFile, nodes[2].info.APIURL)
	if _, err := viaN3.CreateToken(ctx, api.CreateTokenBody{Name: "ci", Scopes: []string{"read"}}); err != nil {
		t.Fatalf("write through follower n3: %v", err)
	}

	// A reader cannot operate the cluster.
	reader, err := admin.CreateToken(ctx, api.CreateTokenBody{Name: "reader", Scopes: []string{"read"}})
	if err != nil {
		t.Fatal(err)
	}
	readerFile := filepath.Join(dir, "reader.token")
	if err := os.WriteFile(readerFile, []byte(reader.Secret), 0o600); err != nil {
		t.Fatal(err)
	}
	var apiErr *client.Error
	if _, err := clientFor(t, n1.info.CAFile, readerFile, n1.info.APIURL).Peers(ctx); !errors.As(err, &apiErr) || apiErr.Code != "forbidden" {
		t.Fatalf("reader listing peers: %v, want forbidden", err)
	}

	var snap bytes.Buffer
	if err := admin.SaveSnapshot(ctx, &snap); err != nil {
		t.Fatalf("saving a snapshot: %v", err)
	}

	// Stop the leader (n1); the others elect a new one, which records its
	// API address so that followers forward to it.
	n1.halt(t)
	rest := clientFor(t, n1.info.CAFile, tokFile, nodes[1].info.APIURL, nodes[2].info.APIURL)
	eventually(t, "write after failover", func() error {
		_, err := rest.CreateToken(ctx, api.CreateTokenBody{Name: "after-failover", Scopes: []string{"read"}})
		return err
	})
	toks, err := rest.Tokens(ctx)
	if err != nil || len(toks) != 4 {
		t.Fatalf("tokens after failover: %d, %v", len(toks), err)
	}

	// Restoring the snapshot brings the state back to before the failover.
	if err := rest.RestoreSnapshot(ctx, snap.Bytes()); err != nil {
		t.Fatalf("restore: %v", err)
	}
	toks, err = rest.Tokens(ctx)
	if err != nil || len(toks) != 3 {
		t.Fatalf("tokens after restore: %d, %v (want 3)", len(toks), err)
	}
	if err := rest.RestoreSnapshot(ctx, []byte("not an archive")); !errors.As(err, &apiErr) || apiErr.Status != 400 {
		t.Fatalf("restoring garbage: %v, want 400", err)
	}
	if err := rest.RemovePeer(ctx, "n1"); err != nil {
		t.Fatalf("removing n1: %v", err)
	}
	peers, err := rest.Peers(ctx)
	if err != nil || len(peers) != 2 {
		t.Fatalf("peers after removing n1: %+v, %v", peers, err)
	}
}

// TestAdminTokenSurvivesCrash: a token file written before the token was
// applied (a crash in between) is applied on the next start, so the
// secret on disk is the one that works.
func TestAdminTokenSurvivesCrash(t *testing.T) {
	dir := t.TempDir()
	tokFile := filepath.Join(dir, "admin.token")
	op, secret, err := api.NewBootstrapOp(api.Config{}, "admin")
	if err != nil || op == nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(tokFile, []byte(secret+"\n"), 0o600); err != nil {
		t.Fatal(err)
	}
	n := start(t, server.Config{NodeID: "solo", DataDir: filepath.Join(dir, "solo"), DevCADir: filepath.Join(dir, "ca"),
		Bootstrap: true, AdminTokenFile: tokFile})
	cl := clientFor(t, n.info.CAFile, tokFile, n.info.APIURL)
	eventually(t, "the saved token works", func() error { _, err := cl.Tokens(context.Background()); return err })
	got, _ := os.ReadFile(tokFile)
	if strings.TrimSpace(string(got)) != secret {
		t.Fatal("the token file was rewritten")
	}
}

func TestConfigValidate(t *testing.T) {
	ok := server.Config{NodeID: "n1", DataDir: "d", RaftAddr: "127.0.0.1:0", APIAddr: "127.0.0.1:0", DevCADir: "ca"}
	tests := []struct {
		name    string
		mod     func(*server.Config)
		wantErr error
	}{
		{"valid", func(*server.Config) {}, nil},
		{"bad node id", func(c *server.Config) { c.NodeID = "a b" }, server.ErrConfig},
		{"no data dir", func(c *server.Config) { c.DataDir = "" }, server.ErrConfig},
		{"bad raft addr", func(c *server.Config) { c.RaftAddr = "nowhere" }, server.ErrConfig},
		{"no TLS", func(c *server.Config) { c.DevCADir = "" }, server.ErrConfig},
		{"half TLS", func(c *server.Config) { c.DevCADir = ""; c.TLS.CertFile = "c.pem" }, server.ErrConfig},
		{"dev and files", func(c *server.Config) { c.TLS = server.TLSFiles{CertFile: "c", KeyFile: "k", CAFile: "ca"} }, server.ErrConfig},
		{"bootstrap and join", func(c *server.Config) { c.Bootstrap = true; c.Join = []string{"https://a:1"}; c.JoinTokenFile = "t" }, server.ErrConfig},
		{"join without token", func(c *server.Config) { c.Join = []string{"https://a:1"} }, server.ErrConfig},
		{"join not a URL", func(c *server.Config) { c.Join = []string{"a:1"}; c.JoinTokenFile = "t" }, server.ErrConfig},
		{"peers without bootstrap", func(c *server.Config) { c.Peers = []node.Peer{{ID: "n2", Addr: "127.0.0.1:2"}} }, server.ErrConfig},
		{"bad advertise", func(c *server.Config) { c.APIAdvertise = "127.0.0.1:8443" }, server.ErrConfig},
		{"debug on loopback", func(c *server.Config) { c.DebugAddr = "127.0.0.1:6060" }, nil},
		{"debug on localhost", func(c *server.Config) { c.DebugAddr = "localhost:6060" }, nil},
		{"debug on ::1", func(c *server.Config) { c.DebugAddr = "[::1]:6060" }, nil},
		{"debug on a wildcard", func(c *server.Config) { c.DebugAddr = ":6060" }, server.ErrConfig},
		{"debug on another address", func(c *server.Config) { c.DebugAddr = "10.0.0.1:6060" }, server.ErrConfig},
		{"debug without port", func(c *server.Config) { c.DebugAddr = "127.0.0.1" }, server.ErrConfig},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			c := ok
			tt.mod(&c)
			if err := c.Validate(); !errors.Is(err, tt.wantErr) {
				t.Fatalf("Validate() = %v, want %v", err, tt.wantErr)
			}
		})
	}
}

func TestWildcardNeedsAdvertise(t *testing.T) {
	dir := t.TempDir()
	err := server.Run(context.Background(), server.Config{NodeID: "n1", DataDir: dir, RaftAddr: "0.0.0.0:0", APIAddr: "127.0.0.1:0",
		DevCADir: filepath.Join(dir, "ca"), Bootstrap: true}, nil)
	if !errors.Is(err, server.ErrConfig) || !strings.Contains(err.Error(), "--raft-advertise") {
		t.Fatalf("Run with a wildcard raft address = %v, want ErrConfig naming --raft-advertise", err)
	}
}

// TestDebugEndpoint: --debug-addr serves the profiling index on loopback,
// and nothing else of the API is there.
func TestDebugEndpoint(t *testing.T) {
	dir := t.TempDir()
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	addr := ln.Addr().String()
	ln.Close() // a free port for the node to take
	start(t, server.Config{NodeID: "n1", DataDir: filepath.Join(dir, "n1"), DevCADir: filepath.Join(dir, "ca"),
		Bootstrap: true, DebugAddr: addr})
	var body []byte
	eventually(t, "the profiling index", func() error {
		resp, err := http.Get("http://" + addr + "/debug/pprof/")
		if err != nil {
			return err
		}
		defer resp.Body.Close()
		body, err = io.ReadAll(io.LimitReader(resp.Body, 1<<20))
		if err != nil {
			return err
		}
		if resp.StatusCode != http.StatusOK {
			return fmt.Errorf("status %s", resp.Status)
		}
		return nil
	})
	if !strings.Contains(string(body), "goroutine") {
		t.Errorf("the profiling index does not list the goroutine profile: %.200s", body)
	}
	resp, err := http.Get("http://" + addr + "/v1/health")
	if err != nil {
		t.Fatal(err)
	}
	resp.Body.Close()
	if resp.StatusCode != http.StatusNotFound {
		t.Errorf("GET /v1/health on the debug address: %s, want 404", resp.Status)
	}
}
