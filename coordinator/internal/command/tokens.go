package command

import "github.com/signet-dev/signet/coordinator/internal/state"

// Command types of the API token operations (state/tokens.go) and of
// RegisterNode (state/nodes.go). Like the
// others, these values are part of the log format.
const (
	TypeCreateToken    Type = 10
	TypeBootstrapToken Type = 11
	TypeRevokeToken    Type = 12
	TypeRegisterNode   Type = 13
)

// tokenTypeOf is typeOf for the token operations.
func tokenTypeOf(op state.Op) (Type, bool) {
	switch op.(type) {
	case *state.CreateToken:
		return TypeCreateToken, true
	case *state.BootstrapToken:
		return TypeBootstrapToken, true
	case *state.RevokeToken:
		return TypeRevokeToken, true
	case *state.RegisterNode:
		return TypeRegisterNode, true
	}
	return 0, false
}

// newTokenOp is newOp for the token operations.
func newTokenOp(t Type) state.Op {
	switch t {
	case TypeCreateToken:
		return &state.CreateToken{}
	case TypeBootstrapToken:
		return &state.BootstrapToken{}
	case TypeRevokeToken:
		return &state.RevokeToken{}
	case TypeRegisterNode:
		return &state.RegisterNode{}
	}
	return nil
}
