package file_test

import (
	"errors"
	"io/fs"
	"os"
	"path/filepath"
	"testing"

	"github.com/signet-dev/signet/keystore"
	"github.com/signet-dev/signet/keystore/file"
	"github.com/signet-dev/signet/pkg/keys"
)

func TestGenerate(t *testing.T) {
	dir := t.TempDir()
	ppFile := writeSecret(t, dir, "pp", passphrase)
	tests := []struct {
		name string
		opts file.GenerateOptions
		uri  func(path string) string
	}{
		{"ed25519 plain", file.GenerateOptions{KeyType: keys.KeyTypeED25519}, func(p string) string { return p }},
		{"ecdsa pkcs8 encrypted", file.GenerateOptions{KeyType: keys.KeyTypeECDSA, Bits: 384, Format: keys.FormatPKCS8,
			Passphrase: []byte(passphrase), Iterations: testIterations, Dialect: keys.DialectModern},
			func(p string) string { return "file://" + p + "?passphrase-source=" + ppFile }},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			path := filepath.Join(dir, tc.opts.KeyType)
			k, err := file.Generate(t.Context(), path, tc.opts)
			if err != nil {
				t.Fatalf("Generate: %v", err)
			}
			for p, want := range map[string]fs.FileMode{path: 0o600, path + ".pub": 0o644} {
				fi, err := os.Stat(p)
				if err != nil || fi.Mode().Perm() != want {
					t.Fatalf("%s: %v, mode %v, want %v", p, err, fi.Mode().Perm(), want)
				}
			}
			s, err := newRegistry().Open(t.Context(), tc.uri(path), keystore.Options{Dialect: tc.opts.Dialect})
			if err != nil {
				t.Fatalf("Open: %v", err)
			}
			defer s.Close()
			if s.Key().KeyID != k.KeyID {
				t.Fatalf("opened key id %s, generated %s", s.Key().KeyID, k.KeyID)
			}
			if _, err := file.Generate(t.Context(), path, tc.opts); !errors.Is(err, fs.ErrExist) {
				t.Fatalf("second Generate: %v, want fs.ErrExist", err)
			}
		})
	}
	if _, err := file.Generate(t.Context(), filepath.Join(dir, "x"), file.GenerateOptions{KeyType: "dsa"}); !errors.Is(err, keys.ErrUnsupportedKey) {
		t.Fatalf("Generate dsa: %v", err)
	}
}
