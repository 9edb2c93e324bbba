package node

import (
	"crypto/tls"
	"crypto/x509"
	"fmt"
	"log/slog"
	"net"
	"time"

	"github.com/signet-dev/signet/coordinator/internal/state"
)

// Defaults of Config.
const (
	DefaultSnapshotRetain    = 3
	DefaultSnapshotThreshold = 8192
	DefaultSnapshotInterval  = 2 * time.Minute
	DefaultTrailingLogs      = 10240
	DefaultApplyTimeout      = 10 * time.Second
	DefaultExpireInterval    = 10 * time.Second
	DefaultMaxAppendEntries  = 256
	// ExpireActor is the actor stamped into the expiry commands the
	// leader issues by itself.
	ExpireActor = "signet-coordinator"
)

// Peer is a raft server: its node id and raft address (host:port).
type Peer struct {
	ID   string `json:"id"`
	Addr string `json:"addr"`
}

// Config configures a Node. NodeID, DataDir, TLS and RaftAddr (or
// Listener) are required; zero durations and sizes take the defaults
// above (raft's own for the timeouts).
type Config struct {
	NodeID  string
	DataDir string
	// RaftAddr is the address the raft transport listens on, such as
	// "0.0.0.0:7301" or "127.0.0.1:0".
	RaftAddr string
	// Listener, when set, is used instead of listening on RaftAddr (the
	// node closes it); for embedding and tests.
	Listener net.Listener
	// AdvertiseAddr is the address other nodes dial; by default the
	// listener's address, which must then not be a wildcard.
	AdvertiseAddr string
	// DialSource is the local IP address raft connections to peers are
	// made from (multi-homed hosts, firewalls keyed on source address);
	// the system's choice when empty.
	DialSource string
	// TLS is the mutual-TLS configuration for raft, used as server and as
	// client: Certificates (this node's), RootCAs and ClientCAs (the
	// cluster's CA). The node requires and verifies client certificates
	// and TLS 1.3 whatever it says.
	TLS *tls.Config
	// VerifyPeer checks every peer's verified leaf certificate, in both
	// directions; RequireNodeCert by default, which admits only
	// certificates carrying a urn:signet:node: URI SAN.
	VerifyPeer func(leaf *x509.Certificate) error
	// Bootstrap makes the node create a new cluster of itself and Peers
	// if its data directory holds no raft state; with state it does
	// nothing (a restart never re-bootstraps). Give every initial node
	// the same Peers, or bootstrap one node and add the others with
	// AddVoter.
	Bootstrap bool
	Peers     []Peer
	// APIAddr is this node's API base URL (https://host:port) as clients
	// and other nodes reach it. A leader records it in the replicated
	// state, where followers look up where to forward writes (APIAddrOf).
	// Empty for a node without an API.
	APIAddr string
	Logger  *slog.Logger

	SnapshotRetain    int
	SnapshotThreshold uint64
	SnapshotInterval  time.Duration
	TrailingLogs      uint64
	// ApplyTimeout bounds Apply, Barrier and membership changes when ctx
	// has no deadline.
	ApplyTimeout time.Duration
	// ExpireInterval is how often the leader expires due requests;
	// negative disables the loop.
	ExpireInterval time.Duration
	// Now is the leader's clock for expiry stamps; time.Now by default.
	Now func() time.Time
	// MaxAppendEntries bounds how many log entries one batch carries
	// (1..1024); concurrent Applies coalesce into batches of this size.
	MaxAppendEntries int
	// MaxSnapshotSize bounds snapshots the FSM restores (fsm.Options).
	MaxSnapshotSize int64

	HeartbeatTimeout   time.Duration
	ElectionTimeout    time.Duration
	LeaderLeaseTimeout time.Duration
	CommitTimeout      time.Duration
}

// Validate checks the configuration and names the field at fault.
func (c *Config) Validate() error {
	if err := checkNodeID("NodeID", c.NodeID); err != nil {
		return err
	}
	if c.DataDir == "" {
		return fmt.Errorf("%w: DataDir is empty: give the directory for the raft log and snapshots", ErrConfig)
	}
	if c.Listener == nil {
		if _, _, err := net.SplitHostPort(c.RaftAddr); err != nil {
			return fmt.Errorf("%w: RaftAddr %q: want host:port (%v)", ErrConfig, c.RaftAddr, err)
		}
	}
	if c.AdvertiseAddr != "" {
		if err := checkDialable("AdvertiseAddr", c.AdvertiseAddr); err != nil {
			return err
		}
	}
	if c.APIAddr != "" {
		if err := state.CheckAPIAddr(c.APIAddr); err != nil {
			return fmt.Errorf("%w: APIAddr: %w", ErrConfig, err)
		}
	}
	if c.DialSource != "" && net.ParseIP(c.DialSource) == nil {
		return fmt.Errorf("%w: DialSource %q is not an IP address", ErrConfig, c.DialSource)
	}
	if err := checkTLS(c.TLS); err != nil {
		return err
	}
	if err := c.checkPeers(); err != nil {
		return err
	}
	if c.MaxAppendEntries < 0 || c.MaxAppendEntries > 1024 {
		return fmt.Errorf("%w: MaxAppendEntries %d: want 1 to 1024 (0 for %d)", ErrConfig, c.MaxAppendEntries, DefaultMaxAppendEntries)
	}
	if c.SnapshotRetain < 0 || c.ApplyTimeout < 0 || c.MaxSnapshotSize < 0 || c.SnapshotInterval < 0 {
		return fmt.Errorf("%w: SnapshotRetain, ApplyTimeout, SnapshotInterval and MaxSnapshotSize must not be negative", ErrConfig)
	}
	return nil
}

func checkNodeID(field, id string) error {
	if err := state.CheckNodeID(id); err != nil {
		return fmt.Errorf("%w: %s: %w", ErrConfig, field, err)
	}
	return nil
}

// checkDialable accepts host:port with a non-wildcard host and a non-zero
// port.
func checkDialable(field, addr string) error {
	host, port, err := net.SplitHostPort(addr)
	if err != nil || host == "" || port == "" || port == "0" {
		return fmt.Errorf("%w: %s %q: want host:port that other nodes can dial", ErrConfig, field, addr)
	}
	if ip := net.ParseIP(host); ip != nil && ip.IsUnspecified() {
		return fmt.Errorf("%w: %s %q is a wildcard address; give the address other nodes dial", ErrConfig, field, addr)
	}
	return nil
}

func checkTLS(t *tls.Config) error {
	switch {
	case t == nil:
		return fmt.Errorf("%w: TLS is nil: raft runs only over mutual TLS (dev mode: coordinator/internal/devca)", ErrConfig)
	case len(t.Certificates) == 0 && (t.GetCertificate == nil || t.GetClientCertificate == nil):
		return fmt.Errorf("%w: TLS has no certificate for this node (set Certificates, or both GetCertificate and GetClientCertificate)", ErrConfig)
	case t.RootCAs == nil || t.ClientCAs == nil:
		return fmt.Errorf("%w: TLS needs RootCAs and ClientCAs (the cluster CA) to verify peers", ErrConfig)
	case t.InsecureSkipVerify:
		return fmt.Errorf("%w: TLS.InsecureSkipVerify is set; peers must be verified", ErrConfig)
	}
	return nil
}

func (c *Config) checkPeers() error {
	seen := map[string]bool{}
	for i, p := range c.Peers {
		if err := checkNodeID(fmt.Sprintf("Peers[%d].ID", i), p.ID); err != nil {
			return err
		}
		if err := checkDialable(fmt.Sprintf("Peers[%d].Addr", i), p.Addr); err != nil {
			return err
		}
		if seen[p.ID] {
			return fmt.Errorf("%w: Peers lists %s twice", ErrConfig, p.ID)
		}
		seen[p.ID] = true
	}
	if len(c.Peers) > 0 && !c.Bootstrap {
		return fmt.Errorf("%w: Peers is only used with Bootstrap; a joining node is added by the leader (AddVoter)", ErrConfig)
	}
	return nil
}

func (c *Config) withDefaults() Config {
	d := *c
	if d.Logger == nil {
		d.Logger = slog.New(slog.DiscardHandler)
	}
	if d.VerifyPeer == nil {
		d.VerifyPeer = RequireNodeCert
	}
	if d.SnapshotRetain == 0 {
		d.SnapshotRetain = DefaultSnapshotRetain
	}
	if d.SnapshotThreshold == 0 {
		d.SnapshotThreshold = DefaultSnapshotThreshold
	}
	if d.SnapshotInterval == 0 {
		d.SnapshotInterval = DefaultSnapshotInterval
	}
	if d.TrailingLogs == 0 {
		d.TrailingLogs = DefaultTrailingLogs
	}
	if d.ApplyTimeout == 0 {
		d.ApplyTimeout = DefaultApplyTimeout
	}
	if d.ExpireInterval == 0 {
		d.ExpireInterval = DefaultExpireInterval
	}
	if d.Now == nil {
		d.Now = time.Now
	}
	if d.MaxAppendEntries == 0 {
		d.MaxAppendEntries = DefaultMaxAppendEntries
	}
	return d
}

// RequireNodeCert admits a peer certificate only if it carries a URI SAN
// urn:signet:node:<id>, as node certificates of the dev CA do: API client
// certificates signed by the same CA cannot speak raft.
func RequireNodeCert(leaf *x509.Certificate) error {
	if _, ok := nodeIDOf(leaf); ok {
		return nil
	}
	return fmt.Errorf("%w: certificate %q has no urn:signet:node: URI SAN; it is not a coordinator node certificate",
		ErrPeerRefused, leaf.Subject.CommonName)
}
