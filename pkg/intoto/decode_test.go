package intoto

import (
	"encoding/json"
	"errors"
	"strings"
	"testing"

	"github.com/signet-dev/signet/pkg/intoto/rule"
)

// mutate decodes base, lets fn change it and encodes it again.
func mutate(t *testing.T, base []byte, fn func(m map[string]any)) []byte {
	t.Helper()
	var m map[string]any
	if err := json.Unmarshal(base, &m); err != nil {
		t.Fatal(err)
	}
	fn(m)
	out, err := json.Marshal(m)
	if err != nil {
		t.Fatal(err)
	}
	return out
}

func sub(m map[string]any, path ...any) map[string]any {
	var cur any = m
	for _, p := range path {
		switch k := p.(type) {
		case string:
			cur = cur.(map[string]any)[k]
		case int:
			cur = cur.([]any)[k]
		}
	}
	return cur.(map[string]any)
}

type decodeCase struct {
	name    string
	data    []byte
	wantErr error
	wantMsg string // exact error text, or a prefix ending in "..."
}

func checkDecodeErr(t *testing.T, tc decodeCase, err error) {
	t.Helper()
	if !errors.Is(err, tc.wantErr) {
		t.Fatalf("error = %v, want %v", err, tc.wantErr)
	}
	if err == nil || tc.wantMsg == "" {
		return
	}
	if prefix, ok := strings.CutSuffix(tc.wantMsg, "..."); ok {
		if !strings.HasPrefix(err.Error(), prefix) {
			t.Fatalf("error = %q\nwant prefix %q", err, prefix)
		}
	} else if err.Error() != tc.wantMsg {
		t.Fatalf("error = %q\nwant        %q", err, tc.wantMsg)
	}
}

func TestDecodeLayoutErrors(t *testing.T) {
	s := testSigner(t, 1)
	id := s.Key().KeyID
	base, err := json.Marshal(sampleLayout(s))
	if err != nil {
		t.Fatal(err)
	}
	if _, err := DecodeLayout(base); err != nil {
		t.Fatalf("base layout: %v", err)
	}
	step := func(fn func(st map[string]any)) []byte {
		return mutate(t, base, func(m map[string]any) { fn(sub(m, "steps", 0)) })
	}
	keyPath := `keys["` + id + `"]`
	tests := []decodeCase{
		{"unknown step field", step(func(st map[string]any) { st["expected_material"] = []any{} }), ErrMalformed,
			`steps[0]: unknown field "expected_material" (did you mean "expected_materials"?); the known fields are ...`},
		{"unknown top field", mutate(t, base, func(m map[string]any) { m["signatures"] = []any{} }), ErrMalformed,
			`unknown field "signatures"; the known fields are _type, expires, readme, keys, steps, inspect`},
		{"unknown key field", mutate(t, base, func(m map[string]any) { sub(m, "keys", id)["expires"] = "2030-01-01T00:00:00Z" }), ErrMalformed,
			keyPath + `: unknown field "expires"...`},
		{"threshold string", step(func(st map[string]any) { st["threshold"] = "1" }), ErrMalformed,
			"steps[0].threshold: expected a number, got a string"},
		{"threshold float", step(func(st map[string]any) { st["threshold"] = 1.5 }), ErrMalformed,
			"steps[0].threshold: expected an integer, got 1.5"},
		{"missing readme", mutate(t, base, func(m map[string]any) { delete(m, "readme") }), ErrMalformed,
			`missing required field "readme"`},
		{"missing step name", step(func(st map[string]any) { delete(st, "name") }), ErrMalformed,
			`steps[0]: missing required field "name"`},
		{"rule not a list", step(func(st map[string]any) { st["expected_materials"] = []any{"ALLOW *"} }), ErrMalformed,
			"steps[0].expected_materials[0]: expected an array, got a string"},
		{"rule element not a string", step(func(st map[string]any) { st["expected_products"] = []any{[]any{"ALLOW", 1}} }), ErrMalformed,
			"steps[0].expected_products[0][1]: expected a string, got a number"},
		{"null steps", mutate(t, base, func(m map[string]any) { m["steps"] = nil }), ErrMalformed,
			"steps: expected an array, got null"},
		{"invalid rule", step(func(st map[string]any) {
			st["expected_materials"] = []any{[]any{"ALLOW", "*"}, []any{"MATCH", "*", "FROM", "x"}}
		}), rule.ErrInvalidRule,
			`steps[0].expected_materials[1]: invalid artifact rule ["MATCH" "*" "FROM" "x"] at element 2 "FROM": expected WITH...`},
		{"threshold zero", step(func(st map[string]any) { st["threshold"] = 0 }), ErrInvalid,
			"steps[0].threshold: must be at least 1, got 0"},
		{"threshold above keys", step(func(st map[string]any) { st["threshold"] = 2 }), ErrInvalid,
			"steps[0].threshold: 2 is more than the 1 distinct keys in pubkeys; the step could never be verified"},
		{"pubkey not in keys", step(func(st map[string]any) { st["pubkeys"] = []any{"abcd"} }), ErrInvalid,
			"steps[0].pubkeys[0]: key abcd is not in the layout's keys; add the functionary's public key to keys"},
		{"pubkey not hex", step(func(st map[string]any) { st["pubkeys"] = []any{"xyz"} }), ErrInvalid,
			`steps[0].pubkeys[0]: "xyz" is not a hex key id`},
		{"step type", step(func(st map[string]any) { st["_type"] = "Step" }), ErrInvalid,
			`steps[0]._type: must be "step", got "Step"`},
		{"layout type", mutate(t, base, func(m map[string]any) { m["_type"] = "link" }), ErrInvalid,
			`_type: must be "layout", got "link"`},
		{"step name with slash", step(func(st map[string]any) { st["name"] = "../x" }), ErrInvalid,
			`steps[0].name: "../x" is not a usable name...`},
		{"duplicate names", mutate(t, base, func(m map[string]any) { sub(m, "inspect", 0)["name"] = "build" }), ErrInvalid,
			`inspect[0].name: "build" is already the name of steps[0]; step and inspection names must be unique`},
		{"expires with space", mutate(t, base, func(m map[string]any) { m["expires"] = "2030-01-01 00:00:00Z" }), ErrInvalid,
			`expires: "2030-01-01 00:00:00Z" is not a date in the format YYYY-MM-DDTHH:MM:SSZ`},
		{"expires fraction", mutate(t, base, func(m map[string]any) { m["expires"] = "2030-01-01T00:00:00.5Z" }), ErrInvalid, ""},
		{"expires newline", mutate(t, base, func(m map[string]any) { m["expires"] = "2030-01-01T00:00:00Z\n" }), ErrInvalid, ""},
		{"expires impossible", mutate(t, base, func(m map[string]any) { m["expires"] = "2030-02-30T00:00:00Z" }), ErrInvalid, ""},
		{"key filed under other id", mutate(t, base, func(m map[string]any) {
			keys := m["keys"].(map[string]any)
			keys["ab"+id[2:]] = keys[id]
			delete(keys, id)
		}), ErrInvalid, `keys["ab` + id[2:] + `"].keyid: "` + id + `" differs from the key id the key is filed under`},
		{"private key material", mutate(t, base, func(m map[string]any) { sub(m, "keys", id, "keyval")["private"] = "00" }), ErrMalformed,
			keyPath + ".keyval.private: a layout must not contain private key material; use the public key"},
		{"empty keyid_hash_algorithms", mutate(t, base, func(m map[string]any) { sub(m, "keys", id)["keyid_hash_algorithms"] = []any{} }), ErrMalformed,
			keyPath + ".keyid_hash_algorithms: must not be empty; leave the field out instead"},
		{"securesystemslib key with a gpg method", mutate(t, base, func(m map[string]any) { sub(m, "keys", id)["method"] = "pgp+eddsa-ed25519" }), ErrMalformed,
			keyPath + `: not a GPG public key in securesystemslib form: json: unknown field "keyid_hash_algorithms"`},
		{"wrong public key", mutate(t, base, func(m map[string]any) {
			sub(m, "keys", id, "keyval")["public"] = strings.Repeat("ab", 32)
		}), ErrInvalid, keyPath + ": key id does not match the key..."},
		{"duplicate field", []byte(`{"_type": "layout", "_type": "layout"}`), ErrMalformed, `duplicate field "_type"`},
		{"not an object", []byte(`[]`), ErrMalformed, "expected an object, got an array"},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			_, err := DecodeLayout(tc.data)
			checkDecodeErr(t, tc, err)
		})
	}
}

func TestDecodeLinkErrors(t *testing.T) {
	base, err := json.Marshal(sampleLink())
	if err != nil {
		t.Fatal(err)
	}
	if _, err := DecodeLink(base); err != nil {
		t.Fatalf("base link: %v", err)
	}
	tests := []decodeCase{
		{"digest not hex", mutate(t, base, func(m map[string]any) { sub(m, "materials", "src/a.c")["sha256"] = "xyz" }), ErrInvalid,
			`materials["src/a.c"]["sha256"]: digest "xyz" is not a hex string`},
		{"empty digest set", mutate(t, base, func(m map[string]any) { sub(m, "products")["x"] = map[string]any{} }), ErrInvalid,
			`products["x"]: digest set is empty; record at least one hash (e.g. sha256)`},
		{"digest not a string", mutate(t, base, func(m map[string]any) { sub(m, "materials", "src/a.c")["sha256"] = 1 }), ErrMalformed,
			`materials["src/a.c"]["sha256"]: expected a string, got a number`},
		{"float byproduct", mutate(t, base, func(m map[string]any) { sub(m, "byproducts")["return-value"] = 0.5 }), ErrMalformed,
			`byproducts["return-value"]: number 0.5 is not an integer; signed in-toto metadata allows only integers`},
		{"null materials", mutate(t, base, func(m map[string]any) { m["materials"] = nil }), ErrMalformed,
			"materials: expected an object, got null"},
		{"command element", mutate(t, base, func(m map[string]any) { m["command"] = []any{"ls", true} }), ErrMalformed,
			"command[1]: expected a string, got a boolean"},
		{"missing environment", mutate(t, base, func(m map[string]any) { delete(m, "environment") }), ErrMalformed,
			`missing required field "environment"`},
		{"empty name", mutate(t, base, func(m map[string]any) { m["name"] = "" }), ErrInvalid, "name: must not be empty"},
		{"type", mutate(t, base, func(m map[string]any) { m["_type"] = "layout" }), ErrInvalid, `_type: must be "link", got "layout"`},
		{"duplicate artifact", []byte(`{"_type": "link", "name": "n", "materials": {"a": {"sha256": "aa"}, "a": {"sha256": "bb"}},
			"products": {}, "byproducts": {}, "command": [], "environment": {}}`), ErrMalformed,
			`materials: duplicate key "a"`},
		{"duplicate in byproducts", []byte(`{"_type": "link", "name": "n", "materials": {}, "products": {},
			"byproducts": {"x": {"y": 1, "y": 2}}, "command": [], "environment": {}}`), ErrMalformed,
			`byproducts["x"]: duplicate key "y"`},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			_, err := DecodeLink(tc.data)
			checkDecodeErr(t, tc, err)
		})
	}
}

func TestParseJSONErrors(t *testing.T) {
	tests := []decodeCase{
		{"empty", []byte(""), ErrMalformed, "invalid JSON at line 1, column 1: unexpected end of input"},
		{"invalid UTF-8", []byte("{\"name\": \"\xff\"}"), ErrMalformed, "invalid JSON at line 1, column 11: invalid UTF-8"},
		{"lone surrogate", []byte(`{"name": "\ud800"}`), ErrMalformed, "invalid JSON at line 1, column 11: lone UTF-16 surrogate in a \\u escape"},
		{"reversed surrogates", []byte(`{"name": "\udc00\ud800"}`), ErrMalformed, "...invalid JSON..."},
		{"raw newline", []byte("{\"name\": \"a\nb\"}"), ErrMalformed, "invalid JSON at line 1, column 12: control character '\\n' in a string must be escaped"},
		{"trailing comma", []byte(`{"name": "a",}`), ErrMalformed, "invalid JSON at line 1, column 14: expected a string for an object key"},
		{"trailing data", []byte(`{} {}`), ErrMalformed, "invalid JSON at line 1, column 4: unexpected data after the top-level value"},
		{"NaN", []byte(`{"a": NaN}`), ErrMalformed, "invalid JSON at line 1, column 7: unexpected character 'N'"},
		{"leading zero", []byte(`{"a": 01}`), ErrMalformed, "...invalid JSON..."},
		{"BOM", []byte("\xef\xbb\xbf{}"), ErrMalformed, "invalid JSON at line 1, column 1: unexpected character..."},
		{"second line", []byte("{\n  \"a\" 1}"), ErrMalformed, "invalid JSON at line 2, column 7: expected ':' after an object key"},
		{"deep nesting", []byte(strings.Repeat("[", 300) + strings.Repeat("]", 300)), ErrMalformed, "...nesting deeper than 256 levels"},
		{"too large", make([]byte, MaxDocumentSize+1), ErrTooLarge, ""},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			_, err := DecodeLink(tc.data)
			if tc.wantMsg == "...invalid JSON..." {
				if err == nil || !strings.Contains(err.Error(), "invalid JSON") {
					t.Fatalf("error = %v, want a JSON syntax error", err)
				}
				return
			}
			if strings.HasPrefix(tc.wantMsg, "...") {
				if err == nil || !strings.HasSuffix(err.Error(), tc.wantMsg[3:]) {
					t.Fatalf("error = %v, want suffix %q", err, tc.wantMsg[3:])
				}
				return
			}
			checkDecodeErr(t, tc, err)
		})
	}
}

func TestParseJSONStrings(t *testing.T) {
	data := []byte(`{"_type": "link", "name": "a\"\\\/\b\f\n\r\t\u00e9\ud83d\ude00\u2603 é",
		"materials": {}, "products": {}, "byproducts": {"n": -0, "big": 123456789012345678901234567890}, "command": [], "environment": {}}`)
	l, err := DecodeLink(data)
	if err != nil {
		t.Fatal(err)
	}
	if want := "a\"\\/\b\f\n\r\té😀☃ é"; l.Name != want {
		t.Fatalf("Name = %q, want %q", l.Name, want)
	}
	if got := l.Byproducts["big"]; got != json.Number("123456789012345678901234567890") {
		t.Fatalf("big = %#v", got)
	}
}

func TestDecodeErrorTypes(t *testing.T) {
	_, err := DecodeLayout([]byte(`{"_type": 1}`))
	var de *DecodeError
	if !errors.As(err, &de) || de.Path != "_type" || errors.Is(err, ErrInvalid) {
		t.Fatalf("error = %#v, want *DecodeError at _type", err)
	}
	_, err = DecodeLink([]byte(`{"_type": "x", "name": "n", "materials": {}, "products": {}, "byproducts": {}, "command": [], "environment": {}}`))
	var ve *ValidationError
	if !errors.As(err, &ve) || ve.Path != "_type" || errors.Is(err, ErrMalformed) {
		t.Fatalf("error = %#v, want *ValidationError at _type", err)
	}
}
