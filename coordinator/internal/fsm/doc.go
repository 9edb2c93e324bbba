// Package fsm is the coordinator's raft.FSM: it applies committed log
// entries (package command) to the replicated state (package state) and
// takes and restores snapshots.
//
// Apply is deterministic: it decodes the entry, dispatches it to the pure
// transition for its type and returns a *Response carrying the result or
// the error, so that the node that proposed the command can tell its client
// what happened; every other node reaches the same result and the same
// state. Apply never panics on any input: malformed entries come back as
// errors (and change nothing), and a panic inside a transition, which would
// be a bug, is recovered into an error rather than crashing every node of
// the cluster on the same entry. The FSM also implements raft.BatchingFSM.
//
// A snapshot is the JSON of the whole state with a format name and version:
//
//	{"format":"signet-coordinator-state","version":1,"index":N,"state":{...}}
//
// Snapshot serialises under the lock, so Persist writes bytes that do not
// change while Apply continues. Restore is bounded by
// Options.MaxSnapshotSize, refuses other formats and versions, checks the
// audit chain, and leaves the state unchanged on error.
package fsm
