package cli

import (
	"context"
	"crypto/tls"
	"crypto/x509"
	"fmt"
	"log/slog"
	"net"
	"net/http"
	"os"
	"strings"
	"time"

	"github.com/spf13/cobra"

	"github.com/signet-dev/signet/cmd/internal/ops"
	"github.com/signet-dev/signet/cmd/internal/prompt"
	"github.com/signet-dev/signet/coordinator/client"
	"github.com/signet-dev/signet/keystore"
	"github.com/signet-dev/signet/pkg/keys"
	signeragent "github.com/signet-dev/signet/signer-agent"
	"github.com/signet-dev/signet/signer-agent/config"
	"github.com/signet-dev/signet/signer-agent/journal"
	"github.com/signet-dev/signet/signer-agent/policy"
)

// newAgentRunCmd is `signet agent run`: the signer agent itself.
func newAgentRunCmd(env Env) *cobra.Command {
	var cfgPath, metricsAddr string
	cmd := &cobra.Command{
		Use:   "run --config agent.yaml",
		Short: "Run a signer agent: watch the coordinator and sign what the local policy allows",
		Args:  cobra.NoArgs,
		RunE: func(cmd *cobra.Command, _ []string) error {
			a, cfg, closeFn, err := buildAgent(cmd.Context(), env, cfgPath, metricsAddr)
			if err != nil {
				return err
			}
			defer closeFn()
			if cfg.MetricsAddr != "" {
				stop, err := serveMetrics(cfg.MetricsAddr, a.metrics, a.logger)
				if err != nil {
					return err
				}
				defer stop()
			}
			err = a.Run(cmd.Context())
			if cmd.Context().Err() != nil {
				return nil // stopped by a signal
			}
			return err
		},
	}
	cmd.Flags().StringVar(&cfgPath, "config", "agent.yaml", "the agent's configuration file")
	cmd.Flags().StringVar(&metricsAddr, "metrics-addr", "", "serve Prometheus /metrics and /healthz on this host:port (overrides metrics_addr)")
	return cmd
}

// runningAgent is an agent with its metrics and logger.
type runningAgent struct {
	*signeragent.Agent
	metrics *signeragent.Metrics
	logger  *slog.Logger
}

// serveMetrics serves /metrics and /healthz on addr until stop is called.
func serveMetrics(addr string, m *signeragent.Metrics, log *slog.Logger) (stop func(), err error) {
	ln, err := net.Listen("tcp", addr)
	if err != nil {
		return nil, fmt.Errorf("metrics_addr: %w", err)
	}
	mux := http.NewServeMux()
	mux.Handle("GET /metrics", m.Handler())
	mux.HandleFunc("GET /healthz", func(w http.ResponseWriter, _ *http.Request) { _, _ = w.Write([]byte("ok\n")) })
	srv := &http.Server{Handler: mux, ReadHeaderTimeout: 10 * time.Second}
	go func() { _ = srv.Serve(ln) }()
	log.Info("serving metrics", "addr", ln.Addr().String())
	return func() { _ = srv.Close() }, nil
}

// buildAgent wires an agent from its configuration file. A key that
// fails to open is reported and left out; the agent runs with the others
// (restart it once the key is fixed), and fails only when none opens.
func buildAgent(ctx context.Context, env Env, path, metricsAddr string) (*runningAgent, *config.Config, func(), error) {
	cfg, err := config.Load(path)
	if err != nil {
		return nil, nil, nil, err
	}
	if metricsAddr != "" {
		cfg.MetricsAddr = metricsAddr
	}
	data, err := ops.ReadLimited(cfg.Policy, config.MaxFileBytes)
	if err != nil {
		return nil, nil, nil, fmt.Errorf("policy: %w", err)
	}
	pol, err := policy.Load(data)
	if err != nil {
		return nil, nil, nil, fmt.Errorf("%s: %w", cfg.Policy, err)
	}
	cl, err := agentClient(cfg)
	if err != nil {
		return nil, nil, nil, err
	}
	logger := slog.New(slog.NewJSONHandler(env.Stderr, nil))
	metrics := signeragent.NewMetrics()
	signers, manual, err := openAgentKeys(ctx, env, cfg, logger, metrics)
	if err != nil {
		return nil, nil, nil, err
	}
	j, err := journal.Open(cfg.StateDir)
	if err != nil {
		return nil, nil, nil, err
	}
	ap, err := signeragent.NewApprovals(cfg.StateDir)
	if err != nil {
		j.Close()
		return nil, nil, nil, err
	}
	a, err := signeragent.New(signeragent.Options{Coordinator: &signeragent.ClientCoordinator{Client: cl}, Signers: signers,
		ManualKeys: manual, Policy: pol, Journal: j, Approvals: ap, Logger: logger, Wait: cfg.Wait, Metrics: metrics})
	if err != nil {
		j.Close()
		return nil, nil, nil, err
	}
	return &runningAgent{Agent: a, metrics: metrics, logger: logger}, cfg, func() { j.Close() }, nil
}

// redactedURI is a key URI without its query (where secret sources are
// named) for logs.
func redactedURI(s string) string {
	if u, err := keystore.ParseURI(s); err == nil {
		return u.Redacted()
	}
	return "(unparsable)"
}

// openAgentKeys opens the configured keys, reporting those that fail.
func openAgentKeys(ctx context.Context, env Env, cfg *config.Config, logger *slog.Logger, m *signeragent.Metrics) ([]keys.Signer, []string, error) {
	var signers []keys.Signer
	var manual []string
	var failed int
	for i, k := range cfg.Keys {
		s, err := ops.LoadSigner(ctx, ops.KeyRequest{Path: k.URI, Stores: env.Keys, Ask: env.AskSecret})
		if err != nil {
			failed++
			m.KeyError(err)
			logger.Error("key not available; the agent runs without it (fix it, then restart the agent)", "key", i,
				"uri", redactedURI(k.URI), "class", signeragent.ErrorClass(err), "err", err)
			continue
		}
		signers = append(signers, s)
		if k.Mode == "manual" {
			manual = append(manual, s.Key().KeyID)
		}
		logger.Info("agent key", "keyid", s.Key().KeyID, "type", s.Key().KeyType)
	}
	m.KeysState(len(signers), failed)
	if len(signers) == 0 {
		return nil, nil, fmt.Errorf("none of the %d keys of %s could be opened (see the errors above)", len(cfg.Keys), "the configuration")
	}
	return signers, manual, nil
}

// agentClient builds the coordinator client: endpoints, token from its
// file, CA and client certificate.
func agentClient(cfg *config.Config) (*client.Client, error) {
	cc := client.Config{Endpoints: cfg.Coordinators, Wait: cfg.Wait}
	if cfg.TokenSource != "" {
		tok, err := prompt.FromFile(cfg.TokenSource)
		if err != nil {
			return nil, fmt.Errorf("token_source: %w", err)
		}
		cc.Token = strings.TrimSpace(string(tok))
		clear(tok)
	}
	tc := &tls.Config{MinVersion: tls.VersionTLS12}
	if cfg.CACert != "" {
		pem, err := os.ReadFile(cfg.CACert)
		if err != nil {
			return nil, fmt.Errorf("ca_cert: %w", err)
		}
		pool := x509.NewCertPool()
		if !pool.AppendCertsFromPEM(pem) {
			return nil, fmt.Errorf("ca_cert %s holds no PEM certificate", cfg.CACert)
		}
		tc.RootCAs = pool
	}
	if cfg.ClientCert != "" {
		cert, err := tls.LoadX509KeyPair(cfg.ClientCert, cfg.ClientKey)
		if err != nil {
			return nil, fmt.Errorf("client_cert: %w", err)
		}
		tc.Certificates = []tls.Certificate{cert}
	}
	cc.TLS = tc
	return client.New(cc)
}
