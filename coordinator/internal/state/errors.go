package state

import "errors"

// Errors returned by the transitions. Each comes wrapped with the request,
// key or policy it concerns; callers test them with errors.Is. A transition
// that returns an error has changed nothing.
var (
	// ErrInvalid means a command is malformed: a missing or oversized
	// field, an identifier with characters outside [A-Za-z0-9._:@-], a
	// payload that is not a valid link, layout or statement.
	ErrInvalid = errors.New("invalid command")
	// ErrConflict means an object with the same identifier exists with
	// different content (a request id reused for another payload, a key id
	// enrolled with another key, a public key enrolled under two ids).
	ErrConflict = errors.New("conflicts with existing state")
	// ErrUnknownKey means the key id is not enrolled.
	ErrUnknownKey = errors.New("unknown key")
	// ErrKeyRevoked means the key has been revoked; its signatures never
	// count again.
	ErrKeyRevoked = errors.New("key revoked")
	// ErrKeyNotValid means the command's time is outside the key's
	// valid-from / valid-until window.
	ErrKeyNotValid = errors.New("key not valid at this time")
	// ErrUnauthorizedKey means the key is enrolled but the request's policy
	// does not allow it to sign.
	ErrUnauthorizedKey = errors.New("key not authorized by the policy")
	// ErrBadSignature means a signature does not verify with the enrolled
	// key over the bytes it must cover.
	ErrBadSignature = errors.New("bad signature")
	// ErrSelfApproval means the requester (or the owner of the key) tried
	// to approve or reject their own request.
	ErrSelfApproval = errors.New("requester cannot approve their own request")
	// ErrExpired means the request's time to live has passed.
	ErrExpired = errors.New("request expired")
	// ErrReplay means the same signature bytes were already used on
	// another request.
	ErrReplay = errors.New("signature already used on another request")
	// ErrUnknownPolicy means no policy has that name.
	ErrUnknownPolicy = errors.New("unknown policy")
	// ErrKindNotAllowed means the policy does not allow the request kind.
	ErrKindNotAllowed = errors.New("request kind not allowed by the policy")
	// ErrRequesterNotAllowed means the identity may not create requests
	// under the policy.
	ErrRequesterNotAllowed = errors.New("requester not allowed by the policy")
	// ErrConstraint means the payload breaks a condition of the policy
	// (step name, expected command).
	ErrConstraint = errors.New("payload breaks a policy constraint")
	// ErrUnknownRequest means no request has that id.
	ErrUnknownRequest = errors.New("unknown request")
	// ErrTerminal means the request is no longer pending (released,
	// rejected, expired or cancelled); terminal states never change.
	ErrTerminal = errors.New("request is no longer pending")
	// ErrNotRequester means someone other than the requester (and not an
	// administrator) tried to cancel a request.
	ErrNotRequester = errors.New("only the requester or an administrator may cancel")
	// ErrWrongKind means the command does not apply to the request's kind
	// (a link submission to a layout request, a plain signature to a
	// step-collect request).
	ErrWrongKind = errors.New("command does not apply to this request kind")
	// ErrUnknownCommand means Apply was given an operation it does not know.
	ErrUnknownCommand = errors.New("unknown command")
	// ErrAuditChain means the audit log's hash chain is broken.
	ErrAuditChain = errors.New("audit log chain broken")
)
