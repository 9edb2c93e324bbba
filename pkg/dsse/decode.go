package dsse

import (
	"bytes"
	"encoding/base64"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"strings"
	"unicode/utf8"
)

// DecodeOptions adjust Decode. The zero value is the strict default.
type DecodeOptions struct {
	// MaxSize bounds the input in bytes; 0 means MaxEnvelopeSize.
	MaxSize int
	// AllowUnknownFields ignores members other than payloadType, payload,
	// signatures (and keyid, sig inside a signature), as the DSSE
	// specification asks of consumers. By default they are an error.
	AllowUnknownFields bool
}

// Decode strictly decodes a JSON envelope with the default options.
func Decode(data []byte) (*Envelope, error) {
	return DecodeOptions{}.Decode(data)
}

// Decode decodes a JSON envelope. Errors wrap ErrMalformed (or
// ErrTooLarge) and name the offending field.
func (o DecodeOptions) Decode(data []byte) (*Envelope, error) {
	limit := o.MaxSize
	if limit <= 0 {
		limit = MaxEnvelopeSize
	}
	if len(data) > limit {
		return nil, fmt.Errorf("%w: %d bytes, more than the limit of %d", ErrTooLarge, len(data), limit)
	}
	if !utf8.Valid(data) {
		return nil, fmt.Errorf("%w: not valid UTF-8", ErrMalformed)
	}
	dec := json.NewDecoder(bytes.NewReader(data))
	dec.UseNumber()
	r := &reader{dec: dec, opts: o}
	e, err := r.envelope()
	if err != nil {
		return nil, err
	}
	if _, err := dec.Token(); !errors.Is(err, io.EOF) {
		return nil, fmt.Errorf("%w: unexpected data after the envelope", ErrMalformed)
	}
	return e, nil
}

// reader walks the token stream of one envelope.
type reader struct {
	dec  *json.Decoder
	opts DecodeOptions
}

func malformed(path, format string, args ...any) error {
	msg := fmt.Sprintf(format, args...)
	if path != "" {
		msg = path + ": " + msg
	}
	return fmt.Errorf("%w: %s", ErrMalformed, msg)
}

func (r *reader) token(path string) (json.Token, error) {
	t, err := r.dec.Token()
	if err != nil {
		return nil, malformed(path, "invalid JSON: %v", err)
	}
	return t, nil
}

func (r *reader) delim(path string, want json.Delim, what string) error {
	t, err := r.token(path)
	if err != nil {
		return err
	}
	if d, ok := t.(json.Delim); !ok || d != want {
		return malformed(path, "expected %s, got %s", what, describe(t))
	}
	return nil
}

func (r *reader) string(path string) (string, error) {
	t, err := r.token(path)
	if err != nil {
		return "", err
	}
	s, ok := t.(string)
	if !ok {
		return "", malformed(path, "expected a string, got %s", describe(t))
	}
	return s, nil
}

// members reads an object, calling fn for each member; fn reads the value.
// Duplicate names are refused; required names must all be present.
func (r *reader) members(path string, required []string, fn func(name string) (bool, error)) error {
	if err := r.delim(path, '{', "an object"); err != nil {
		return err
	}
	seen := map[string]bool{}
	for r.dec.More() {
		name, err := r.string(path)
		if err != nil {
			return err
		}
		if seen[name] {
			return malformed(path, "duplicate field %q", name)
		}
		seen[name] = true
		known, err := fn(name)
		if err != nil {
			return err
		}
		if !known {
			if err := r.unknown(path, name); err != nil {
				return err
			}
		}
	}
	if _, err := r.token(path); err != nil { // closing brace
		return err
	}
	for _, name := range required {
		if !seen[name] {
			return malformed(path, "missing required field %q", name)
		}
	}
	return nil
}

func (r *reader) unknown(path, name string) error {
	if !r.opts.AllowUnknownFields {
		return malformed(path, "unknown field %q", name)
	}
	var skip json.RawMessage
	if err := r.dec.Decode(&skip); err != nil {
		return malformed(path, "invalid JSON: %v", err)
	}
	return nil
}

func (r *reader) envelope() (*Envelope, error) {
	e := &Envelope{Signatures: []Signature{}}
	err := r.members("", []string{"payloadType", "payload", "signatures"}, func(name string) (bool, error) {
		var err error
		switch name {
		case "payloadType":
			e.PayloadType, err = r.string("payloadType")
		case "payload":
			e.Payload, err = r.base64("payload")
		case "signatures":
			e.Signatures, err = r.signatures()
		default:
			return false, nil
		}
		return true, err
	})
	if err != nil {
		return nil, err
	}
	return e, nil
}

func (r *reader) signatures() ([]Signature, error) {
	if err := r.delim("signatures", '[', "an array"); err != nil {
		return nil, err
	}
	sigs := []Signature{}
	for i := 0; r.dec.More(); i++ {
		path := fmt.Sprintf("signatures[%d]", i)
		var s Signature
		err := r.members(path, []string{"sig"}, func(name string) (bool, error) {
			var err error
			switch name {
			case "keyid":
				s.KeyID, err = r.string(path + ".keyid")
			case "sig":
				s.Sig, err = r.base64(path + ".sig")
			default:
				return false, nil
			}
			return true, err
		})
		if err != nil {
			return nil, err
		}
		sigs = append(sigs, s)
	}
	_, err := r.token("signatures") // closing bracket
	return sigs, err
}

// base64 reads a string in standard or URL-safe base64, padded or not.
func (r *reader) base64(path string) ([]byte, error) {
	s, err := r.string(path)
	if err != nil {
		return nil, err
	}
	if strings.ContainsAny(s, "\r\n") {
		return nil, malformed(path, "line breaks are not allowed in base64")
	}
	for _, enc := range []*base64.Encoding{base64.StdEncoding, base64.URLEncoding, base64.RawStdEncoding, base64.RawURLEncoding} {
		if b, err := enc.Strict().DecodeString(s); err == nil {
			return b, nil
		}
	}
	return nil, malformed(path, "not valid base64")
}

func describe(t json.Token) string {
	switch v := t.(type) {
	case json.Delim:
		if v == '{' {
			return "an object"
		}
		if v == '[' {
			return "an array"
		}
		return fmt.Sprintf("%q", v.String())
	case string:
		return "a string"
	case json.Number:
		return "a number"
	case bool:
		return "a boolean"
	case nil:
		return "null"
	}
	return fmt.Sprintf("%T", t)
}
