// Package node runs one coordinator node: the replicated state machine
// (coordinator/internal/fsm) on hashicorp/raft, with a durable log, file
// snapshots and a mutual-TLS transport, and the leader-only loops.
//
// # Storage
//
// DataDir/raft holds raft.db, a bolt database (raft-boltdb/v2) that is
// both the log store and the stable store, synced to disk on every
// append before raft acknowledges it, behind a small in-memory log
// cache; and snapshots/, a raft.FileSnapshotStore keeping SnapshotRetain
// snapshots. Raft snapshots every SnapshotInterval once SnapshotThreshold
// entries have accumulated and keeps TrailingLogs entries after it, so
// that a follower that was briefly away catches up from the log and one
// that was away long gets the snapshot. A second process opening the same
// data directory fails (the bolt file lock) instead of corrupting it.
//
// # Transport
//
// Raft runs over raft.NetworkTransport on a StreamLayer of TLS 1.3 with
// client certificates required both ways: a node accepts a connection
// only from a peer whose certificate the cluster CA (Config.TLS.ClientCAs)
// signed, dials peers verifying their certificate against
// Config.TLS.RootCAs and the dialled host, and on both sides also runs
// Config.VerifyPeer, by default RequireNodeCert: only certificates with a
// urn:signet:node:<id> URI SAN are raft peers, so API client certificates
// issued by the same CA cannot speak raft. With the default check the
// certificate is also bound to the raft configuration: an incoming peer
// must name a member (so a removed node's certificate is refused), and a
// dialled peer must name the member configured at that address (so one
// member cannot stand in for another). A node with no configuration yet,
// waiting to be added, admits any node certificate. A refused handshake is logged
// once with the peer's address. coordinator/internal/devca creates such a
// CA and certificates in dev mode.
//
// # Forming a cluster
//
// Either give every initial node Bootstrap and the same Peers, or
// bootstrap one node and add the others, started without Bootstrap, with
// AddVoter on the leader (operator raft add/remove-peer; Peers lists the
// configuration for operator raft list-peers). Bootstrap only ever acts
// on an empty data directory: restarting a node with Bootstrap still set
// resumes its cluster and never starts a new one.
//
// A node given Config.APIAddr records it in the replicated state
// (state.RegisterNode) whenever it leads and the state does not hold it
// yet, so that every node can look up the leader's API address
// (APIAddrOf) to forward writes to.
//
// # Writes
//
// Apply encodes a state operation (command.Encode) and replicates it; only
// the leader applies, others answer with a *NotLeaderError naming the
// leader. The node stamps nothing: the caller stamps the leader's time and
// the authenticated actor into the operation, because the FSM must be
// deterministic (ARCHITECTURE.md invariant 3). Raft's BatchApplyCh is on,
// so concurrent Applies share log appends, fsyncs and replication rounds
// of up to MaxAppendEntries entries, and the FSM applies them as a batch.
// An Apply whose outcome cannot be known (ctx ended, leadership lost
// after submission) fails with ErrOutcomeUnknown; commands are idempotent,
// so the client retries at the leader.
//
// Reads go to FSM() on any node and may lag the leader; Barrier on the
// leader makes them see every acknowledged write.
//
// # Leader loops
//
// While a node leads, every ExpireInterval it looks for pending requests
// whose time to live has passed on its clock (Config.Now) and, if there
// are any, applies state.Expire stamped with that time and the actor
// ExpireActor, so that every node expires the same requests at the same
// log position. An idle cluster writes nothing.
//
// # Backup and restore
//
// Snapshot writes a snapshot archive (operator snapshot save): a gzipped
// tar of meta.json (format, version, node, raft index and term, size,
// SHA-256) and state.json (the FSM snapshot). Restore (operator snapshot
// restore, leader only) checks the archive and loads its state into a
// scratch FSM before handing it to raft.Restore, so that a damaged or
// foreign archive is refused without touching the cluster (raft would
// otherwise stop the node on a state that does not load). The cluster
// keeps its membership; in-flight writes are aborted.
//
// Close stops the loops, transfers leadership when this node leads a
// cluster with other voters, and shuts raft, the transport and the log
// store down.
package node
