package client

import (
	"errors"
	"fmt"
	"net/http"
)

// Errors a call can match with errors.Is; an *Error from the server
// matches the one for its status.
var (
	// ErrBadRequest: 400, the input was refused (see Error.Code).
	ErrBadRequest = errors.New("bad request")
	// ErrUnauthenticated: 401, no valid credentials.
	ErrUnauthenticated = errors.New("not authenticated")
	// ErrForbidden: 403, the credentials lack the scope, or the state
	// refused the actor (self-approval, revoked key, ...).
	ErrForbidden = errors.New("forbidden")
	// ErrNotFound: 404.
	ErrNotFound = errors.New("not found")
	// ErrConflict: 409, an id reused for other content, or a replay.
	ErrConflict = errors.New("conflict")
	// ErrGone: 410, the request is terminal or expired.
	ErrGone = errors.New("gone")
	// ErrTooLarge: 413, or a response over Config.MaxResponseSize.
	ErrTooLarge = errors.New("too large")
	// ErrUnavailable: 503 from every node, or no node reachable.
	ErrUnavailable = errors.New("unavailable")
	// ErrConfig: the Config is invalid.
	ErrConfig = errors.New("invalid client config")
	// ErrNotReleased: WaitReleased saw the request end without a release
	// (rejected, expired or cancelled).
	ErrNotReleased = errors.New("request ended without a release")
)

// Error is an error answer from a coordinator.
type Error struct {
	Status  int
	Code    string
	Message string
	Node    string
}

func (e *Error) Error() string {
	return fmt.Sprintf("coordinator %s: %d %s: %s", e.Node, e.Status, e.Code, e.Message)
}

// Is matches the sentinel for e's status.
func (e *Error) Is(target error) bool {
	switch e.Status {
	case http.StatusBadRequest:
		return target == ErrBadRequest
	case http.StatusUnauthorized:
		return target == ErrUnauthenticated
	case http.StatusForbidden:
		return target == ErrForbidden
	case http.StatusNotFound:
		return target == ErrNotFound
	case http.StatusConflict:
		return target == ErrConflict
	case http.StatusGone:
		return target == ErrGone
	case http.StatusRequestEntityTooLarge:
		return target == ErrTooLarge
	case http.StatusServiceUnavailable:
		return target == ErrUnavailable
	}
	return false
}
