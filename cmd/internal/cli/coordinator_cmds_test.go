package cli

import (
	"os"
	"path/filepath"
	"strings"
	"testing"
)

func TestCoordinatorUsageErrors(t *testing.T) {
	dir := t.TempDir()
	unknown := filepath.Join(dir, "unknown.yaml")
	if err := os.WriteFile(unknown, []byte("node_id: n1\nraft_adress: 1.2.3.4:5\n"), 0o644); err != nil {
		t.Fatal(err)
	}
	tests := []struct {
		name string
		args []string
		want string
	}{
		{"no TLS", []string{"coordinator", "--node-id", "n1", "--data-dir", dir}, "TLS is required"},
		{"no node id", []string{"coordinator", "--data-dir", dir, "--dev-ca", dir}, "node id"},
		{"bad peer", []string{"coordinator", "--node-id", "n1", "--data-dir", dir, "--dev-ca", dir, "--bootstrap", "--peer", "n2"}, "want ID=RAFTADDR"},
		{"join without token", []string{"coordinator", "--node-id", "n1", "--data-dir", dir, "--dev-ca", dir, "--join", "https://a:1"}, "--join-token-file"},
		{"unknown config key", []string{"coordinator", "--config", unknown}, "raft_adress"},
		{"bad log level", []string{"coordinator", "--node-id", "n1", "--data-dir", dir, "--dev-ca", dir, "--log-level", "loud"}, "--log-level"},
		{"restore non-archive", []string{"operator", "snapshot", "restore", unknown, "--coordinator", "https://127.0.0.1:1"}, "not a snapshot archive"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			o := runCLI(t, "", tt.args...)
			if o.code != 2 || !strings.Contains(o.stderr, tt.want) {
				t.Fatalf("exit %d, stderr %q; want 2 and %q", o.code, o.stderr, tt.want)
			}
		})
	}
}

// TestCoordinatorConfigFile: the file fills the configuration and flags
// given on the command line win.
func TestCoordinatorConfigFile(t *testing.T) {
	dir := t.TempDir()
	file := filepath.Join(dir, "node.yaml")
	yaml := "node_id: n1\ndata_dir: /var/lib/signet/n1\nraft_addr: 10.0.0.1:7301\ndev_ca: /var/lib/signet/ca\n" +
		"bootstrap: true\npeers: [\"n2=10.0.0.2:7301\"]\ncert_identities:\n  ci.example.com: {identity: ci, scopes: [\"request:release\"]}\n"
	if err := os.WriteFile(file, []byte(yaml), 0o644); err != nil {
		t.Fatal(err)
	}
	cmd := coordinatorCmd(Env{})
	if err := cmd.ParseFlags([]string{"--node-id", "override", "--api-addr", "10.0.0.1:8443"}); err != nil {
		t.Fatal(err)
	}
	f := coordinatorFile{RaftAddr: "127.0.0.1:7301", APIAddr: "10.0.0.1:8443", NodeID: "override", LogLevel: "info"}
	if err := loadCoordinatorFile(file, &f, cmd); err != nil {
		t.Fatal(err)
	}
	cfg, err := f.config(Env{Stderr: os.Stderr})
	if err != nil {
		t.Fatal(err)
	}
	switch {
	case cfg.NodeID != "override", cfg.APIAddr != "10.0.0.1:8443", cfg.RaftAddr != "10.0.0.1:7301",
		cfg.DevCADir != "/var/lib/signet/ca", !cfg.Bootstrap, len(cfg.Peers) != 1 || cfg.Peers[0].ID != "n2",
		cfg.CertIdentities["ci.example.com"].Identity != "ci":
		t.Fatalf("config = %+v", cfg)
	}
}
