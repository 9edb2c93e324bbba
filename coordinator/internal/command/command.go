package command

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"reflect"

	"github.com/signet-dev/signet/coordinator/internal/state"
)

// Type is the first byte of an encoded command.
type Type uint8

// Command types. Values are part of the replicated log format: never
// renumber or reuse one.
const (
	TypeEnrollKey     Type = 1
	TypeRevokeKey     Type = 2
	TypeApplyPolicy   Type = 3
	TypeCreateRequest Type = 4
	TypeAddSignature  Type = 5
	TypeSubmitLink    Type = 6
	TypeReject        Type = 7
	TypeCancel        Type = 8
	TypeExpire        Type = 9

	// IgnoreUnknownFlag marks a command type that an older node which
	// does not know it may skip (Decode returns ErrIgnorable) instead of
	// refusing the log entry. Set it only on commands whose absence cannot
	// make nodes' states diverge (hints, metrics), never on state changes.
	IgnoreUnknownFlag Type = 0x80
)

// MaxCommandSize bounds an encoded command: 8 MiB holds the base64 of the
// largest payload (state.MaxPayloadSize) with room to spare.
const MaxCommandSize = 8 << 20

// Errors returned by Decode and Encode; test them with errors.Is.
var (
	// ErrMalformed means the command is empty, its JSON is not well-formed,
	// has unknown fields, trailing data, or misses its stamp.
	ErrMalformed = errors.New("malformed command")
	// ErrTooLarge means the command exceeds MaxCommandSize.
	ErrTooLarge = errors.New("command too large")
	// ErrUnknownType means the type byte names no command this version
	// knows and does not carry IgnoreUnknownFlag.
	ErrUnknownType = errors.New("unknown command type")
	// ErrIgnorable means the type is unknown but carries
	// IgnoreUnknownFlag: the entry may be skipped.
	ErrIgnorable = errors.New("unknown ignorable command type")
)

// typeOf returns the type byte of op.
func typeOf(op state.Op) (Type, bool) {
	switch op.(type) {
	case *state.EnrollKey:
		return TypeEnrollKey, true
	case *state.RevokeKey:
		return TypeRevokeKey, true
	case *state.ApplyPolicy:
		return TypeApplyPolicy, true
	case *state.CreateRequest:
		return TypeCreateRequest, true
	case *state.AddSignature:
		return TypeAddSignature, true
	case *state.SubmitLink:
		return TypeSubmitLink, true
	case *state.Reject:
		return TypeReject, true
	case *state.Cancel:
		return TypeCancel, true
	case *state.Expire:
		return TypeExpire, true
	}
	return tokenTypeOf(op)
}

// newOp returns an empty operation for t.
func newOp(t Type) state.Op {
	switch t {
	case TypeEnrollKey:
		return &state.EnrollKey{}
	case TypeRevokeKey:
		return &state.RevokeKey{}
	case TypeApplyPolicy:
		return &state.ApplyPolicy{}
	case TypeCreateRequest:
		return &state.CreateRequest{}
	case TypeAddSignature:
		return &state.AddSignature{}
	case TypeSubmitLink:
		return &state.SubmitLink{}
	case TypeReject:
		return &state.Reject{}
	case TypeCancel:
		return &state.Cancel{}
	case TypeExpire:
		return &state.Expire{}
	}
	return newTokenOp(t)
}

// Encode returns the log entry for op: its type byte followed by its JSON.
// The stamp (time and actor) must be set.
func Encode(op state.Op) ([]byte, error) {
	t, ok := typeOf(op)
	if !ok || reflect.ValueOf(op).IsNil() {
		return nil, fmt.Errorf("%w: %T", ErrUnknownType, op)
	}
	if err := checkStamp(op); err != nil {
		return nil, err
	}
	body, err := json.Marshal(op)
	if err != nil {
		return nil, fmt.Errorf("%w: encoding %T: %v", ErrMalformed, op, err)
	}
	if len(body)+1 > MaxCommandSize {
		return nil, fmt.Errorf("%w: %d bytes, at most %d", ErrTooLarge, len(body)+1, MaxCommandSize)
	}
	return append([]byte{byte(t)}, body...), nil
}

// Decode decodes a log entry strictly: a known type byte, then exactly one
// JSON object with only the fields of that command and a stamp.
func Decode(data []byte) (state.Op, Type, error) {
	if len(data) > MaxCommandSize {
		return nil, 0, fmt.Errorf("%w: %d bytes, at most %d", ErrTooLarge, len(data), MaxCommandSize)
	}
	if len(data) < 2 {
		return nil, 0, fmt.Errorf("%w: %d bytes, need a type byte and a JSON object", ErrMalformed, len(data))
	}
	t := Type(data[0])
	op := newOp(t)
	if op == nil {
		if t&IgnoreUnknownFlag != 0 {
			return nil, t, fmt.Errorf("%w: %d", ErrIgnorable, t)
		}
		return nil, t, fmt.Errorf("%w: %d", ErrUnknownType, t)
	}
	dec := json.NewDecoder(bytes.NewReader(data[1:]))
	dec.DisallowUnknownFields()
	if err := dec.Decode(op); err != nil {
		return nil, t, fmt.Errorf("%w: type %d: %v", ErrMalformed, t, err)
	}
	if _, err := dec.Token(); err != io.EOF {
		return nil, t, fmt.Errorf("%w: type %d: data after the JSON object", ErrMalformed, t)
	}
	if err := checkStamp(op); err != nil {
		return nil, t, err
	}
	return op, t, nil
}

func checkStamp(op state.Op) error {
	st := op.Stamped()
	if st.At.IsZero() || st.Actor == "" {
		return fmt.Errorf("%w: %T has no leader-stamped time or no actor", ErrMalformed, op)
	}
	return nil
}
