// Package server runs a whole coordinator node as `signet coordinator`
// does: a raft node (coordinator/node) and its /v1 API (coordinator/api)
// over TLS, wired together, plus the one-time chores of a cluster's life.
//
// # TLS
//
// In dev mode (Config.DevCADir) the node takes its certificate from a
// development CA in that directory, creating the CA and the certificate
// on first use (coordinator/internal/devca); nodes on one machine share
// the directory, and clients trust DevCADir/ca.crt. Otherwise
// Config.TLS names PEM files: the node certificate and key (the
// certificate needs the URI SAN urn:signet:node:<id>, which raft peers
// require) and the cluster CA, which verifies raft peers, API client
// certificates, and the other nodes' API certificates when forwarding.
// The same certificate serves raft (client certificates required) and the
// API (client certificates optional: tokens or certificates).
//
// # Forming a cluster
//
// Either start one node with Bootstrap (alone, or with the same Peers on
// every initial node) and let others Join: a joining node, started
// without state, asks the cluster through the API of any node in Join to
// add it as a voter, with an admin token from JoinTokenFile, retrying
// until it is in. Restarting a node never bootstraps or joins again.
//
// Every node announces its API address (APIAdvertise) in the replicated
// state when it becomes leader, so followers know where to forward
// writes.
//
// # The admin token
//
// A node given AdminTokenFile makes sure, once it leads, that the cluster
// has its first admin token. It writes a new token's secret to that file
// (0600, never overwriting) before it applies the token's hash, and
// applies the same secret again after a crash in between, so the secret
// that works is always the one on disk. When the cluster already has
// tokens it does nothing.
package server
