package api

import (
	"time"

	"github.com/signet-dev/signet/coordinator/internal/state"
	"github.com/signet-dev/signet/pkg/keys"
)

// Types of the replicated state as they appear on the wire. They are
// aliases, so packages outside coordinator (the CLI, agents) can name them.
type (
	Request         = state.Request
	Policy          = state.Policy
	EnrolledKey     = state.EnrolledKey
	ThresholdStatus = state.ThresholdStatus
	File            = state.File
	AuditEntry      = state.AuditEntry
	Approval        = state.Approval
	Rejection       = state.Rejection
	Submission      = state.Submission
	ArtifactDiff    = state.ArtifactDiff
	Kind            = state.Kind
	Phase           = state.Phase
	Role            = state.Role
	KeyStatus       = state.KeyStatus
)

// Request kinds, phases and key roles, re-exported for clients.
const (
	KindLayout      = state.KindLayout
	KindLink        = state.KindLink
	KindStatement   = state.KindStatement
	KindStepCollect = state.KindStepCollect

	PhasePending   = state.PhasePending
	PhaseReleased  = state.PhaseReleased
	PhaseRejected  = state.PhaseRejected
	PhaseExpired   = state.PhaseExpired
	PhaseCancelled = state.PhaseCancelled

	RoleOwner       = state.RoleOwner
	RoleFunctionary = state.RoleFunctionary
	RoleAgent       = state.RoleAgent

	PayloadTypeStepCollect = state.PayloadTypeStepCollect
)

// Scopes a token or certificate identity can carry.
const (
	ScopeAdmin         = state.ScopeAdmin
	ScopeRead          = state.ScopeRead
	ScopeRequestPrefix = state.ScopeRequestPrefix
	ScopeSignPrefix    = state.ScopeSignPrefix
)

// IndexHeader carries the raft index a response reflects; pass it back as
// ?index= to block until something changes.
const IndexHeader = "X-Signet-Index"

// ErrorBody is the JSON of every error response.
type ErrorBody struct {
	Error string `json:"error"`
	Code  string `json:"code"`
}

// WriteResult answers every write: Changed is false when the command was
// an idempotent retry; Index is the raft index it was applied at.
type WriteResult struct {
	Changed bool   `json:"changed"`
	Phase   Phase  `json:"phase,omitempty"`
	Subject string `json:"subject,omitempty"`
	Index   uint64 `json:"index"`
}

// CreateRequestBody is POST /v1/requests. Payload is base64 in JSON.
type CreateRequestBody struct {
	ID          string `json:"id"`
	Kind        Kind   `json:"kind"`
	PayloadType string `json:"payload_type"`
	Payload     []byte `json:"payload"`
	Policy      string `json:"policy"`
}

// SignatureBody is POST /v1/requests/{id}/signatures: Sig over DSSE
// PAE(payload_type, payload), MetaSig over the canonical JSON of the
// payload (layout and link requests), both base64.
type SignatureBody struct {
	KeyID   string `json:"key_id"`
	Sig     []byte `json:"sig"`
	MetaSig []byte `json:"meta_sig,omitempty"`
}

// LinkBody is POST /v1/requests/{id}/links: a signed link document (a
// metablock or a DSSE envelope), base64.
type LinkBody struct {
	Document []byte `json:"document"`
}

// RejectBody is POST /v1/requests/{id}/reject.
type RejectBody struct {
	KeyID  string `json:"key_id"`
	Reason string `json:"reason"`
}

// CancelBody is POST /v1/requests/{id}/cancel.
type CancelBody struct {
	Reason string `json:"reason"`
}

// RequestView is GET /v1/requests/{id}: the request with its threshold
// status.
type RequestView struct {
	Request Request         `json:"request"`
	Status  ThresholdStatus `json:"status"`
}

// RequestList is GET /v1/requests. Released files are left out of lists
// (GET /v1/requests/{id}/released has them); Truncated says the limit cut
// the list.
type RequestList struct {
	Requests  []RequestView `json:"requests"`
	Index     uint64        `json:"index"`
	Truncated bool          `json:"truncated"`
}

// ReleasedBody is GET /v1/requests/{id}/released.
type ReleasedBody struct {
	ID    string `json:"id"`
	Phase Phase  `json:"phase"`
	Files []File `json:"files"`
}

// EnrollKeyBody is POST /v1/keys.
type EnrollKeyBody struct {
	Key        keys.Key  `json:"key"`
	Identity   string    `json:"identity"`
	Role       Role      `json:"role"`
	ValidFrom  time.Time `json:"valid_from"`
	ValidUntil time.Time `json:"valid_until"`
}

// RevokeBody is POST /v1/keys/{id}/revoke and /v1/tokens/{id}/revoke.
type RevokeBody struct {
	Reason string `json:"reason"`
}

// PolicyBody is POST /v1/policies; Version must be left zero.
type PolicyBody struct {
	Policy Policy `json:"policy"`
}

// CreateTokenBody is POST /v1/tokens. Identity defaults to the token id;
// a zero Expires means the token does not expire.
type CreateTokenBody struct {
	Name     string    `json:"name"`
	Identity string    `json:"identity"`
	Scopes   []string  `json:"scopes"`
	Expires  time.Time `json:"expires"`
}

// BootstrapBody is POST /v1/bootstrap; Identity defaults to "admin".
type BootstrapBody struct {
	Identity string `json:"identity"`
}

// TokenInfo describes a token without its secret or hash.
type TokenInfo struct {
	ID        string    `json:"id"`
	Name      string    `json:"name"`
	Identity  string    `json:"identity"`
	Scopes    []string  `json:"scopes"`
	Created   time.Time `json:"created"`
	Expires   time.Time `json:"expires"`
	CreatedBy string    `json:"created_by"`
	Revoked   bool      `json:"revoked"`
	RevokedAt time.Time `json:"revoked_at"`
	Reason    string    `json:"reason,omitempty"`
}

// NewToken answers token creation and bootstrap: Secret is shown this
// once and never again.
type NewToken struct {
	Token  TokenInfo `json:"token"`
	Secret string    `json:"secret"`
	Index  uint64    `json:"index"`
}

// AuditList is GET /v1/audit.
type AuditList struct {
	Entries   []AuditEntry `json:"entries"`
	Index     uint64       `json:"index"`
	Truncated bool         `json:"truncated"`
}

// Health is GET /v1/health.
type Health struct {
	Leader   bool   `json:"leader"`
	LeaderAt string `json:"leader_addr"`
	Index    uint64 `json:"index"`
}

func tokenInfo(t state.Token) TokenInfo {
	return TokenInfo{ID: t.ID, Name: t.Name, Identity: t.Identity, Scopes: t.Scopes, Created: t.Created,
		Expires: t.Expires, CreatedBy: t.CreatedBy, Revoked: t.Revoked, RevokedAt: t.RevokedAt, Reason: t.Reason}
}
