package api

import (
	"errors"
	"net/http"

	"github.com/signet-dev/signet/coordinator/internal/command"
	"github.com/signet-dev/signet/coordinator/internal/state"
)

// Errors of the API layer. Errors from the replicated state (package
// state) pass through wrapped; StatusOf maps both to HTTP statuses and
// error codes.
var (
	// ErrNotLeader means this node is not the raft leader; Backend.Apply
	// returns it (wrapped, with the leader's API address when known).
	ErrNotLeader = errors.New("not the leader")
	// ErrNoLeader means the cluster has no leader at the moment; retry.
	ErrNoLeader = errors.New("no leader")
	// ErrUnauthenticated means the request carried no valid credentials:
	// no token, an unknown, revoked or expired token, or an unmapped
	// client certificate.
	ErrUnauthenticated = errors.New("not authenticated")
	// ErrForbidden means the credentials lack the scope the endpoint
	// needs.
	ErrForbidden = errors.New("forbidden")
	// ErrBadRequest means the HTTP request itself is malformed: bad JSON,
	// unknown fields, a bad query parameter.
	ErrBadRequest = errors.New("bad request")
	// ErrTooLarge means a body or header is over its limit.
	ErrTooLarge = errors.New("too large")
	// ErrNotFound means no such request, key, policy or token.
	ErrNotFound = errors.New("not found")
	// ErrBootstrapDisabled means the bootstrap endpoint is switched off on
	// this node.
	ErrBootstrapDisabled = errors.New("bootstrap endpoint disabled")
	// ErrConfig means a Config field is invalid.
	ErrConfig = errors.New("invalid api config")
)

// errorCode is one row of the error table.
type errorCode struct {
	err    error
	status int
	code   string
}

// errorTable maps sentinels to statuses and codes, most specific first.
var errorTable = []errorCode{
	{ErrUnauthenticated, http.StatusUnauthorized, "unauthenticated"},
	{ErrForbidden, http.StatusForbidden, "forbidden"},
	{ErrBadRequest, http.StatusBadRequest, "bad_request"},
	{ErrTooLarge, http.StatusRequestEntityTooLarge, "too_large"},
	{ErrNotFound, http.StatusNotFound, "not_found"},
	{ErrBootstrapDisabled, http.StatusForbidden, "bootstrap_disabled"},
	{ErrNoOperator, http.StatusNotImplemented, "no_operator"},
	{ErrNotLeader, http.StatusServiceUnavailable, "not_leader"},
	{ErrNoLeader, http.StatusServiceUnavailable, "no_leader"},
	{command.ErrTooLarge, http.StatusRequestEntityTooLarge, "too_large"},
	{command.ErrMalformed, http.StatusBadRequest, "malformed"},
	{state.ErrInvalid, http.StatusBadRequest, "invalid"},
	{state.ErrBadSignature, http.StatusBadRequest, "bad_signature"},
	{state.ErrConstraint, http.StatusBadRequest, "policy_constraint"},
	{state.ErrKindNotAllowed, http.StatusBadRequest, "kind_not_allowed"},
	{state.ErrWrongKind, http.StatusBadRequest, "wrong_kind"},
	{state.ErrConflict, http.StatusConflict, "conflict"},
	{state.ErrReplay, http.StatusConflict, "replay"},
	{state.ErrBootstrapped, http.StatusConflict, "already_bootstrapped"},
	{state.ErrUnknownKey, http.StatusNotFound, "unknown_key"},
	{state.ErrUnknownPolicy, http.StatusNotFound, "unknown_policy"},
	{state.ErrUnknownRequest, http.StatusNotFound, "unknown_request"},
	{state.ErrUnknownToken, http.StatusNotFound, "unknown_token"},
	{state.ErrKeyRevoked, http.StatusForbidden, "key_revoked"},
	{state.ErrKeyNotValid, http.StatusForbidden, "key_not_valid"},
	{state.ErrUnauthorizedKey, http.StatusForbidden, "key_not_authorized"},
	{state.ErrSelfApproval, http.StatusForbidden, "self_approval"},
	{state.ErrRequesterNotAllowed, http.StatusForbidden, "requester_not_allowed"},
	{state.ErrNotRequester, http.StatusForbidden, "not_requester"},
	{state.ErrTerminal, http.StatusGone, "terminal"},
	{state.ErrExpired, http.StatusGone, "expired"},
}

// StatusOf returns the HTTP status and error code for err: 500
// "internal" for errors it does not know.
func StatusOf(err error) (int, string) {
	for _, e := range errorTable {
		if errors.Is(err, e.err) {
			return e.status, e.code
		}
	}
	return http.StatusInternalServerError, "internal"
}

// Codes returns every error code the API uses with its HTTP status, for
// documentation and clients.
func Codes() map[string]int {
	out := map[string]int{"internal": http.StatusInternalServerError}
	for _, e := range errorTable {
		out[e.code] = e.status
	}
	return out
}
