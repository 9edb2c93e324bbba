package node

import (
	"context"
	"errors"
	"fmt"
	"net"
	"os"
	"path/filepath"
	"sync"
	"sync/atomic"

	"github.com/hashicorp/raft"

	"github.com/signet-dev/signet/coordinator/internal/fsm"
)

// Errors of this package; test them with errors.Is.
var (
	// ErrConfig means the Config is invalid; the message names the field.
	ErrConfig = errors.New("invalid node configuration")
	// ErrNotLeader means the operation needs the leader and this node is
	// not it. The error is a *NotLeaderError naming the leader, if known.
	ErrNotLeader = errors.New("not the raft leader")
	// ErrOutcomeUnknown means the command may or may not have been
	// committed (leadership was lost, or ctx ended, after it was
	// submitted). Commands are idempotent: retry at the leader.
	ErrOutcomeUnknown = errors.New("outcome unknown; retrying is safe")
	// ErrClosed means the node has been closed.
	ErrClosed = errors.New("node closed")
	// ErrPeerRefused means a raft peer's TLS certificate was refused.
	ErrPeerRefused = errors.New("raft peer refused")
	// ErrSnapshotArchive means a snapshot archive given to Restore is
	// malformed, damaged, too large or holds a state that does not load.
	ErrSnapshotArchive = errors.New("bad snapshot archive")
)

// NotLeaderError is returned, wrapping ErrNotLeader, when this node is not
// the leader. LeaderID and LeaderAddr are empty when no leader is known
// (an election is under way).
type NotLeaderError struct {
	LeaderID   string
	LeaderAddr string
	// Err is a further cause, such as raft.ErrLeadershipLost together
	// with ErrOutcomeUnknown; nil when the command was never submitted.
	Err error
}

func (e *NotLeaderError) Error() string {
	msg := "this node is not the raft leader"
	if e.LeaderID != "" {
		msg += fmt.Sprintf("; the leader is %s at %s", e.LeaderID, e.LeaderAddr)
	} else {
		msg += "; no leader is known yet, retry shortly"
	}
	if e.Err != nil {
		msg += ": " + e.Err.Error()
	}
	return msg
}

// Unwrap lets errors.Is find ErrNotLeader and the cause.
func (e *NotLeaderError) Unwrap() []error { return []error{ErrNotLeader, e.Err} }

// Node is one coordinator raft node: the FSM, raft with a durable bolt log
// store and file snapshots, and the mutual-TLS transport.
type Node struct {
	cfg   Config
	fsm   *fsm.FSM
	raft  *raft.Raft
	store logStore
	lock  *dirLock // on the raft directory, while store is open
	trans *raft.NetworkTransport
	snaps *raft.FileSnapshotStore

	// bindIDs: the default peer check also binds certificates to the
	// raft configuration (transport.go); raftPtr is raft once it runs.
	bindIDs bool
	raftPtr atomic.Pointer[raft.Raft]

	stop      context.CancelFunc
	loops     sync.WaitGroup
	closeOnce sync.Once
	closeErr  error
}

// Open starts a node. It bootstraps a new cluster when cfg.Bootstrap is
// set and the data directory holds no raft state; otherwise it resumes
// from its log and snapshots (or, new and not bootstrapping, waits for a
// leader to add it). Open does not wait for an election; ctx is only
// checked before it starts.
func Open(ctx context.Context, cfg Config) (*Node, error) {
	if err := cfg.Validate(); err != nil {
		return nil, err
	}
	c := cfg.withDefaults()
	if err := ctx.Err(); err != nil {
		return nil, err
	}
	n := &Node{cfg: c, bindIDs: cfg.VerifyPeer == nil}
	n.fsm = fsm.New(fsm.Options{MaxSnapshotSize: c.MaxSnapshotSize, Unreadable: n.unreadable})
	if err := n.openStores(); err != nil {
		return nil, err
	}
	if err := n.openTransport(); err != nil {
		return nil, errors.Join(err, n.closeStore())
	}
	if err := n.startRaft(); err != nil {
		return nil, errors.Join(err, n.trans.Close(), n.closeStore())
	}
	loopCtx, stop := context.WithCancel(context.Background())
	n.stop = stop
	if c.ExpireInterval > 0 {
		n.loops.Add(1)
		go n.expireLoop(loopCtx)
	}
	if c.APIAddr != "" {
		n.loops.Add(1)
		go n.announceLoop(loopCtx)
	}
	return n, nil
}

// members returns the servers of the latest raft configuration, none
// before raft runs.
func (n *Node) members() []raft.Server {
	r := n.raftPtr.Load()
	if r == nil {
		return nil
	}
	f := r.GetConfiguration()
	if f.Error() != nil {
		return nil
	}
	return f.Configuration().Servers
}

func (n *Node) raftDir() string { return filepath.Join(n.cfg.DataDir, "raft") }

func (n *Node) openStores() error {
	dir := n.raftDir()
	if err := os.MkdirAll(dir, 0o700); err != nil {
		return fmt.Errorf("creating the raft directory: %w", err)
	}
	lock, err := lockDir(dir)
	if err != nil {
		return err
	}
	store, err := openLogStore(context.Background(), dir, n.cfg.Logger)
	if err != nil {
		return errors.Join(err, lock.unlock())
	}
	snaps, err := raft.NewFileSnapshotStoreWithLogger(dir, n.cfg.SnapshotRetain, newHCLog(n.cfg.Logger, "raft-snapshot"))
	if err != nil {
		return errors.Join(fmt.Errorf("opening the snapshot store in %s: %w", dir, err), store.Close(), lock.unlock())
	}
	n.store, n.snaps, n.lock = store, snaps, lock
	return nil
}

func (n *Node) openTransport() error {
	ln := n.cfg.Listener
	if ln == nil {
		var err error
		if ln, err = net.Listen("tcp", n.cfg.RaftAddr); err != nil {
			return fmt.Errorf("raft: listening on %s: %w", n.cfg.RaftAddr, err)
		}
	}
	adv := n.cfg.AdvertiseAddr
	if adv == "" {
		adv = ln.Addr().String()
		if err := checkDialable("AdvertiseAddr", adv); err != nil {
			return errors.Join(fmt.Errorf("%w (listening on a wildcard address needs AdvertiseAddr)", err), ln.Close())
		}
		n.cfg.AdvertiseAddr = adv
	}
	var members func() []raft.Server
	if n.bindIDs {
		members = n.members
	}
	stream := newTLSStream(ln, adv, n.cfg.TLS, n.cfg.VerifyPeer, members, n.cfg.Logger)
	if n.cfg.DialSource != "" {
		stream.source = &net.TCPAddr{IP: net.ParseIP(n.cfg.DialSource)}
	}
	n.trans = raft.NewNetworkTransportWithConfig(&raft.NetworkTransportConfig{
		Stream:  stream,
		MaxPool: 3,
		Timeout: n.cfg.ApplyTimeout,
		Logger:  newHCLog(n.cfg.Logger, "raft-net"),
	})
	return nil
}

func (n *Node) raftConfig() *raft.Config {
	rc := raft.DefaultConfig()
	rc.LocalID = raft.ServerID(n.cfg.NodeID)
	rc.Logger = newHCLog(n.cfg.Logger, "raft")
	rc.SnapshotThreshold = n.cfg.SnapshotThreshold
	rc.SnapshotInterval = n.cfg.SnapshotInterval
	rc.TrailingLogs = n.cfg.TrailingLogs
	rc.MaxAppendEntries = n.cfg.MaxAppendEntries
	rc.BatchApplyCh = true
	setIf(&rc.HeartbeatTimeout, n.cfg.HeartbeatTimeout)
	setIf(&rc.ElectionTimeout, n.cfg.ElectionTimeout)
	setIf(&rc.LeaderLeaseTimeout, n.cfg.LeaderLeaseTimeout)
	setIf(&rc.CommitTimeout, n.cfg.CommitTimeout)
	return rc
}

func setIf[T comparable](dst *T, v T) {
	var zero T
	if v != zero {
		*dst = v
	}
}

func (n *Node) startRaft() error {
	rc := n.raftConfig()
	if err := raft.ValidateConfig(rc); err != nil {
		return fmt.Errorf("%w: raft timeouts: %w", ErrConfig, err)
	}
	if n.cfg.Bootstrap {
		if err := n.bootstrap(rc); err != nil {
			return err
		}
	}
	logs, err := raft.NewLogCache(512, n.store)
	if err != nil {
		return fmt.Errorf("raft log cache: %w", err)
	}
	r, err := raft.NewRaft(rc, n.fsm, logs, n.store, n.snaps, n.trans)
	if err != nil {
		return fmt.Errorf("starting raft: %w", err)
	}
	n.raft = r
	n.raftPtr.Store(r)
	return nil
}

// bootstrap writes the initial configuration, only when there is no raft
// state: a restarted node keeps the cluster it belongs to.
func (n *Node) bootstrap(rc *raft.Config) error {
	has, err := raft.HasExistingState(n.store, n.store, n.snaps)
	if err != nil {
		return fmt.Errorf("reading raft state: %w", err)
	}
	if has {
		n.cfg.Logger.Info("raft state exists; not bootstrapping again", "node", n.cfg.NodeID)
		return nil
	}
	servers := []raft.Server{{ID: rc.LocalID, Address: raft.ServerAddress(n.cfg.AdvertiseAddr), Suffrage: raft.Voter}}
	for _, p := range n.cfg.Peers {
		if p.ID == n.cfg.NodeID {
			if p.Addr != n.cfg.AdvertiseAddr {
				return fmt.Errorf("%w: Peers lists this node (%s) at %s but it advertises %s", ErrConfig, p.ID, p.Addr, n.cfg.AdvertiseAddr)
			}
			continue
		}
		servers = append(servers, raft.Server{ID: raft.ServerID(p.ID), Address: raft.ServerAddress(p.Addr), Suffrage: raft.Voter})
	}
	conf := raft.Configuration{Servers: servers}
	if err := raft.BootstrapCluster(rc, n.store, n.store, n.snaps, n.trans, conf); err != nil {
		return fmt.Errorf("bootstrapping the cluster: %w", err)
	}
	n.cfg.Logger.Info("bootstrapped a new cluster", "node", n.cfg.NodeID, "servers", len(servers))
	return nil
}

// Close shuts the node down: it stops the leader loops, hands leadership
// to another voter when it leads (so the cluster need not wait for an
// election), shuts raft down and closes the transport and the log store.
// ctx bounds the wait; Close is safe to call more than once.
func (n *Node) Close(ctx context.Context) error {
	n.closeOnce.Do(func() {
		n.stop()
		n.loops.Wait()
		if n.IsLeader() && n.voters() > 1 {
			_ = wait(ctx, n.raft.LeadershipTransfer())
		}
		err := wait(ctx, n.raft.Shutdown())
		n.closeErr = errors.Join(err, n.trans.Close(), n.closeStore())
	})
	return n.closeErr
}

func (n *Node) voters() int {
	f := n.raft.GetConfiguration()
	if f.Error() != nil {
		return 0
	}
	c := 0
	for _, s := range f.Configuration().Servers {
		if s.Suffrage == raft.Voter {
			c++
		}
	}
	return c
}

// wait waits for a raft future or ctx.
func wait(ctx context.Context, f raft.Future) error {
	done := make(chan error, 1)
	go func() { done <- f.Error() }()
	select {
	case err := <-done:
		return err
	case <-ctx.Done():
		return fmt.Errorf("%w: %w", ErrOutcomeUnknown, ctx.Err())
	}
}

// unreadable stops the node at a committed log entry it cannot decode (a
// command type or field of a newer version): applying it as a refusal
// would make this node's state differ from the others', silently. The
// panic ends the process; once the binary is upgraded the node replays
// the entry and goes on.
func (n *Node) unreadable(index uint64, err error) {
	n.cfg.Logger.Error("stopping: the raft log holds a command this version cannot read; upgrade this node to the leader's version and start it again",
		"index", index, "err", err)
	panic(fmt.Sprintf("coordinator node %s: raft log entry %d: %v: this node is older than the node that wrote the entry. "+
		"It stops rather than apply the log differently from the other nodes: upgrade it and start it again", n.cfg.NodeID, index, err))
}
