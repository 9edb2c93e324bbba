package fsm

import (
	"context"
	"errors"
	"fmt"
	"sync"

	"github.com/hashicorp/raft"

	"github.com/signet-dev/signet/coordinator/internal/command"
	"github.com/signet-dev/signet/coordinator/internal/state"
)

// DefaultMaxSnapshotSize bounds a snapshot Restore reads: 1 GiB.
const DefaultMaxSnapshotSize = 1 << 30

// Options configure an FSM. The zero value is usable.
type Options struct {
	// MaxSnapshotSize bounds the snapshots Restore accepts; 0 means
	// DefaultMaxSnapshotSize.
	MaxSnapshotSize int64
	// Unreadable, if set, is called (and is expected not to return: a
	// node panics) when a committed entry cannot be decoded: an unknown
	// command type or field, which a newer leader wrote. Applying it as a
	// refusal would leave this node's state different from the nodes that
	// can read it. When nil, the entry's Response carries the error.
	Unreadable func(index uint64, err error)
}

// Response is what Apply returns for a log entry; raft hands it to the
// caller through ApplyFuture.Response. Err wraps a state or command
// sentinel error; the state has not changed when Err is set.
type Response struct {
	Result state.Result
	// Type is the command type byte of the entry.
	Type command.Type
	// Ignored is set for an unknown command carrying
	// command.IgnoreUnknownFlag, which was skipped.
	Ignored bool
	Err     error
}

// FSM is the coordinator's raft.FSM. Apply, Snapshot and Restore are
// called by raft; Read lets API handlers look at the state meanwhile.
type FSM struct {
	opts  Options
	mu    sync.RWMutex
	st    *state.State
	index uint64        // index of the last log entry applied
	moved chan struct{} // closed and replaced whenever index moves
	// restores counts successful Restores (a node that installed a
	// snapshot from the leader); tests read it.
	restores int
}

var (
	_ raft.FSM         = (*FSM)(nil)
	_ raft.BatchingFSM = (*FSM)(nil)
)

// New returns an FSM over an empty state.
func New(opts Options) *FSM {
	if opts.MaxSnapshotSize <= 0 {
		opts.MaxSnapshotSize = DefaultMaxSnapshotSize
	}
	return &FSM{opts: opts, st: state.New(), moved: make(chan struct{})}
}

// Apply decodes one log entry and applies it to the state. It returns a
// *Response (nil for entries that are not commands); it panics only
// through Options.Unreadable.
func (f *FSM) Apply(l *raft.Log) any {
	f.mu.Lock()
	defer f.mu.Unlock()
	return f.applyLocked(l)
}

// ApplyBatch applies several entries under one lock, in order.
func (f *FSM) ApplyBatch(logs []*raft.Log) []any {
	f.mu.Lock()
	defer f.mu.Unlock()
	out := make([]any, len(logs))
	for i, l := range logs {
		out[i] = f.applyLocked(l)
	}
	return out
}

func (f *FSM) applyLocked(l *raft.Log) any {
	if l == nil {
		return nil
	}
	if l.Index > f.index {
		f.index = l.Index
		close(f.moved)
		f.moved = make(chan struct{})
	}
	if l.Type != raft.LogCommand {
		return nil
	}
	res := Dispatch(f.st, l.Data)
	if res.Err != nil && f.opts.Unreadable != nil && undecodable(res.Err) {
		f.opts.Unreadable(l.Index, res.Err)
	}
	return res
}

// undecodable reports whether err means an entry could not be decoded, as
// opposed to a command this version read and refused.
func undecodable(err error) bool {
	return errors.Is(err, command.ErrUnknownType) || errors.Is(err, command.ErrMalformed) || errors.Is(err, command.ErrTooLarge)
}

// Dispatch decodes one encoded command and applies it to st.
func Dispatch(st *state.State, data []byte) *Response {
	op, t, err := command.Decode(data)
	if errors.Is(err, command.ErrIgnorable) {
		return &Response{Type: t, Ignored: true}
	}
	if err != nil {
		return &Response{Type: t, Err: err}
	}
	res, err := applySafely(st, op)
	return &Response{Result: res, Type: t, Err: err}
}

// applySafely turns a panic in a transition (a bug) into an error, so that
// one bad entry cannot crash every node at once. The state is replaced by
// nothing: transitions validate before they change anything.
func applySafely(st *state.State, op state.Op) (res state.Result, err error) {
	defer func() {
		if p := recover(); p != nil {
			err = fmt.Errorf("%w: internal error applying %T: %v", state.ErrInvalid, op, p)
		}
	}()
	return st.Apply(op)
}

// Read calls fn with the state under a read lock. fn must not keep or
// change the state.
func (f *FSM) Read(fn func(st *state.State, index uint64)) {
	f.mu.RLock()
	defer f.mu.RUnlock()
	fn(f.st, f.index)
}

// Index returns the index of the last log entry applied.
func (f *FSM) Index() uint64 {
	f.mu.RLock()
	defer f.mu.RUnlock()
	return f.index
}

// Hash returns the state hash (state.State.Hash).
func (f *FSM) Hash() (string, error) {
	f.mu.RLock()
	defer f.mu.RUnlock()
	return f.st.Hash()
}

// WaitIndex blocks until an entry at index or later has been applied (or
// restored), or ctx ends. API blocking queries and tests use it.
func (f *FSM) WaitIndex(ctx context.Context, index uint64) error {
	for {
		f.mu.RLock()
		cur, moved := f.index, f.moved
		f.mu.RUnlock()
		if cur >= index {
			return nil
		}
		select {
		case <-ctx.Done():
			return fmt.Errorf("waiting for index %d (applied %d): %w", index, cur, ctx.Err())
		case <-moved:
		}
	}
}
