package node

import (
	"context"
	"errors"
	"fmt"
	"time"

	"github.com/hashicorp/raft"

	"github.com/signet-dev/signet/coordinator/internal/command"
	"github.com/signet-dev/signet/coordinator/internal/fsm"
	"github.com/signet-dev/signet/coordinator/internal/state"
)

// PeerInfo describes a server of the raft configuration.
type PeerInfo struct {
	ID     string `json:"id"`
	Addr   string `json:"addr"`
	Voter  bool   `json:"voter"`
	Leader bool   `json:"leader"`
}

// ID returns this node's id.
func (n *Node) ID() string { return n.cfg.NodeID }

// Addr returns the raft address this node advertises.
func (n *Node) Addr() string { return n.cfg.AdvertiseAddr }

// FSM returns the state machine, for reads (fsm.FSM.Read) and blocking
// queries (fsm.FSM.WaitIndex). A follower's state may lag the leader's.
func (n *Node) FSM() *fsm.FSM { return n.fsm }

// Raft returns the underlying raft node, for adapters such as
// coordinator/api.RaftBackend. Prefer the methods of Node.
func (n *Node) Raft() *raft.Raft { return n.raft }

// IsLeader reports whether this node is the leader now.
func (n *Node) IsLeader() bool { return n.raft.State() == raft.Leader }

// Leader returns the leader's id and raft address, empty when unknown.
func (n *Node) Leader() (id, addr string) {
	a, i := n.raft.LeaderWithID()
	return string(i), string(a)
}

// LeaderCh delivers true when this node gains leadership and false when
// it loses it (raft.Raft.LeaderCh: one consumer only, and it may skip
// transitions while the consumer is slow).
func (n *Node) LeaderCh() <-chan bool { return n.raft.LeaderCh() }

// Stats returns raft's statistics (state, term, indexes, peers...).
func (n *Node) Stats() map[string]string { return n.raft.Stats() }

func (n *Node) notLeader(cause error) error {
	if n.raft.State() == raft.Shutdown {
		return ErrClosed
	}
	id, addr := n.Leader()
	return &NotLeaderError{LeaderID: id, LeaderAddr: addr, Err: cause}
}

// timeout is the time left before ctx's deadline, or ApplyTimeout.
func (n *Node) timeout(ctx context.Context) (time.Duration, error) {
	if err := ctx.Err(); err != nil {
		return 0, err
	}
	if dl, ok := ctx.Deadline(); ok {
		return max(time.Until(dl), time.Millisecond), nil
	}
	return n.cfg.ApplyTimeout, nil
}

// Apply replicates op through raft and returns the FSM's response, whose
// Err holds a refusal by the state (nothing changed then). Only the leader
// applies: elsewhere the error is a *NotLeaderError. The node stamps
// nothing: the caller (the API layer) stamps op with the leader's time and
// the authenticated actor before calling Apply. Concurrent Applies are
// batched into shared log appends and fsyncs.
//
// When ctx ends or leadership is lost after op was submitted, the error
// wraps ErrOutcomeUnknown: op may still commit, and retrying it is safe
// because commands are idempotent.
func (n *Node) Apply(ctx context.Context, op state.Op) (*fsm.Response, error) {
	data, err := command.Encode(op)
	if err != nil {
		return nil, fmt.Errorf("encoding %T: %w", op, err)
	}
	if !n.IsLeader() {
		return nil, n.notLeader(nil)
	}
	timeout, err := n.timeout(ctx)
	if err != nil {
		return nil, err
	}
	f := n.raft.Apply(data, timeout)
	if err := n.raftErr(wait(ctx, f)); err != nil {
		return nil, fmt.Errorf("applying %T: %w", op, err)
	}
	resp, ok := f.Response().(*fsm.Response)
	if !ok || resp == nil {
		return nil, fmt.Errorf("applying %T: unexpected FSM response %T", op, f.Response())
	}
	return resp, nil
}

// raftErr translates raft's future errors into this package's.
func (n *Node) raftErr(err error) error {
	switch {
	case err == nil:
		return nil
	case errors.Is(err, raft.ErrNotLeader):
		return n.notLeader(nil)
	case errors.Is(err, raft.ErrLeadershipLost), errors.Is(err, raft.ErrLeadershipTransferInProgress):
		return n.notLeader(errors.Join(err, ErrOutcomeUnknown))
	case errors.Is(err, raft.ErrAbortedByRestore):
		return errors.Join(err, ErrOutcomeUnknown)
	case errors.Is(err, raft.ErrRaftShutdown):
		return errors.Join(err, ErrClosed)
	case errors.Is(err, raft.ErrEnqueueTimeout):
		return fmt.Errorf("raft is too busy to take the command in time, nothing was submitted: %w", err)
	}
	return err
}

// Barrier waits until every entry committed before it has been applied to
// the leader's FSM: reads after it see every acknowledged write.
func (n *Node) Barrier(ctx context.Context) error {
	if !n.IsLeader() {
		return n.notLeader(nil)
	}
	timeout, err := n.timeout(ctx)
	if err != nil {
		return err
	}
	return n.raftErr(wait(ctx, n.raft.Barrier(timeout)))
}

// AddVoter adds (or updates the address of) a voting server; leader only.
// The new node must have been started without Bootstrap and with a
// certificate from the cluster's CA.
func (n *Node) AddVoter(ctx context.Context, id, addr string) error {
	if err := checkNodeID("node id", id); err != nil {
		return err
	}
	if err := checkDialable("address", addr); err != nil {
		return err
	}
	if !n.IsLeader() {
		return n.notLeader(nil)
	}
	timeout, err := n.timeout(ctx)
	if err != nil {
		return err
	}
	f := n.raft.AddVoter(raft.ServerID(id), raft.ServerAddress(addr), 0, timeout)
	if err := n.raftErr(wait(ctx, f)); err != nil {
		return fmt.Errorf("adding %s at %s: %w", id, addr, err)
	}
	return nil
}

// RemoveServer removes a server from the cluster; leader only.
func (n *Node) RemoveServer(ctx context.Context, id string) error {
	if err := checkNodeID("node id", id); err != nil {
		return err
	}
	if !n.IsLeader() {
		return n.notLeader(nil)
	}
	timeout, err := n.timeout(ctx)
	if err != nil {
		return err
	}
	if err := n.raftErr(wait(ctx, n.raft.RemoveServer(raft.ServerID(id), 0, timeout))); err != nil {
		return fmt.Errorf("removing %s: %w", id, err)
	}
	return nil
}

// Peers lists the servers of the latest raft configuration, as this node
// knows it (operator raft list-peers).
func (n *Node) Peers(ctx context.Context) ([]PeerInfo, error) {
	f := n.raft.GetConfiguration()
	if err := n.raftErr(wait(ctx, f)); err != nil {
		return nil, fmt.Errorf("reading the raft configuration: %w", err)
	}
	leader, _ := n.Leader()
	var out []PeerInfo
	for _, s := range f.Configuration().Servers {
		out = append(out, PeerInfo{ID: string(s.ID), Addr: string(s.Address),
			Voter: s.Suffrage == raft.Voter, Leader: string(s.ID) == leader})
	}
	return out, nil
}
