package ops

import (
	"context"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/signet-dev/signet/pkg/intoto"
	"github.com/signet-dev/signet/pkg/intoto/runner"
	"github.com/signet-dev/signet/pkg/keys"
)

// newKey generates a key pair in dir and returns a signer for it.
func newKey(t *testing.T, dir, name, keyType string) keys.Signer {
	t.Helper()
	if _, err := Keygen(KeygenRequest{Path: filepath.Join(dir, name), KeyType: keyType, Format: keys.FormatSSLib}); err != nil {
		t.Fatal(err)
	}
	s, err := LoadSigner(context.Background(), KeyRequest{Path: filepath.Join(dir, name)})
	if err != nil {
		t.Fatal(err)
	}
	return s
}

func write(t *testing.T, path, content string) {
	t.Helper()
	if err := os.MkdirAll(filepath.Dir(path), 0o755); err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(path, []byte(content), 0o644); err != nil {
		t.Fatal(err)
	}
}

func readLink(t *testing.T, path string, k keys.Key) *intoto.Link {
	t.Helper()
	doc, err := ReadDocumentFile(path)
	if err != nil {
		t.Fatal(err)
	}
	if err := doc.VerifySignature(k); err != nil {
		t.Fatalf("link %s: %v", path, err)
	}
	l, err := doc.Link()
	if err != nil {
		t.Fatal(err)
	}
	return l
}

func TestRunRecordsAndSigns(t *testing.T) {
	dir := t.TempDir()
	s := newKey(t, dir, "k", keys.KeyTypeED25519)
	write(t, filepath.Join(dir, "src", "a"), "a")
	path, err := Run(context.Background(), RunRequest{
		StepName: "build", Materials: []string{filepath.Join(dir, "src")}, Products: []string{filepath.Join(dir, "out")},
		Command:       []string{"sh", "-c", "mkdir -p " + dir + "/out && echo built > " + dir + "/out/b && echo hi && exit 3"},
		RecordStreams: true, Timeout: 10 * time.Second, Signer: s, MetadataDir: dir,
	})
	if err != nil {
		t.Fatal(err)
	}
	if want := filepath.Join(dir, LinkFileName("build", s.Key().KeyID)); path != want {
		t.Fatalf("path = %s, want %s", path, want)
	}
	l := readLink(t, path, s.Key())
	if len(l.Materials) != 1 || len(l.Products) != 1 {
		t.Fatalf("materials %v products %v", l.Materials, l.Products)
	}
	if l.Byproducts["stdout"] != "hi\n" || fmt.Sprint(l.Byproducts["return-value"]) != "3" {
		t.Fatalf("byproducts = %#v", l.Byproducts)
	}
}

func TestRunFailuresWriteNothing(t *testing.T) {
	tests := []struct {
		name    string
		req     RunRequest
		wantErr error
	}{
		{"command not found", RunRequest{StepName: "s", Command: []string{"/nonexistent/cmd"}}, runner.ErrCommandNotFound},
		{"timeout", RunRequest{StepName: "s", Command: []string{"sleep", "5"}, Timeout: 50 * time.Millisecond}, runner.ErrTimeout},
		{"bad step name", RunRequest{StepName: "../x"}, ErrUsage},
		{"empty step name", RunRequest{StepName: ""}, ErrUsage},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			dir := t.TempDir()
			tt.req.MetadataDir = dir
			if _, err := Run(context.Background(), tt.req); !errors.Is(err, tt.wantErr) {
				t.Fatalf("Run error = %v, want %v", err, tt.wantErr)
			}
			if ents, _ := os.ReadDir(dir); len(ents) != 0 {
				t.Fatalf("Run left %d files behind", len(ents))
			}
		})
	}
}

func TestUnsignedRunAndSign(t *testing.T) {
	dir := t.TempDir()
	path, err := Run(context.Background(), RunRequest{StepName: "mocked", Command: []string{"true"}, MetadataDir: dir})
	if err != nil {
		t.Fatal(err)
	}
	if filepath.Base(path) != "mocked.link" {
		t.Fatalf("unsigned link written to %s, want mocked.link", path)
	}
	a := newKey(t, dir, "a", keys.KeyTypeECDSA)
	b := newKey(t, dir, "b", keys.KeyTypeED25519)
	if _, err := Sign(context.Background(), SignRequest{File: path, Signers: []keys.Signer{a, b}}); !errors.Is(err, ErrUsage) {
		t.Fatalf("signing a link with two keys: err = %v, want ErrUsage", err)
	}
	out, err := Sign(context.Background(), SignRequest{File: path, Signers: []keys.Signer{a}, OutputDir: dir})
	if err != nil {
		t.Fatal(err)
	}
	if want := filepath.Join(dir, LinkFileName("mocked", a.Key().KeyID)); out != want {
		t.Fatalf("signed link = %s, want %s", out, want)
	}
	if _, err := VerifySignatures(VerifyRequest{File: out, Keys: []keys.Key{a.Key()}}); err != nil {
		t.Fatal(err)
	}
	if _, err := VerifySignatures(VerifyRequest{File: out, Keys: []keys.Key{b.Key()}}); !errors.Is(err, ErrVerify) {
		t.Fatalf("verify with the wrong key: err = %v, want ErrVerify", err)
	}
}

func TestRecordStartStop(t *testing.T) {
	dir := t.TempDir()
	s := newKey(t, dir, "k", keys.KeyTypeRSA)
	other := newKey(t, dir, "o", keys.KeyTypeED25519)
	write(t, filepath.Join(dir, "f"), "v0")
	ctx := context.Background()
	if _, err := RecordStop(ctx, RecordStopRequest{StepName: "edit", Signer: s, WorkDir: dir}); !errors.Is(err, ErrNoUnfinishedLink) {
		t.Fatalf("stop before start: err = %v, want ErrNoUnfinishedLink", err)
	}
	if _, err := RecordStart(ctx, RecordStartRequest{StepName: "edit", Materials: []string{"f"}, Record: RecordConfig{BasePath: dir}, Signer: s, WorkDir: dir}); err != nil {
		t.Fatal(err)
	}
	_, err := RecordStop(ctx, RecordStopRequest{StepName: "edit", Signer: other, WorkDir: dir})
	if !errors.Is(err, ErrNoUnfinishedLink) || !strings.Contains(err.Error(), "another key") {
		t.Fatalf("stop with another key: err = %v, want a hint about the key", err)
	}
	write(t, filepath.Join(dir, "f"), "v1")
	path, err := RecordStop(ctx, RecordStopRequest{StepName: "edit", Products: []string{"f"}, Record: RecordConfig{BasePath: dir}, Signer: s, WorkDir: dir, MetadataDir: dir})
	if err != nil {
		t.Fatal(err)
	}
	l := readLink(t, path, s.Key())
	if l.Materials["f"]["sha256"] == l.Products["f"]["sha256"] || l.Products["f"]["sha256"] == "" {
		t.Fatalf("materials %v, products %v: want different digests of f", l.Materials, l.Products)
	}
	if _, err := os.Stat(filepath.Join(dir, UnfinishedLinkFileName("edit", s.Key().KeyID))); !errors.Is(err, os.ErrNotExist) {
		t.Fatalf("the preliminary link was not removed: %v", err)
	}
}

func TestSignLayoutAppend(t *testing.T) {
	dir := t.TempDir()
	a := newKey(t, dir, "a", keys.KeyTypeED25519)
	b := newKey(t, dir, "b", keys.KeyTypeECDSA)
	tmpl := filepath.Join(dir, "t.json")
	write(t, tmpl, `{"steps": [{"name": "build", "pubkeys": ["bob"], "expected_products": [["CREATE", "x"]]}]}`)
	out := filepath.Join(dir, "root.layout")
	if _, err := NewLayout(LayoutRequest{Template: tmpl, Keys: map[string]keys.Key{"bob": b.Key()}, Output: out}); err != nil {
		t.Fatal(err)
	}
	ctx := context.Background()
	if _, err := Sign(ctx, SignRequest{File: out, Signers: []keys.Signer{a}}); err != nil {
		t.Fatal(err)
	}
	if _, err := Sign(ctx, SignRequest{File: out, Signers: []keys.Signer{b}, Append: true}); err != nil {
		t.Fatal(err)
	}
	if _, err := VerifySignatures(VerifyRequest{File: out, Keys: []keys.Key{a.Key(), b.Key()}}); err != nil {
		t.Fatalf("both signatures should verify after --append: %v", err)
	}
	if _, err := Sign(ctx, SignRequest{File: out, Signers: []keys.Signer{b}}); err != nil {
		t.Fatal(err)
	}
	if _, err := VerifySignatures(VerifyRequest{File: out, Keys: []keys.Key{a.Key()}}); !errors.Is(err, ErrVerify) {
		t.Fatalf("signing without --append must replace signatures: err = %v", err)
	}
}

func TestNewLayoutErrors(t *testing.T) {
	dir := t.TempDir()
	bob := newKey(t, dir, "bob", keys.KeyTypeED25519)
	tests := []struct {
		name, template, want string
	}{
		{"unknown key name", `{"steps": [{"name": "s", "pubkeys": ["mallory"]}]}`, `names key "mallory"`},
		{"unknown field", `{"steps": [], "stpes": []}`, `unknown field "stpes"`},
		{"bad rule", `{"steps": [{"name": "s", "pubkeys": ["bob"], "expected_products": [["CRATE", "x"]]}]}`, "CRATE"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			p := filepath.Join(dir, "t.json")
			write(t, p, tt.template)
			_, err := NewLayout(LayoutRequest{Template: p, Keys: map[string]keys.Key{"bob": bob.Key()}, Output: filepath.Join(dir, "out.layout")})
			if err == nil || !strings.Contains(err.Error(), tt.want) {
				t.Fatalf("err = %v, want it to mention %q", err, tt.want)
			}
			if _, err := os.Stat(filepath.Join(dir, "out.layout")); !errors.Is(err, os.ErrNotExist) {
				t.Fatal("a layout was written despite the error")
			}
		})
	}
}

func TestKeygenRefusesOverwrite(t *testing.T) {
	dir := t.TempDir()
	p := filepath.Join(dir, "k")
	req := KeygenRequest{Path: p, KeyType: keys.KeyTypeED25519, Format: keys.FormatPKCS8, Passphrase: []byte("pw")}
	k, err := Keygen(req)
	if err != nil {
		t.Fatal(err)
	}
	if fi, _ := os.Stat(p); fi.Mode().Perm() != 0o600 {
		t.Fatalf("private key mode = %v, want 0600", fi.Mode().Perm())
	}
	if _, err := Keygen(req); !errors.Is(err, ErrExists) {
		t.Fatalf("second keygen: err = %v, want ErrExists", err)
	}
	_, err = LoadSigner(context.Background(), KeyRequest{Path: p})
	if !errors.Is(err, keys.ErrPassphraseRequired) {
		t.Fatalf("encrypted key without passphrase: err = %v", err)
	}
	s, err := LoadSigner(context.Background(), KeyRequest{Path: p, Passphrase: func() ([]byte, error) { return []byte("pw"), nil }})
	if err != nil {
		t.Fatal(err)
	}
	if s.Key().KeyID != k.KeyID {
		t.Fatalf("key id %s after loading, %s after keygen", s.Key().KeyID, k.KeyID)
	}
}

func TestInteractive(t *testing.T) {
	if interactive(strings.NewReader("")) || interactive(nil) {
		t.Fatal("a non-file reader is not a terminal")
	}
	f, err := os.Open(os.DevNull)
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	if interactive(f) {
		t.Fatal("/dev/null is not a terminal")
	}
}
