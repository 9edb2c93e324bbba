package ops

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
	"github.com/signet-dev/signet/pkg/intoto"
	"github.com/signet-dev/signet/pkg/keys"
)

func TestFindUnfinished(t *testing.T) {
	tests := []struct {
		name    string
		files   []string
		want    string
		wantErr error
	}{
		{name: "one", files: []string{".edit.0123abcd.link-unfinished", ".other.89abcdef.link-unfinished"}, want: ".edit.0123abcd.link-unfinished"},
		{name: "none", files: []string{".editor.0123abcd.link-unfinished"}, wantErr: ErrNoUnfinishedLink},
		// The reference's glob .edit.*.link-unfinished would take this one
		// of step "edit.x" for step "edit".
		{name: "other step with a dotted name", files: []string{".edit.x.0123abcd.link-unfinished"}, wantErr: ErrNoUnfinishedLink},
		{name: "not a key id", files: []string{".edit.0123abcz.link-unfinished", ".edit.abc.link-unfinished"}, wantErr: ErrNoUnfinishedLink},
		{name: "two", files: []string{".edit.0123abcd.link-unfinished", ".edit.89abcdef.link-unfinished"}, wantErr: ErrNoUnfinishedLink},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			dir := t.TempDir()
			for _, f := range tt.files {
				write(t, filepath.Join(dir, f), "")
			}
			got, err := findUnfinished(dir, "edit")
			if !errors.Is(err, tt.wantErr) || (err == nil) != (tt.wantErr == nil) {
				t.Fatalf("findUnfinished = %q, %v, want %v", got, err, tt.wantErr)
			}
			if err == nil && got != filepath.Join(dir, tt.want) {
				t.Errorf("findUnfinished = %q, want %q", got, tt.want)
			}
		})
	}
}

func TestGPGRequestChecks(t *testing.T) {
	dir := t.TempDir()
	s := newKey(t, dir, "k", keys.KeyTypeED25519)
	noGPG := gpg.Options{Program: filepath.Join(dir, "no-gpg")}
	tests := []struct {
		name    string
		req     RunRequest
		wantErr error
	}{
		{name: "key file and gpg", req: RunRequest{Signer: s, GPG: &GPGKey{KeyID: "ab"}}, wantErr: ErrUsage},
		{name: "gpg and dsse", req: RunRequest{GPG: &GPGKey{KeyID: "ab"}, Format: intoto.FormatDSSE}, wantErr: ErrUsage},
		{name: "key id not hex", req: RunRequest{GPG: &GPGKey{KeyID: "xyz"}}, wantErr: gpg.ErrBadKeyID},
		{name: "gpg missing is found before running", req: RunRequest{GPG: &GPGKey{GPG: noGPG}, Command: []string{"touch", "ran"}}, wantErr: gpg.ErrNoGPG},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			tt.req.StepName, tt.req.MetadataDir, tt.req.Dir = "step", dir, dir
			if _, err := Run(context.Background(), tt.req); !errors.Is(err, tt.wantErr) {
				t.Fatalf("Run = %v, want %v", err, tt.wantErr)
			}
			if fileExists(filepath.Join(dir, "ran")) {
				t.Error("the command ran")
			}
		})
	}
}

func fileExists(path string) bool {
	_, err := os.Lstat(path)
	return err == nil
}

// TestGPGRecordAndVerify: record start/stop and sign/verify with gpg keys,
// end to end through ops.
func TestGPGRecordAndVerify(t *testing.T) {
	kr := gpgtest.New(t)
	id := strings.ToLower(kr.Generate(t, "Ed <ed@example.invalid>", "ed25519"))
	opts := gpg.Options{Home: kr.Home}
	dir := t.TempDir()
	write(t, filepath.Join(dir, "a"), "a")
	ctx := context.Background()
	rec := RecordConfig{BasePath: dir}
	var signedAs []string
	observe := func(e Event) {
		if e.Stage == StageSign {
			signedAs = append(signedAs, e.KeyID)
		}
	}
	start, err := RecordStart(ctx, RecordStartRequest{StepName: "edit", Materials: []string{"a"}, Record: rec,
		GPG: &GPGKey{GPG: opts}, WorkDir: dir, Observe: observe})
	if err != nil || filepath.Base(start) != ".edit."+id[:8]+".link-unfinished" {
		t.Fatalf("RecordStart = %s, %v", start, err)
	}
	final, err := RecordStop(ctx, RecordStopRequest{StepName: "edit", Products: []string{"a"}, Record: rec,
		GPG: &GPGKey{GPG: opts}, WorkDir: dir, MetadataDir: dir, Observe: observe})
	if err != nil || filepath.Base(final) != "edit."+id[:8]+".link" || fileExists(start) {
		t.Fatalf("RecordStop = %s, %v", final, err)
	}
	if strings.Join(signedAs, ",") != ","+id {
		t.Errorf("StageSign key ids %q, want the default key, then %s", signedAs, id)
	}
	ks, err := ExportGPGKeys(ctx, []GPGKey{{KeyID: id, GPG: opts}})
	if err != nil {
		t.Fatal(err)
	}
	if ok, err := VerifySignatures(VerifyRequest{File: final, GPGKeys: ks}); err != nil || len(ok) != 1 || ok[0] != id {
		t.Errorf("VerifySignatures = %v, %v", ok, err)
	}
	// Long after: the key has no expiry, so it still verifies; a link
	// signed by a key file does not carry the gpg key's signature.
	if _, err := VerifySignatures(VerifyRequest{File: final, GPGKeys: ks, Now: time.Now().AddDate(50, 0, 0)}); err != nil {
		t.Errorf("VerifySignatures in 50 years = %v", err)
	}
	s := newKey(t, dir, "k", keys.KeyTypeED25519)
	other, err := Sign(ctx, SignRequest{File: final, Signers: []keys.Signer{s}, OutputDir: dir})
	if err != nil {
		t.Fatal(err)
	}
	if _, err := VerifySignatures(VerifyRequest{File: other, GPGKeys: ks}); !errors.Is(err, ErrVerify) {
		t.Errorf("VerifySignatures of a link gpg did not sign = %v, want ErrVerify", err)
	}
}
