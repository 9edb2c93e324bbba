package server

import (
	"context"
	"errors"
	"fmt"
	"io"
	"net"
	"net/url"

	"github.com/signet-dev/signet/coordinator/api"
	"github.com/signet-dev/signet/coordinator/node"
)

// operator adapts a node to api.Operator, translating its errors into
// the API's.
type operator struct{ n *node.Node }

func (o operator) Peers(ctx context.Context) ([]api.Peer, error) {
	ps, err := o.n.Peers(ctx)
	if err != nil {
		return nil, apiErr(err)
	}
	out := make([]api.Peer, 0, len(ps))
	for _, p := range ps {
		out = append(out, api.Peer{ID: p.ID, RaftAddr: p.Addr, APIAddr: o.n.APIAddrOf(p.ID), Voter: p.Voter, Leader: p.Leader})
	}
	return out, nil
}

func (o operator) AddVoter(ctx context.Context, id, addr string) error {
	return apiErr(o.n.AddVoter(ctx, id, addr))
}

func (o operator) RemoveServer(ctx context.Context, id string) error {
	return apiErr(o.n.RemoveServer(ctx, id))
}

func (o operator) Snapshot(ctx context.Context, w io.Writer) error {
	_, err := o.n.Snapshot(ctx, w)
	return apiErr(err)
}

func (o operator) Restore(ctx context.Context, r io.Reader) error {
	return apiErr(o.n.Restore(ctx, r))
}

// apiErr maps the node's sentinels to the API's.
func apiErr(err error) error {
	switch {
	case err == nil:
		return nil
	case errors.Is(err, node.ErrConfig), errors.Is(err, node.ErrSnapshotArchive):
		return fmt.Errorf("%w: %w", api.ErrBadRequest, err)
	case errors.Is(err, node.ErrNotLeader), errors.Is(err, node.ErrOutcomeUnknown):
		return fmt.Errorf("%w: %w", api.ErrNoLeader, err)
	}
	var nl *node.NotLeaderError
	if errors.As(err, &nl) {
		return fmt.Errorf("%w: %w", api.ErrNoLeader, err)
	}
	return err
}

// urlHost returns the host:port of a URL.
func urlHost(s string) (string, error) {
	u, err := url.Parse(s)
	if err != nil || u.Host == "" {
		return "", fmt.Errorf("not a URL: %q", s)
	}
	return u.Host, nil
}

// hostOf returns the host part of a URL or host:port.
func hostOf(addr string) string {
	if h, err := urlHost(addr); err == nil {
		addr = h
	}
	host, _, err := net.SplitHostPort(addr)
	if err != nil {
		return ""
	}
	return host
}
