package client

import (
	"context"
	"io"
	"net/http"
	"net/url"

	"github.com/signet-dev/signet/coordinator/api"
)

// Peers lists the raft servers as the answering node knows them.
func (c *Client) Peers(ctx context.Context) ([]api.Peer, error) {
	var out api.PeersBody
	_, err := c.do(ctx, call{method: http.MethodGet, path: "/v1/operator/raft/peers", out: &out})
	return out.Peers, err
}

// AddPeer adds a voting server, started without bootstrap, at raftAddr
// (retrying the same id and address is harmless).
func (c *Client) AddPeer(ctx context.Context, id, raftAddr string) error {
	_, err := c.do(ctx, call{method: http.MethodPost, path: "/v1/operator/raft/peers", body: api.AddPeerBody{ID: id, RaftAddr: raftAddr}})
	return err
}

// RemovePeer removes a server from the raft configuration.
func (c *Client) RemovePeer(ctx context.Context, id string) error {
	_, err := c.do(ctx, call{method: http.MethodDelete, path: "/v1/operator/raft/peers/" + url.PathEscape(id)})
	return err
}

// SaveSnapshot writes a snapshot archive of the answering node's state to
// w. Once bytes have reached w a failure is not retried on another node.
func (c *Client) SaveSnapshot(ctx context.Context, w io.Writer) error {
	_, err := c.do(ctx, call{method: http.MethodGet, path: "/v1/operator/snapshot", sink: w, sinkMax: api.MaxSnapshotBody, once: true})
	return err
}

// RestoreSnapshot replaces the cluster's state with archive (a file
// written by SaveSnapshot).
func (c *Client) RestoreSnapshot(ctx context.Context, archive []byte) error {
	_, err := c.do(ctx, call{method: http.MethodPut, path: "/v1/operator/snapshot", raw: archive, rawType: "application/gzip", once: true})
	return err
}
