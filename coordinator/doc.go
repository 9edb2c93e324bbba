// Package coordinator is Signet's replicated signing coordinator: CI and
// people submit signing requests, signer agents submit signatures, and the
// coordinator releases in-toto metadata (layouts, links, attestations) only
// when the threshold of the request's policy is met. It holds no private
// keys.
//
// The service runs on hashicorp/raft. Its pieces:
//
//   - internal/state: the replicated state (enrolled keys, policies,
//     requests, a hash-chained audit log) and its pure, deterministic
//     transitions; every signature is verified against the enrolled key
//     there, on every node, before it counts.
//   - internal/command: the log entry encoding (one type byte + JSON),
//     stamped by the leader with the time and the sender's identity.
//   - internal/fsm: the raft.FSM that decodes entries, dispatches them to
//     the state, and snapshots and restores it.
//
// The HTTP API, the raft wiring with durable stores and the leader-only
// loops (expiry) come in later slices.
package coordinator
