package server

import (
	"context"
	"crypto/tls"
	"errors"
	"fmt"
	"os"
	"strings"
	"sync"
	"time"

	"github.com/signet-dev/signet/coordinator/api"
	"github.com/signet-dev/signet/coordinator/client"
	"github.com/signet-dev/signet/coordinator/internal/state"
	"github.com/signet-dev/signet/coordinator/node"
	"github.com/signet-dev/signet/pkg/atomicfile"
)

// choreInterval is how often the chores look again.
const choreInterval = 200 * time.Millisecond

// chores starts the one-time tasks (join, admin token) in the
// background; the returned function stops them and waits.
func chores(ctx context.Context, cfg Config, n *node.Node, id *identity, info Info) (stop func()) {
	ctx, cancel := context.WithCancel(ctx)
	var wg sync.WaitGroup
	if len(cfg.Join) > 0 {
		wg.Go(func() { join(ctx, cfg, n, id, info) })
	}
	if cfg.AdminTokenFile != "" {
		wg.Go(func() { adminToken(ctx, cfg, n) })
	}
	return func() { cancel(); wg.Wait() }
}

// join asks the cluster to add this node, unless it is a member already.
func join(ctx context.Context, cfg Config, n *node.Node, id *identity, info Info) {
	log := cfg.Logger.With("chore", "join")
	if peers, err := n.Peers(ctx); err == nil && len(peers) > 0 {
		log.Debug("already a cluster member; not joining")
		return
	}
	tok, err := os.ReadFile(cfg.JoinTokenFile)
	if err != nil || len(tok) > 4096 {
		log.Error("cannot read the join token; this node will not join", "file", cfg.JoinTokenFile, "error", err)
		return
	}
	cl, err := client.New(client.Config{Endpoints: cfg.Join, Token: strings.TrimSpace(string(tok)),
		TLS: &tls.Config{RootCAs: id.pool, MinVersion: tls.VersionTLS12}})
	if err != nil {
		log.Error("cannot join", "error", err)
		return
	}
	delay := choreInterval
	for {
		err := cl.AddPeer(ctx, cfg.NodeID, info.RaftAddr)
		if err == nil {
			log.Info("joined the cluster", "via", cfg.Join)
			return
		}
		log.Warn("joining the cluster failed; retrying", "error", err, "in", delay)
		select {
		case <-ctx.Done():
			return
		case <-time.After(delay):
		}
		delay = min(2*delay, 5*time.Second)
	}
}

// adminToken makes sure the cluster has its first admin token, whose
// secret is in cfg.AdminTokenFile (see the package documentation).
func adminToken(ctx context.Context, cfg Config, n *node.Node) {
	log := cfg.Logger.With("chore", "admin-token")
	t := time.NewTicker(choreInterval)
	defer t.Stop()
	for {
		if n.IsLeader() {
			done, err := ensureAdminToken(ctx, cfg, n)
			switch {
			case done && err != nil:
				log.Error("cannot create the admin token", "error", err)
				return
			case done:
				return
			case err != nil:
				log.Warn("creating the admin token failed; retrying", "error", err)
			}
		} else if hasTokens(n) {
			return
		}
		select {
		case <-ctx.Done():
			return
		case <-t.C:
		}
	}
}

func hasTokens(n *node.Node) bool {
	var has bool
	n.FSM().Read(func(st *state.State, _ uint64) { has = len(st.Tokens) > 0 })
	return has
}

// ensureAdminToken runs on the leader; done means nothing is left to do.
func ensureAdminToken(ctx context.Context, cfg Config, n *node.Node) (done bool, err error) {
	log := cfg.Logger.With("chore", "admin-token")
	if hasTokens(n) {
		return true, nil
	}
	op, created, err := tokenOp(cfg)
	if err != nil {
		return true, err
	}
	resp, err := n.Apply(ctx, op)
	if err == nil {
		err = resp.Err
	}
	switch {
	case errors.Is(err, state.ErrBootstrapped):
		if created {
			_ = os.Remove(cfg.AdminTokenFile)
		}
		return true, nil
	case err != nil:
		return false, err
	}
	log.Info("created the cluster's admin token; keep the file secret", "file", cfg.AdminTokenFile)
	return true, nil
}

// tokenOp returns the bootstrap command for the secret in the token
// file, drawing and saving a new secret when there is none.
func tokenOp(cfg Config) (op *state.BootstrapToken, created bool, err error) {
	data, err := os.ReadFile(cfg.AdminTokenFile)
	switch {
	case err == nil:
		op, err := api.BootstrapOpFor(strings.TrimSpace(string(data)), "admin", cfg.Now())
		if err != nil {
			return nil, false, fmt.Errorf("--admin-token-file %s exists but %w; move it away to create a new token", cfg.AdminTokenFile, err)
		}
		return op, false, nil
	case !errors.Is(err, os.ErrNotExist):
		return nil, false, fmt.Errorf("reading --admin-token-file: %w", err)
	}
	op, secret, err := api.NewBootstrapOp(api.Config{Now: cfg.Now}, "admin")
	if err != nil {
		return nil, false, err
	}
	if err := atomicfile.WriteFile(cfg.AdminTokenFile, []byte(secret+"\n"), 0o600); err != nil {
		return nil, false, fmt.Errorf("saving the admin token: %w", err)
	}
	return op, true, nil
}
