package gpg_test

import (
	"context"
	"errors"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/signet-dev/signet/pkg/gpg"
	"github.com/signet-dev/signet/pkg/gpg/gpgtest"
)

// These tests run the real gpg on throw-away keyrings.

func TestSignExportVerify(t *testing.T) {
	kr := gpgtest.New(t)
	rsaID := kr.Generate(t, "RSA <rsa@example.invalid>", "rsa3072")
	edID := kr.Generate(t, "Ed <ed@example.invalid>", "ed25519")
	opts := gpg.Options{Home: kr.Home}
	content := []byte("{\"_type\":\"link\"}")
	tests := []struct {
		name, keyID, wantKey string
		wantSigLen           int // hex digits
	}{
		{name: "rsa by fingerprint", keyID: rsaID, wantKey: rsaID, wantSigLen: 768},
		{name: "ed25519 by long key id", keyID: edID[24:], wantKey: edID, wantSigLen: 128},
		{name: "lowercase id", keyID: strings.ToLower(edID), wantKey: edID, wantSigLen: 128},
		{name: "default key (the first)", keyID: "", wantKey: rsaID, wantSigLen: 768},
	}
	ctx := context.Background()
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			sig, err := gpg.Sign(ctx, content, tt.keyID, opts)
			if err != nil {
				t.Fatal(err)
			}
			if sig.KeyID != strings.ToLower(tt.wantKey) || len(sig.Signature) > tt.wantSigLen || len(sig.Signature) < tt.wantSigLen-4 {
				t.Fatalf("signature %+v", sig)
			}
			if !strings.HasPrefix(sig.OtherHeaders, "0400") || !strings.Contains(sig.OtherHeaders, sig.KeyID) {
				t.Errorf("other_headers %s", sig.OtherHeaders)
			}
			k, err := gpg.Export(ctx, sig.KeyID, opts)
			if err != nil {
				t.Fatal(err)
			}
			if err := k.Verify(content, sig, time.Now()); err != nil {
				t.Errorf("Verify: %v", err)
			}
			if err := k.Verify(append(content, ' '), sig, time.Now()); !errors.Is(err, gpg.ErrBadSignature) {
				t.Errorf("Verify of other content = %v, want ErrBadSignature", err)
			}
		})
	}
}

func TestSignErrors(t *testing.T) {
	kr := gpgtest.New(t)
	empty := gpgtest.New(t)
	kr.Generate(t, "Ed <ed@example.invalid>", "ed25519")
	dir := t.TempDir()
	script := func(name, body string) string {
		p := filepath.Join(dir, name)
		if err := os.WriteFile(p, []byte("#!/bin/sh\n"+body+"\n"), 0o755); err != nil {
			t.Fatal(err)
		}
		return p
	}
	tests := []struct {
		name    string
		keyID   string
		opts    gpg.Options
		wantErr error
		wantMsg string
	}{
		{name: "key not in keyring", keyID: "DEADBEEFDEADBEEF", opts: gpg.Options{Home: kr.Home},
			wantErr: gpg.ErrKeyNotFound, wantMsg: "No secret key"},
		{name: "no default key", opts: gpg.Options{Home: empty.Home}, wantErr: gpg.ErrKeyNotFound, wantMsg: "no secret key to sign with by default"},
		{name: "not hex", keyID: "nothex", opts: gpg.Options{Home: kr.Home}, wantErr: gpg.ErrBadKeyID},
		{name: "program missing", opts: gpg.Options{Program: filepath.Join(dir, "nope")}, wantErr: gpg.ErrNoGPG},
		{name: "nothing in PATH", opts: gpg.Options{Env: []string{"PATH=" + dir}}, wantErr: gpg.ErrNoGPG},
		{name: "gpg fails", opts: gpg.Options{Program: script("fail", "echo 'gpg: broken' >&2; exit 2")},
			wantErr: gpg.ErrFailed, wantMsg: "exited with status 2; gpg said: gpg: broken"},
		{name: "timeout", opts: gpg.Options{Program: script("slow", "exec sleep 30"), Timeout: 200 * time.Millisecond},
			wantErr: gpg.ErrTimeout},
		{name: "too much output", opts: gpg.Options{Program: script("big", "head -c 1000000 /dev/zero")},
			wantErr: gpg.ErrOutputTooLarge},
		{name: "armored output", opts: gpg.Options{Program: script("armor", "echo '-----BEGIN PGP SIGNATURE-----'")},
			wantErr: gpg.ErrMalformed, wantMsg: "armor"},
		{name: "garbage output", opts: gpg.Options{Program: script("garbage", "echo garbage")},
			wantErr: gpg.ErrMalformed},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			_, err := gpg.Sign(context.Background(), []byte("x"), tt.keyID, tt.opts)
			if !errors.Is(err, tt.wantErr) {
				t.Fatalf("Sign = %v, want %v", err, tt.wantErr)
			}
			if !strings.Contains(err.Error(), tt.wantMsg) {
				t.Errorf("error %q does not contain %q", err, tt.wantMsg)
			}
		})
	}
}

func TestExportErrors(t *testing.T) {
	kr := gpgtest.New(t)
	id := kr.Generate(t, "Ed <ed@example.invalid>", "ed25519")
	ctx := context.Background()
	if _, err := gpg.Export(ctx, "DEADBEEF", gpg.Options{Home: kr.Home}); !errors.Is(err, gpg.ErrKeyNotFound) {
		t.Errorf("Export of a missing key = %v, want ErrKeyNotFound", err)
	}
	// gpg finds the key by its long key id; the reference's rule that the
	// id must end the fingerprint holds for it.
	k, err := gpg.Export(ctx, id[24:], gpg.Options{Home: kr.Home})
	if err != nil || k.Fingerprint != strings.ToLower(id) {
		t.Errorf("Export = %v, %v", k, err)
	}
	// GNUPGHOME in the environment chooses the keyring when Home is "".
	env := append(os.Environ(), "GNUPGHOME="+kr.Home)
	if _, err := gpg.Export(ctx, id, gpg.Options{Env: env}); err != nil {
		t.Errorf("Export with GNUPGHOME: %v", err)
	}
	if err := gpg.CheckSecretKey(ctx, id, gpg.Options{Env: env}); err != nil {
		t.Errorf("CheckSecretKey: %v", err)
	}
}
