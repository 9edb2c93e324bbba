package state

import (
	"time"

	"github.com/signet-dev/signet/pkg/keys"
)

// Stamp is carried by every operation: the time the leader stamped into the
// command and the authenticated identity of whoever sent it. Transitions
// never read a clock; they use At.
type Stamp struct {
	At    time.Time `json:"at"`
	Actor string    `json:"actor"`
}

// Op is one state transition. The concrete types below are the only ones;
// State.Apply dispatches on them.
type Op interface {
	Stamped() Stamp
}

// Stamped returns the stamp; it makes every operation type an Op.
func (s Stamp) Stamped() Stamp { return s }

// EnrollKey enrols a public key. Enrolling the same key again with the same
// attributes is a no-op.
type EnrollKey struct {
	Stamp
	Key        keys.Key  `json:"key"`
	Identity   string    `json:"identity"`
	Role       Role      `json:"role"`
	ValidFrom  time.Time `json:"valid_from"`
	ValidUntil time.Time `json:"valid_until"`
}

// RevokeKey revokes an enrolled key for good.
type RevokeKey struct {
	Stamp
	KeyID  string `json:"keyid"`
	Reason string `json:"reason"`
}

// ApplyPolicy creates a policy or replaces it with a new version. The
// Version field of Policy is assigned by the state and must be zero.
type ApplyPolicy struct {
	Stamp
	Policy Policy `json:"policy"`
}

// CreateRequest creates a signing request with a client-chosen id.
// Retrying with the same content is a no-op; another payload under the same
// id is ErrConflict.
type CreateRequest struct {
	Stamp
	ID          string `json:"id"`
	Kind        Kind   `json:"kind"`
	PayloadType string `json:"payload_type"`
	Payload     []byte `json:"payload"`
	Policy      string `json:"policy"`
}

// AddSignature adds a signer's signature to a layout, link or statement
// request. Sig is over DSSE PAE(payload type, payload); for layout and link
// requests MetaSig, over the canonical JSON of the payload (what a legacy
// metablock's signature covers), is required as well.
type AddSignature struct {
	Stamp
	RequestID string `json:"request_id"`
	KeyID     string `json:"keyid"`
	Sig       []byte `json:"sig"`
	MetaSig   []byte `json:"meta_sig,omitempty"`
}

// SubmitLink submits a signed link (a metablock or a DSSE envelope, exactly
// one signature) to a step-collect request.
type SubmitLink struct {
	Stamp
	RequestID string `json:"request_id"`
	Document  []byte `json:"document"`
}

// Reject records a signer's explicit refusal.
type Reject struct {
	Stamp
	RequestID string `json:"request_id"`
	KeyID     string `json:"keyid"`
	Reason    string `json:"reason"`
}

// Cancel cancels a pending request. Only the requester may, unless Admin
// says the API layer checked an administrator's authority.
type Cancel struct {
	Stamp
	RequestID string `json:"request_id"`
	Reason    string `json:"reason"`
	Admin     bool   `json:"admin"`
}

// Expire moves pending requests whose time to live has passed at At to
// expired: the one named, or every due request when RequestID is empty.
type Expire struct {
	Stamp
	RequestID string `json:"request_id"`
}

// Result says what a transition did. Changed is false for an idempotent
// retry.
type Result struct {
	Changed bool   `json:"changed"`
	Phase   Phase  `json:"phase,omitempty"`
	Count   int    `json:"count,omitempty"` // requests expired by Expire
	Subject string `json:"subject,omitempty"`
}
