package cli

import (
	"context"
	"crypto/tls"
	"crypto/x509"
	"fmt"
	"log/slog"
	"os"
	"strings"

	"github.com/spf13/cobra"

	"github.com/signet-dev/signet/cmd/internal/ops"
	"github.com/signet-dev/signet/cmd/internal/prompt"
	"github.com/signet-dev/signet/coordinator/client"
	"github.com/signet-dev/signet/pkg/keys"
	signeragent "github.com/signet-dev/signet/signer-agent"
	"github.com/signet-dev/signet/signer-agent/config"
	"github.com/signet-dev/signet/signer-agent/journal"
	"github.com/signet-dev/signet/signer-agent/policy"
)

// newAgentRunCmd is `signet agent run`: the signer agent itself.
func newAgentRunCmd(env Env) *cobra.Command {
	var cfgPath string
	cmd := &cobra.Command{
		Use:   "run --config agent.yaml",
		Short: "Run a signer agent: watch the coordinator and sign what the local policy allows",
		Args:  cobra.NoArgs,
		RunE: func(cmd *cobra.Command, _ []string) error {
			a, closeFn, err := buildAgent(cmd.Context(), env, cfgPath)
			if err != nil {
				return err
			}
			defer closeFn()
			err = a.Run(cmd.Context())
			if cmd.Context().Err() != nil {
				return nil // stopped by a signal
			}
			return err
		},
	}
	cmd.Flags().StringVar(&cfgPath, "config", "agent.yaml", "the agent's configuration file")
	return cmd
}

// buildAgent wires an agent from its configuration file.
func buildAgent(ctx context.Context, env Env, path string) (*signeragent.Agent, func(), error) {
	cfg, err := config.Load(path)
	if err != nil {
		return nil, nil, err
	}
	data, err := os.ReadFile(cfg.Policy)
	if err != nil {
		return nil, nil, fmt.Errorf("policy: %w", err)
	}
	pol, err := policy.Load(data)
	if err != nil {
		return nil, nil, fmt.Errorf("%s: %w", cfg.Policy, err)
	}
	cl, err := agentClient(cfg)
	if err != nil {
		return nil, nil, err
	}
	var signers []keys.Signer
	var manual []string
	for _, k := range cfg.Keys {
		s, err := ops.LoadSigner(ctx, ops.KeyRequest{Path: k.URI, Stores: env.Keys, Ask: env.AskSecret})
		if err != nil {
			return nil, nil, err
		}
		signers = append(signers, s)
		if k.Mode == "manual" {
			manual = append(manual, s.Key().KeyID)
		}
	}
	j, err := journal.Open(cfg.StateDir)
	if err != nil {
		return nil, nil, err
	}
	ap, err := signeragent.NewApprovals(cfg.StateDir)
	if err != nil {
		j.Close()
		return nil, nil, err
	}
	logger := slog.New(slog.NewJSONHandler(env.Stderr, nil))
	a, err := signeragent.New(signeragent.Options{Coordinator: &signeragent.ClientCoordinator{Client: cl}, Signers: signers,
		ManualKeys: manual, Policy: pol, Journal: j, Approvals: ap, Logger: logger, Wait: cfg.Wait})
	if err != nil {
		j.Close()
		return nil, nil, err
	}
	for _, s := range signers {
		logger.Info("agent key", "keyid", s.Key().KeyID, "type", s.Key().KeyType)
	}
	return a, func() { j.Close() }, nil
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
