// Package command is the encoding of the coordinator's replicated log
// entries.
//
// An entry is one type byte followed by the JSON of one state operation
// (package state): Encode writes it, Decode reads it back strictly.
//
//	0x04 {"at":"2026-11-22T08:00:00Z","actor":"ci@example","id":"r1",...}
//
// Every command carries the time the leader stamped into it and the
// authenticated identity of its sender, because applying it must be
// deterministic on every node: the state machine never reads a clock.
//
// Decode refuses, with a sentinel error, anything a current node did not
// write: unknown type bytes (ErrUnknownType), unknown or misspelt JSON
// fields, trailing data, a missing stamp (ErrMalformed), and entries over
// MaxCommandSize (ErrTooLarge). A type byte with IgnoreUnknownFlag set that
// this version does not know gives ErrIgnorable instead, so that a future
// version can add advisory commands that older nodes skip (as in Consul's
// FSM). Type numbers are part of the log format and are never reused.
//
// Go's encoding/json matches field names case-insensitively and keeps the
// last of duplicate members; Encode never writes either, and the state
// validates every field after decoding.
package command
