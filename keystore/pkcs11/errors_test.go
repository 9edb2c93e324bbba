package pkcs11_test

import (
	"errors"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"

	"github.com/signet-dev/signet/keystore"
	"github.com/signet-dev/signet/keystore/pkcs11"
	"github.com/signet-dev/signet/pkg/keys"
	"github.com/signet-dev/signet/softhsm-test/softhsm"
)

// TestOpenErrors covers the errors people meet, each with its sentinel and
// a message that says what is there. No message may contain the PIN.
func TestOpenErrors(t *testing.T) {
	f := newFixture(t)
	other := f.hsm.InitToken(t, "other")
	f.tok.GenerateKey(t, softhsm.KeySpec{Type: softhsm.ECDSAP256, Label: "p256", ID: []byte{2}})
	f.tok.GenerateKey(t, softhsm.KeySpec{Type: softhsm.Ed25519, Label: "ed", ID: []byte{1}})
	f.tok.GenerateKey(t, softhsm.KeySpec{Type: softhsm.ECDSAP256, Label: "dup", ID: []byte{5}})
	f.tok.GenerateKey(t, softhsm.KeySpec{Type: softhsm.ECDSAP256, Label: "dup", ID: []byte{6}})
	f.tok.GenerateKey(t, softhsm.KeySpec{Type: softhsm.ECDSAP256, Label: "noid"})
	junk := filepath.Join(t.TempDir(), "junk.so")
	if err := os.WriteFile(junk, []byte("not a shared object"), 0o644); err != nil {
		t.Fatal(err)
	}
	mod, pin := "?module-path="+f.tok.Module, "&pin-source="+f.tok.PINFile
	tests := []struct {
		name    string
		uri     string
		opts    keystore.Options
		wantErr error
		want    []string // substrings of the message
	}{
		{"PIN missing", "pkcs11:token=signet;object=p256" + mod, keystore.Options{},
			keystore.ErrPINRequired, []string{"pin-source=FILE", `token "signet"`}},
		{"token not found", "pkcs11:token=nope;object=p256" + mod + pin, keystore.Options{},
			pkcs11.ErrTokenNotFound, []string{"token=nope", "token=signet (serial=" + f.tok.Serial, "token=other (serial=" + other.Serial}},
		{"key not found", "pkcs11:token=signet;object=nope" + mod + pin, keystore.Options{},
			keystore.ErrKeyNotFound, []string{"object=nope", "object=p256;id=%02 (ecdsa)", "object=ed;id=%01 (ed25519)"}},
		{"bad module path", "pkcs11:token=signet;object=p256?module-path=/nonexistent/libp11.so" + pin, keystore.Options{},
			pkcs11.ErrModule, []string{"/nonexistent/libp11.so does not exist"}},
		{"module not loadable", "pkcs11:token=signet;object=p256?module-path=" + junk + pin, keystore.Options{},
			pkcs11.ErrModule, []string{junk + " cannot be loaded"}},
		{"no module", "pkcs11:token=signet;object=p256?pin-source=" + f.tok.PINFile, keystore.Options{},
			pkcs11.ErrModule, []string{"add module-path="}},
		{"module-name not found", "pkcs11:token=signet;object=p256?module-name=nosuchmodule" + pin, keystore.Options{},
			pkcs11.ErrModule, []string{`module-name "nosuchmodule"`}},
		{"scheme refused", "pkcs11:token=signet;object=ed" + mod + pin, keystore.Options{Scheme: keys.SchemeECDSAP256},
			keys.ErrUnsupportedScheme, []string{"cannot sign with scheme ecdsa-sha2-nistp256"}},
		{"key type mismatch", "pkcs11:token=signet;object=p256" + mod + pin, keystore.Options{KeyType: keys.KeyTypeRSA},
			keys.ErrKeyTypeMismatch, []string{"is an ecdsa key, not rsa"}},
		{"slot-id refused", "pkcs11:slot-id=0;object=p256" + mod + pin, keystore.Options{},
			keystore.ErrBadURI, []string{"slot numbers change"}},
		{"type public refused", "pkcs11:token=signet;object=p256;type=public" + mod + pin, keystore.Options{},
			keystore.ErrBadURI, []string{"type=private"}},
		{"ambiguous key", "pkcs11:token=signet;object=dup" + mod + pin, keystore.Options{},
			pkcs11.ErrAmbiguous, []string{"object=dup;id=%05", "object=dup;id=%06"}},
		{"key without CKA_ID", "pkcs11:token=signet;object=noid" + mod + pin, keystore.Options{},
			keystore.ErrKeyNotFound, []string{"has no CKA_ID"}},
		{"other token has no such key", "pkcs11:token=other;object=p256" + mod + "&pin-source=" + other.PINFile, keystore.Options{},
			keystore.ErrKeyNotFound, []string{"holds no private keys"}},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			s, err := f.reg.Open(t.Context(), tc.uri, tc.opts)
			if !errors.Is(err, tc.wantErr) {
				t.Fatalf("Open: got %v, want %v", err, tc.wantErr)
			}
			if s != nil {
				t.Fatal("Open returned a Signer with an error")
			}
			t.Log(err)
			for _, w := range tc.want {
				if !strings.Contains(err.Error(), w) {
					t.Errorf("message %q does not contain %q", err, w)
				}
			}
			if strings.Contains(err.Error(), f.tok.PIN) || strings.Contains(err.Error(), other.PIN) {
				t.Errorf("message contains a PIN: %q", err)
			}
		})
	}
	// The token not found error is also a key not found error.
	_, err := f.reg.Open(t.Context(), "pkcs11:token=nope;object=p256"+mod+pin, keystore.Options{})
	if !errors.Is(err, keystore.ErrKeyNotFound) {
		t.Errorf("token not found: %v does not wrap keystore.ErrKeyNotFound", err)
	}
}

// TestPINDiffersInProcess: once the process is logged in to a token, a URI
// with another PIN is refused although the token would not check it.
func TestPINDiffersInProcess(t *testing.T) {
	f := newFixture(t)
	f.tok.GenerateKey(t, softhsm.KeySpec{Type: softhsm.ECDSAP256, Label: "p256", ID: []byte{2}})
	f.open(t, f.tok.URI("p256"), keystore.Options{})
	wrong := writePIN(t, "not-the-pin")
	uri := "pkcs11:token=signet;object=p256?module-path=" + f.tok.Module + "&pin-source=" + wrong
	_, err := f.reg.Open(t.Context(), uri, keystore.Options{})
	if !errors.Is(err, keystore.ErrWrongPIN) || !strings.Contains(err.Error(), "differs from the PIN this process logged in with") {
		t.Fatalf("got %v, want %v (differs)", err, keystore.ErrWrongPIN)
	}
}

func writePIN(t *testing.T, pin string) string {
	t.Helper()
	path := filepath.Join(t.TempDir(), "pin")
	if err := os.WriteFile(path, []byte(pin+"\n"), 0o600); err != nil {
		t.Fatal(err)
	}
	return path
}

// Environment of the child process TestWrongPIN starts.
const (
	childURIEnv  = "SIGNET_PKCS11_TEST_WRONG_PIN_URI"
	childPINEnv  = "SIGNET_PKCS11_TEST_WRONG_PIN"
	childPassMsg = "wrong PIN child: ok"
)

// TestWrongPIN opens a key with a wrong PIN in a fresh process (PKCS#11
// logins belong to the process: here the token is never logged in, so the
// token itself refuses the PIN), then checks the right PIN still works.
func TestWrongPIN(t *testing.T) {
	f := newFixture(t)
	f.tok.GenerateKey(t, softhsm.KeySpec{Type: softhsm.Ed25519, Label: "ed", ID: []byte{1}})
	wrong := "0000" + f.tok.PIN[4:]
	uri := "pkcs11:token=signet;object=ed?module-path=" + f.tok.Module + "&pin-source=" + writePIN(t, wrong)
	cmd := exec.CommandContext(t.Context(), os.Args[0], "-test.run=^TestWrongPINChild$", "-test.v", "-test.count=1")
	cmd.Env = append(os.Environ(), childURIEnv+"="+uri, childPINEnv+"="+wrong)
	out, err := cmd.CombinedOutput()
	if err != nil || !strings.Contains(string(out), childPassMsg) {
		t.Fatalf("child process: %v\n%s", err, out)
	}
	t.Logf("child process:\n%s", out)
	f.open(t, f.tok.URI("ed"), keystore.Options{}) // the right PIN, after the wrong one
}

// TestWrongPINChild is the child process of TestWrongPIN; it skips when
// run on its own.
func TestWrongPINChild(t *testing.T) {
	uri := os.Getenv(childURIEnv)
	if uri == "" {
		t.Skip("run by TestWrongPIN in a fresh process")
	}
	b, err := pkcs11.NewBackend(pkcs11.BackendOptions{})
	if err != nil {
		t.Fatal(err)
	}
	defer b.Close()
	reg := keystore.NewRegistry()
	b.Register(reg)
	_, err = reg.Open(t.Context(), uri, keystore.Options{})
	if !errors.Is(err, keystore.ErrWrongPIN) {
		t.Fatalf("got %v, want %v", err, keystore.ErrWrongPIN)
	}
	msg := err.Error()
	if !strings.Contains(msg, "tries") || strings.Contains(msg, os.Getenv(childPINEnv)) {
		t.Fatalf("message %q: want a word on tries left and no PIN", msg)
	}
	t.Log(msg)
	t.Log(childPassMsg)
}

// TestBackendOptions checks NewBackend's validation and Close.
func TestBackendOptions(t *testing.T) {
	for _, opts := range []pkcs11.BackendOptions{{MaxSessions: 1}, {MaxSessions: -3}, {PoolWaitTimeout: -1}} {
		if _, err := pkcs11.NewBackend(opts); !errors.Is(err, keystore.ErrInvalidOptions) {
			t.Errorf("NewBackend(%+v): got %v, want %v", opts, err, keystore.ErrInvalidOptions)
		}
	}
	b, err := pkcs11.NewBackend(pkcs11.BackendOptions{})
	if err != nil {
		t.Fatal(err)
	}
	if err := b.Close(); err != nil {
		t.Fatal(err)
	}
	if err := b.Close(); err != nil {
		t.Fatalf("second Close: %v", err)
	}
	u, err := keystore.ParseURI("pkcs11:token=x;object=y?module-path=" + softhsm.ModulePath)
	if err != nil {
		t.Fatal(err)
	}
	if _, err := b.Open(t.Context(), u, keystore.Options{}); !errors.Is(err, pkcs11.ErrBackendClosed) {
		t.Fatalf("Open after Close: got %v, want %v", err, pkcs11.ErrBackendClosed)
	}
}
