package server

import (
	"errors"
	"fmt"
	"log/slog"
	"net"
	"net/url"
	"time"

	"github.com/signet-dev/signet/coordinator/api"
	"github.com/signet-dev/signet/coordinator/internal/state"
	"github.com/signet-dev/signet/coordinator/node"
)

// ErrConfig means a Config field is invalid; the message names it.
var ErrConfig = errors.New("invalid coordinator configuration")

// TLSFiles names the PEM files of a node's TLS identity.
type TLSFiles struct {
	CertFile string // node certificate (chain), with the urn:signet:node:<id> URI SAN
	KeyFile  string // its private key
	CAFile   string // the cluster CA certificate(s)
}

// Config configures a coordinator node.
type Config struct {
	NodeID  string
	DataDir string
	// RaftAddr and APIAddr are the listen addresses (host:port; port 0
	// picks a free one).
	RaftAddr string
	APIAddr  string
	// RaftAdvertise is the raft address other nodes dial and APIAdvertise
	// the API base URL clients and nodes use; by default derived from the
	// listeners, which then must not be wildcards.
	RaftAdvertise string
	APIAdvertise  string

	Bootstrap bool
	Peers     []node.Peer
	// Join lists API URLs of existing nodes to ask for membership;
	// JoinTokenFile holds an admin token for it.
	Join          []string
	JoinTokenFile string

	// DevCADir enables dev TLS from a development CA in that directory;
	// otherwise TLS is required.
	DevCADir string
	TLS      TLSFiles
	// CertIdentities maps API client certificate names to identities.
	CertIdentities map[string]api.CertIdentity

	// AdminTokenFile receives the cluster's first admin token.
	AdminTokenFile string

	// DebugAddr, when set, serves Go's profiling endpoints
	// (/debug/pprof/) over plain HTTP on that loopback address.
	DebugAddr string

	Logger *slog.Logger
	// Tune adjusts the raft node's configuration (timeouts, snapshot
	// thresholds) before it opens; for tests and benchmarks.
	Tune func(*node.Config)
	// Now is the clock (time.Now when nil).
	Now func() time.Time
}

// Validate checks the configuration and says which field is wrong.
func (c *Config) Validate() error {
	if err := state.CheckNodeID(c.NodeID); err != nil {
		return fmt.Errorf("%w: --node-id: %w", ErrConfig, err)
	}
	if c.DataDir == "" {
		return fmt.Errorf("%w: give a data directory (--data-dir)", ErrConfig)
	}
	for name, a := range map[string]string{"raft address": c.RaftAddr, "API address": c.APIAddr} {
		if _, _, err := net.SplitHostPort(a); err != nil {
			return fmt.Errorf("%w: %s %q: want host:port", ErrConfig, name, a)
		}
	}
	if c.APIAdvertise != "" {
		if err := state.CheckAPIAddr(c.APIAdvertise); err != nil {
			return fmt.Errorf("%w: --api-advertise: %w", ErrConfig, err)
		}
	}
	if err := c.validateTLS(); err != nil {
		return err
	}
	if c.DebugAddr != "" {
		if err := checkDebugAddr(c.DebugAddr); err != nil {
			return err
		}
	}
	switch {
	case c.Bootstrap && len(c.Join) > 0:
		return fmt.Errorf("%w: --bootstrap and --join exclude each other: bootstrap the first node, join the others", ErrConfig)
	case len(c.Peers) > 0 && !c.Bootstrap:
		return fmt.Errorf("%w: --peer is only used with --bootstrap", ErrConfig)
	case len(c.Join) > 0 && c.JoinTokenFile == "":
		return fmt.Errorf("%w: --join needs --join-token-file with an admin token of the cluster", ErrConfig)
	}
	for _, j := range c.Join {
		if u, err := url.Parse(j); err != nil || (u.Scheme != "https" && u.Scheme != "http") || u.Host == "" {
			return fmt.Errorf("%w: --join %q: want an API URL such as https://10.0.0.1:8443", ErrConfig, j)
		}
	}
	return nil
}

func (c *Config) validateTLS() error {
	files := c.TLS.CertFile != "" || c.TLS.KeyFile != "" || c.TLS.CAFile != ""
	switch {
	case c.DevCADir != "" && files:
		return fmt.Errorf("%w: choose dev TLS (--dev-ca) or certificate files (--tls-cert/--tls-key/--tls-ca), not both", ErrConfig)
	case c.DevCADir == "" && (c.TLS.CertFile == "" || c.TLS.KeyFile == "" || c.TLS.CAFile == ""):
		return fmt.Errorf("%w: TLS is required: give --tls-cert, --tls-key and --tls-ca, or --dev-ca DIR for a development CA", ErrConfig)
	}
	return nil
}
