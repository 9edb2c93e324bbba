package state

import (
	"time"

	"github.com/signet-dev/signet/pkg/keys"
)

// Role says what an enrolled key is for.
type Role string

// Key roles.
const (
	RoleOwner       Role = "owner"       // signs layouts
	RoleFunctionary Role = "functionary" // signs links and attestations
	RoleAgent       Role = "agent"       // a signer agent's key
)

// KeyStatus is active or revoked; revocation is final.
type KeyStatus string

// Key statuses.
const (
	KeyActive  KeyStatus = "active"
	KeyRevoked KeyStatus = "revoked"
)

// Kind is what a request asks to be signed.
type Kind string

// Request kinds.
const (
	KindLayout      Kind = "layout"
	KindLink        Kind = "link"
	KindStatement   Kind = "statement"
	KindStepCollect Kind = "step-collect"
)

// Phase is a request's place in its life: pending, then exactly one
// terminal phase.
type Phase string

// Request phases.
const (
	PhasePending   Phase = "pending"
	PhaseReleased  Phase = "released"
	PhaseRejected  Phase = "rejected"
	PhaseExpired   Phase = "expired"
	PhaseCancelled Phase = "cancelled"
)

// PayloadTypeStepCollect is the payload type of a step-collect request,
// whose payload is {"step": "<step name>"}.
const PayloadTypeStepCollect = "application/vnd.signet.step-collect+json"

// EnrolledKey is a public key the coordinator accepts signatures from.
type EnrolledKey struct {
	Key         keys.Key  `json:"key"`
	Fingerprint string    `json:"fingerprint"`
	Identity    string    `json:"identity"`
	Role        Role      `json:"role"`
	Status      KeyStatus `json:"status"`
	ValidFrom   time.Time `json:"valid_from"`
	ValidUntil  time.Time `json:"valid_until"` // zero: no end
	Version     uint64    `json:"version"`
	EnrolledBy  string    `json:"enrolled_by"`
	RevokedAt   time.Time `json:"revoked_at"`
	Reason      string    `json:"reason,omitempty"`
}

// Policy says who may request what, which keys may sign it and how many
// distinct keys must.
type Policy struct {
	Name            string   `json:"name"`
	Kinds           []Kind   `json:"kinds"`
	Keys            []string `json:"keys"`
	Threshold       int      `json:"threshold"`
	StepName        string   `json:"step_name,omitempty"`
	ExpectedCommand []string `json:"expected_command,omitempty"`
	// Condition is a CEL expression over the request that must be true
	// for a request to be created (condition.go); "" for none.
	Condition  string        `json:"condition,omitempty"`
	Requesters []string      `json:"requesters"`
	RequestTTL time.Duration `json:"request_ttl"`
	Version    uint64        `json:"version"`
}

// Approval is one counted signature. For layout and link requests MetaSig
// is the signature over the canonical JSON of the payload (the legacy
// metablock form); Sig is always over DSSE PAE(payload type, payload).
type Approval struct {
	KeyID       string    `json:"keyid"`
	Fingerprint string    `json:"fingerprint"`
	Sig         []byte    `json:"sig"`
	MetaSig     []byte    `json:"meta_sig,omitempty"`
	Actor       string    `json:"actor"`
	At          time.Time `json:"at"`
}

// Rejection is an explicit refusal by a signer.
type Rejection struct {
	KeyID       string    `json:"keyid"`
	Fingerprint string    `json:"fingerprint"`
	Reason      string    `json:"reason"`
	Actor       string    `json:"actor"`
	At          time.Time `json:"at"`
}

// Submission is a signed link submitted to a step-collect request.
type Submission struct {
	KeyID       string    `json:"keyid"`
	Fingerprint string    `json:"fingerprint"`
	Document    []byte    `json:"document"`
	Format      string    `json:"format"` // "metablock" or "dsse"
	Group       string    `json:"group"`  // digest of materials+products
	Actor       string    `json:"actor"`
	At          time.Time `json:"at"`
}

// File is one released file, ready to be written to disk.
type File struct {
	Name   string `json:"name"`
	Format string `json:"format"` // "metablock" or "dsse"
	Data   []byte `json:"data"`
}

// Request is a signing request and everything collected for it.
type Request struct {
	ID          string       `json:"id"`
	Kind        Kind         `json:"kind"`
	PayloadType string       `json:"payload_type"`
	Payload     []byte       `json:"payload"`
	Policy      Policy       `json:"policy"` // as it was at creation
	Requester   string       `json:"requester"`
	Created     time.Time    `json:"created"`
	Expires     time.Time    `json:"expires"`
	Phase       Phase        `json:"phase"`
	Approvals   []Approval   `json:"approvals"`
	Rejections  []Rejection  `json:"rejections"`
	Submissions []Submission `json:"submissions,omitempty"`
	Released    []File       `json:"released,omitempty"`
	ClosedAt    time.Time    `json:"closed_at"`
	Reason      string       `json:"reason,omitempty"`
}
