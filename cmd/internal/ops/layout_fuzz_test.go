package ops

import (
	"os"
	"path/filepath"
	"testing"

	"github.com/signet-dev/signet/pkg/keys"
)

// FuzzLayoutTemplate: any template either fails with an error or builds a
// layout that validates; nothing panics.
func FuzzLayoutTemplate(f *testing.F) {
	f.Add([]byte(`{"steps": [{"name": "build", "pubkeys": ["bob"], "expected_products": [["CREATE", "x"]]}]}`))
	f.Add([]byte(`{"expires": "2030-01-01T00:00:00Z", "steps": [], "inspect": [{"name": "i", "run": ["true"]}]}`))
	f.Add([]byte(`{"steps": [{"name": "s", "pubkeys": ["bob", "bob"], "threshold": 2}]}`))
	dir := f.TempDir()
	s := newFuzzKey(f, dir)
	named := map[string]keys.Key{"bob": s}
	f.Fuzz(func(t *testing.T, data []byte) {
		p := filepath.Join(t.TempDir(), "t.json")
		if err := os.WriteFile(p, data, 0o644); err != nil {
			t.Fatal(err)
		}
		tmpl, err := readTemplate(p)
		if err != nil {
			return
		}
		l, err := tmpl.build(named)
		if err != nil {
			return
		}
		_ = l.Validate()
	})
}

func newFuzzKey(f *testing.F, dir string) keys.Key {
	k, err := Keygen(KeygenRequest{Path: filepath.Join(dir, "bob"), KeyType: keys.KeyTypeED25519, Format: keys.FormatSSLib})
	if err != nil {
		f.Fatal(err)
	}
	return k
}
