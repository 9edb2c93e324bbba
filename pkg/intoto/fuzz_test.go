package intoto

import (
	"bytes"
	"encoding/json"
	"errors"
	"os"
	"path/filepath"
	"testing"

	"github.com/signet-dev/signet/pkg/cjson"
)

// addSeeds adds the fixtures and a few hand-written documents.
func addSeeds(f *testing.F) {
	files, _ := filepath.Glob("testdata/*.l*")
	for _, name := range files {
		data, err := os.ReadFile(name)
		if err != nil {
			f.Fatal(err)
		}
		f.Add(data)
		var m struct{ Signed json.RawMessage }
		if json.Unmarshal(data, &m) == nil {
			f.Add([]byte(m.Signed))
		}
	}
	f.Add([]byte(sampleStatement))
	f.Add([]byte(gpgMetablock))
	f.Add([]byte(`{"payloadType":"application/vnd.in-toto+json","payload":"e30=","signatures":[]}`))
}

// checkErr fails on errors outside this package's documented set.
func checkErr(t *testing.T, err error) {
	t.Helper()
	if !errors.Is(err, ErrMalformed) && !errors.Is(err, ErrInvalid) && !errors.Is(err, ErrTooLarge) {
		t.Fatalf("undocumented error %T: %v", err, err)
	}
	_ = err.Error()
}

// checkModel re-encodes an accepted model: it must canonicalise to want
// (when given) and decode again.
func checkModel(t *testing.T, v any, want []byte, decode func([]byte) error) {
	t.Helper()
	c, err := cjson.Marshal(v)
	if err != nil {
		t.Fatalf("accepted model does not canonicalise: %v", err)
	}
	if want != nil && !bytes.Equal(c, want) {
		t.Fatalf("model canonical %s\n!= signed canonical %s", c, want)
	}
	data, err := json.Marshal(v)
	if err != nil {
		t.Fatal(err)
	}
	if err := decode(data); err != nil {
		t.Fatalf("re-encoded model does not decode: %v\n%s", err, data)
	}
}

func FuzzDecodeLink(f *testing.F) { fuzzModel(f, DecodeLink) }

func FuzzDecodeLayout(f *testing.F) { fuzzModel(f, DecodeLayout) }

// fuzzModel checks a strict decoder: what it accepts re-encodes to the
// canonical bytes of the input and decodes again; what it refuses gets a
// well-formed error.
func fuzzModel[M any](f *testing.F, decode func([]byte) (M, error)) {
	addSeeds(f)
	f.Fuzz(func(t *testing.T, data []byte) {
		m, err := decode(data)
		if err != nil {
			checkErr(t, err)
			return
		}
		raw, err := cjson.Canonicalize(data)
		if err != nil {
			t.Fatal(err)
		}
		checkModel(t, m, raw, func(b []byte) error { _, err := decode(b); return err })
	})
}

func FuzzDecodeStatement(f *testing.F) {
	addSeeds(f)
	f.Fuzz(func(t *testing.T, data []byte) {
		s, err := DecodeStatement(data)
		if err != nil {
			checkErr(t, err)
			return
		}
		out, err := EncodePayload(s)
		if err != nil {
			t.Fatal(err)
		}
		if _, err := DecodeStatement(out); err != nil {
			t.Fatalf("re-encoded statement does not decode: %v\n%s", err, out)
		}
	})
}

// FuzzDecodeMetablock checks the central invariant: for every accepted
// metablock, the canonical JSON of Signet's model of the signed object
// equals the canonical JSON of the object as written, and the file Signet
// writes decodes to the same signed bytes.
func FuzzDecodeMetablock(f *testing.F) {
	addSeeds(f)
	f.Fuzz(func(t *testing.T, data []byte) {
		m, err := DecodeMetablock(data)
		if err != nil {
			checkErr(t, err)
			return
		}
		signed, err := m.CanonicalSigned()
		if err != nil {
			t.Fatal(err)
		}
		var model any
		if m.PayloadType() == TypeLink {
			model, err = m.Link()
		} else {
			model, err = m.Layout()
		}
		if err != nil {
			t.Fatal(err)
		}
		checkModel(t, model, signed, func([]byte) error { return nil })
		file, err := m.MarshalIndent()
		if err != nil {
			t.Fatal(err)
		}
		back, err := DecodeMetablock(file)
		if err != nil {
			t.Fatalf("MarshalIndent output does not decode: %v", err)
		}
		again, _ := back.CanonicalSigned()
		if !bytes.Equal(again, signed) {
			t.Fatal("MarshalIndent changed the signed bytes")
		}
	})
}

func FuzzReadDocument(f *testing.F) {
	addSeeds(f)
	f.Fuzz(func(t *testing.T, data []byte) {
		d, err := ReadDocument(data)
		if err != nil {
			checkErr(t, err)
			return
		}
		if _, err := d.SignedBytes(); err != nil {
			t.Fatal(err)
		}
		out, err := d.Marshal()
		if err != nil {
			t.Fatal(err)
		}
		if _, err := ReadDocument(out); err != nil {
			t.Fatalf("Marshal output does not read back: %v", err)
		}
	})
}
