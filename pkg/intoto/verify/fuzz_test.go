package verify

import (
	"context"
	"strings"
	"testing"
	"testing/fstest"

	"github.com/signet-dev/signet/pkg/intoto"
	"github.com/signet-dev/signet/pkg/keys"
)

// FuzzPyFormat checks that parameter substitution never panics, leaves
// text without braces alone, and substitutes what it accepts.
func FuzzPyFormat(f *testing.F) {
	for _, s := range []string{"plain", "{a}", "{{a}}", "{a", "a}", "{}", "{0}", "{a!r}", "{a:>3}", "{{{a}}}", "x{a}y{a}z"} {
		f.Add(s)
	}
	params := map[string]string{"a": "VALUE"}
	f.Fuzz(func(t *testing.T, s string) {
		got, err := pyFormat(s, params)
		if !strings.ContainsAny(s, "{}") && (err != nil || got != s) {
			t.Fatalf("pyFormat(%q) = %q, %v; text without braces must be unchanged", s, got, err)
		}
		if err == nil && strings.Count(got, "VALUE") < strings.Count(s, "{a}")-strings.Count(s, "{{a}}") {
			t.Fatalf("pyFormat(%q) = %q: a {a} field was not substituted", s, got)
		}
	})
}

// FuzzVerifyLink feeds arbitrary bytes as the link of a one-step layout:
// Verify must not panic, must always return a report, and must pass only
// for a link signed by the functionary.
func FuzzVerifyLink(f *testing.F) {
	owner, fn := newSigner(f, "ed25519"), newSigner(f, "ed25519")
	lay := newLayout([]intoto.Step{step("build", 1, nil, [][]string{{"CREATE", "app"}, {"DISALLOW", "*"}}, fn)}, fn)
	doc := signDoc(f, intoto.FormatMetablock, lay, owner)
	good := signDoc(f, intoto.FormatMetablock, newLink("build", nil, map[string]string{"app": "ELF"}), fn)
	f.Add(good)
	f.Add(signDoc(f, intoto.FormatDSSE, newLink("build", nil, map[string]string{"app": "ELF"}), fn))
	f.Add([]byte(`{"signed": {}, "signatures": []}`))
	f.Add([]byte(`{"payloadType": "x", "payload": "", "signatures": []}`))
	f.Fuzz(func(t *testing.T, link []byte) {
		layout, err := intoto.ReadDocument(doc)
		if err != nil {
			t.Fatal(err)
		}
		links := fstest.MapFS{linkFile("build", fn): {Data: link}}
		rep, err := Verify(context.Background(), layout, Options{Now: testNow, Keys: []keys.Key{owner.Key()}, Links: links})
		if rep == nil {
			t.Fatal("nil report")
		}
		if err == nil {
			d, derr := intoto.ReadDocument(link)
			if derr != nil || d.VerifySignature(fn.Key()) != nil {
				t.Fatalf("verification passed with a link the functionary did not sign: %q", link)
			}
		}
	})
}
