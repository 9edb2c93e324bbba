package node

import (
	"crypto/tls"
	"crypto/x509"
	"fmt"
	"log/slog"
	"net"
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
}

var _ raft.StreamLayer = (*tlsStream)(nil)

type stringAddr string

func (a stringAddr) Network() string { return "tcp" }
func (a stringAddr) String() string  { return string(a) }

func newTLSStream(ln net.Listener, advertise string, base *tls.Config, verify func(*x509.Certificate) error, log *slog.Logger) *tlsStream {
	check := func(cs tls.ConnectionState) error {
		if len(cs.PeerCertificates) == 0 {
			return fmt.Errorf("%w: no certificate", ErrPeerRefused)
		}
		return verify(cs.PeerCertificates[0])
	}
	server := base.Clone()
	server.ClientAuth = tls.RequireAndVerifyClientCert
	server.MinVersion = tls.VersionTLS13
	server.VerifyConnection = check
	client := base.Clone()
	client.MinVersion = tls.VersionTLS13
	client.VerifyConnection = check
	return &tlsStream{ln: ln, addr: stringAddr(advertise), server: server, client: client, log: log}
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
	d := &net.Dialer{Timeout: timeout}
	c, err := tls.DialWithDialer(d, "tcp", string(address), s.client)
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
