package file_test

import (
	"context"
	"crypto"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/signet-dev/signet/keystore"
	"github.com/signet-dev/signet/keystore/file"
	"github.com/signet-dev/signet/keystore/keystoretest"
	"github.com/signet-dev/signet/pkg/keys"
)

const passphrase = "correct horse battery staple"

// testIterations keeps KDF costs low in tests.
const testIterations = 1000

type keySpec struct {
	name    string
	keyType string
	bits    int
}

var keySpecs = []keySpec{
	{"ed25519", keys.KeyTypeED25519, 0},
	{"ecdsa-p256", keys.KeyTypeECDSA, 256},
	{"ecdsa-p384", keys.KeyTypeECDSA, 384},
	{"rsa-3072", keys.KeyTypeRSA, 3072},
}

// writeKey writes priv in the given format to dir with mode 0600 and
// returns the path and the Key the file should yield.
func writeKey(t testing.TB, dir, name string, priv crypto.Signer, format keys.FileFormat, pp string) (string, keys.Key) {
	t.Helper()
	files, err := keys.MarshalKeyFiles(priv, keys.MarshalOptions{Format: format, Passphrase: []byte(pp), Iterations: testIterations})
	if err != nil {
		t.Fatalf("MarshalKeyFiles: %v", err)
	}
	path := filepath.Join(dir, name)
	if err := os.WriteFile(path, files.Private, 0o600); err != nil {
		t.Fatal(err)
	}
	return path, files.Key
}

func writeSecret(t *testing.T, dir, name, content string) string {
	t.Helper()
	p := filepath.Join(dir, name)
	if err := os.WriteFile(p, []byte(content), 0o600); err != nil {
		t.Fatal(err)
	}
	return p
}

func newRegistry() *keystore.Registry {
	r := keystore.NewRegistry()
	file.Register(r)
	return r
}

// TestConformance runs the keystoretest suite against key files of every
// type, in securesystemslib and PKCS#8 formats, encrypted and plain.
func TestConformance(t *testing.T) {
	dir := t.TempDir()
	ppFile := writeSecret(t, dir, "pp", passphrase+"\n")
	reg := newRegistry()
	for _, ks := range keySpecs {
		priv, err := keys.GenerateKey(ks.keyType, ks.bits)
		if err != nil {
			t.Fatal(err)
		}
		for _, format := range []keys.FileFormat{keys.FormatSSLib, keys.FormatPKCS8} {
			for _, encrypted := range []bool{false, true} {
				name := fmt.Sprintf("%s-%s-encrypted=%v", ks.name, formatName(format), encrypted)
				pp, uri := "", ""
				if encrypted {
					pp = passphrase
				}
				path, want := writeKey(t, dir, name, priv, format, pp)
				uri = path
				if encrypted {
					uri = "file://" + path + "?passphrase-source=" + ppFile
				}
				t.Run(name, func(t *testing.T) {
					keystoretest.Run(t, func(t *testing.T) keystore.Signer {
						s, err := reg.Open(t.Context(), uri, keystore.Options{})
						if err != nil {
							t.Fatalf("Open(%s): %v", uri, err)
						}
						if s.Key().KeyID != want.KeyID {
							t.Fatalf("key id %s, want %s", s.Key().KeyID, want.KeyID)
						}
						return s
					})
				})
			}
		}
	}
}

func formatName(f keys.FileFormat) string {
	if f == keys.FormatPKCS8 {
		return "pkcs8"
	}
	return "sslib"
}

func TestOpenErrors(t *testing.T) {
	dir := t.TempDir()
	priv, err := keys.GenerateKey(keys.KeyTypeED25519, 0)
	if err != nil {
		t.Fatal(err)
	}
	plain, _ := writeKey(t, dir, "plain", priv, keys.FormatSSLib, "")
	enc, _ := writeKey(t, dir, "enc", priv, keys.FormatPKCS8, passphrase)
	open644, _ := writeKey(t, dir, "open644", priv, keys.FormatSSLib, "")
	open640, _ := writeKey(t, dir, "open640", priv, keys.FormatPKCS8, "")
	for p, mode := range map[string]os.FileMode{open644: 0o644, open640: 0o640} {
		if err := os.Chmod(p, mode); err != nil {
			t.Fatal(err)
		}
	}
	files, err := keys.MarshalKeyFiles(priv, keys.MarshalOptions{})
	if err != nil {
		t.Fatal(err)
	}
	pub := filepath.Join(dir, "plain.pub")
	if err := os.WriteFile(pub, files.Public, 0o644); err != nil {
		t.Fatal(err)
	}
	wrongPP := writeSecret(t, dir, "wrong-pp", "not the passphrase\n")
	emptyPP := writeSecret(t, dir, "empty-pp", "")
	garbage := writeSecret(t, dir, "garbage", "not a key")

	tests := []struct {
		name    string
		uri     string
		opts    keystore.Options
		wantErr error
		wantMsg string
	}{
		{"missing file", filepath.Join(dir, "nope"), keystore.Options{}, keystore.ErrKeyNotFound, "does not exist"},
		{"directory", dir, keystore.Options{}, keystore.ErrKeyNotFound, "not a regular file"},
		{"mode 0644", open644, keystore.Options{}, keystore.ErrInsecurePermissions, "chmod 600 " + open644},
		{"mode 0640", open640, keystore.Options{}, keystore.ErrInsecurePermissions, "0640"},
		{"public key file", pub, keystore.Options{}, keys.ErrMalformedKey, "public key file"},
		{"not a key", garbage, keystore.Options{}, keys.ErrMalformedKey, garbage},
		{"wrong passphrase", "file://" + enc + "?passphrase-source=" + wrongPP, keystore.Options{}, keystore.ErrWrongPassphrase, enc},
		{"passphrase source missing", "file://" + enc + "?passphrase-source=" + dir + "/nope", keystore.Options{}, keystore.ErrSecretSource, dir + "/nope"},
		{"passphrase source empty", "file://" + enc + "?passphrase-source=" + emptyPP, keystore.Options{}, keystore.ErrSecretSource, "empty"},
		{"encrypted, no source, no prompt", enc, keystore.Options{}, keystore.ErrPassphraseRequired, "passphrase-source=FILE"},
		{"key type mismatch", plain, keystore.Options{KeyType: "rsa"}, keys.ErrKeyTypeMismatch, plain},
		{"scheme mismatch", plain, keystore.Options{Scheme: keys.SchemeECDSAP256}, keys.ErrUnsupportedScheme, plain},
		{"passphrase literal", "file://" + plain + "?passphrase=" + passphrase, keystore.Options{}, keystore.ErrSecretInURI, "passphrase-source"},
	}
	reg := newRegistry()
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			s, err := reg.Open(t.Context(), tc.uri, tc.opts)
			if !errors.Is(err, tc.wantErr) {
				if s != nil {
					s.Close()
				}
				t.Fatalf("Open(%s): %v, want %v", tc.uri, err, tc.wantErr)
			}
			if !strings.Contains(err.Error(), tc.wantMsg) {
				t.Errorf("error %q does not mention %q", err, tc.wantMsg)
			}
			if strings.Contains(err.Error(), passphrase) {
				t.Errorf("error %q contains the passphrase", err)
			}
		})
	}
}

func TestOpenDirect(t *testing.T) {
	ctx, cancel := context.WithCancel(t.Context())
	cancel()
	if _, err := file.Open(ctx, &keystore.URI{Scheme: "file", Path: "/k"}, keystore.Options{}); !errors.Is(err, context.Canceled) {
		t.Errorf("cancelled: %v", err)
	}
	for _, u := range []*keystore.URI{nil, {Scheme: "pkcs11", Path: "/k"}, {Scheme: "file"}} {
		if _, err := file.Open(t.Context(), u, keystore.Options{}); !errors.Is(err, keystore.ErrBadURI) {
			t.Errorf("Open(%v): %v, want ErrBadURI", u, err)
		}
	}
	if _, err := file.Open(t.Context(), &keystore.URI{Scheme: "file", Path: "/k"}, keystore.Options{KeyType: "x"}); !errors.Is(err, keystore.ErrInvalidOptions) {
		t.Errorf("bad options: %v", err)
	}
}

func TestPrompt(t *testing.T) {
	dir := t.TempDir()
	priv, err := keys.GenerateKey(keys.KeyTypeECDSA, 256)
	if err != nil {
		t.Fatal(err)
	}
	enc, want := writeKey(t, dir, "enc", priv, keys.FormatSSLib, passphrase)
	plain, _ := writeKey(t, dir, "plain", priv, keys.FormatSSLib, "")
	var asked []keystore.SecretRequest
	opts := keystore.Options{Prompt: func(_ context.Context, r keystore.SecretRequest) ([]byte, error) {
		asked = append(asked, r)
		return []byte(passphrase), nil
	}}
	s, err := newRegistry().Open(t.Context(), enc, opts)
	if err != nil {
		t.Fatalf("Open with prompt: %v", err)
	}
	defer s.Close()
	if s.Key().KeyID != want.KeyID {
		t.Fatalf("key id %s, want %s", s.Key().KeyID, want.KeyID)
	}
	if len(asked) != 1 || asked[0].Kind != keystore.SecretPassphrase || !strings.Contains(asked[0].For, enc) {
		t.Fatalf("prompt calls: %#v", asked)
	}
	s2, err := newRegistry().Open(t.Context(), plain, opts)
	if err != nil {
		t.Fatalf("Open plain with prompt: %v", err)
	}
	defer s2.Close()
	if len(asked) != 1 {
		t.Fatalf("prompted for an unencrypted file: %#v", asked)
	}
}

// TestPassphraseNeverPrinted: no error or String() carries a passphrase,
// whichever way the open fails.
func TestPassphraseNeverPrinted(t *testing.T) {
	const secret = "Tr0ub4dor&3-very-secret"
	dir := t.TempDir()
	priv, err := keys.GenerateKey(keys.KeyTypeED25519, 0)
	if err != nil {
		t.Fatal(err)
	}
	enc, _ := writeKey(t, dir, "enc", priv, keys.FormatSSLib, passphrase)
	wrong := writeSecret(t, dir, "wrong", secret+"\n")
	right := writeSecret(t, dir, "right", passphrase+"\n")
	badPrompt := keystore.Options{Prompt: func(context.Context, keystore.SecretRequest) ([]byte, error) {
		return []byte(secret), nil
	}}
	reg := newRegistry()
	for _, tc := range []struct {
		uri  string
		opts keystore.Options
	}{
		{"file://" + enc + "?passphrase-source=" + wrong, keystore.Options{}},
		{enc, badPrompt},
		{"file://" + enc + "?passphrase=" + secret, keystore.Options{}},
	} {
		_, err := reg.Open(t.Context(), tc.uri, tc.opts)
		if err == nil {
			t.Fatalf("Open(%s) succeeded", tc.uri)
		}
		if strings.Contains(err.Error(), secret) || strings.Contains(err.Error(), passphrase) {
			t.Errorf("error contains a passphrase: %v", err)
		}
	}
	u, err := keystore.ParseURI("file://" + enc + "?passphrase-source=" + right)
	if err != nil {
		t.Fatal(err)
	}
	if strings.Contains(u.String(), passphrase) || !strings.Contains(u.String(), right) {
		t.Errorf("String() = %q", u.String())
	}
}
