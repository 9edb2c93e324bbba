// Package intoto is Signet's model of in-toto metadata: links, layouts
// (with steps and inspections), in-toto attestation Statements, and the two
// signature wrappers they travel in — the legacy metablock
// ({"signed", "signatures"}) of in-toto 1.x and DSSE envelopes.
//
// # Byte compatibility
//
// The reference implementation (in-toto 1.3.1) signs the canonical JSON
// (securesystemslib flavour, see package cjson) of its model objects. The
// JSON tags and MarshalJSON methods here reproduce those objects field for
// field — empty maps and lists are written as {} and [], a layout always
// has "readme" and "inspect", keys keep keyid_hash_algorithms and an RSA
// key's "private": "" — so cjson.Marshal of a Link or Layout is
// byte-identical to what the reference signs for the same content.
// Metablock.MarshalIndent writes files the way the reference does
// (json.dumps with indent=1, sorted keys, \u escapes).
//
// # Strict decoding
//
// DecodeLink, DecodeLayout, DecodeStatement, DecodeMetablock and
// ReadDocument never panic and accept less than the reference: unknown
// and duplicate fields, missing fields (the reference fills in defaults
// and signs those), wrong types, floats, invalid UTF-8 and lone
// surrogates are *DecodeError (errors.Is ErrMalformed) with a JSON path
// such as `signed.steps[1].expected_materials[0]`. A document that decodes
// but breaks a model rule gives *ValidationError (errors.Is ErrInvalid).
// Input is bounded by MaxDocumentSize. Callers add the file name.
//
// Requiring every field keeps Signet's view and the reference's view of a
// signed object identical: for any metablock Signet accepts, the
// canonical JSON of the signed object as written (what Signet verifies)
// equals the canonical JSON of the reference's model of it (what the
// reference verifies).
//
// # Signatures
//
// Metablock signs and verifies the canonical JSON of its signed object;
// DSSE envelopes (package dsse) sign PAE(payloadType, payload). Document
// hides the difference for tools and verifiers: ReadDocument opens either
// format, Type says what the payload is, Link/Layout/Statement decode it,
// VerifySignature and Sign work on its signatures. Signing always goes
// through keys.Signer.
//
// Artifact rules (expected_materials, expected_products) are parsed by
// package rule; applying them is the verifier's job.
package intoto
