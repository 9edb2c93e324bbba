package intoto

import (
	"errors"
)

// Errors returned by this package. Callers test them with errors.Is; most
// come wrapped in a *DecodeError or *ValidationError that says where in the
// document the problem is.
var (
	// ErrMalformed means a document is not well-formed for its type: bad
	// JSON, an unknown or missing field, a value of the wrong type.
	ErrMalformed = errors.New("malformed in-toto metadata")
	// ErrInvalid means a document is well-formed but breaks a rule of the
	// in-toto model: a wrong _type, a bad date, a threshold below one, an
	// artifact rule that does not parse, a step key that is not in the
	// layout, a duplicate step name.
	ErrInvalid = errors.New("invalid in-toto metadata")
	// ErrTooLarge means the input exceeds MaxDocumentSize.
	ErrTooLarge = errors.New("in-toto metadata too large")
	// ErrUnknownType means the payload's _type (or a DSSE payloadType) is
	// not one Signet reads.
	ErrUnknownType = errors.New("unknown in-toto metadata type")
	// ErrNoSignature means no signature carries the key id of the key
	// asked to verify.
	ErrNoSignature = errors.New("no signature for key")
	// ErrUnsupportedSignature means the signature exists but its kind (for
	// now: GPG signatures) cannot be verified by Signet.
	ErrUnsupportedSignature = errors.New("unsupported signature kind")
)

// MaxDocumentSize bounds every document this package parses (a metablock
// file, a DSSE payload, a bare link, layout or statement): 32 MiB, which
// holds links listing a few hundred thousand artifacts.
const MaxDocumentSize = 32 << 20

// DecodeError reports a document that is not well-formed. Path locates the
// value in JSON-path style relative to the document root, e.g.
// `signed.steps[1].expected_materials[0]` or `materials["a b"].sha256`;
// it is empty for problems with the document as a whole. The caller adds
// the file name.
type DecodeError struct {
	Path string
	Msg  string
	// Err is an underlying cause (for example ErrTooLarge or
	// ErrUnknownType), or nil.
	Err error
}

// Error implements error.
func (e *DecodeError) Error() string {
	if e.Path == "" {
		return e.Msg
	}
	return e.Path + ": " + e.Msg
}

// Is makes errors.Is(err, ErrMalformed) true.
func (e *DecodeError) Is(target error) bool { return target == ErrMalformed }

// Unwrap returns the underlying cause.
func (e *DecodeError) Unwrap() error { return e.Err }

// ValidationError reports a well-formed document that breaks a rule of the
// in-toto model. Path is as for DecodeError.
type ValidationError struct {
	Path string
	Msg  string
	// Err is an underlying cause (for example a *rule.Error), or nil.
	Err error
}

// Error implements error.
func (e *ValidationError) Error() string {
	if e.Path == "" {
		return e.Msg
	}
	return e.Path + ": " + e.Msg
}

// Is makes errors.Is(err, ErrInvalid) true.
func (e *ValidationError) Is(target error) bool { return target == ErrInvalid }

// Unwrap returns the underlying cause.
func (e *ValidationError) Unwrap() error { return e.Err }

// prefixPath returns err with prefix prepended to its path when it is one
// of this package's error types; other errors are returned unchanged.
func prefixPath(prefix string, err error) error {
	var de *DecodeError
	if errors.As(err, &de) {
		return &DecodeError{Path: joinPath(prefix, de.Path), Msg: de.Msg, Err: de.Err}
	}
	var ve *ValidationError
	if errors.As(err, &ve) {
		return &ValidationError{Path: joinPath(prefix, ve.Path), Msg: ve.Msg, Err: ve.Err}
	}
	return err
}

func joinPath(prefix, path string) string {
	switch {
	case path == "":
		return prefix
	case prefix == "":
		return path
	case path[0] == '[':
		return prefix + path
	}
	return prefix + "." + path
}
