package intoto

import (
	"encoding/json"
	"testing"
)

const sampleStatement = `{
  "_type": "https://in-toto.io/Statement/v1",
  "subject": [{"name": "app.tar.gz", "digest": {"sha256": "abc123"}},
              {"uri": "pkg:oci/x", "digest": {"gitCommit": "deadbeef"}, "annotations": {"k": 1.5, "n": null}}],
  "predicateType": "https://slsa.dev/provenance/v1",
  "predicate": {"buildDefinition": {"ratio": 0.25, "list": [1, "a", true]}}
}`

func TestDecodeStatement(t *testing.T) {
	s, err := DecodeStatement([]byte(sampleStatement))
	if err != nil {
		t.Fatal(err)
	}
	if s.Type != StatementTypeV1 || len(s.Subject) != 2 || s.Subject[0].Digest["sha256"] != "abc123" ||
		s.Subject[1].URI != "pkg:oci/x" || s.PredicateType != "https://slsa.dev/provenance/v1" {
		t.Fatalf("decoded %+v", s)
	}
	if string(s.Predicate) != `{"buildDefinition": {"ratio": 0.25, "list": [1, "a", true]}}` {
		t.Fatalf("Predicate = %s", s.Predicate)
	}
	// Encoding keeps the predicate and decodes again.
	out, err := EncodePayload(s)
	if err != nil {
		t.Fatal(err)
	}
	back, err := DecodeStatement(out)
	if err != nil {
		t.Fatalf("%v\n%s", err, out)
	}
	if string(back.Predicate) != `{"buildDefinition":{"ratio":0.25,"list":[1,"a",true]}}` {
		t.Fatalf("re-decoded predicate = %s", back.Predicate)
	}
}

func TestDecodeStatementV01(t *testing.T) {
	s, err := DecodeStatement([]byte(`{"_type": "https://in-toto.io/Statement/v0.1",
		"subject": [{"name": "a", "digest": {"sha256": "00"}}], "predicateType": "x"}`))
	if err != nil || s.Type != StatementTypeV01 || s.Predicate != nil {
		t.Fatalf("%+v, %v", s, err)
	}
}

func TestDecodeStatementErrors(t *testing.T) {
	base := []byte(sampleStatement)
	tests := []decodeCase{
		{"unknown field", mutate(t, base, func(m map[string]any) { m["predicate_type"] = "x" }), ErrMalformed,
			`unknown field "predicate_type" (did you mean "predicateType"?)...`},
		{"unknown subject field", mutate(t, base, func(m map[string]any) { sub(m, "subject", 0)["digests"] = map[string]any{} }), ErrMalformed,
			`subject[0]: unknown field "digests" (did you mean "digest"?)...`},
		{"wrong type", []byte(`{"_type": "https://in-toto.io/Statement/v0.2", "subject": [], "predicateType": "x"}`), ErrUnknownType,
			`_type: must be "https://in-toto.io/Statement/v1" (or "https://in-toto.io/Statement/v0.1"), got "https://in-toto.io/Statement/v0.2"`},
		{"no subject", mutate(t, base, func(m map[string]any) { m["subject"] = []any{} }), ErrInvalid,
			"subject: a statement needs at least one subject"},
		{"subject without digest", mutate(t, base, func(m map[string]any) { delete(sub(m, "subject", 0), "digest") }), ErrInvalid,
			"subject[0].digest: every subject needs a digest"},
		{"upper-case sha256", mutate(t, base, func(m map[string]any) { sub(m, "subject", 0, "digest")["sha256"] = "ABC" }), ErrInvalid,
			`subject[0].digest["sha256"]: "ABC" is not a lowercase hex digest`},
		{"predicate array", mutate(t, base, func(m map[string]any) { m["predicate"] = []any{} }), ErrMalformed,
			"predicate: expected an object, got an array"},
		{"duplicate in predicate", []byte(`{"_type": "https://in-toto.io/Statement/v1", "subject": [{"digest": {"sha256": "00"}}],
			"predicateType": "x", "predicate": {"a": {"b": 1, "b": 2}}}`), ErrMalformed, `predicate["a"]: duplicate key "b"`},
		{"missing predicateType", mutate(t, base, func(m map[string]any) { delete(m, "predicateType") }), ErrMalformed,
			`missing required field "predicateType"`},
		{"bad content", mutate(t, base, func(m map[string]any) { sub(m, "subject", 0)["content"] = "!" }), ErrMalformed,
			"subject[0].content: not valid base64"},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			_, err := DecodeStatement(tc.data)
			checkDecodeErr(t, tc, err)
		})
	}
}

func TestStatementNullPredicate(t *testing.T) {
	s, err := DecodeStatement([]byte(`{"_type": "https://in-toto.io/Statement/v1", "subject": [{"digest": {"sha256": "00"}}],
		"predicateType": "x", "predicate": null}`))
	if err != nil || s.Predicate != nil {
		t.Fatalf("%+v, %v", s, err)
	}
	out, err := json.Marshal(s)
	if err != nil || string(out) != `{"_type":"https://in-toto.io/Statement/v1","subject":[{"digest":{"sha256":"00"}}],"predicateType":"x"}` {
		t.Fatalf("Marshal = %s, %v", out, err)
	}
}
