package server_test

import (
	"bytes"
	"context"
	"errors"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/signet-dev/signet/coordinator/api"
	"github.com/signet-dev/signet/coordinator/client"
	"github.com/signet-dev/signet/coordinator/server"
)

// TestOperatorAuth calls every operator endpoint with every kind of
// credential: only admin may operate the cluster.
func TestOperatorAuth(t *testing.T) {
	dir := t.TempDir()
	tokFile := filepath.Join(dir, "admin.token")
	n := start(t, server.Config{NodeID: "solo", DataDir: filepath.Join(dir, "solo"), DevCADir: filepath.Join(dir, "ca"),
		Bootstrap: true, AdminTokenFile: tokFile})
	ctx := context.Background()
	eventually(t, "admin token file", func() error { _, err := os.Stat(tokFile); return err })
	admin := clientFor(t, n.info.CAFile, tokFile, n.info.APIURL)
	eventually(t, "admin token", func() error { _, err := admin.Tokens(ctx); return err })
	roles := map[string][]string{
		"read": {"read"}, "requester": {"request:release"}, "signer": {"sign:" + strings.Repeat("ab", 32)},
	}
	clients := map[string]*client.Client{"admin": admin}
	for role, scopes := range roles {
		nt, err := admin.CreateToken(ctx, api.CreateTokenBody{Name: role, Scopes: scopes})
		if err != nil {
			t.Fatal(err)
		}
		f := filepath.Join(dir, role+".token")
		if err := os.WriteFile(f, []byte(nt.Secret), 0o600); err != nil {
			t.Fatal(err)
		}
		clients[role] = clientFor(t, n.info.CAFile, f, n.info.APIURL)
	}
	bad := filepath.Join(dir, "bad.token")
	if err := os.WriteFile(bad, []byte("signet_0123456789abcdef_"+strings.Repeat("A", 43)), 0o600); err != nil {
		t.Fatal(err)
	}
	clients["bad-token"] = clientFor(t, n.info.CAFile, bad, n.info.APIURL)
	clients["anonymous"] = clientFor(t, n.info.CAFile, "", n.info.APIURL)
	// Taken after the tokens exist: restoring it keeps them.
	var snap bytes.Buffer
	if err := admin.SaveSnapshot(ctx, &snap); err != nil {
		t.Fatal(err)
	}
	peers, err := admin.Peers(ctx)
	if err != nil || len(peers) != 1 {
		t.Fatalf("peers: %+v %v", peers, err)
	}
	self := peers[0]
	calls := map[string]func(*client.Client) error{
		"list peers":  func(c *client.Client) error { _, err := c.Peers(ctx); return err },
		"add peer":    func(c *client.Client) error { return c.AddPeer(ctx, self.ID, self.RaftAddr) },
		"remove peer": func(c *client.Client) error { return c.RemovePeer(ctx, "ghost") },
		"save":        func(c *client.Client) error { return c.SaveSnapshot(ctx, &bytes.Buffer{}) },
		"restore":     func(c *client.Client) error { return c.RestoreSnapshot(ctx, snap.Bytes()) },
	}
	want := map[string]string{"admin": "", "read": "forbidden", "requester": "forbidden", "signer": "forbidden",
		"bad-token": "unauthenticated", "anonymous": "unauthenticated"}
	for name, call := range calls {
		for role, cl := range clients {
			err := call(cl)
			var ae *client.Error
			switch code := want[role]; {
			case code == "" && err != nil:
				t.Errorf("%s as %s: %v, want success", name, role, err)
			case code != "" && (!errors.As(err, &ae) || ae.Code != code):
				t.Errorf("%s as %s: %v, want %s", name, role, err, code)
			}
		}
	}
}
