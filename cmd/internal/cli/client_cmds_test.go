package cli

import (
	"context"
	"crypto/tls"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"strings"
	"testing"
	"time"

	"github.com/signet-dev/signet/coordinator/api"
	"github.com/signet-dev/signet/coordinator/client"
	"github.com/signet-dev/signet/coordinator/coordtest"
	"github.com/signet-dev/signet/pkg/cjson"
	"github.com/signet-dev/signet/pkg/dsse"
	"github.com/signet-dev/signet/pkg/intoto"
	"github.com/signet-dev/signet/pkg/intoto/verify"
	"github.com/signet-dev/signet/pkg/keys"
)

// coordEnv is a running coordinator and the flags that reach it.
type coordEnv struct {
	t       *testing.T
	dir     string
	cluster *coordtest.Cluster
	conn    []string // --coordinator ... --ca-cert ...
	admin   string   // admin token file
}

func startCoordinator(t *testing.T, nodes int) *coordEnv {
	t.Helper()
	c := coordtest.Start(t, coordtest.Options{Nodes: nodes})
	e := &coordEnv{t: t, dir: t.TempDir(), cluster: c}
	leader := c.Leader(t)
	e.conn = []string{"--coordinator", leader}
	for _, u := range c.URLs {
		if u != leader {
			e.conn = append(e.conn, "--coordinator", u)
		}
	}
	e.conn = append(e.conn, "--ca-cert", c.CAFile)
	e.admin = e.write("admin.token", []byte(c.AdminToken+"\n"))
	return e
}

func (e *coordEnv) write(name string, data []byte) string {
	e.t.Helper()
	p := filepath.Join(e.dir, name)
	if err := os.WriteFile(p, data, 0o600); err != nil {
		e.t.Fatal(err)
	}
	return p
}

// run runs signet with the connection flags and the token file.
func (e *coordEnv) run(token string, args ...string) out {
	e.t.Helper()
	args = append(args, e.conn...)
	if token != "" {
		args = append(args, "--token-file", token)
	}
	return runCLI(e.t, "", args...)
}

func (e *coordEnv) must(token string, args ...string) out {
	e.t.Helper()
	r := e.run(token, args...)
	if r.code != 0 {
		e.t.Fatalf("signet %s: exit %d\nstdout: %s\nstderr: %s", strings.Join(args, " "), r.code, r.stdout, r.stderr)
	}
	return r
}

func newEd25519(t testing.TB) keys.Signer {
	t.Helper()
	cs, err := keys.GenerateKey(keys.KeyTypeED25519, 0)
	if err != nil {
		t.Fatal(err)
	}
	s, err := keys.NewSigner(cs, keys.SchemeED25519)
	if err != nil {
		t.Fatal(err)
	}
	return s
}

func (e *coordEnv) pubFile(name string, s keys.Signer) string {
	e.t.Helper()
	data, err := keys.MarshalPublicKeyFile(s.Key())
	if err != nil {
		e.t.Fatal(err)
	}
	return e.write(name+".pub", data)
}

// approve signs request id with s as a signer agent would: DSSE PAE and,
// for layouts and links, the canonical JSON of the payload.
func (e *coordEnv) approve(id, tokenFile string, s keys.Signer) {
	e.t.Helper()
	tok, err := os.ReadFile(tokenFile)
	if err != nil {
		e.t.Fatal(err)
	}
	cl, err := client.New(client.Config{Endpoints: e.cluster.URLs, Token: strings.TrimSpace(string(tok)),
		TLS: mustTLS(e.t, e.cluster.CAFile)})
	if err != nil {
		e.t.Fatal(err)
	}
	ctx := context.Background()
	v, err := cl.GetRequest(ctx, id)
	if err != nil {
		e.t.Fatal(err)
	}
	r := v.Request
	b := api.SignatureBody{KeyID: s.Key().KeyID}
	if b.Sig, err = s.Sign(ctx, dsse.PAE(r.PayloadType, r.Payload)); err != nil {
		e.t.Fatal(err)
	}
	if r.Kind == api.KindLayout || r.Kind == api.KindLink {
		canon, err := cjson.Canonicalize(r.Payload)
		if err != nil {
			e.t.Fatal(err)
		}
		if b.MetaSig, err = s.Sign(ctx, canon); err != nil {
			e.t.Fatal(err)
		}
	}
	if _, err := cl.AddSignature(ctx, id, b); err != nil {
		e.t.Fatalf("signing %s with %s: %v", id, b.KeyID, err)
	}
}

func mustTLS(t *testing.T, ca string) *tls.Config {
	t.Helper()
	tc, err := (&coordFlags{caCert: ca}).tlsConfig()
	if err != nil {
		t.Fatal(err)
	}
	return tc
}

var keyIDRe = regexp.MustCompile(`key ([0-9a-f]{64})`)

// TestClientCommandsLayoutAndLinkFlow runs the CLI against a real 3-node
// coordinator: enrol 3 owners and a functionary, apply a 2-of-3 layout
// policy and a 1-of-1 link policy, create the requests, sign, wait, fetch,
// and verify what was fetched with Signet's verifier and the reference.
func TestClientCommandsLayoutAndLinkFlow(t *testing.T) {
	e := startCoordinator(t, 3)
	owners := []keys.Signer{newEd25519(t), newEd25519(t), newEd25519(t)}
	names := []string{"alice", "bob", "carol"}
	fn := newEd25519(t)
	ownerFiles := make([]string, 3)
	until := time.Now().Add(8760 * time.Hour).UTC().Format(time.RFC3339)
	for i, s := range owners {
		ownerFiles[i] = e.pubFile(names[i], s)
		r := e.must(e.admin, "key", "enroll", ownerFiles[i], "--role", "owner", "--identity", names[i], "--valid-until", until)
		if m := keyIDRe.FindStringSubmatch(r.stdout); m == nil || m[1] != s.Key().KeyID {
			t.Fatalf("enroll printed %q, want key id %s", r.stdout, s.Key().KeyID)
		}
	}
	// Through a follower first: the write is forwarded to the leader.
	follower := append([]string{}, e.conn...)
	follower[1], follower[3] = follower[3], follower[1]
	r := runCLI(t, "", append([]string{"key", "enroll", e.pubFile("builder", fn), "--role", "functionary", "--identity", "builder", "--token-file", e.admin}, follower...)...)
	if r.code != 0 || !strings.Contains(r.stdout, "enrolled key "+fn.Key().KeyID) {
		t.Fatalf("enroll via follower: %+v", r)
	}
	if r := e.must(e.admin, "key", "enroll", ownerFiles[0], "--role", "owner", "--identity", "alice", "--valid-until", until); !strings.Contains(r.stdout, "already enrolled") {
		t.Errorf("re-enrolling: %q", r.stdout)
	}
	if r := e.must(e.admin, "key", "list"); strings.Count(r.stdout, "active") != 4 || !strings.Contains(r.stdout, "functionary") {
		t.Errorf("key list:\n%s", r.stdout)
	}

	layoutPolicy := e.write("layout-policy.yaml", []byte("name: release-layout\nkinds: [layout]\nkeys:\n"+
		"  - "+owners[0].Key().KeyID+"\n  - "+owners[1].Key().KeyID+"\n  - "+owners[2].Key().KeyID+"\n"+
		"threshold: 2\nrequesters: [ci]\nrequest_ttl: 72h\n"))
	e.must(e.admin, "policy", "apply", layoutPolicy)
	linkPolicy := e.write("link-policy.json", []byte(`{"name":"build","kinds":["link"],"keys":["`+fn.Key().KeyID+
		`"],"threshold":1,"step_name":"build","requesters":["ci"],"request_ttl":"1h"}`))
	e.must(e.admin, "policy", "apply", linkPolicy)
	if r := e.must(e.admin, "policy", "show", "release-layout"); !strings.Contains(r.stdout, "2 of 3") || !strings.Contains(r.stdout, "72h0m0s") {
		t.Errorf("policy show:\n%s", r.stdout)
	}
	if r := e.must(e.admin, "policy", "list", "-o", "json"); !strings.Contains(r.stdout, `"name": "build"`) {
		t.Errorf("policy list json:\n%s", r.stdout)
	}

	ci := filepath.Join(e.dir, "ci.token")
	r = e.must(e.admin, "token", "create", "--name", "ci", "--identity", "ci", "--scope", "request:release-layout", "--scope", "request:build", "--scope", "read", "-o", ci)
	if st, err := os.Stat(ci); err != nil || st.Mode().Perm() != 0o600 || strings.Contains(r.stdout, "signet_") {
		t.Fatalf("token file: %v %v; stdout %q", st, err, r.stdout)
	}
	signer := filepath.Join(e.dir, "signer.token")
	e.must(e.admin, "token", "create", "--name", "owners", "--scope", "sign:"+owners[0].Key().KeyID, "--scope", "sign:"+owners[1].Key().KeyID, "--scope", "sign:"+fn.Key().KeyID, "-o", signer)

	layout := intoto.NewLayout(time.Now().Add(24 * time.Hour))
	layout.Keys[fn.Key().KeyID] = fn.Key()
	layout.Steps = append(layout.Steps, intoto.Step{Type: "step", Name: "build", PubKeys: []string{fn.Key().KeyID}, Threshold: 1,
		ExpectedMaterials: [][]string{}, ExpectedProducts: [][]string{}, ExpectedCommand: []string{}})
	lp, err := intoto.EncodePayload(layout)
	if err != nil {
		t.Fatal(err)
	}
	e.must(ci, "request", "create", "--id", "layout-1", "--kind", "layout", "--policy", "release-layout", "--payload", e.write("root.layout.json", lp))
	// The link comes as an unsigned metablock: its payload is taken out.
	ldoc, err := intoto.NewDocument(intoto.FormatMetablock, intoto.NewLink("build"))
	if err != nil {
		t.Fatal(err)
	}
	lb, err := ldoc.Marshal()
	if err != nil {
		t.Fatal(err)
	}
	e.must(ci, "request", "create", "--id", "build-1", "--kind", "link", "--policy", "build", "--payload", e.write("build.link", lb))

	if r := e.must(ci, "request", "status", "layout-1"); !strings.Contains(r.stdout, "pending") || !strings.Contains(r.stdout, "0 of 3 signed, 2 needed") {
		t.Errorf("status before signing:\n%s", r.stdout)
	}
	e.approve("layout-1", signer, owners[0])
	if r := e.must(ci, "request", "status", "layout-1"); !strings.Contains(r.stdout, "1 of 3 signed") || !regexp.MustCompile(`signed: +`+owners[0].Key().KeyID).MatchString(r.stdout) {
		t.Errorf("status after one signature:\n%s", r.stdout)
	}
	e.approve("layout-1", signer, owners[1])
	e.approve("build-1", signer, fn)

	if r := e.must(ci, "request", "wait", "layout-1", "--timeout", "30s"); !strings.Contains(r.stdout, "released: root.layout") {
		t.Errorf("wait: %q", r.stdout)
	}
	e.must(ci, "request", "wait", "build-1", "--timeout", "30s")
	out := filepath.Join(e.dir, "out")
	e.must(ci, "request", "fetch", "layout-1", "-d", out)
	e.must(ci, "request", "fetch", "build-1", "-d", out)
	if r := e.must(ci, "request", "fetch", "layout-1", "-d", out); !strings.Contains(r.stderr, "unchanged") {
		t.Errorf("fetching again: %+v", r)
	}
	linkName := "build." + fn.Key().KeyID[:8] + ".link"
	for _, n := range []string{"root.layout", "root.layout.dsse.json", linkName} {
		if _, err := os.Stat(filepath.Join(out, n)); err != nil {
			t.Errorf("fetched files: %v", err)
		}
	}

	verifyFetched(t, out, owners)
	r = runCLI(t, "", "verify", "--layout", filepath.Join(out, "root.layout"), "--key", ownerFiles[0], "--key", ownerFiles[1], "--key", ownerFiles[2],
		"--layout-threshold", "2", "--link-dir", out, "--no-inspections")
	if r.code != 0 || !strings.Contains(r.stdout, "verification passed") {
		t.Errorf("signet verify: %+v", r)
	}
	referenceVerify(t, out, ownerFiles[:2], true)
	referenceVerify(t, out, ownerFiles, false) // carol did not sign; the reference wants every key

	// A released file that differs is never overwritten.
	if err := os.WriteFile(filepath.Join(out, "root.layout"), []byte("{}"), 0o644); err != nil {
		t.Fatal(err)
	}
	if r := e.run(ci, "request", "fetch", "layout-1", "-d", out); r.code != 1 || !strings.Contains(r.stderr, "differs") {
		t.Errorf("fetch over a different file: %+v", r)
	}

	if r := e.must(ci, "audit", "verify"); !regexp.MustCompile(`audit log verified: \d+ entries, head [0-9a-f]{64}`).MatchString(r.stdout) ||
		!strings.Contains(r.stdout, "request.sign") {
		t.Errorf("audit verify:\n%s", r.stdout)
	}
}

func verifyFetched(t *testing.T, dir string, owners []keys.Signer) {
	t.Helper()
	data, err := os.ReadFile(filepath.Join(dir, "root.layout"))
	if err != nil {
		t.Fatal(err)
	}
	doc, err := intoto.ReadDocument(data)
	if err != nil {
		t.Fatal(err)
	}
	ks := []keys.Key{owners[0].Key(), owners[1].Key(), owners[2].Key()}
	opts := verify.Options{Now: time.Now(), Keys: ks, LayoutThreshold: 2, Links: os.DirFS(dir)}
	if _, err := verify.Verify(context.Background(), doc, opts); err != nil {
		t.Errorf("verify 2-of-3: %v", err)
	}
	opts.LayoutThreshold = 3
	if _, err := verify.Verify(context.Background(), doc, opts); err == nil {
		t.Error("verify 3-of-3 passed with two signatures")
	}
}

// referenceVerify runs in-toto-verify 1.3.1 with the keys that signed.
func referenceVerify(t *testing.T, dir string, keyFiles []string, pass bool) {
	t.Helper()
	bin := "/usr/bin/in-toto-verify"
	if _, err := os.Stat(bin); err != nil {
		if os.Getenv("CI") != "" {
			t.Fatalf("the reference implementation is required in CI: %v", err)
		}
		t.Logf("skipping the reference check: %s not installed (Debian package in-toto)", bin)
		return
	}
	args := append([]string{"--layout", filepath.Join(dir, "root.layout"), "--link-dir", dir, "--layout-keys"}, keyFiles...)
	args = append(args, "--key-types")
	for range keyFiles {
		args = append(args, "ed25519")
	}
	cmd := exec.Command(bin, args...)
	cmd.Dir = dir
	outp, err := cmd.CombinedOutput()
	if pass && err != nil {
		t.Errorf("in-toto-verify: %v\n%s", err, outp)
	}
	if !pass && (err == nil || !strings.Contains(string(outp), "ignature")) {
		t.Errorf("in-toto-verify with a key that did not sign: %v\n%s", err, outp)
	}
}

func TestClientCommandsErrors(t *testing.T) {
	e := startCoordinator(t, 1)
	ci := filepath.Join(e.dir, "ci.token")
	e.must(e.admin, "token", "create", "--name", "ci", "--identity", "ci", "--scope", "request:p", "--scope", "read", "-o", ci)
	pub := e.pubFile("k", newEd25519(t))

	tests := []struct {
		name  string
		token string
		args  []string
		code  int
		want  []string
	}{
		{"missing token file", filepath.Join(e.dir, "nope.token"), []string{"key", "list"}, 1, []string{"--token-file", "cannot read the token"}},
		{"wrong scope", ci, []string{"key", "enroll", pub, "--role", "owner", "--identity", "x"}, 1, []string{"403", "scope"}},
		{"unknown request", ci, []string{"request", "status", "no-such-request"}, 1, []string{"404", "no-such-request"}},
		{"unknown policy", ci, []string{"policy", "show", "nope"}, 1, []string{"404"}},
		{"bad role", e.admin, []string{"key", "enroll", pub, "--role", "king", "--identity", "x"}, 2, []string{"--role must be"}},
		{"bad kind", ci, []string{"request", "create", "--id", "x", "--kind", "tarball", "--policy", "p", "--payload", pub}, 2, []string{"--kind must be"}},
		{"payload of another kind", ci, []string{"request", "create", "--id", "x", "--kind", "layout", "--policy", "p", "--payload", pub}, 1, []string{"not a valid layout"}},
		{"fetch pending", e.admin, []string{"request", "fetch", "no-such"}, 1, []string{"404"}},
		{"bad output", ci, []string{"policy", "list", "-o", "yaml"}, 2, []string{"--output must be"}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			r := e.run(tt.token, tt.args...)
			if r.code != tt.code {
				t.Fatalf("exit %d, want %d: %+v", r.code, tt.code, r)
			}
			for _, w := range tt.want {
				if !strings.Contains(r.stderr, w) {
					t.Errorf("stderr %q lacks %q", r.stderr, w)
				}
			}
		})
	}
	if r := runCLI(t, "", "key", "list", "--token-file", e.admin); r.code != 2 || !strings.Contains(r.stderr, "--coordinator") {
		t.Errorf("no coordinator: %+v", r)
	}
	if r := runCLI(t, "", append([]string{"key", "list"}, e.conn...)...); r.code != 2 || !strings.Contains(r.stderr, "credentials") {
		t.Errorf("no credentials: %+v", r)
	}
}

// TestRequestWaitCancelled: wait exits 1 on a cancelled request.
func TestRequestWaitCancelled(t *testing.T) {
	e := startCoordinator(t, 1)
	s := newEd25519(t)
	e.must(e.admin, "key", "enroll", e.pubFile("s", s), "--role", "functionary", "--identity", "f")
	e.must(e.admin, "policy", "apply", e.write("p.yaml", []byte("name: p\nkinds: [statement]\nkeys: ["+s.Key().KeyID+"]\nthreshold: 1\nrequesters: [ci]\nrequest_ttl: 1h\n")))
	ci := filepath.Join(e.dir, "ci.token")
	e.must(e.admin, "token", "create", "--name", "ci", "--identity", "ci", "--scope", "request:p", "-o", ci)
	st := &intoto.Statement{Type: intoto.StatementTypeV1, PredicateType: "https://slsa.dev/provenance/v1",
		Subject: []intoto.Subject{{Name: "app", Digest: intoto.DigestSet{"sha256": strings.Repeat("a", 64)}}}, Predicate: []byte(`{}`)}
	sp, err := intoto.EncodePayload(st)
	if err != nil {
		t.Fatal(err)
	}
	e.must(ci, "request", "create", "--id", "s-1", "--kind", "statement", "--policy", "p", "--payload", e.write("st.json", sp))
	if r := e.run(ci, "request", "wait", "s-1", "--timeout", "300ms"); r.code != 1 || !strings.Contains(r.stderr, "still pending") {
		t.Errorf("wait with a short timeout: %+v", r)
	}
	e.must(ci, "request", "cancel", "s-1", "--reason", "superseded")
	r := e.run(ci, "request", "wait", "s-1", "--timeout", "30s")
	if r.code != 1 || !strings.Contains(r.stderr, "cancelled") || !strings.Contains(r.stderr, "superseded") {
		t.Errorf("wait on a cancelled request: %+v", r)
	}
	if r := e.run(ci, "request", "fetch", "s-1", "-d", t.TempDir()); r.code != 1 || !strings.Contains(r.stderr, "cancelled") {
		t.Errorf("fetch of a cancelled request: %+v", r)
	}
	r = e.must(e.admin, "token", "list")
	if !strings.Contains(r.stdout, "request:p") || strings.Contains(r.stdout, "signet_") {
		t.Errorf("token list:\n%s", r.stdout)
	}
	if r := e.must(e.admin, "audit", "list", "--limit", "2"); strings.Count(r.stdout, "\n") != 3 || !strings.Contains(r.stderr, "--after 2") {
		t.Errorf("audit list: %+v", r)
	}
}

// TestKeyEnrollFromURI enrols the public half of a key named by a key
// store URI, and revokes it.
func TestKeyEnrollFromURI(t *testing.T) {
	e := startCoordinator(t, 1)
	key := filepath.Join(e.dir, "hsm-owner.pem")
	pp := e.write("pp", []byte("correct horse\n"))
	r := runKeyCLI(t, "", "key", "generate", key, "--type", "ecdsa-p256", "--passphrase-file", pp)
	if r.code != 0 {
		t.Fatalf("key generate: %+v", r)
	}
	keyID := strings.Fields(r.stdout)[3]
	args := append([]string{"key", "enroll", "file://" + key + "?passphrase-source=" + pp, "--role", "owner", "--identity", "release-hsm", "--token-file", e.admin}, e.conn...)
	if r := runKeyCLI(t, "", args...); r.code != 0 || !strings.Contains(r.stdout, "enrolled key "+keyID+" (ecdsa") {
		t.Fatalf("enroll from URI: %+v", r)
	}
	if r := e.run(e.admin, "key", "revoke", keyID); r.code != 2 || !strings.Contains(r.stderr, "--reason") {
		t.Errorf("revoke without a reason: %+v", r)
	}
	e.must(e.admin, "key", "revoke", keyID, "--reason", "retired")
	if r := e.must(e.admin, "key", "list", "-o", "json"); !strings.Contains(r.stdout, `"status": "revoked"`) || !strings.Contains(r.stdout, `"reason": "retired"`) {
		t.Errorf("key list after revoke:\n%s", r.stdout)
	}
}
