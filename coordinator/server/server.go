package server

import (
	"context"
	"crypto/tls"
	"crypto/x509"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"net"
	"net/http"
	"os"
	"time"

	"github.com/hashicorp/raft"

	"github.com/signet-dev/signet/coordinator/api"
	"github.com/signet-dev/signet/coordinator/internal/devca"
	"github.com/signet-dev/signet/coordinator/node"
)

// maxPEMFile bounds the TLS files read.
const maxPEMFile = 1 << 20

// Info describes a running node; Run hands it to ready.
type Info struct {
	NodeID   string
	APIURL   string // what clients use
	RaftAddr string // what other nodes dial
	// CAFile is the CA certificate clients must trust.
	CAFile string
}

// identity is the node's TLS material.
type identity struct {
	cert   tls.Certificate
	pool   *x509.CertPool
	caFile string
}

// Run runs the node until ctx ends, then shuts it down gracefully
// (leadership handed over, API drained). ready, if not nil, is called
// once the API listens.
func Run(ctx context.Context, cfg Config, ready func(Info)) error {
	if err := cfg.Validate(); err != nil {
		return err
	}
	if cfg.Logger == nil {
		cfg.Logger = slog.New(slog.DiscardHandler)
	}
	if cfg.Now == nil {
		cfg.Now = time.Now
	}
	raftLn, err := net.Listen("tcp", cfg.RaftAddr)
	if err != nil {
		return fmt.Errorf("listening for raft on %s: %w", cfg.RaftAddr, err)
	}
	apiLn, err := net.Listen("tcp", cfg.APIAddr)
	if err != nil {
		raftLn.Close()
		return fmt.Errorf("listening for the API on %s: %w", cfg.APIAddr, err)
	}
	info, err := advertise(cfg, raftLn.Addr(), apiLn.Addr())
	if err == nil {
		var id *identity
		if id, err = loadIdentity(cfg, info); err == nil {
			info.CAFile = id.caFile
			return run(ctx, cfg, info, id, raftLn, apiLn, ready)
		}
	}
	raftLn.Close()
	apiLn.Close()
	return err
}

// advertise works out the addresses other nodes and clients use.
func advertise(cfg Config, raftAddr, apiAddr net.Addr) (Info, error) {
	info := Info{NodeID: cfg.NodeID, RaftAddr: cfg.RaftAdvertise, APIURL: cfg.APIAdvertise}
	if info.RaftAddr == "" {
		info.RaftAddr = raftAddr.String()
	}
	if info.APIURL == "" {
		info.APIURL = "https://" + apiAddr.String()
	}
	for _, a := range []string{info.RaftAddr, info.APIURL} {
		if ip := hostIP(a); ip != nil && ip.IsUnspecified() {
			return info, fmt.Errorf("%w: %s is a wildcard address: give --raft-advertise and --api-advertise with the addresses others reach this node at", ErrConfig, a)
		}
	}
	return info, nil
}

func hostIP(addr string) net.IP { return net.ParseIP(hostOf(addr)) }

func run(ctx context.Context, cfg Config, info Info, id *identity, raftLn, apiLn net.Listener, ready func(Info)) error {
	nodeTLS := &tls.Config{
		Certificates: []tls.Certificate{id.cert}, RootCAs: id.pool, ClientCAs: id.pool,
		ClientAuth: tls.RequireAndVerifyClientCert, MinVersion: tls.VersionTLS13,
	}
	nc := node.Config{
		NodeID: cfg.NodeID, DataDir: cfg.DataDir, Listener: raftLn, AdvertiseAddr: info.RaftAddr,
		TLS: nodeTLS, Bootstrap: cfg.Bootstrap, Peers: cfg.Peers, APIAddr: info.APIURL,
		Logger: cfg.Logger, Now: cfg.Now,
	}
	if cfg.Tune != nil {
		cfg.Tune(&nc)
	}
	n, err := node.Open(ctx, nc)
	if err != nil {
		apiLn.Close()
		return err
	}
	srv, err := newAPI(cfg, n, id)
	if err != nil {
		apiLn.Close()
		return errors.Join(err, n.Close(context.Background()))
	}
	hs := srv.HTTPServer(apiLn.Addr().String())
	hs.TLSConfig = &tls.Config{Certificates: []tls.Certificate{id.cert}, ClientCAs: id.pool,
		ClientAuth: tls.VerifyClientCertIfGiven, MinVersion: tls.VersionTLS12}
	hs.ErrorLog = slog.NewLogLogger(cfg.Logger.Handler(), slog.LevelDebug)
	served := make(chan error, 1)
	go func() { served <- hs.ServeTLS(apiLn, "", "") }()
	cfg.Logger.Info("coordinator node running", "node", info.NodeID, "api", info.APIURL, "raft", info.RaftAddr)
	if ready != nil {
		ready(info)
	}
	stopChores := chores(ctx, cfg, n, id, info)
	if cfg.DebugAddr != "" {
		if dln, err := net.Listen("tcp", cfg.DebugAddr); err != nil {
			cfg.Logger.Warn("no profiling endpoints: cannot listen", "addr", cfg.DebugAddr, "err", err)
		} else {
			defer debugServer(ctx, cfg.Logger, dln)()
		}
	}
	var serveErr error
	select {
	case <-ctx.Done():
	case serveErr = <-served:
	}
	stopChores()
	return shutdown(cfg.Logger, n, hs, serveErr)
}

func shutdown(log *slog.Logger, n *node.Node, hs *http.Server, serveErr error) error {
	if errors.Is(serveErr, http.ErrServerClosed) {
		serveErr = nil
	}
	log.Info("shutting down")
	sctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
	defer cancel()
	errAPI := hs.Shutdown(sctx)
	if errAPI != nil {
		errAPI = fmt.Errorf("stopping the API: %w", errAPI)
	}
	return errors.Join(serveErr, errAPI, n.Close(sctx))
}

// newAPI builds the API server on n.
func newAPI(cfg Config, n *node.Node, id *identity) (*api.Server, error) {
	fwd := http.DefaultTransport.(*http.Transport).Clone()
	fwd.TLSClientConfig = &tls.Config{RootCAs: id.pool, MinVersion: tls.VersionTLS12}
	// Every write that reaches a follower goes to the leader: keep enough
	// idle connections (the default keeps 2) that concurrent writes do
	// not each pay a new TLS handshake.
	fwd.MaxIdleConnsPerHost = 128
	backend := &api.RaftBackend{Raft: n.Raft(), Machine: n.FSM(),
		APIAddr: func(sid raft.ServerID) string { return n.APIAddrOf(string(sid)) }}
	return api.New(api.Config{
		Backend: backend, Now: cfg.Now, CertIdentities: cfg.CertIdentities, ForwardTransport: fwd,
		Operator: operator{n}, Logger: cfg.Logger.With("component", "api"),
	})
}

// loadIdentity reads or creates the node's certificate.
func loadIdentity(cfg Config, info Info) (*identity, error) {
	if cfg.DevCADir != "" {
		return devIdentity(cfg, info)
	}
	certPEM, err := readLimited(cfg.TLS.CertFile)
	if err != nil {
		return nil, err
	}
	keyPEM, err := readLimited(cfg.TLS.KeyFile)
	if err != nil {
		return nil, err
	}
	cert, err := tls.X509KeyPair(certPEM, keyPEM)
	if err != nil {
		return nil, fmt.Errorf("%w: --tls-cert %s and --tls-key %s: %v", ErrConfig, cfg.TLS.CertFile, cfg.TLS.KeyFile, err)
	}
	caPEM, err := readLimited(cfg.TLS.CAFile)
	if err != nil {
		return nil, err
	}
	pool := x509.NewCertPool()
	if !pool.AppendCertsFromPEM(caPEM) {
		return nil, fmt.Errorf("%w: --tls-ca %s holds no PEM certificate", ErrConfig, cfg.TLS.CAFile)
	}
	return &identity{cert: cert, pool: pool, caFile: cfg.TLS.CAFile}, nil
}

func devIdentity(cfg Config, info Info) (*identity, error) {
	ca, err := devca.Open(cfg.DevCADir, devca.Options{})
	if err != nil {
		return nil, fmt.Errorf("dev CA in %s: %w", cfg.DevCADir, err)
	}
	var hosts []string
	for _, a := range []string{info.RaftAddr, info.APIURL} {
		if h := hostOf(a); h != "" {
			hosts = append(hosts, h)
		}
	}
	pair, err := ca.EnsureNode(cfg.NodeID, hosts...)
	if err != nil {
		return nil, fmt.Errorf("dev CA in %s: node certificate: %w", cfg.DevCADir, err)
	}
	return &identity{cert: pair.TLS, pool: ca.Pool(), caFile: ca.CertFile()}, nil
}

func readLimited(path string) ([]byte, error) {
	f, err := os.Open(path)
	if err != nil {
		return nil, fmt.Errorf("%w: %w", ErrConfig, err)
	}
	defer f.Close()
	data, err := io.ReadAll(io.LimitReader(f, maxPEMFile+1))
	if err != nil {
		return nil, fmt.Errorf("%w: reading %s: %w", ErrConfig, path, err)
	}
	if len(data) > maxPEMFile {
		return nil, fmt.Errorf("%w: %s is over %d bytes; is it the right file?", ErrConfig, path, maxPEMFile)
	}
	return data, nil
}
