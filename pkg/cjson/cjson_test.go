package cjson

import (
	"bytes"
	"encoding/hex"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"os"
	"testing"
)

type vector struct {
	JSON         string `json:"json"`
	CanonicalHex string `json:"canonical_hex"`
}

// TestReferenceVectors checks Canonicalize against bytes produced by
// securesystemslib's encode_canonical (testdata/gen_vectors.py).
func TestReferenceVectors(t *testing.T) {
	raw, err := os.ReadFile("testdata/vectors.json")
	if err != nil {
		t.Fatal(err)
	}
	var vectors []vector
	if err := json.Unmarshal(raw, &vectors); err != nil {
		t.Fatal(err)
	}
	if len(vectors) < 10 {
		t.Fatalf("only %d vectors in testdata", len(vectors))
	}
	for _, v := range vectors {
		want, err := hex.DecodeString(v.CanonicalHex)
		if err != nil {
			t.Fatal(err)
		}
		got, err := Canonicalize([]byte(v.JSON))
		if err != nil {
			t.Errorf("Canonicalize(%s): %v", v.JSON, err)
			continue
		}
		if !bytes.Equal(got, want) {
			t.Errorf("Canonicalize(%s)\n got %q\nwant %q", v.JSON, got, want)
		}
	}
}

func TestMarshal(t *testing.T) {
	type inner struct {
		Z string `json:"z"`
		A []int  `json:"a,omitempty"`
	}
	type outer struct {
		Type  string            `json:"_type"`
		Map   map[string]string `json:"map"`
		In    inner             `json:"in"`
		Empty []string          `json:"empty"`
	}
	tests := []struct {
		name    string
		in      any
		want    string
		wantErr error
	}{
		{"struct with tags", outer{Type: "x<y", Map: map[string]string{"b": "1", "a": "\"2\\"}, In: inner{Z: "é\n"}},
			`{"_type":"x<y","empty":null,"in":{"z":"é` + "\n" + `"},"map":{"a":"\"2\\","b":"1"}}`, nil},
		{"generic", map[string]any{"k": []any{int64(1), true, nil, "s"}}, `{"k":[1,true,null,"s"]}`, nil},
		{"integral float", 3.0, `3`, nil},
		{"float", 1.5, ``, ErrFloat},
		{"float in struct", struct{ F float64 }{F: 0.25}, ``, ErrFloat},
		{"json number float", json.Number("1e3"), ``, ErrFloat},
		{"invalid utf8", "\xff", ``, ErrInvalidUTF8},
		{"invalid utf8 key", map[string]any{"\xff": 1}, ``, ErrInvalidUTF8},
		{"channel", make(chan int), ``, ErrUnsupportedType},
		{"nested channel", map[string]any{"c": make(chan int)}, ``, ErrUnsupportedType},
		{"raw message", json.RawMessage(`{"b": 1, "a": [ 2 ]}`), `{"a":[2],"b":1}`, nil},
		{"string slice", []string{"a", `"`}, `["a","\""]`, nil},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got, err := Marshal(tt.in)
			if !errors.Is(err, tt.wantErr) {
				t.Fatalf("Marshal error = %v, want %v", err, tt.wantErr)
			}
			if err == nil && string(got) != tt.want {
				t.Fatalf("Marshal = %s, want %s", got, tt.want)
			}
		})
	}
}

func TestCanonicalizeErrors(t *testing.T) {
	tests := []struct {
		in      string
		wantErr error
	}{
		{`{"a":1.0}`, ErrFloat},
		{`[1e2]`, ErrFloat},
		{`{"a":`, ErrSyntax},
		{`{} {}`, ErrSyntax},
		{``, ErrSyntax},
		{`[` + string(bytes.Repeat([]byte("["), 600)) + string(bytes.Repeat([]byte("]"), 601)), ErrUnsupportedType},
	}
	for _, tt := range tests {
		if _, err := Canonicalize([]byte(tt.in)); !errors.Is(err, tt.wantErr) {
			t.Errorf("Canonicalize(%.40s) error = %v, want %v", tt.in, err, tt.wantErr)
		}
	}
}

// FuzzCanonicalize checks that canonical output is a fixed point: it is
// valid JSON that canonicalizes to itself, and it decodes to the same value
// as the input.
func FuzzCanonicalize(f *testing.F) {
	raw, err := os.ReadFile("testdata/vectors.json")
	if err != nil {
		f.Fatal(err)
	}
	var vectors []vector
	if err := json.Unmarshal(raw, &vectors); err != nil {
		f.Fatal(err)
	}
	for _, v := range vectors {
		f.Add([]byte(v.JSON))
	}
	f.Fuzz(func(t *testing.T, data []byte) {
		out, err := Canonicalize(data)
		// Differential check against a slow path through encoding/json,
		// which silently replaces invalid UTF-8 and lone surrogates (the
		// fast path refuses them).
		var slow []byte
		v, slowErr := decode(data)
		if slowErr == nil {
			slow, slowErr = appendGeneric(nil, v, 0)
		}
		switch {
		case err == nil && slowErr == nil && !bytes.Equal(out, slow):
			t.Fatalf("fast and slow canonical forms differ:\n%q\n%q", out, slow)
		case err == nil && slowErr != nil:
			t.Fatalf("fast path accepted what encoding/json refuses (%v): %q", slowErr, data)
		case err != nil && slowErr == nil && !errors.Is(err, ErrInvalidUTF8):
			t.Fatalf("fast path refused valid input: %v: %q", err, data)
		}
		if err != nil {
			return
		}
		if bytes.ContainsFunc(out, func(r rune) bool { return r < 0x20 }) {
			// Raw control characters make canonical JSON invalid JSON
			// (as in securesystemslib): nothing more to check.
			return
		}
		again, err := Canonicalize(out)
		if err != nil {
			t.Fatalf("canonical output %q does not parse: %v", out, err)
		}
		if !bytes.Equal(out, again) {
			t.Fatalf("not a fixed point:\n%q\n%q", out, again)
		}
		a, errA := decode(data)
		b, errB := decode(out)
		if errA != nil || errB != nil {
			t.Fatalf("decode: %v %v", errA, errB)
		}
		ca, _ := json.Marshal(a)
		cb, _ := json.Marshal(b)
		if !bytes.Equal(ca, cb) && !bytes.Contains(data, []byte("-0")) {
			t.Fatalf("value changed: %s vs %s", ca, cb)
		}
	})
}

func BenchmarkMarshalLink(b *testing.B) {
	mats := map[string]any{}
	for i := range 50 {
		mats["src/file-"+string(rune('a'+i%26))+string(rune('0'+i/26))+".go"] = map[string]any{"sha256": "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855"}
	}
	link := map[string]any{"_type": "link", "name": "build", "materials": mats, "products": mats,
		"byproducts": map[string]any{"return-value": 0, "stdout": "", "stderr": ""}, "command": []any{"make"}, "environment": map[string]any{}}
	b.ReportAllocs()
	for b.Loop() {
		if _, err := Marshal(link); err != nil {
			b.Fatal(err)
		}
	}
}

// decode is the slow reference path: encoding/json with UseNumber.
func decode(data []byte) (any, error) {
	dec := json.NewDecoder(bytes.NewReader(data))
	dec.UseNumber()
	var v any
	if err := dec.Decode(&v); err != nil {
		return nil, fmt.Errorf("%w: %w", ErrSyntax, err)
	}
	if _, err := dec.Token(); !errors.Is(err, io.EOF) {
		return nil, fmt.Errorf("%w: unexpected data after the top-level value", ErrSyntax)
	}
	return v, nil
}
