package keystore

import (
	"context"
	"errors"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/signet-dev/signet/pkg/keys"
)

func TestReadSecretFile(t *testing.T) {
	dir := t.TempDir()
	write := func(name, content string) string {
		p := filepath.Join(dir, name)
		if err := os.WriteFile(p, []byte(content), 0o600); err != nil {
			t.Fatal(err)
		}
		return p
	}
	tests := []struct {
		name, source string
		want         string
		wantErr      error
	}{
		{"newline", write("nl", "s3cret\n"), "s3cret", nil},
		{"crlf", write("crlf", "s3cret\r\n"), "s3cret", nil},
		{"one newline only", write("two", "s3cret\n\n"), "s3cret\n", nil},
		{"no newline", write("plain", "s3cret"), "s3cret", nil},
		{"spaces kept", write("sp", " s3 cret \n"), " s3 cret ", nil},
		{"file uri", "file://" + write("uri", "pp\n"), "pp", nil},
		{"max size", write("max", strings.Repeat("a", MaxSecretSize)+"\n"), strings.Repeat("a", MaxSecretSize), nil},
		{"too large", write("big", strings.Repeat("a", MaxSecretSize+1)), "", ErrSecretSource},
		{"empty", write("empty", ""), "", ErrSecretSource},
		{"only newline", write("onlynl", "\n"), "", ErrSecretSource},
		{"missing", filepath.Join(dir, "nope"), "", ErrSecretSource},
		{"directory", dir, "", ErrSecretSource},
		{"empty source", "", "", ErrBadURI},
		{"bad file uri", "file:relative", "", ErrBadURI},
		{"file uri with query", "file:///x?a=b", "", ErrBadURI},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			got, err := ReadSecretFile(t.Context(), tc.source)
			if !errors.Is(err, tc.wantErr) {
				t.Fatalf("ReadSecretFile: %v, want %v", err, tc.wantErr)
			}
			if string(got) != tc.want {
				t.Fatalf("ReadSecretFile = %q, want %q", got, tc.want)
			}
			if err != nil && strings.Contains(err.Error(), "aaaa") {
				t.Fatalf("error leaks file contents: %v", err)
			}
		})
	}
}

func TestOptionsSecret(t *testing.T) {
	var asked SecretRequest
	prompt := func(_ context.Context, r SecretRequest) ([]byte, error) { asked = r; return []byte("typed"), nil }
	reader := func(_ context.Context, src string) ([]byte, error) { return []byte("read:" + src), nil }
	failing := func(context.Context, SecretRequest) ([]byte, error) { return nil, errors.New("no tty") }
	tests := []struct {
		name    string
		opts    Options
		req     SecretRequest
		want    string
		wantErr error
	}{
		{"source wins", Options{Prompt: prompt, SecretReader: reader}, SecretRequest{Source: "/p", For: "x"}, "read:/p", nil},
		{"prompt", Options{Prompt: prompt}, SecretRequest{Kind: SecretPIN, For: "token t"}, "typed", nil},
		{"no pin", Options{}, SecretRequest{Kind: SecretPIN, For: "token t"}, "", ErrPINRequired},
		{"no passphrase", Options{}, SecretRequest{Kind: SecretPassphrase, For: "key file k"}, "", ErrPassphraseRequired},
		{"missing source", Options{}, SecretRequest{Source: "/nonexistent/pp", For: "k"}, "", ErrSecretSource},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			got, err := tc.opts.Secret(t.Context(), tc.req)
			if !errors.Is(err, tc.wantErr) || string(got) != tc.want {
				t.Fatalf("Secret = %q, %v; want %q, %v", got, err, tc.want, tc.wantErr)
			}
		})
	}
	if asked.Kind != SecretPIN || asked.For != "token t" {
		t.Fatalf("prompt got %#v", asked)
	}
	if _, err := (Options{Prompt: failing}).Secret(t.Context(), SecretRequest{For: "k"}); err == nil || !strings.Contains(err.Error(), "no tty") {
		t.Fatalf("failing prompt: %v", err)
	}
	if !errors.Is(ErrPassphraseRequired, keys.ErrPassphraseRequired) {
		t.Fatal("ErrPassphraseRequired is not keys.ErrPassphraseRequired")
	}
}

func TestOptionsValidate(t *testing.T) {
	tests := []struct {
		name    string
		opts    Options
		wantErr error
		wantMsg string
	}{
		{"zero", Options{}, nil, ""},
		{"full", Options{KeyType: "rsa", Scheme: keys.SchemeRSASSAPSSSHA256, Dialect: keys.DialectModern}, nil, ""},
		{"key type", Options{KeyType: "dsa"}, ErrInvalidOptions, "KeyType"},
		{"scheme", Options{Scheme: "rsassa-pss-md5"}, ErrInvalidOptions, "Scheme"},
		{"dialect", Options{Dialect: keys.Dialect(7)}, ErrInvalidOptions, "Dialect"},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			err := tc.opts.Validate()
			if !errors.Is(err, tc.wantErr) {
				t.Fatalf("Validate: %v, want %v", err, tc.wantErr)
			}
			if err != nil && !strings.Contains(err.Error(), tc.wantMsg) {
				t.Fatalf("Validate: %q does not name %q", err, tc.wantMsg)
			}
		})
	}
	if (Options{}).Log() == nil {
		t.Fatal("Log() returned nil")
	}
}
