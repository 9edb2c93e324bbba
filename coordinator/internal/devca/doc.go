// Package devca is the coordinator's development certificate authority: in
// dev mode a node creates, in its data directory, a private CA and the
// certificates that mutual TLS between nodes (raft) and API clients need.
// It is meant for trying Signet out and for tests; production clusters
// bring their own PKI (docs/operations.md).
//
// Everything is ECDSA P-256. Layout of the directory (0700):
//
//	ca.key              CA private key + certificate (PEM, 0600)
//	ca.crt              CA certificate (PEM, 0644): what clients trust
//	nodes/<id>.key      node private key + certificate (0600)
//	nodes/<id>.crt      node certificate
//	clients/<name>.key  API client private key + certificate (0600)
//	clients/<name>.crt  API client certificate
//
// Files are created once and never overwritten. Each private key file
// holds its certificate too and is the authoritative copy: it is written to
// a temporary file, synced, and then hard-linked into place, which fails if
// the name exists, so two processes initialising the same directory at the
// same time agree on one CA (the loser loads the winner's). The .crt file
// is a public copy written afterwards; when it is missing it is written
// again from the .key file, and when it differs from it loading fails.
//
// Node certificates are for both TLS server and client use; their SANs are
// 127.0.0.1, ::1, localhost, the node id and any extra host names or IP
// addresses, and they carry the URI SAN urn:signet:node:<id>, which the
// raft transport (coordinator/node) requires of its peers. API client
// certificates are client-only, with the name as subject common name and
// the URI SAN urn:signet:user:<name>, so that an API client's certificate
// can never speak raft even though the same CA signed it.
package devca
