package intoto

import (
	"bytes"
	"context"
	"reflect"
	"testing"

	"github.com/signet-dev/signet/pkg/cjson"
	"github.com/signet-dev/signet/pkg/keys"
)

// FuzzLinkScanner checks the fast link decoder against the general one:
// whatever the fast path accepts, the general path accepts too, with the
// same link, signed bytes and signatures.
func FuzzLinkScanner(f *testing.F) {
	priv, err := keys.GenerateKey(keys.KeyTypeED25519, 0)
	if err != nil {
		f.Fatal(err)
	}
	s, err := keys.NewSigner(priv, "")
	if err != nil {
		f.Fatal(err)
	}
	l := NewLink("build")
	l.Materials = ArtifactMap{"src/a.c": {"sha256": "aa"}, "src/b.c": {"sha256": "bb"}}
	l.Products = ArtifactMap{"a.out": {"sha256": "cc"}, "src/a.c": {"sha256": "aa"}}
	l.Command = []string{"cc", "-o", "a.out"}
	l.Byproducts = map[string]any{"return-value": 0, "stdout": "", "stderr": ""}
	doc, err := NewDocument(FormatMetablock, l)
	if err != nil {
		f.Fatal(err)
	}
	if err := doc.Sign(context.Background(), s); err != nil {
		f.Fatal(err)
	}
	good, err := doc.Marshal()
	if err != nil {
		f.Fatal(err)
	}
	f.Add(good)
	f.Add(bytes.Replace(good, []byte(`"src/a.c"`), []byte(`"src/\u0061.c"`), 1))
	f.Add(bytes.Replace(good, []byte(`"_type"`), []byte(`"_typo"`), 1))
	f.Add([]byte(`{"signatures": [], "signed": {"_type": "link", "name": "x", "materials": {}, "products": {}, "byproducts": {}, "command": [], "environment": {}}}`))
	f.Fuzz(func(t *testing.T, data []byte) {
		m, ok := readLinkMetablockFast(bytes.Clone(data), false)
		if !ok {
			return
		}
		d, err := readDocumentGeneral(bytes.Clone(data), false)
		if err != nil {
			t.Fatalf("the fast path accepted what the general decoder refuses (%v): %q", err, data)
		}
		gl, err := d.Link()
		if err != nil {
			t.Fatalf("general decoder: %v", err)
		}
		if !reflect.DeepEqual(m.cache.link, gl) {
			t.Fatalf("links differ:\nfast    %#v\ngeneral %#v", m.cache.link, gl)
		}
		gc, _ := d.SignedBytes()
		fc, _ := m.CanonicalSigned()
		if !bytes.Equal(gc, fc) || !reflect.DeepEqual(m.Signatures, d.Metablock().Signatures) {
			t.Fatalf("signed bytes or signatures differ for %q", data)
		}
	})
}

func TestLinkScannerTakesTheFastPath(t *testing.T) {
	data := unsignedLinkFile(t)
	if _, ok := readLinkMetablockFast(data, false); !ok {
		t.Fatalf("the fast path refused a plain link: %s", data)
	}
}

// TestLinkScannerSharesDigestSets: a product whose path and digest are
// those of a material shares the material's digest set; a changed file
// or a new path gets its own. Unsorted and repeated paths are handled.
func TestLinkScannerSharesDigestSets(t *testing.T) {
	const head = `{"signatures": [], "signed": {"_type": "link", "name": "x", "byproducts": {}, "command": [], "environment": {}, `
	tests := []struct {
		name       string
		arts       string
		wantOK     bool
		wantShared map[string]bool // product path -> shares the material's set
		wantSorted bool
	}{
		{"sorted", `"materials": {"a": {"sha256": "aa"}, "b": {"sha256": "bb"}}, "products": {"a": {"sha256": "aa"}, "b": {"sha256": "b0"}, "c": {"sha256": "aa"}}`,
			true, map[string]bool{"a": true, "b": false, "c": false}, true},
		{"unsorted", `"materials": {"b": {"sha256": "bb"}, "a": {"sha256": "aa"}}, "products": {"b": {"sha256": "bb"}, "a": {"sha256": "aa"}}`,
			true, map[string]bool{"a": true, "b": true}, false},
		{"products first", `"products": {"a": {"sha256": "aa"}}, "materials": {"a": {"sha256": "aa"}}`,
			true, map[string]bool{"a": true}, true},
		{"other algorithm", `"materials": {"a": {"sha256": "aa"}}, "products": {"a": {"sha512": "aa"}}`,
			true, map[string]bool{"a": false}, true},
		{"repeated path, sorted before", `"materials": {"a": {"sha256": "aa"}, "b": {"sha256": "bb"}, "a": {"sha256": "aa"}}, "products": {}`,
			false, nil, false},
		{"repeated path in a row", `"materials": {"a": {"sha256": "aa"}, "a": {"sha256": "aa"}}, "products": {}`,
			false, nil, false},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			m, ok := readLinkMetablockFast([]byte(head+tt.arts+`}}`), false)
			if ok != tt.wantOK {
				t.Fatalf("fast path ok = %v, want %v", ok, tt.wantOK)
			}
			if !ok {
				return
			}
			l := m.cache.link
			for p, want := range tt.wantShared {
				shared := l.Materials[p] != nil && reflect.ValueOf(l.Materials[p]).UnsafePointer() == reflect.ValueOf(l.Products[p]).UnsafePointer()
				if shared != want {
					t.Errorf("product %q shares the material's digest set: %v, want %v", p, shared, want)
				}
			}
			if sorted := m.cache.paths[0] != nil && m.cache.paths[1] != nil; sorted != tt.wantSorted {
				t.Errorf("sorted paths kept: %v, want %v", sorted, tt.wantSorted)
			}
		})
	}
}

// TestLinkScannerCanonicalForm: the canonical form the scanner writes
// while reading equals cjson.Canonicalize of the signed object, whether
// it could write it (sorted keys and paths) or had to fall back.
func TestLinkScannerCanonicalForm(t *testing.T) {
	tests := []struct {
		name     string
		signed   string
		wantFast bool // written while scanning
	}{
		{"reference layout of a link", `{"_type": "link", "byproducts": {"return-value": 0, "stderr": "", "stdout": "ok"}, "command": ["cc", "-o", "a"], "environment": {}, "materials": {"a.c": {"sha256": "aa"}, "b.c": {"sha256": "bb"}}, "name": "build", "products": {"a": {"sha256": "cc"}}}`, true},
		{"nested generic members", `{"_type": "link", "byproducts": {"z": [1, -3, {"b": null, "a": true}], "a": "\u00e9\u0022"}, "command": [], "environment": {"k": {"y": 1, "x": -2}}, "materials": {}, "name": "x", "products": {}}`, true},
		{"unsorted members", `{"name": "x", "_type": "link", "byproducts": {}, "command": [], "environment": {}, "materials": {}, "products": {}}`, false},
		{"unsorted paths", `{"_type": "link", "byproducts": {}, "command": [], "environment": {}, "materials": {"b": {"sha256": "bb"}, "a": {"sha256": "aa"}}, "name": "x", "products": {}}`, false},
		{"non-ASCII names", `{"_type": "link", "byproducts": {}, "command": ["é"], "environment": {}, "materials": {"ä/ö": {"sha256": "aa"}}, "name": "x", "products": {}}`, true},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			data := []byte(`{"signatures": [], "signed": ` + tt.signed + `}`)
			m, ok := readLinkMetablockFast(data, false)
			if !ok {
				t.Fatal("the fast path refused the link")
			}
			want, err := cjson.Canonicalize([]byte(tt.signed))
			if err != nil {
				t.Fatal(err)
			}
			got, err := m.CanonicalSigned()
			if err != nil {
				t.Fatal(err)
			}
			if !bytes.Equal(got, want) {
				t.Errorf("canonical form\n got %s\nwant %s", got, want)
			}
			s := &linkScanner{data: data, text: string(data)}
			s.canon, s.canonOK = nil, true
			s.pos = bytes.Index(data, []byte(`"signed": `)) + len(`"signed": `)
			if s.link() == nil {
				t.Fatal("scanning the signed object failed")
			}
			if s.canonOK != tt.wantFast {
				t.Errorf("canonical form written while scanning: %v, want %v", s.canonOK, tt.wantFast)
			}
		})
	}
}

// unsignedLinkFile is the metablock file of an unsigned link "build" with
// one product, "a", of sha256 "aa".
func unsignedLinkFile(t *testing.T) []byte {
	t.Helper()
	l := NewLink("build")
	l.Products = ArtifactMap{"a": {"sha256": "aa"}}
	doc, err := NewDocument(FormatMetablock, l)
	if err != nil {
		t.Fatal(err)
	}
	data, err := doc.Marshal()
	if err != nil {
		t.Fatal(err)
	}
	return data
}
