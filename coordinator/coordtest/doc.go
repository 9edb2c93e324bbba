// Package coordtest starts a real coordinator in the test's process, for
// tests outside package coordinator (the CLI, tools, agents) that cannot
// reach its internal packages.
//
// Start opens one or more raft nodes with in-memory log stores and
// transports, puts the real /v1 API server in front of each over TLS
// (httptest's certificate; its CA is written to a PEM file), bootstraps
// the cluster, applies the one-time admin token and returns the API URLs,
// the CA file and the admin token. Everything is closed by the test's
// cleanup. Only tests should import this package.
package coordtest
