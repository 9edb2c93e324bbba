package cjson

import (
	"encoding/json"
	"errors"
	"fmt"
	"math"
	"reflect"
	"slices"
	"strconv"
	"unicode/utf8"
)

// Errors returned by this package. Callers test them with errors.Is.
var (
	// ErrFloat means a number was not an integer; canonical JSON has no
	// floats.
	ErrFloat = errors.New("canonical JSON allows only integers")
	// ErrInvalidUTF8 means a string or key was not valid UTF-8.
	ErrInvalidUTF8 = errors.New("canonical JSON strings must be valid UTF-8")
	// ErrUnsupportedType means the value has no JSON representation.
	ErrUnsupportedType = errors.New("value cannot be encoded as canonical JSON")
	// ErrSyntax means the input to Canonicalize was not valid JSON.
	ErrSyntax = errors.New("invalid JSON")
)

// maxDepth bounds nesting so that hostile input cannot exhaust the stack.
const maxDepth = 512

// Marshal returns the canonical JSON encoding of v.
func Marshal(v any) ([]byte, error) {
	return AppendMarshal(nil, v)
}

// AppendMarshal appends the canonical JSON encoding of v to dst.
func AppendMarshal(dst []byte, v any) ([]byte, error) {
	out, err := appendGeneric(dst, v, 0)
	if !errors.Is(err, errNotGeneric) {
		return out, err
	}
	raw, err := json.Marshal(v)
	if err != nil {
		return dst, fmt.Errorf("%w: %w", ErrUnsupportedType, err)
	}
	return appendCanonical(dst, raw)
}

// Canonicalize parses JSON text and returns its canonical form.
func Canonicalize(data []byte) ([]byte, error) {
	return appendCanonical(nil, data)
}

// AppendCanonical appends the canonical form of the JSON text data to
// dst; on error dst is returned unchanged in length.
func AppendCanonical(dst, data []byte) ([]byte, error) {
	return appendCanonical(dst, data)
}

func appendCanonical(dst, data []byte) ([]byte, error) {
	return appendCanonicalText(dst, data)
}

var errNotGeneric = errors.New("not a generic JSON value")

func appendGeneric(dst []byte, v any, depth int) ([]byte, error) {
	if depth > maxDepth {
		return dst, fmt.Errorf("%w: nesting deeper than %d", ErrUnsupportedType, maxDepth)
	}
	switch x := v.(type) {
	case nil:
		return append(dst, "null"...), nil
	case bool:
		return strconv.AppendBool(dst, x), nil
	case string:
		return appendString(dst, x)
	case json.Number:
		return appendNumber(dst, x)
	case int:
		return strconv.AppendInt(dst, int64(x), 10), nil
	case int64:
		return strconv.AppendInt(dst, x, 10), nil
	case int32:
		return strconv.AppendInt(dst, int64(x), 10), nil
	case uint64:
		return strconv.AppendUint(dst, x, 10), nil
	case uint32:
		return strconv.AppendUint(dst, uint64(x), 10), nil
	case float64:
		return appendFloat(dst, x)
	case []any:
		return appendArray(dst, x, depth)
	case []string:
		return appendStrings(dst, x)
	case map[string]any:
		return appendObject(dst, x, depth)
	case map[string]string:
		return appendStringMap(dst, x)
	case json.RawMessage:
		return appendCanonical(dst, x)
	}
	return dst, errNotGeneric
}

// appendFloat accepts floats only when they hold an exact integer, the
// way a JSON decoder without UseNumber represents integers.
func appendFloat(dst []byte, f float64) ([]byte, error) {
	if math.Trunc(f) != f || math.IsInf(f, 0) || math.Abs(f) > 1<<53 {
		return dst, fmt.Errorf("%w: %v", ErrFloat, f)
	}
	return strconv.AppendInt(dst, int64(f), 10), nil
}

func appendNumber(dst []byte, n json.Number) ([]byte, error) {
	s := string(n)
	if !isIntegerLiteral(s) {
		return dst, fmt.Errorf("%w: %s", ErrFloat, s)
	}
	if s == "-0" {
		s = "0" // Python parses -0 as the integer 0
	}
	return append(dst, s...), nil
}

// isIntegerLiteral reports whether s is a JSON integer: -?(0|[1-9][0-9]*).
func isIntegerLiteral(s string) bool {
	if s != "" && s[0] == '-' {
		s = s[1:]
	}
	if s == "" || (s[0] == '0' && len(s) > 1) {
		return false
	}
	for i := 0; i < len(s); i++ {
		if s[i] < '0' || s[i] > '9' {
			return false
		}
	}
	return true
}

// AppendString appends the canonical JSON encoding of the string s.
func AppendString(dst []byte, s string) ([]byte, error) {
	return appendString(dst, s)
}

func appendString(dst []byte, s string) ([]byte, error) {
	if !utf8.ValidString(s) {
		return dst, fmt.Errorf("%w: %q", ErrInvalidUTF8, s)
	}
	dst = append(dst, '"')
	start := 0
	for i := 0; i < len(s); i++ {
		if c := s[i]; c == '"' || c == '\\' {
			dst = append(dst, s[start:i]...)
			dst = append(dst, '\\', c)
			start = i + 1
		}
	}
	dst = append(dst, s[start:]...)
	return append(dst, '"'), nil
}

func appendArray(dst []byte, a []any, depth int) ([]byte, error) {
	dst = append(dst, '[')
	for i, e := range a {
		if i > 0 {
			dst = append(dst, ',')
		}
		var err error
		if dst, err = appendValue(dst, e, depth+1); err != nil {
			return dst, err
		}
	}
	return append(dst, ']'), nil
}

func appendStrings(dst []byte, a []string) ([]byte, error) {
	dst = append(dst, '[')
	for i, e := range a {
		if i > 0 {
			dst = append(dst, ',')
		}
		var err error
		if dst, err = appendString(dst, e); err != nil {
			return dst, err
		}
	}
	return append(dst, ']'), nil
}

func appendObject(dst []byte, m map[string]any, depth int) ([]byte, error) {
	keys := sortedKeys(m)
	dst = append(dst, '{')
	for i, k := range keys {
		if i > 0 {
			dst = append(dst, ',')
		}
		var err error
		if dst, err = appendString(dst, k); err != nil {
			return dst, err
		}
		dst = append(dst, ':')
		if dst, err = appendValue(dst, m[k], depth+1); err != nil {
			return dst, err
		}
	}
	return append(dst, '}'), nil
}

func appendStringMap(dst []byte, m map[string]string) ([]byte, error) {
	keys := sortedKeys(m)
	dst = append(dst, '{')
	for i, k := range keys {
		if i > 0 {
			dst = append(dst, ',')
		}
		var err error
		if dst, err = appendString(dst, k); err != nil {
			return dst, err
		}
		dst = append(dst, ':')
		if dst, err = appendString(dst, m[k]); err != nil {
			return dst, err
		}
	}
	return append(dst, '}'), nil
}

// appendValue encodes a nested value, falling back to encoding/json for
// values that are not in the generic shape.
func appendValue(dst []byte, v any, depth int) ([]byte, error) {
	out, err := appendGeneric(dst, v, depth)
	if !errors.Is(err, errNotGeneric) {
		return out, err
	}
	if rv := reflect.ValueOf(v); rv.Kind() == reflect.Func || rv.Kind() == reflect.Chan {
		return dst, fmt.Errorf("%w: %T", ErrUnsupportedType, v)
	}
	raw, err := json.Marshal(v)
	if err != nil {
		return dst, fmt.Errorf("%w: %w", ErrUnsupportedType, err)
	}
	return appendCanonical(dst, raw)
}

func sortedKeys[V any](m map[string]V) []string {
	keys := make([]string, 0, len(m))
	for k := range m {
		keys = append(keys, k)
	}
	slices.Sort(keys)
	return keys
}
