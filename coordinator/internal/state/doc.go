// Package state holds the coordinator's replicated state and its pure,
// deterministic transitions: enrolled keys, signing policies, signing
// requests and the audit log.
//
// # Determinism
//
// Every node of the raft cluster applies the same commands in the same
// order and must reach the same state, byte for byte (State.Hash). So the
// transitions read no clock, draw no random numbers and do no I/O: the
// leader stamps the time into each command (Stamp.At) together with the
// authenticated identity of its sender (Stamp.Actor). Maps are iterated in
// sorted order wherever the order shows.
//
// # Transitions
//
// State.Apply takes one Op: EnrollKey, RevokeKey, ApplyPolicy,
// CreateRequest, AddSignature, SubmitLink, Reject, Cancel, Expire. A
// transition either succeeds or returns an error wrapping one of the
// sentinel errors and changes nothing. Every command is idempotent, because
// raft can leave the outcome of a command unknown to the client
// (ErrLeadershipLost) and clients must be able to retry: re-enrolling the
// same key, re-applying the same policy, re-creating a request with the same
// id and content, re-submitting a signature or link, rejecting or cancelling
// twice are no-ops (Result.Changed false), also after the request reached a
// terminal phase. A request id reused for other content is ErrConflict.
//
// # What a signer signs
//
// Every signature is verified against the enrolled key, on every node,
// before it counts. A signer signs DSSE PAE(payload_type, payload) for every
// kind (AddSignature.Sig). For layout and link requests it also signs the
// canonical JSON (securesystemslib flavour) of the payload
// (AddSignature.MetaSig), which is what a legacy in-toto 1.x metablock's
// signature covers; both are required, so that the release can be offered
// in both formats. Each signature covers exactly the payload bytes the
// requester submitted (DSSE signs them as they are; the metablock signs
// their canonical form), never bytes the coordinator produced.
//
// A signature counts when its key is enrolled, listed by the policy the
// request was created under (a copy of the policy is kept with the
// request, so later versions do not change it), active and within its
// validity window at the command's time, and its owner is not the
// requester (separation of duties: ErrSelfApproval). Thresholds count
// distinct public keys (SPKI fingerprints); a public key can be enrolled
// under one key id only. A key that signs again is a no-op. The digest of
// every counted signature is remembered with its request: the same
// signature bytes offered to another request are ErrReplay (with
// deterministic schemes such as ed25519 this also refuses a second request
// for an identical payload signed by the same key). Revoking a key stops
// its signatures from counting on pending requests, and rejects those whose
// threshold becomes unreachable.
//
// # Requests and releases
//
// A request is pending until exactly one of: released (threshold met),
// rejected (threshold unreachable after explicit rejections or
// revocations), expired (Expire at or after created + the policy's TTL) or
// cancelled (by its requester, or an administrator). Terminal phases never
// change, so a request is released at most once. The release is assembled
// when the threshold is first met, stored with the request and never
// rebuilt:
//
//   - layout: root.layout, a legacy metablock with every counted signature,
//     and root.layout.dsse.json, a DSSE envelope with the same signers;
//   - link: one <step>.<keyid8>.link metablock per signer, so that an in-toto
//     step threshold of M is met by M agreeing links, and <step>.dsse.json;
//   - statement: statement.dsse.json with every counted signature;
//   - step-collect: the payload is {"step": name}; functionaries submit
//     their own signed links (SubmitLink); when k links from distinct
//     authorized keys agree on materials and products they are released
//     as submitted, as <step>.<keyid8>.link. Links that disagree are listed
//     in ThresholdStatus.Disagreements with the differing artifacts.
//
// Status reports, like TUF's threshold status, which allowed keys signed,
// which are missing, which rejected and which were revoked.
//
// # Audit log
//
// Every change appends an AuditEntry (who, what, when, the digest of the
// payload concerned) whose Hash covers the entry and the Hash of the entry
// before it; VerifyAudit checks the chain. No-ops add no entry.
package state
