// Package client is the Go client of the coordinator's /v1 API, used by
// the CLI, CI tooling and signer agents.
//
// A Client knows the base URLs of several coordinator nodes and fails
// over between them: on a connection failure or a 503 (no leader, not the
// leader) it tries the next node, starting next time from the one that
// last answered. Writes are idempotent on the server (client-chosen
// request ids, re-submitted signatures are no-ops), so retrying them on
// another node is safe; token creation, which mints a new secret each
// time, is only retried when the connection was refused.
//
// It authenticates with a bearer token or a TLS client certificate
// (Config.TLS). Responses are bounded (Config.MaxResponseSize). Errors
// from the server come back as *Error, which carries the HTTP status and
// the API's error code and matches the sentinels below with errors.Is.
//
// WaitRequests and WaitReleased use the API's blocking queries
// (?index=N&wait=...), so agents and CI wait without polling.
package client
