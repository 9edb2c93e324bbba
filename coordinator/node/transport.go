package node

import (
	"crypto/tls"
	"crypto/x509"
	"fmt"
	"log/slog"
	"net"
	"strings"
	"sync"
	"time"

	"github.com/hashicorp/raft"
)

// handshakeTimeout bounds the TLS handshake of an incoming raft connection.
const handshakeTimeout = 10 * time.Second

// tlsStream is a raft.StreamLayer over mutual TLS: it accepts only peers
// whose certificate the cluster CA signed and VerifyPeer admits, and dials
// peers presenting this node's certificate.
type tlsStream struct {
	ln     net.Listener
	addr   net.Addr
	server *tls.Config
	client *tls.Config
	log    *slog.Logger
	// source is the local address dials are made from (nil: any).
	source net.Addr
	// members returns the latest raft configuration's servers (none
	// before raft runs); nil switches the membership checks off.
	members func() []raft.Server
}

var _ raft.StreamLayer = (*tlsStream)(nil)

type stringAddr string

func (a stringAddr) Network() string { return "tcp" }
func (a stringAddr) String() string  { return string(a) }

func newTLSStream(ln net.Listener, advertise string, base *tls.Config, verify func(*x509.Certificate) error,
	members func() []raft.Server, log *slog.Logger) *tlsStream {
	check := func(cs tls.ConnectionState) error {
		if len(cs.PeerCertificates) == 0 {
			return fmt.Errorf("%w: no certificate", ErrPeerRefused)
		}
		if err := verify(cs.PeerCertificates[0]); err != nil {
			return err
		}
		if members != nil {
			return checkMember(cs.PeerCertificates[0], members())
		}
		return nil
	}
	server := base.Clone()
	server.ClientAuth = tls.RequireAndVerifyClientCert
	server.MinVersion = tls.VersionTLS13
	server.VerifyConnection = check
	client := base.Clone()
	client.MinVersion = tls.VersionTLS13
	client.VerifyConnection = check
	return &tlsStream{ln: ln, addr: stringAddr(advertise), server: server, client: client, log: log, members: members}
}

// nodeIDOf returns the node id a certificate's urn:signet:node: URI SAN
// names.
func nodeIDOf(leaf *x509.Certificate) (string, bool) {
	for _, u := range leaf.URIs {
		if id, ok := strings.CutPrefix(u.String(), "urn:signet:node:"); ok && id != "" {
			return id, true
		}
	}
	return "", false
}

// checkMember admits a peer whose certificate names a server of the
// raft configuration, so that a removed node's certificate no longer
// speaks raft. With no configuration yet (a node waiting to be added)
// any node certificate is admitted.
func checkMember(leaf *x509.Certificate, servers []raft.Server) error {
	if len(servers) == 0 {
		return nil
	}
	id, _ := nodeIDOf(leaf)
	for _, s := range servers {
		if string(s.ID) == id {
			return nil
		}
	}
	return fmt.Errorf("%w: node %q is not in this cluster's raft configuration (removed? add it with signet operator raft add-peer)", ErrPeerRefused, id)
}

// checkDialed admits the certificate of the peer dialled at address only
// if it names the server the configuration lists at that address: a
// member cannot stand in for another.
func checkDialed(leaf *x509.Certificate, address raft.ServerAddress, servers []raft.Server) error {
	id, _ := nodeIDOf(leaf)
	for _, s := range servers {
		if s.Address == address && string(s.ID) != id {
			return fmt.Errorf("%w: %s is %q in the raft configuration but its certificate names node %q", ErrPeerRefused, address, s.ID, id)
		}
	}
	return nil
}

// Accept waits for the next connection. The TLS handshake happens on the
// first read, in the transport's goroutine for that connection.
func (s *tlsStream) Accept() (net.Conn, error) {
	c, err := s.ln.Accept()
	if err != nil {
		return nil, err
	}
	return &serverConn{Conn: tls.Server(c, s.server), log: s.log}, nil
}

// Close stops listening.
func (s *tlsStream) Close() error { return s.ln.Close() }

// Addr is the advertised address, which raft hands to other nodes.
func (s *tlsStream) Addr() net.Addr { return s.addr }

// Dial connects to a peer and completes the handshake within timeout.
func (s *tlsStream) Dial(address raft.ServerAddress, timeout time.Duration) (net.Conn, error) {
	d := &net.Dialer{Timeout: timeout, LocalAddr: s.source}
	cfg := s.client
	if s.members != nil {
		cfg = s.client.Clone()
		base := cfg.VerifyConnection
		cfg.VerifyConnection = func(cs tls.ConnectionState) error {
			if err := base(cs); err != nil {
				return err
			}
			return checkDialed(cs.PeerCertificates[0], address, s.members())
		}
	}
	c, err := tls.DialWithDialer(d, "tcp", string(address), cfg)
	if err != nil {
		return nil, fmt.Errorf("raft: connecting to %s over TLS: %w", address, err)
	}
	return c, nil
}

// serverConn logs a refused handshake once, clearly, instead of leaving
// raft to report an undecodable command.
type serverConn struct {
	*tls.Conn
	once sync.Once
	err  error
	log  *slog.Logger
}

func (c *serverConn) Read(b []byte) (int, error) {
	c.once.Do(func() {
		_ = c.SetDeadline(time.Now().Add(handshakeTimeout))
		if err := c.Handshake(); err != nil {
			c.err = fmt.Errorf("%w: %w", ErrPeerRefused, err)
			c.log.Warn("raft: refused a connection: TLS handshake failed (is the peer's certificate from this cluster's CA?)",
				"remote", c.RemoteAddr().String(), "error", err)
		}
		_ = c.SetDeadline(time.Time{})
	})
	if c.err != nil {
		return 0, c.err
	}
	return c.Conn.Read(b)
}
