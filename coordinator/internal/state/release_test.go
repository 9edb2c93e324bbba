package state

import (
	"context"
	"errors"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"
	"testing/fstest"

	"github.com/signet-dev/signet/internal/reftest"
	"github.com/signet-dev/signet/pkg/dsse"
	"github.com/signet-dev/signet/pkg/intoto"
	"github.com/signet-dev/signet/pkg/intoto/verify"
	"github.com/signet-dev/signet/pkg/keys"
)

// releaseChain releases a 2-of-3 layout (alice, bob) whose step "build" is
// performed by f1, and a link for that step signed by f1 and f2 (1-of-2
// policy would release at once, so the link policy is 2-of-3).
func releaseChain(t *testing.T, f *fixture) (layout, link Request) {
	t.Helper()
	f.policy("owners", []Kind{KindLayout}, 2, "alice", "bob", "carol")
	f.policy("build", []Kind{KindLink}, 2, "f1", "f2", "f3")
	f.mustApply(f.create("layout-1", KindLayout, layoutPayload(t, f), "owners"))
	f.mustApply(f.create("link-1", KindLink, linkPayload(t, "build", "cc"), "build"))
	if res := f.mustApply(f.sign("layout-1", "alice")); res.Phase != PhasePending {
		t.Fatalf("after one of two signatures: phase %s", res.Phase)
	}
	if res := f.mustApply(f.sign("layout-1", "bob")); res.Phase != PhaseReleased {
		t.Fatalf("after two of two signatures: phase %s", res.Phase)
	}
	f.mustApply(f.sign("link-1", "f2"))
	f.mustApply(f.sign("link-1", "f1"))
	layout, _ = f.st.Request("layout-1")
	link, _ = f.st.Request("link-1")
	if link.Phase != PhaseReleased {
		t.Fatalf("link phase %s", link.Phase)
	}
	return layout, link
}

func files(r Request) map[string][]byte {
	m := map[string][]byte{}
	for _, f := range r.Released {
		m[f.Name] = f.Data
	}
	return m
}

func TestReleaseLayoutAndLink(t *testing.T) {
	f := newFixture(t)
	layout, link := releaseChain(t, f)
	lf := files(layout)
	if len(lf) != 2 || lf[LayoutFile] == nil || lf[LayoutDSSEFile] == nil {
		t.Fatalf("layout release files: %v", layout.Released)
	}
	doc, err := intoto.ReadDocument(lf[LayoutFile])
	if err != nil {
		t.Fatal(err)
	}
	for _, who := range []string{"alice", "bob"} {
		if err := doc.VerifySignature(f.key(who)); err != nil {
			t.Errorf("root.layout signature of %s: %v", who, err)
		}
	}
	if err := doc.VerifySignature(f.key("carol")); !errors.Is(err, intoto.ErrNoSignature) {
		t.Errorf("carol did not sign, VerifySignature = %v", err)
	}
	env, err := dsse.Decode(lf[LayoutDSSEFile])
	if err != nil {
		t.Fatal(err)
	}
	owners := []keys.Key{f.key("alice"), f.key("bob"), f.key("carol")}
	if _, err := dsse.Verify(env, owners, 2); err != nil {
		t.Errorf("layout DSSE 2-of-3: %v", err)
	}
	if _, err := dsse.Verify(env, owners, 3); !errors.Is(err, dsse.ErrThresholdNotMet) {
		t.Errorf("layout DSSE 3-of-3 = %v, want ErrThresholdNotMet", err)
	}

	kf := files(link)
	if len(kf) != 3 || kf["build.dsse.json"] == nil {
		t.Fatalf("link release files: %v", link.Released)
	}
	for _, who := range []string{"f1", "f2"} {
		name := LinkFileName("build", f.id(who))
		d, err := intoto.ReadDocument(kf[name])
		if err != nil {
			t.Fatalf("%s: %v", name, err)
		}
		if err := d.VerifySignature(f.key(who)); err != nil || len(d.KeyIDs()) != 1 {
			t.Errorf("%s: %v, key ids %v", name, err, d.KeyIDs())
		}
	}
	lenv, err := dsse.Decode(kf["build.dsse.json"])
	if err != nil {
		t.Fatal(err)
	}
	if _, err := dsse.Verify(lenv, []keys.Key{f.key("f1"), f.key("f2"), f.key("f3")}, 2); err != nil {
		t.Errorf("link DSSE 2-of-3: %v", err)
	}

	// The released layout and links pass Signet's verifier with a layout
	// threshold of 2 (and fail with 3).
	fsys := fstest.MapFS{}
	for name, data := range kf {
		fsys[name] = &fstest.MapFile{Data: data}
	}
	opts := verify.Options{Now: t0, Keys: owners, LayoutThreshold: 2, Links: fsys}
	if _, err := verify.Verify(context.Background(), doc, opts); err != nil {
		t.Errorf("verify: %v", err)
	}
	opts.LayoutThreshold = 3
	if _, err := verify.Verify(context.Background(), doc, opts); err == nil {
		t.Error("verify with layout threshold 3 passed")
	}

	// Terminal: more signatures change nothing; retries are no-ops.
	if _, err := f.st.Apply(f.sign("layout-1", "carol")); !errors.Is(err, ErrTerminal) {
		t.Errorf("signing a released request: err = %v, want ErrTerminal", err)
	}
	if res, err := f.st.Apply(f.sign("layout-1", "bob")); err != nil || res.Changed || res.Phase != PhaseReleased {
		t.Errorf("retrying the releasing signature: %v %+v", err, res)
	}
}

func TestReleaseStatement(t *testing.T) {
	f := newFixture(t)
	f.policy("slsa", []Kind{KindStatement}, 3, "f1", "f2", "f3")
	f.mustApply(f.create("s", KindStatement, statementPayload(t), "slsa"))
	for _, who := range []string{"f3", "f1", "f2"} {
		f.mustApply(f.sign("s", who))
	}
	r, _ := f.st.Request("s")
	if r.Phase != PhaseReleased || len(r.Released) != 1 || r.Released[0].Name != StatementFile {
		t.Fatalf("release: %s %v", r.Phase, r.Released)
	}
	doc, err := intoto.ReadDocument(r.Released[0].Data)
	if err != nil {
		t.Fatal(err)
	}
	if st, err := doc.Statement(); err != nil || st.Subject[0].Name != "app" {
		t.Fatalf("statement: %v", err)
	}
	if _, err := dsse.Verify(doc.Envelope(), []keys.Key{f.key("f1"), f.key("f2"), f.key("f3")}, 3); err != nil {
		t.Errorf("DSSE 3-of-3: %v", err)
	}
}

// TestReleasedChainWithReference runs the reference in-toto-verify 1.3.1 on
// the released root.layout and link files.
func TestReleasedChainWithReference(t *testing.T) {
	bin := "/usr/bin/in-toto-verify"
	reftest.Need(t, "the reference in-toto-verify (apt-get install in-toto)", bin)
	f := newFixture(t)
	layout, link := releaseChain(t, f)
	dir := t.TempDir()
	write := func(name string, data []byte) string {
		p := filepath.Join(dir, name)
		if err := os.WriteFile(p, data, 0o600); err != nil {
			t.Fatal(err)
		}
		return p
	}
	for _, r := range []Request{layout, link} {
		for _, fl := range r.Released {
			if fl.Format == FormatMetablock {
				write(fl.Name, fl.Data)
			}
		}
	}
	var keyFiles []string
	for _, who := range []string{"alice", "bob"} {
		data, err := keys.MarshalPublicKeyFile(f.key(who))
		if err != nil {
			t.Fatal(err)
		}
		keyFiles = append(keyFiles, write(who+".pub", data))
	}
	args := append([]string{"--layout", filepath.Join(dir, LayoutFile), "--link-dir", dir, "--layout-keys"}, keyFiles...)
	cmd := exec.Command(bin, append(args, "--key-types", "ed25519", "ed25519")...)
	cmd.Dir = dir
	if out, err := cmd.CombinedOutput(); err != nil {
		t.Fatalf("in-toto-verify: %v\n%s", err, out)
	}
	// carol did not sign: the reference requires every given key.
	cmd = exec.Command(bin, append(args, write("carol.pub", mustPub(t, f.key("carol"))), "--key-types", "ed25519", "ed25519", "ed25519")...)
	cmd.Dir = dir
	if out, err := cmd.CombinedOutput(); err == nil || !strings.Contains(string(out), "ignature") {
		t.Errorf("in-toto-verify with carol's key passed or failed for another reason: %v\n%s", err, out)
	}
}

func mustPub(t *testing.T, k keys.Key) []byte {
	t.Helper()
	b, err := keys.MarshalPublicKeyFile(k)
	if err != nil {
		t.Fatal(err)
	}
	return b
}
