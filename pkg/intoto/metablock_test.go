package intoto

import (
	"context"
	"encoding/json"
	"errors"
	"reflect"
	"strings"
	"testing"

	"github.com/signet-dev/signet/pkg/keys"
)

func TestMetablockSignVerify(t *testing.T) {
	ctx := context.Background()
	alice, bob := testSigner(t, 1), testSigner(t, 2)
	m, err := NewMetablock(sampleLink())
	if err != nil {
		t.Fatal(err)
	}
	if m.PayloadType() != TypeLink {
		t.Fatalf("PayloadType = %q", m.PayloadType())
	}
	if err := m.VerifySignature(alice.Key()); !errors.Is(err, ErrNoSignature) {
		t.Fatalf("unsigned: error = %v, want ErrNoSignature", err)
	}
	for _, s := range []keys.Signer{alice, alice, bob} {
		if err := m.Sign(ctx, s); err != nil {
			t.Fatal(err)
		}
	}
	if got := m.KeyIDs(); len(got) != 2 || got[0] != alice.Key().KeyID || got[1] != bob.Key().KeyID {
		t.Fatalf("KeyIDs = %v, want alice then bob once each", got)
	}
	for _, s := range []keys.Signer{alice, bob} {
		if err := m.VerifySignature(s.Key()); err != nil {
			t.Fatalf("VerifySignature: %v", err)
		}
	}
	// A signature copied under another key id does not verify.
	m.Signatures[1].Sig = m.Signatures[0].Sig
	if err := m.VerifySignature(bob.Key()); !errors.Is(err, keys.ErrBadSignature) {
		t.Fatalf("swapped signature: error = %v, want keys.ErrBadSignature", err)
	}
}

func TestMetablockRoundTrip(t *testing.T) {
	s := testSigner(t, 3)
	for _, v := range []any{sampleLink(), sampleLayout(s)} {
		m, err := NewMetablock(v)
		if err != nil {
			t.Fatal(err)
		}
		if err := m.Sign(context.Background(), s); err != nil {
			t.Fatal(err)
		}
		file, err := m.MarshalIndent()
		if err != nil {
			t.Fatal(err)
		}
		back, err := DecodeMetablock(file)
		if err != nil {
			t.Fatalf("decoding what MarshalIndent wrote: %v\n%s", err, file)
		}
		if err := back.VerifySignature(s.Key()); err != nil {
			t.Fatal(err)
		}
		again, err := back.MarshalIndent()
		if err != nil || string(again) != string(file) {
			t.Fatalf("second MarshalIndent differs (%v)", err)
		}
		compact, err := json.Marshal(back)
		if err != nil || strings.ContainsAny(string(compact), " \n") {
			t.Fatalf("MarshalJSON = %s, %v; want compact", compact, err)
		}
	}
}

func TestNewMetablockInvalid(t *testing.T) {
	l := sampleLink()
	l.Name = ""
	if _, err := NewMetablock(l); !errors.Is(err, ErrInvalid) {
		t.Fatalf("error = %v, want ErrInvalid", err)
	}
	for _, mutate := range []func(l *Link){
		func(l *Link) { l.Name = "a\xff" },
		func(l *Link) { l.Materials["\xfe"] = DigestSet{"sha256": "00"} },
		func(l *Link) { l.Byproducts["stdout"] = "\xc3" },
		func(l *Link) { l.Command = []string{"ok", "\x80"} },
	} {
		l := sampleLink()
		mutate(l)
		if _, err := NewMetablock(l); !errors.Is(err, ErrInvalid) || !strings.Contains(err.Error(), "not valid UTF-8") {
			t.Errorf("invalid UTF-8: error = %v, want ErrInvalid", err)
		}
	}
	if _, err := NewMetablock(*l); !errors.Is(err, ErrInvalid) {
		t.Fatalf("invalid Link value: error = %v, want ErrInvalid", err)
	}
	if _, err := NewMetablock(map[string]any{"a": 1}); err == nil {
		t.Fatal("a signed object without _type was accepted")
	}
	if _, err := NewMetablock(map[string]any{"_type": "x", "f": 1.5}); err == nil {
		t.Fatal("a float in the signed object was accepted")
	}
}

const gpgMetablock = `{"signatures": [{"keyid": "8288ef560ed3795f9df2c0db56193089b285da58",
  "other_headers": "04000108001d162104", "signature": "a1b2", "short_keyid": "56193089b285da58"}],
 "signed": {"_type": "link", "name": "n", "materials": {}, "products": {}, "byproducts": {}, "command": [], "environment": {}}}`

func TestMetablockGPGSignature(t *testing.T) {
	m, err := DecodeMetablock([]byte(gpgMetablock))
	if err != nil {
		t.Fatal(err)
	}
	s := m.Signatures[0]
	if !s.IsGPG() || s.OtherHeaders != "04000108001d162104" || s.GPGSignature != "a1b2" || s.ShortKeyID != "56193089b285da58" {
		t.Fatalf("signature = %+v", s)
	}
	k := keys.Key{KeyID: s.KeyID}
	if err := m.VerifySignature(k); !errors.Is(err, ErrUnsupportedSignature) {
		t.Fatalf("error = %v, want ErrUnsupportedSignature", err)
	}
	if got, err := json.Marshal(s); err != nil || string(got) != `{"keyid":"8288ef560ed3795f9df2c0db56193089b285da58",`+
		`"other_headers":"04000108001d162104","short_keyid":"56193089b285da58","signature":"a1b2"}` {
		t.Fatalf("json.Marshal(signature) = %s, %v", got, err)
	}
	out, err := m.MarshalIndent()
	if err != nil {
		t.Fatal(err)
	}
	back, err := DecodeMetablock(out)
	if err != nil || !reflect.DeepEqual(back.Signatures[0], s) {
		t.Fatalf("round trip: %+v, %v", back, err)
	}
}

func TestDecodeMetablockErrors(t *testing.T) {
	link := `{"_type": "link", "name": "n", "materials": {}, "products": {}, "byproducts": {}, "command": [], "environment": {}}`
	tests := []decodeCase{
		{"missing signatures", []byte(`{"signed": ` + link + `}`), ErrMalformed, `missing required field "signatures"`},
		{"unknown member", []byte(`{"signed": ` + link + `, "signatures": [], "x": 1}`), ErrMalformed, `unknown field "x"; the known fields are signatures, signed`},
		{"sig not hex", []byte(`{"signed": ` + link + `, "signatures": [{"keyid": "ab", "sig": "zz"}]}`), ErrMalformed,
			`signatures[0].sig: expected a hex string, got "zz"`},
		{"sig missing", []byte(`{"signed": ` + link + `, "signatures": [{"keyid": "ab"}]}`), ErrMalformed,
			`signatures[0]: missing required field "sig"`},
		{"mixed signature", []byte(`{"signed": ` + link + `, "signatures": [{"keyid": "ab", "sig": "00", "signature": "00", "other_headers": "00"}]}`), ErrMalformed,
			`signatures[0]: unknown field "sig"...`},
		{"unknown type", []byte(`{"signed": {"_type": "statement"}, "signatures": []}`), ErrUnknownType,
			`signed._type: "statement" is not a metadata type in a metablock; expected "link" or "layout"`},
		{"nested path", []byte(`{"signed": {"_type": "layout", "expires": "2030-01-01T00:00:00Z", "readme": "", "keys": {},
			"steps": [{"_type": "step", "name": "a", "expected_materials": [], "expected_products": [], "pubkeys": [], "expected_command": [], "threshold": "x"}],
			"inspect": []}, "signatures": []}`), ErrMalformed, "signed.steps[0].threshold: expected a number, got a string"},
		{"validation path", []byte(`{"signed": {"_type": "layout", "expires": "2030-01-01T00:00:00Z", "readme": "", "keys": {},
			"steps": [{"_type": "step", "name": "a", "expected_materials": [], "expected_products": [], "pubkeys": [], "expected_command": [], "threshold": 0}],
			"inspect": []}, "signatures": []}`), ErrInvalid, "signed.steps[0].threshold: must be at least 1, got 0"},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			_, err := DecodeMetablock(tc.data)
			checkDecodeErr(t, tc, err)
		})
	}
}

func TestPyString(t *testing.T) {
	tests := []struct{ in, want string }{
		{"plain ~ text", `"plain ~ text"`},
		{"q\"b\\s/", `"q\"b\\s/"`},
		{"\b\f\n\r\t", `"\b\f\n\r\t"`},
		{"\x00\x1f\x7f", `"\u0000\u001f\u007f"`},
		{"é☃", `"\u00e9\u2603"`},
		{"😀", `"\ud83d\ude00"`},
		{"\U0010FFFF", `"\udbff\udfff"`},
	}
	for _, tt := range tests {
		if got := string(appendPyString(nil, tt.in)); got != tt.want {
			t.Errorf("appendPyString(%q) = %s, want %s", tt.in, got, tt.want)
		}
	}
}
