package cli

import (
	"bytes"
	"context"
	"errors"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/signet-dev/signet/coordinator/api"
	"github.com/signet-dev/signet/pkg/dsse"
	"github.com/signet-dev/signet/pkg/intoto"
)

func payloadFixtures(t testing.TB) (layoutJSON, linkMetablock, signedLinkDSSE []byte) {
	t.Helper()
	lp, err := intoto.EncodePayload(intoto.NewLayout(time.Date(2030, 1, 1, 0, 0, 0, 0, time.UTC)))
	if err != nil {
		t.Fatal(err)
	}
	doc, err := intoto.NewDocument(intoto.FormatMetablock, intoto.NewLink("build"))
	if err != nil {
		t.Fatal(err)
	}
	mb, err := doc.Marshal()
	if err != nil {
		t.Fatal(err)
	}
	s := newEd25519(t)
	env, err := dsse.Sign(context.Background(), dsse.PayloadTypeInToto, doc.PayloadJSON(), s)
	if err != nil {
		t.Fatal(err)
	}
	db, err := env.MarshalJSON()
	if err != nil {
		t.Fatal(err)
	}
	return lp, mb, db
}

func TestDecodePayload(t *testing.T) {
	lp, mb, db := payloadFixtures(t)
	tests := []struct {
		name     string
		kind     api.Kind
		data     []byte
		wantType string
		wantErr  error
		warn     bool
	}{
		{"bare layout", api.KindLayout, lp, dsse.PayloadTypeInToto, nil, false},
		{"unsigned link metablock", api.KindLink, mb, dsse.PayloadTypeInToto, nil, false},
		{"signed DSSE link", api.KindLink, db, dsse.PayloadTypeInToto, nil, true},
		{"layout as a link", api.KindLink, lp, "", errPayload, false},
		{"link metablock as a layout", api.KindLayout, mb, "", errPayload, false},
		{"link as a statement", api.KindStatement, db, "", errPayload, false},
		{"step-collect", api.KindStepCollect, []byte(`{"step":"rebuild"}`), api.PayloadTypeStepCollect, nil, false},
		{"step-collect extra field", api.KindStepCollect, []byte(`{"step":"rebuild","x":1}`), "", errPayload, false},
		{"not JSON", api.KindLayout, []byte("hello"), "", errPayload, false},
		{"broken metablock", api.KindLink, []byte(`{"signed":{"_type":"link"},"signatures":[]}`), "", errPayload, false},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			var stderr bytes.Buffer
			p, err := decodePayload(Env{Stderr: &stderr}, tt.kind, tt.data)
			if !errors.Is(err, tt.wantErr) {
				t.Fatalf("err = %v, want %v", err, tt.wantErr)
			}
			if err != nil {
				return
			}
			if p.payloadType != tt.wantType || len(p.data) == 0 {
				t.Errorf("payload type %q (%d bytes), want %q", p.payloadType, len(p.data), tt.wantType)
			}
			if tt.kind != api.KindStepCollect && (bytes.Contains(p.data, []byte(`"signed"`)) || bytes.Contains(p.data, []byte("payloadType"))) {
				t.Errorf("the wrapper was sent: %s", p.data)
			}
			if got := strings.Contains(stderr.String(), "not sent"); got != tt.warn {
				t.Errorf("warning about signatures: %v, want %v (%q)", got, tt.warn, stderr.String())
			}
		})
	}
}

func FuzzDecodePayload(f *testing.F) {
	lp, mb, db := payloadFixtures(f)
	for _, d := range [][]byte{lp, mb, db, []byte(`{"step":"s"}`)} {
		f.Add(d, uint8(0))
		f.Add(d, uint8(1))
	}
	kinds := []api.Kind{api.KindLayout, api.KindLink, api.KindStatement, api.KindStepCollect}
	f.Fuzz(func(t *testing.T, data []byte, k uint8) {
		kind := kinds[int(k)%len(kinds)]
		p, err := decodePayload(Env{Stderr: &bytes.Buffer{}}, kind, data)
		if err != nil {
			return
		}
		if len(p.data) == 0 || p.payloadType == "" {
			t.Fatalf("accepted an empty payload for %s", kind)
		}
	})
}

func TestRequestPayloadFlags(t *testing.T) {
	tests := []struct {
		name       string
		kind       api.Kind
		path, step string
		wantErr    error
	}{
		{"step given", api.KindStepCollect, "", "rebuild", nil},
		{"step and payload", api.KindStepCollect, "x", "rebuild", errArgs},
		{"bad step name", api.KindStepCollect, "", "../x", errArgs},
		{"step on a layout", api.KindLayout, "x", "s", errArgs},
		{"no payload", api.KindLink, "", "", errArgs},
		{"unknown kind", "blob", "x", "", errArgs},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if _, err := requestPayload(Env{}, tt.kind, tt.path, tt.step); !errors.Is(err, tt.wantErr) {
				t.Errorf("err = %v, want %v", err, tt.wantErr)
			}
		})
	}
}

func TestWriteReleased(t *testing.T) {
	dir := filepath.Join(t.TempDir(), "out")
	files := []api.File{{Name: "root.layout", Data: []byte("A")}, {Name: "build.12345678.link", Data: []byte("B")}}
	var so, se bytes.Buffer
	env := Env{Stdout: &so, Stderr: &se}
	if err := writeReleased(env, dir, files); err != nil {
		t.Fatal(err)
	}
	if err := writeReleased(env, dir, files); err != nil || strings.Count(se.String(), "unchanged") != 2 {
		t.Fatalf("again: %v, stderr %q", err, se.String())
	}
	// One differing file stops everything: the new file is not written.
	if err := os.WriteFile(filepath.Join(dir, "root.layout"), []byte("X"), 0o644); err != nil {
		t.Fatal(err)
	}
	more := append([]api.File{{Name: "new.dsse.json", Data: []byte("C")}}, files...)
	if err := writeReleased(env, dir, more); !errors.Is(err, errFetchExists) {
		t.Fatalf("err = %v, want errFetchExists", err)
	}
	if _, err := os.Stat(filepath.Join(dir, "new.dsse.json")); !errors.Is(err, os.ErrNotExist) {
		t.Errorf("a file was written although the fetch was refused: %v", err)
	}
	for _, bad := range []string{"../evil", "a/b", "", ".", "..", ".hidden", `a\b`, "a\x00b"} {
		if err := writeReleased(env, dir, []api.File{{Name: bad, Data: []byte("x")}}); !errors.Is(err, errFetchName) {
			t.Errorf("name %q: err = %v, want errFetchName", bad, err)
		}
	}
}

func TestCoordFlagsFromEnvironment(t *testing.T) {
	dir := t.TempDir()
	tok := filepath.Join(dir, "t")
	if err := os.WriteFile(tok, []byte("  signet_abc_def\n"), 0o600); err != nil {
		t.Fatal(err)
	}
	t.Setenv(envCoordinators, "https://a:1, https://b:2")
	t.Setenv(envTokenFile, tok)
	var cf coordFlags
	if got, err := cf.token(); err != nil || got != "signet_abc_def" {
		t.Fatalf("token %q, %v", got, err)
	}
	if _, err := cf.client(); err != nil {
		t.Fatalf("client from the environment: %v", err)
	}
	t.Setenv(envTokenFile, filepath.Join(dir, "missing"))
	if _, err := cf.client(); err == nil || !strings.Contains(err.Error(), envTokenFile) {
		t.Errorf("missing token file named by the environment: %v", err)
	}
	empty := filepath.Join(dir, "empty")
	if err := os.WriteFile(empty, nil, 0o600); err != nil {
		t.Fatal(err)
	}
	cf.tokenFile = empty
	if _, err := cf.client(); err == nil || !strings.Contains(err.Error(), "empty") {
		t.Errorf("empty token file: %v", err)
	}
	cf = coordFlags{endpoints: []string{"https://a:1"}, tokenFile: tok, clientCert: "c.pem"}
	if _, err := cf.client(); !errors.Is(err, errArgs) {
		t.Errorf("--client-cert without --client-key: %v", err)
	}
}
