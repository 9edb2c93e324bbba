package intoto

import (
	"bytes"
	"context"
	"encoding/base64"
	"encoding/json"
	"errors"
	"reflect"
	"strings"
	"testing"

	"github.com/signet-dev/signet/pkg/dsse"
	"github.com/signet-dev/signet/pkg/keys"
)

func TestDocumentDSSERoundTrip(t *testing.T) {
	ctx := context.Background()
	alice, bob := testSigner(t, 1), testSigner(t, 2)
	for _, v := range []any{sampleLink(), sampleLayout(alice)} {
		doc, err := NewDocument(FormatDSSE, v)
		if err != nil {
			t.Fatal(err)
		}
		if err := doc.Sign(ctx, alice); err != nil {
			t.Fatal(err)
		}
		file, err := doc.Marshal()
		if err != nil {
			t.Fatal(err)
		}
		back, err := ReadDocument(file)
		if err != nil {
			t.Fatal(err)
		}
		if back.Format() != FormatDSSE || back.Type() != doc.Type() {
			t.Fatalf("read back %v %q, want dsse %q", back.Format(), back.Type(), doc.Type())
		}
		if err := back.VerifySignature(alice.Key()); err != nil {
			t.Fatal(err)
		}
		if err := back.VerifySignature(bob.Key()); !errors.Is(err, keys.ErrBadSignature) {
			t.Fatalf("wrong key: error = %v, want keys.ErrBadSignature", err)
		}
		var got any
		if back.Type() == TypeLink {
			got, err = back.Link()
		} else {
			got, err = back.Layout()
		}
		if err != nil || !sameJSON(t, got, v) {
			t.Fatalf("payload changed: %v", err)
		}
		signed, _ := back.SignedBytes()
		if !bytes.Equal(signed, dsse.PAE(dsse.PayloadTypeInToto, back.PayloadJSON())) {
			t.Fatal("SignedBytes is not the PAE of the payload")
		}
	}
}

func sameJSON(t *testing.T, a, b any) bool {
	t.Helper()
	ja, err1 := json.Marshal(a)
	jb, err2 := json.Marshal(b)
	if err1 != nil || err2 != nil {
		t.Fatal(err1, err2)
	}
	return bytes.Equal(ja, jb)
}

// TestEncodePayloadStyle pins the DSSE payload layout of links: Python's
// json.dumps(sort_keys=True) with \u escapes, as in-toto 2.x writes it.
func TestEncodePayloadStyle(t *testing.T) {
	l := NewLink("é")
	l.Command = []string{"echo", "a\nb"}
	l.Byproducts = map[string]any{"return-value": 0}
	got, err := EncodePayload(l)
	if err != nil {
		t.Fatal(err)
	}
	want := `{"_type": "link", "byproducts": {"return-value": 0}, "command": ["echo", "a\nb"], "environment": {}, ` +
		`"materials": {}, "name": "\u00e9", "products": {}}`
	if string(got) != want {
		t.Fatalf("payload = %s\nwant      %s", got, want)
	}
	if _, err := EncodePayload("text"); !errors.Is(err, ErrUnknownType) {
		t.Fatalf("EncodePayload(string) error = %v", err)
	}
}

func TestDocumentStatement(t *testing.T) {
	s, err := DecodeStatement([]byte(sampleStatement))
	if err != nil {
		t.Fatal(err)
	}
	if _, err := NewDocument(FormatMetablock, s); !errors.Is(err, ErrUnknownType) {
		t.Fatalf("statement in a metablock: error = %v", err)
	}
	doc, err := NewDocument(FormatDSSE, s)
	if err != nil {
		t.Fatal(err)
	}
	if doc.Type() != StatementTypeV1 {
		t.Fatalf("Type = %q", doc.Type())
	}
	got, err := doc.Statement()
	if err != nil || !reflect.DeepEqual(got.Subject, s.Subject) {
		t.Fatalf("Statement() = %+v, %v", got, err)
	}
	if _, err := doc.Link(); !errors.Is(err, ErrMalformed) {
		t.Fatalf("Link() of a statement: error = %v", err)
	}
}

func envelopeJSON(t *testing.T, payloadType, payload string) []byte {
	t.Helper()
	return []byte(`{"payloadType": "` + payloadType + `", "payload": "` +
		base64.StdEncoding.EncodeToString([]byte(payload)) + `", "signatures": []}`)
}

func TestReadDocumentErrors(t *testing.T) {
	tests := []decodeCase{
		{"neither format", []byte(`{"a": 1}`), ErrMalformed, "neither a metablock (signed, signatures) nor a DSSE envelope (payloadType, payload, signatures)"},
		{"not an object", []byte(`"x"`), ErrMalformed, "expected an object, got a string"},
		{"payload type", envelopeJSON(t, "application/json", "{}"), ErrUnknownType,
			`payloadType: "application/json" is not the in-toto payload type "application/vnd.in-toto+json"`},
		{"unknown payload _type", envelopeJSON(t, dsse.PayloadTypeInToto, `{"_type": "https://in-toto.io/Statement/v9"}`), ErrUnknownType,
			`payload._type: "https://in-toto.io/Statement/v9" is not a known payload type (link, layout or an in-toto Statement)`},
		{"payload not JSON", envelopeJSON(t, dsse.PayloadTypeInToto, `{"_type": "link",`), ErrMalformed, "payload: invalid JSON..."},
		{"payload unknown field", envelopeJSON(t, dsse.PayloadTypeInToto,
			`{"_type": "link", "name": "n", "materials": {}, "products": {}, "byproducts": {}, "command": [], "environment": {}, "x": 1}`),
			ErrMalformed, `payload: unknown field "x"...`},
		{"envelope unknown field", []byte(`{"payloadType": "t", "payload": "", "signatures": [], "signed": {}}`), ErrMalformed,
			`malformed DSSE envelope: unknown field "signed"`},
		{"dsse error type", []byte(`{"payloadType": "t"}`), dsse.ErrMalformed, ""},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			_, err := ReadDocument(tc.data)
			checkDecodeErr(t, tc, err)
		})
	}
}

func TestReadAll(t *testing.T) {
	if _, err := ReadAll(strings.NewReader("{}")); err != nil {
		t.Fatal(err)
	}
	big := bytes.NewReader(make([]byte, dsse.MaxEnvelopeSize+1))
	if _, err := ReadAll(big); !errors.Is(err, ErrTooLarge) {
		t.Fatalf("error = %v, want ErrTooLarge", err)
	}
}

// TestDocumentNoticesChangesToHandedOutBytes: once Metablock or
// PayloadJSON hands the signed bytes out, a change made to them in place
// is noticed (the canonical form and decoded link are not served stale),
// although reading the document never checksums them.
func TestDocumentNoticesChangesToHandedOutBytes(t *testing.T) {
	data := unsignedLinkFile(t)
	for _, handOut := range []struct {
		name string
		get  func(*Document) []byte
	}{
		{"Metablock", func(d *Document) []byte { return d.Metablock().Signed }},
		{"PayloadJSON", func(d *Document) []byte { return d.PayloadJSON() }},
	} {
		t.Run(handOut.name, func(t *testing.T) {
			d, err := ReadDocumentNoCopy(bytes.Clone(data))
			if err != nil {
				t.Fatal(err)
			}
			if d.metablock.cache.src.sum != 0 {
				t.Fatal("reading the document checksummed the signed bytes")
			}
			if _, _, ok := d.SortedPaths(); !ok {
				t.Fatal("no sorted paths before the change")
			}
			signed := handOut.get(d)
			i := bytes.Index(signed, []byte(`"aa"`))
			if i < 0 {
				t.Fatalf("no digest in %s", signed)
			}
			signed[i+1] = 'b' // "ba"
			got, err := d.DecodedLink()
			if err != nil {
				t.Fatal(err)
			}
			if h := got.Products["a"]["sha256"]; h != "ba" {
				t.Errorf("decoded link after the change has digest %q, want %q", h, "ba")
			}
			c, err := d.SignedBytes()
			if err != nil {
				t.Fatal(err)
			}
			if !bytes.Contains(c, []byte(`"ba"`)) {
				t.Errorf("signed bytes after the change are stale: %s", c)
			}
			if _, _, ok := d.SortedPaths(); ok {
				t.Error("SortedPaths still answers from the stale cache")
			}
		})
	}
}
