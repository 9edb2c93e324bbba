package api

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

// RaftBackend is a Backend over a hashicorp/raft node and its FSM.
type RaftBackend struct {
	Raft    *raft.Raft
	Machine *fsm.FSM
	// APIAddr maps a raft server id to that server's API address; the
	// node wiring supplies it from its configuration.
	APIAddr func(id raft.ServerID) string
	// ApplyTimeout bounds one raft.Apply when ctx has no deadline;
	// 10 s when zero.
	ApplyTimeout time.Duration
}

var _ Backend = (*RaftBackend)(nil)

// Apply encodes op and replicates it through raft.
func (b *RaftBackend) Apply(ctx context.Context, op state.Op) (*fsm.Response, error) {
	data, err := command.Encode(op)
	if err != nil {
		return nil, fmt.Errorf("%w: %w", state.ErrInvalid, err)
	}
	if b.Raft.State() != raft.Leader {
		return nil, fmt.Errorf("%w: the leader is at %q", ErrNotLeader, b.LeaderAPIAddr())
	}
	timeout := b.ApplyTimeout
	if timeout <= 0 {
		timeout = 10 * time.Second
	}
	if dl, ok := ctx.Deadline(); ok {
		timeout = time.Until(dl)
	}
	if err := ctx.Err(); err != nil || timeout <= 0 {
		return nil, fmt.Errorf("%w: the caller's deadline passed before the command was sent", ErrNoLeader)
	}
	f := b.Raft.Apply(data, timeout)
	if err := f.Error(); err != nil {
		if errors.Is(err, raft.ErrNotLeader) || errors.Is(err, raft.ErrLeadershipLost) || errors.Is(err, raft.ErrLeadershipTransferInProgress) {
			return nil, fmt.Errorf("%w: %w (the outcome may be unknown; retrying is safe)", ErrNotLeader, err)
		}
		return nil, fmt.Errorf("%w: %w", ErrNoLeader, err)
	}
	resp, ok := f.Response().(*fsm.Response)
	if !ok || resp == nil {
		return nil, fmt.Errorf("%w: unexpected FSM response %T", ErrNoLeader, f.Response())
	}
	return resp, nil
}

// FSM returns the state machine.
func (b *RaftBackend) FSM() *fsm.FSM { return b.Machine }

// IsLeader reports whether the raft node is leader.
func (b *RaftBackend) IsLeader() bool { return b.Raft.State() == raft.Leader }

// LeaderAPIAddr returns the leader's API address, "" when unknown.
func (b *RaftBackend) LeaderAPIAddr() string {
	_, id := b.Raft.LeaderWithID()
	if id == "" || b.APIAddr == nil {
		return ""
	}
	return b.APIAddr(id)
}
