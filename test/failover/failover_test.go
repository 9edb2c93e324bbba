package failover

import (
	"context"
	"encoding/json"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"syscall"
	"testing"
	"time"

	"github.com/signet-dev/signet/coordinator/api"
	"github.com/signet-dev/signet/coordinator/client"
	"github.com/signet-dev/signet/coordinator/proctest"
	"github.com/signet-dev/signet/pkg/dsse"
	"github.com/signet-dev/signet/pkg/intoto"
)

// signetBin returns the signet binary: $SIGNET_BIN/signet (make test) or
// one built for the test.
func signetBin(t *testing.T) string {
	t.Helper()
	if d := os.Getenv("SIGNET_BIN"); d != "" {
		return filepath.Join(d, "signet")
	}
	out := filepath.Join(t.TempDir(), "signet")
	cmd := exec.Command("go", "build", "-o", out, "./cmd/signet")
	cmd.Dir = filepath.Join("..", "..")
	if b, err := cmd.CombinedOutput(); err != nil {
		t.Fatalf("building signet: %v\n%s", err, b)
	}
	return out
}

type proc struct {
	name string
	cmd  *exec.Cmd
	log  string
}

func start(t *testing.T, dir, name, bin string, args ...string) *proc {
	t.Helper()
	log := filepath.Join(dir, name+".log")
	lf, err := os.Create(log)
	if err != nil {
		t.Fatal(err)
	}
	cmd := exec.Command(bin, args...)
	cmd.Stdout, cmd.Stderr = lf, lf
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	lf.Close()
	p := &proc{name: name, cmd: cmd, log: log}
	t.Cleanup(func() { p.kill(syscall.SIGTERM) })
	return p
}

func (p *proc) kill(sig syscall.Signal) {
	if p.cmd.ProcessState != nil {
		return
	}
	_ = p.cmd.Process.Signal(sig)
	done := make(chan struct{})
	go func() { _ = p.cmd.Wait(); close(done) }()
	select {
	case <-done:
	case <-time.After(15 * time.Second):
		_ = p.cmd.Process.Kill()
		<-done
	}
}

func (p *proc) dump(t *testing.T) {
	b, _ := os.ReadFile(p.log)
	t.Logf("--- %s log:\n%s", p.name, b)
}

func newClient(t *testing.T, c *proctest.Cluster, token string) *client.Client {
	t.Helper()
	cl, err := c.Client(token)
	if err != nil {
		t.Fatal(err)
	}
	return cl
}

func linkPayload(t *testing.T, n int) []byte {
	t.Helper()
	l := intoto.NewLink("build")
	l.Command = []string{"make", fmt.Sprint(n)}
	l.Products = intoto.ArtifactMap{"app": {"sha256": fmt.Sprintf("%064x", n)}}
	b, err := json.Marshal(l)
	if err != nil {
		t.Fatal(err)
	}
	return b
}

// TestAgentSurvivesLeaderKill: an agent process keeps signing while the
// coordinator leader it talks to is killed with SIGKILL, and a restarted
// agent signs nothing twice.
func TestAgentSurvivesLeaderKill(t *testing.T) {
	bin := signetBin(t)
	dir := t.TempDir()
	ctx, cancel := context.WithTimeout(context.Background(), 3*time.Minute)
	defer cancel()
	cluster, err := proctest.Start(ctx, proctest.Options{Bin: bin, Dir: filepath.Join(dir, "cluster")})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(cluster.Stop)
	urls, tokFile := cluster.URLs, cluster.AdminTokenFile
	admin := newClient(t, cluster, cluster.AdminToken)

	// A functionary key file, enrolled; a policy; tokens.
	key := filepath.Join(dir, "builder")
	if out, err := exec.Command(bin, "keygen", "--no-passphrase", "-t", "ed25519", "--format", "securesystemslib", key).CombinedOutput(); err != nil {
		t.Fatalf("keygen: %v\n%s", err, out)
	}
	out, err := exec.Command(bin, "key", "enroll", key+".pub", "--role", "functionary", "--identity", "builder",
		"--coordinator", urls[1], "--ca-cert", cluster.CAFile, "--token-file", tokFile).CombinedOutput()
	if err != nil {
		t.Fatalf("key enroll: %v\n%s", err, out)
	}
	keys, err := admin.Keys(ctx)
	if err != nil || len(keys) != 1 {
		t.Fatalf("keys: %v %v", keys, err)
	}
	keyID := keys[0].Key.KeyID
	if _, err := admin.ApplyPolicy(ctx, api.Policy{Name: "build", Kinds: []api.Kind{api.KindLink}, Keys: []string{keyID},
		Threshold: 1, Requesters: []string{"ci"}, RequestTTL: time.Hour}); err != nil {
		t.Fatal(err)
	}
	ciTok, err := admin.CreateToken(ctx, api.CreateTokenBody{Name: "ci", Identity: "ci", Scopes: []string{"request:build", "read"}})
	if err != nil {
		t.Fatal(err)
	}
	agentTok, err := admin.CreateToken(ctx, api.CreateTokenBody{Name: "agent", Identity: "agent", Scopes: []string{"read", "sign:" + keyID}})
	if err != nil {
		t.Fatal(err)
	}
	ci := newClient(t, cluster, ciTok.Secret)
	write := func(name, data string) string {
		p := filepath.Join(dir, name)
		if err := os.WriteFile(p, []byte(data), 0o600); err != nil {
			t.Fatal(err)
		}
		return p
	}
	pol := write("policy.yaml", "version: 1\nrules:\n  - {name: build, kinds: [link], keys: ['*'], mode: auto, allow: 'request.step == \"build\"'}\n")
	cfg := write("agent.yaml", fmt.Sprintf("coordinators: [%s]\ntoken_source: %s\nca_cert: %s\nstate_dir: %s\npolicy: %s\nwait: 1s\nkeys:\n  - uri: %q\n",
		strings.Join(urls, ", "), write("agent.token", agentTok.Secret), cluster.CAFile, filepath.Join(dir, "agent-state"), pol, key))
	agent := start(t, dir, "agent", bin, "agent", "run", "--config", cfg)

	request := func(n int) {
		t.Helper()
		id := fmt.Sprintf("build-%d", n)
		if _, err := ci.CreateRequest(ctx, api.CreateRequestBody{ID: id, Kind: api.KindLink, PayloadType: dsse.PayloadTypeInToto,
			Payload: linkPayload(t, n), Policy: "build"}); err != nil {
			t.Fatalf("creating %s: %v", id, err)
		}
		wctx, wcancel := context.WithTimeout(ctx, 60*time.Second)
		defer wcancel()
		if _, err := ci.WaitReleased(wctx, id); err != nil {
			agent.dump(t)
			t.Fatalf("%s was not released: %v", id, err)
		}
	}
	request(1)

	// Kill the leader (n1, which bootstrapped and still leads) with SIGKILL.
	cluster.Node(0).Signal(syscall.SIGKILL)
	for n := 2; n <= 4; n++ {
		request(n)
	}

	// Restart the agent: it finds nothing new to sign.
	agent.kill(syscall.SIGTERM)
	agent = start(t, dir, "agent2", bin, "agent", "run", "--config", cfg)
	request(5)
	// Read through the client that saw build-5 released: its reads wait
	// for that index, wherever they land (another client's read may hit a
	// follower that has not applied it yet).
	audit, err := ci.AuditAll(ctx, 0)
	if err != nil {
		t.Fatal(err)
	}
	sigs := map[string]int{}
	for _, e := range audit {
		if e.Action == "request.sign" {
			sigs[e.Subject]++
		}
	}
	for n := 1; n <= 5; n++ {
		if id := fmt.Sprintf("build-%d", n); sigs[id] != 1 {
			t.Errorf("%s has %d signature entries in the audit log, want 1 (all: %v)", id, sigs[id], sigs)
		}
	}
}
