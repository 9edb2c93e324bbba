// Package api is the coordinator's HTTP/JSON API, /v1, on one node.
//
// Server is an http.Handler over a Backend: the replicated core (raft and
// the FSM), which coordinator/node provides (RaftBackend adapts a
// hashicorp/raft node). Reads are answered from this node's state, so a
// follower may lag the leader by a few entries; every answer carries the
// raft index it reflects in the X-Signet-Index header. Writes become
// commands (package state operations) that the leader stamps with its
// clock and the caller's identity and replicates; a follower forwards
// them to the leader through a reverse proxy (or, for callers
// authenticated by a client certificate, which cannot be proxied,
// redirects them with 307).
//
// # Authentication and scopes
//
// A caller is a bearer token (Authorization: Bearer signet_<id>_<secret>;
// the state stores only the SHA-256 of the secret) or a verified TLS
// client certificate whose subject CN or SAN Config.CertIdentities maps to
// an identity and scopes. Scopes:
//
//   - admin: everything (keys, policies, tokens, cancelling any request);
//   - read: requests, keys, policies, the audit log;
//   - request:<policy>: create requests under the policy and cancel one's
//     own (the policy must list the identity among its requesters);
//   - sign:<keyid>: submit signatures, links and rejections made with the
//     key (the state verifies every signature against the enrolled key).
//
// Any scope can read requests (agents and CI need to); health and metrics
// need none. The first admin token comes from BootstrapToken, which the
// state accepts only while no token exists: NewBootstrapOp builds it for
// the node that initialises the cluster, and POST /v1/bootstrap offers it
// over HTTP when Config.AllowBootstrap is set.
//
// # Errors and limits
//
// Errors are JSON {"error": "...", "code": "..."}; StatusOf maps the
// state's sentinel errors and this package's to statuses (400 bad input,
// 401/403, 404, 409 conflict or replay, 410 terminal or expired, 413 too
// large, 503 no leader). Bodies are bounded per endpoint (MaxPayloadBody,
// MaxSmallBody), headers by MaxHeaderBytes and MaxAuthHeader, lists by
// MaxListLimit; JSON is decoded strictly (unknown fields and trailing data
// are refused). Writes are idempotent: a retry answers 200 with
// "changed": false.
//
// # Blocking queries
//
// GET /v1/requests, /v1/requests/{id}, .../released and /v1/audit accept
// ?index=N&wait=30s, as Consul does: the answer waits until the state
// moves past index N or the wait (at most Config.MaxWait) passes.
package api
