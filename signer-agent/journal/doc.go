// Package journal is a signer agent's memory of what it signed: an
// append-only file in the agent's state directory with one record per
// signature (request id, key id, the digest of the exact bytes signed, the
// signature), written with fsync before the signature leaves the agent.
//
// It enforces two rules across restarts: a key never signs two different
// payloads for one request (ErrConflictingPayload), and a signature made
// once is reused, never made again (Lookup). Records are JSON lines; a
// torn last line from a crash is ignored and overwritten, any other damage
// stops the agent (ErrCorrupt), because guessing would risk signing twice.
package journal
