package cli

import (
	"fmt"
	"log/slog"
	"strings"

	"github.com/spf13/cobra"
	"go.yaml.in/yaml/v3"

	"github.com/signet-dev/signet/cmd/internal/ops"
	"github.com/signet-dev/signet/coordinator/api"
	"github.com/signet-dev/signet/coordinator/node"
	"github.com/signet-dev/signet/coordinator/server"
)

// maxCoordinatorConfig bounds a coordinator configuration file.
const maxCoordinatorConfig = 1 << 20

// coordinatorCommands are the commands that run and operate coordinator
// nodes (signet coordinator, signet operator).
func coordinatorCommands(env Env) []*cobra.Command {
	return []*cobra.Command{coordinatorCmd(env), operatorCmd(env)}
}

// coordinatorFile is the YAML configuration file of `signet coordinator
// --config`; flags given on the command line override it.
type coordinatorFile struct {
	NodeID         string                     `yaml:"node_id"`
	DataDir        string                     `yaml:"data_dir"`
	RaftAddr       string                     `yaml:"raft_addr"`
	APIAddr        string                     `yaml:"api_addr"`
	RaftAdvertise  string                     `yaml:"raft_advertise"`
	APIAdvertise   string                     `yaml:"api_advertise"`
	Bootstrap      bool                       `yaml:"bootstrap"`
	Peers          []string                   `yaml:"peers"`
	Join           []string                   `yaml:"join"`
	JoinTokenFile  string                     `yaml:"join_token_file"`
	DevCA          string                     `yaml:"dev_ca"`
	TLSCert        string                     `yaml:"tls_cert"`
	TLSKey         string                     `yaml:"tls_key"`
	TLSCA          string                     `yaml:"tls_ca"`
	AdminTokenFile string                     `yaml:"admin_token_file"`
	LogLevel       string                     `yaml:"log_level"`
	DebugAddr      string                     `yaml:"debug_addr"`
	CertIdentities map[string]certIdentityRow `yaml:"cert_identities"`
}

type certIdentityRow struct {
	Identity string   `yaml:"identity"`
	Scopes   []string `yaml:"scopes"`
}

func coordinatorCmd(env Env) *cobra.Command {
	var configFile string
	f := coordinatorFile{RaftAddr: "127.0.0.1:7301", APIAddr: "127.0.0.1:8301", LogLevel: "info"}
	cmd := &cobra.Command{
		Use:   "coordinator",
		Short: "Run a coordinator node (raft + the /v1 API over TLS)",
		Long: `Run one coordinator node until interrupted.

The first node of a cluster starts with --bootstrap (and --admin-token-file to
receive the cluster's first admin token); the others start with --join pointing
at a running node and --join-token-file holding an admin token. Restarting a
node with the same --data-dir resumes it; --bootstrap and --join then do
nothing. TLS is required: --tls-cert/--tls-key/--tls-ca, or --dev-ca DIR for a
development CA shared by the nodes of one machine (clients trust DIR/ca.crt).

A node prints one line "coordinator NODE ready: api=URL raft=ADDR ca=FILE" on
standard output once its API listens. Logs (JSON) go to standard error.
See docs/operations.md.`,
		Example: `  signet coordinator --node-id node1 --data-dir /var/lib/signet/node1 --dev-ca /var/lib/signet/ca \
    --bootstrap --admin-token-file /root/admin.token
  signet coordinator --node-id node2 --data-dir /var/lib/signet/node2 --dev-ca /var/lib/signet/ca \
    --raft-addr 127.0.0.1:7302 --api-addr 127.0.0.1:8302 \
    --join https://127.0.0.1:8301 --join-token-file /root/admin.token`,
		Args: cobra.NoArgs,
		RunE: func(cmd *cobra.Command, _ []string) error {
			if configFile != "" {
				if err := loadCoordinatorFile(configFile, &f, cmd); err != nil {
					return err
				}
			}
			cfg, err := f.config(env)
			if err != nil {
				return err
			}
			return server.Run(cmd.Context(), cfg, func(i server.Info) {
				fmt.Fprintf(env.Stdout, "coordinator %s ready: api=%s raft=%s ca=%s\n", i.NodeID, i.APIURL, i.RaftAddr, i.CAFile)
			})
		},
	}
	fs := cmd.Flags()
	fs.StringVar(&configFile, "config", "", "YAML configuration file (keys as the flags, with _ for -); flags override it")
	fs.StringVar(&f.NodeID, "node-id", "", "this node's id (letters, digits, . - _)")
	fs.StringVar(&f.DataDir, "data-dir", "", "directory for the raft log and snapshots")
	fs.StringVar(&f.RaftAddr, "raft-addr", f.RaftAddr, "raft listen address")
	fs.StringVar(&f.APIAddr, "api-addr", f.APIAddr, "API listen address")
	fs.StringVar(&f.RaftAdvertise, "raft-advertise", "", "raft address other nodes dial (default: the listen address)")
	fs.StringVar(&f.APIAdvertise, "api-advertise", "", "API base URL others use (default: https://<api-addr>)")
	fs.BoolVar(&f.Bootstrap, "bootstrap", false, "start a new cluster if the data directory is empty")
	fs.StringArrayVar(&f.Peers, "peer", nil, "with --bootstrap: another initial node as ID=RAFTADDR (repeatable; give every initial node the same list)")
	fs.StringArrayVar(&f.Join, "join", nil, "API URL of a running node to join through (repeatable)")
	fs.StringVar(&f.JoinTokenFile, "join-token-file", "", "file holding an admin token, for --join")
	fs.StringVar(&f.DevCA, "dev-ca", "", "development CA directory (created on first use); instead of --tls-*")
	fs.StringVar(&f.TLSCert, "tls-cert", "", "PEM node certificate (URI SAN urn:signet:node:ID)")
	fs.StringVar(&f.TLSKey, "tls-key", "", "PEM private key of --tls-cert")
	fs.StringVar(&f.TLSCA, "tls-ca", "", "PEM cluster CA certificate")
	fs.StringVar(&f.AdminTokenFile, "admin-token-file", "", "write the cluster's first admin token here (0600) when this node leads a cluster without tokens")
	fs.StringVar(&f.LogLevel, "log-level", f.LogLevel, "debug, info, warn or error")
	fs.StringVar(&f.DebugAddr, "debug-addr", "", "serve Go profiling endpoints (/debug/pprof/) on this loopback address, e.g. 127.0.0.1:6060")
	return cmd
}

// loadCoordinatorFile fills f from a YAML file, keeping the flags the
// command line set.
func loadCoordinatorFile(path string, f *coordinatorFile, cmd *cobra.Command) error {
	data, err := ops.ReadLimited(path, maxCoordinatorConfig)
	if err != nil {
		return usageErr("--config: %v", err)
	}
	fromFlags := *f
	var file coordinatorFile
	dec := yaml.NewDecoder(strings.NewReader(string(data)))
	dec.KnownFields(true)
	if err := dec.Decode(&file); err != nil {
		return usageErr("--config %s: %v", path, err)
	}
	*f = file
	if f.RaftAddr == "" {
		f.RaftAddr = fromFlags.RaftAddr
	}
	if f.APIAddr == "" {
		f.APIAddr = fromFlags.APIAddr
	}
	if f.LogLevel == "" {
		f.LogLevel = fromFlags.LogLevel
	}
	overrideChanged(cmd, f, &fromFlags)
	return nil
}

// overrideChanged copies the flags set on the command line over the file's
// values.
func overrideChanged(cmd *cobra.Command, f, flags *coordinatorFile) {
	strs := map[string][2]*string{
		"node-id": {&f.NodeID, &flags.NodeID}, "data-dir": {&f.DataDir, &flags.DataDir},
		"raft-addr": {&f.RaftAddr, &flags.RaftAddr}, "api-addr": {&f.APIAddr, &flags.APIAddr},
		"raft-advertise": {&f.RaftAdvertise, &flags.RaftAdvertise}, "api-advertise": {&f.APIAdvertise, &flags.APIAdvertise},
		"join-token-file": {&f.JoinTokenFile, &flags.JoinTokenFile}, "dev-ca": {&f.DevCA, &flags.DevCA},
		"tls-cert": {&f.TLSCert, &flags.TLSCert}, "tls-key": {&f.TLSKey, &flags.TLSKey}, "tls-ca": {&f.TLSCA, &flags.TLSCA},
		"admin-token-file": {&f.AdminTokenFile, &flags.AdminTokenFile}, "log-level": {&f.LogLevel, &flags.LogLevel},
		"debug-addr": {&f.DebugAddr, &flags.DebugAddr},
	}
	for name, p := range strs {
		if cmd.Flags().Changed(name) {
			*p[0] = *p[1]
		}
	}
	if cmd.Flags().Changed("bootstrap") {
		f.Bootstrap = flags.Bootstrap
	}
	if cmd.Flags().Changed("peer") {
		f.Peers = flags.Peers
	}
	if cmd.Flags().Changed("join") {
		f.Join = flags.Join
	}
}

// config turns the file/flags into a server configuration.
func (f *coordinatorFile) config(env Env) (server.Config, error) {
	var level slog.Level
	if err := level.UnmarshalText([]byte(f.LogLevel)); err != nil {
		return server.Config{}, usageErr("--log-level %q: want debug, info, warn or error", f.LogLevel)
	}
	cfg := server.Config{
		NodeID: f.NodeID, DataDir: f.DataDir, RaftAddr: f.RaftAddr, APIAddr: f.APIAddr,
		RaftAdvertise: f.RaftAdvertise, APIAdvertise: f.APIAdvertise, Bootstrap: f.Bootstrap,
		Join: f.Join, JoinTokenFile: f.JoinTokenFile, DevCADir: f.DevCA,
		TLS:            server.TLSFiles{CertFile: f.TLSCert, KeyFile: f.TLSKey, CAFile: f.TLSCA},
		AdminTokenFile: f.AdminTokenFile, DebugAddr: f.DebugAddr,
		Logger: slog.New(slog.NewJSONHandler(env.Stderr, &slog.HandlerOptions{Level: level})),
	}
	for _, p := range f.Peers {
		id, addr, ok := strings.Cut(p, "=")
		if !ok || id == "" || addr == "" {
			return cfg, usageErr("--peer %q: want ID=RAFTADDR such as node2=10.0.0.2:7301", p)
		}
		cfg.Peers = append(cfg.Peers, node.Peer{ID: id, Addr: addr})
	}
	if len(f.CertIdentities) > 0 {
		cfg.CertIdentities = map[string]api.CertIdentity{}
		for name, ci := range f.CertIdentities {
			cfg.CertIdentities[name] = api.CertIdentity{Identity: ci.Identity, Scopes: ci.Scopes}
		}
	}
	if err := cfg.Validate(); err != nil {
		return cfg, usageErr("%v", err)
	}
	return cfg, nil
}
