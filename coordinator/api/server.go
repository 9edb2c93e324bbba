package api

import (
	"context"
	"fmt"
	"io"
	"log/slog"
	"net/http"
	"net/http/httputil"
	"net/url"
	"strings"
	"sync"
	"time"

	"github.com/signet-dev/signet/coordinator/internal/fsm"
	"github.com/signet-dev/signet/coordinator/internal/state"
)

// Limits and defaults.
const (
	// MaxHeaderBytes is what HTTPServer sets as http.Server.MaxHeaderBytes.
	MaxHeaderBytes = 16 << 10
	// MaxPayloadBody bounds bodies that carry a payload or a document
	// (base64 of state.MaxPayloadSize plus room).
	MaxPayloadBody = 6 << 20
	// MaxSmallBody bounds every other body.
	MaxSmallBody = 256 << 10
	// DefaultMaxWait bounds ?wait= of blocking queries.
	DefaultMaxWait = 5 * time.Minute
	// DefaultListLimit and MaxListLimit bound ?limit= of lists.
	DefaultListLimit = 100
	MaxListLimit     = 1000
	// forwardedHeader marks a request a follower forwarded, so that a
	// node that is no longer leader does not forward it again.
	forwardedHeader = "X-Signet-Forwarded"
)

// Backend is the replicated core the API talks to. coordinator/node
// implements it around hashicorp/raft (RaftBackend is one implementation).
type Backend interface {
	// Apply replicates op and returns the FSM's response (whose Err holds
	// a refusal by the state). Only the leader can apply: elsewhere the
	// error wraps ErrNotLeader.
	Apply(ctx context.Context, op state.Op) (*fsm.Response, error)
	// FSM is this node's state machine, for reads and blocking queries.
	FSM() *fsm.FSM
	// IsLeader reports whether this node leads the cluster.
	IsLeader() bool
	// LeaderAPIAddr is the leader's API base URL (https://host:port) or
	// host:port; empty when there is no leader.
	LeaderAPIAddr() string
}

// Config configures a Server. Backend is required.
type Config struct {
	Backend Backend
	// Now is the leader's clock for command stamps and token expiry;
	// time.Now by default.
	Now func() time.Time
	// Rand is the source of token ids and secrets; crypto/rand by default.
	Rand io.Reader
	// CertIdentities maps client certificate names (subject CN, DNS,
	// e-mail or URI SAN) to identities and scopes.
	CertIdentities map[string]CertIdentity
	// ForwardTransport carries writes a follower forwards to the leader
	// (it must trust the leader's certificate); http.DefaultTransport by
	// default.
	ForwardTransport http.RoundTripper
	// ForwardScheme is used when LeaderAPIAddr has no scheme; "https" by
	// default.
	ForwardScheme string
	// AllowBootstrap enables POST /v1/bootstrap, which hands an admin
	// token to the first caller while no token exists.
	AllowBootstrap bool
	// Operator serves the /v1/operator endpoints (raft membership,
	// snapshots); without it they answer 501.
	Operator Operator
	// MaxWait bounds blocking queries; DefaultMaxWait by default.
	MaxWait time.Duration
	// Logger receives forwarding failures; discarded by default.
	Logger *slog.Logger
}

// Server is the /v1 HTTP API of one coordinator node. It is an
// http.Handler.
type Server struct {
	cfg     Config
	mux     *http.ServeMux
	metrics *metrics
}

// New returns a Server for cfg.
func New(cfg Config) (*Server, error) {
	if cfg.Backend == nil {
		return nil, fmt.Errorf("%w: Backend is required", ErrConfig)
	}
	if cfg.Now == nil {
		cfg.Now = time.Now
	}
	if cfg.Rand == nil {
		cfg.Rand = defaultRand()
	}
	if cfg.ForwardTransport == nil {
		cfg.ForwardTransport = http.DefaultTransport
	}
	if cfg.ForwardScheme == "" {
		cfg.ForwardScheme = "https"
	}
	if cfg.MaxWait <= 0 {
		cfg.MaxWait = DefaultMaxWait
	}
	if cfg.Logger == nil {
		cfg.Logger = slog.New(slog.DiscardHandler)
	}
	for name, ci := range cfg.CertIdentities {
		if err := checkCertIdentity(name, ci); err != nil {
			return nil, err
		}
	}
	s := &Server{cfg: cfg, mux: http.NewServeMux(), metrics: newMetrics()}
	s.routes()
	return s, nil
}

func checkCertIdentity(name string, ci CertIdentity) error {
	if name == "" || ci.Identity == "" || len(ci.Scopes) == 0 {
		return fmt.Errorf("%w: CertIdentities[%q]: need a name, an identity and at least one scope", ErrConfig, name)
	}
	for _, sc := range ci.Scopes {
		if err := state.CheckScope(sc); err != nil {
			return fmt.Errorf("%w: CertIdentities[%q]: %w", ErrConfig, name, err)
		}
	}
	return nil
}

// HTTPServer returns an http.Server for s with header limits and
// timeouts set; the caller adds TLSConfig (ClientAuth
// VerifyClientCertIfGiven for certificate clients) and listens.
func (s *Server) HTTPServer(addr string) *http.Server {
	return &http.Server{
		Addr: addr, Handler: s, MaxHeaderBytes: MaxHeaderBytes,
		ReadHeaderTimeout: 10 * time.Second, IdleTimeout: 2 * time.Minute,
	}
}

// ServeHTTP implements http.Handler.
func (s *Server) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	s.mux.ServeHTTP(w, r)
}

// route says how one endpoint is served.
type route struct {
	pattern string
	write   bool  // a command: forwarded to the leader
	public  bool  // no credentials needed
	limit   int64 // body limit; 0: no body expected
	h       func(w http.ResponseWriter, r *http.Request, p *Principal) error
}

func (s *Server) handle(rt route) {
	name := rt.pattern
	s.mux.HandleFunc(rt.pattern, func(w http.ResponseWriter, r *http.Request) {
		rec := &recorder{ResponseWriter: w, status: http.StatusOK}
		s.serve(rec, r, rt)
		s.metrics.observe(name, rec.status)
	})
}

func (s *Server) serve(w http.ResponseWriter, r *http.Request, rt route) {
	if rt.write && !s.cfg.Backend.IsLeader() {
		s.forward(w, r)
		return
	}
	var p *Principal
	var err error
	if !rt.public {
		p, err = s.authenticate(r)
	}
	if err == nil && p == nil && !rt.public {
		err = fmt.Errorf("%w: send \"Authorization: Bearer <token>\" or a client certificate", ErrUnauthenticated)
	}
	if err != nil {
		writeError(w, err)
		return
	}
	r.Body = http.MaxBytesReader(w, r.Body, max(rt.limit, 1))
	if err := rt.h(w, r, p); err != nil {
		writeError(w, err)
	}
}

// forward proxies a write to the leader. A client authenticated by a
// certificate cannot be proxied (the leader would see this node's
// certificate), so it is redirected with 307 to the same path on the
// leader instead.
func (s *Server) forward(w http.ResponseWriter, r *http.Request) {
	addr := s.cfg.Backend.LeaderAPIAddr()
	if addr == "" || r.Header.Get(forwardedHeader) != "" {
		writeError(w, fmt.Errorf("%w: this node is not the leader and knows no leader; retry shortly or try another node", ErrNoLeader))
		return
	}
	if !strings.Contains(addr, "://") {
		addr = s.cfg.ForwardScheme + "://" + addr
	}
	target, err := url.Parse(addr)
	if err != nil || target.Host == "" {
		writeError(w, fmt.Errorf("%w: leader address %q is not a URL", ErrNoLeader, addr))
		return
	}
	if r.Header.Get("Authorization") == "" && r.TLS != nil && len(r.TLS.PeerCertificates) > 0 {
		u := *target
		u.Path, u.RawQuery = r.URL.Path, r.URL.RawQuery
		http.Redirect(w, r, u.String(), http.StatusTemporaryRedirect)
		return
	}
	r.Body = http.MaxBytesReader(w, r.Body, MaxPayloadBody)
	proxy := &httputil.ReverseProxy{
		Rewrite: func(pr *httputil.ProxyRequest) {
			pr.SetURL(target)
			pr.Out.Host = target.Host
			pr.Out.Header.Set(forwardedHeader, "1")
		},
		Transport: s.cfg.ForwardTransport,
		ErrorHandler: func(w http.ResponseWriter, _ *http.Request, err error) {
			s.cfg.Logger.Warn("forwarding to the leader failed", "leader", target.Host, "err", err)
			writeError(w, fmt.Errorf("%w: forwarding to the leader at %s failed; retry", ErrNoLeader, target.Host))
		},
	}
	proxy.ServeHTTP(w, r)
}

// apply runs op through the backend and turns a refusal into an error.
func (s *Server) apply(ctx context.Context, op state.Op) (WriteResult, error) {
	resp, err := s.cfg.Backend.Apply(ctx, op)
	if err != nil {
		if code, _ := StatusOf(err); code != http.StatusInternalServerError {
			return WriteResult{}, err
		}
		return WriteResult{}, fmt.Errorf("%w: %w", ErrNoLeader, err)
	}
	if resp == nil {
		return WriteResult{}, fmt.Errorf("%w: the state machine gave no response", ErrNoLeader)
	}
	if resp.Err != nil {
		return WriteResult{}, resp.Err
	}
	res := resp.Result
	return WriteResult{Changed: res.Changed, Phase: res.Phase, Subject: res.Subject, Index: s.cfg.Backend.FSM().Index()}, nil
}

// recorder remembers the status written, for metrics.
type recorder struct {
	http.ResponseWriter
	status int
	once   sync.Once
}

func (r *recorder) WriteHeader(code int) {
	r.once.Do(func() { r.status = code })
	r.ResponseWriter.WriteHeader(code)
}

// Flush lets the reverse proxy flush through the recorder.
func (r *recorder) Flush() {
	if f, ok := r.ResponseWriter.(http.Flusher); ok {
		f.Flush()
	}
}
