package keys

import (
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"reflect"
)

// MarshalJSON writes {"public": ...}, adding "private": "" when the key
// was read with it (see KeyVal.PrivateEmpty).
func (v KeyVal) MarshalJSON() ([]byte, error) {
	if v.PrivateEmpty {
		return json.Marshal(struct {
			Private string `json:"private"`
			Public  string `json:"public"`
		}{"", v.Public})
	}
	return json.Marshal(struct {
		Public string `json:"public"`
	}{v.Public})
}

// UnmarshalJSON reads a keyval object. A non-empty "private" value is
// refused: a public key position (a layout's "keys", a .pub file) must
// never carry private key material. Other members are ignored.
func (v *KeyVal) UnmarshalJSON(data []byte) error {
	var raw struct {
		Public  *string `json:"public"`
		Private *string `json:"private"`
	}
	if err := json.Unmarshal(data, &raw); err != nil {
		return fmt.Errorf("%w: keyval: %s", ErrMalformedKey, describeJSONError(err))
	}
	if raw.Public == nil {
		return fmt.Errorf("%w: keyval has no \"public\" value", ErrMalformedKey)
	}
	if raw.Private != nil && *raw.Private != "" {
		return fmt.Errorf("%w: keyval carries a private key where only a public key belongs; "+
			"use the public key file", ErrMalformedKey)
	}
	*v = KeyVal{Public: *raw.Public, PrivateEmpty: raw.Private != nil}
	return nil
}

// describeJSONError summarises a decoding error without quoting the input,
// which may be (part of) a private key.
func describeJSONError(err error) string {
	var syn *json.SyntaxError
	var typ *json.UnmarshalTypeError
	switch {
	case errors.As(err, &syn):
		return fmt.Sprintf("invalid JSON near byte %d", syn.Offset)
	case errors.As(err, &typ):
		if typ.Field != "" {
			return fmt.Sprintf("field %q must be a JSON %s, not %s", typ.Field, jsonKind(typ.Type), typ.Value)
		}
		return fmt.Sprintf("expected a JSON %s, not %s", jsonKind(typ.Type), typ.Value)
	case errors.Is(err, io.ErrUnexpectedEOF), errors.Is(err, io.EOF):
		return "JSON ends too early"
	}
	return "invalid JSON"
}

func jsonKind(t reflect.Type) string {
	if t == nil {
		return "value"
	}
	for t.Kind() == reflect.Pointer {
		t = t.Elem()
	}
	switch t.Kind() {
	case reflect.String:
		return "string"
	case reflect.Slice, reflect.Array:
		return "array"
	case reflect.Struct, reflect.Map:
		return "object"
	case reflect.Bool:
		return "boolean"
	}
	return "number"
}
