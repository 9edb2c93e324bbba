package api

import (
	"context"
	"errors"
	"fmt"
	"io"
	"net/http"
	"strings"
)

// MaxSnapshotBody bounds a snapshot archive sent to PUT
// /v1/operator/snapshot.
const MaxSnapshotBody = 512 << 20

// ErrNoOperator means this server was started without an Operator, so
// the /v1/operator endpoints are not available (tests and embedded
// servers).
var ErrNoOperator = errors.New("operator endpoints not available")

// Operator runs the cluster-management operations of the /v1/operator
// endpoints on this node; coordinator/server adapts coordinator/node to
// it. Membership changes and Restore act on the leader only (the API
// forwards them there).
type Operator interface {
	Peers(ctx context.Context) ([]Peer, error)
	AddVoter(ctx context.Context, id, raftAddr string) error
	RemoveServer(ctx context.Context, id string) error
	// Snapshot writes a snapshot archive of this node's state to w.
	Snapshot(ctx context.Context, w io.Writer) error
	// Restore replaces the cluster's state with an archive (leader only).
	Restore(ctx context.Context, r io.Reader) error
}

// Peer is a raft server as GET /v1/operator/raft/peers reports it.
type Peer struct {
	ID       string `json:"id"`
	RaftAddr string `json:"raft_addr"`
	APIAddr  string `json:"api_addr,omitempty"`
	Voter    bool   `json:"voter"`
	Leader   bool   `json:"leader"`
}

// PeersBody is the answer of GET /v1/operator/raft/peers.
type PeersBody struct {
	Peers []Peer `json:"peers"`
}

// AddPeerBody is the body of POST /v1/operator/raft/peers.
type AddPeerBody struct {
	ID       string `json:"id"`
	RaftAddr string `json:"raft_addr"`
}

func (s *Server) operator(p *Principal, what string) (Operator, error) {
	if err := needAdmin(p, what); err != nil {
		return nil, err
	}
	if s.cfg.Operator == nil {
		return nil, fmt.Errorf("%w: this server has no raft node to operate", ErrNoOperator)
	}
	return s.cfg.Operator, nil
}

func (s *Server) listPeers(w http.ResponseWriter, r *http.Request, p *Principal) error {
	op, err := s.operator(p, "listing raft peers")
	if err != nil {
		return err
	}
	peers, err := op.Peers(r.Context())
	if err != nil {
		return err
	}
	writeJSON(w, http.StatusOK, PeersBody{Peers: peers})
	return nil
}

func (s *Server) addPeer(w http.ResponseWriter, r *http.Request, p *Principal) error {
	op, err := s.operator(p, "adding raft peers")
	if err != nil {
		return err
	}
	var b AddPeerBody
	if err := decodeBody(r, &b); err != nil {
		return err
	}
	if b.ID == "" || b.RaftAddr == "" {
		return fmt.Errorf("%w: give id and raft_addr of the node to add", ErrBadRequest)
	}
	if err := op.AddVoter(r.Context(), b.ID, b.RaftAddr); err != nil {
		return err
	}
	w.WriteHeader(http.StatusNoContent)
	return nil
}

func (s *Server) removePeer(w http.ResponseWriter, r *http.Request, p *Principal) error {
	op, err := s.operator(p, "removing raft peers")
	if err != nil {
		return err
	}
	if err := op.RemoveServer(r.Context(), r.PathValue("id")); err != nil {
		return err
	}
	w.WriteHeader(http.StatusNoContent)
	return nil
}

func (s *Server) saveSnapshot(w http.ResponseWriter, r *http.Request, p *Principal) error {
	op, err := s.operator(p, "saving snapshots")
	if err != nil {
		return err
	}
	w.Header().Set("Content-Type", "application/gzip")
	w.Header().Set("Cache-Control", "no-store")
	// The archive is written straight to the response; an error after
	// the first byte can only cut the stream short, which the archive's
	// own size and digest (meta.json) reveal on restore.
	return op.Snapshot(r.Context(), w)
}

func (s *Server) restoreSnapshot(w http.ResponseWriter, r *http.Request, p *Principal) error {
	op, err := s.operator(p, "restoring snapshots")
	if err != nil {
		return err
	}
	if ct := r.Header.Get("Content-Type"); ct != "" && !strings.HasPrefix(ct, "application/gzip") && !strings.HasPrefix(ct, "application/octet-stream") {
		return fmt.Errorf("%w: send the archive as application/gzip, not %s", ErrBadRequest, ct)
	}
	if err := op.Restore(r.Context(), r.Body); err != nil {
		var mbe *http.MaxBytesError
		if errors.As(err, &mbe) {
			return fmt.Errorf("%w: snapshot archive is over %d bytes", ErrTooLarge, mbe.Limit)
		}
		return err
	}
	w.WriteHeader(http.StatusNoContent)
	return nil
}
