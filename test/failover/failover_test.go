package failover

import (
	"bufio"
	"context"
	"crypto/tls"
	"crypto/x509"
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

func start(t *testing.T, dir, name, bin string, args ...string) (*proc, *bufio.Reader) {
	t.Helper()
	log := filepath.Join(dir, name+".log")
	lf, err := os.Create(log)
	if err != nil {
		t.Fatal(err)
	}
	cmd := exec.Command(bin, args...)
	cmd.Stderr = lf
	out, err := cmd.StdoutPipe()
	if err != nil {
		t.Fatal(err)
	}
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	lf.Close()
	p := &proc{name: name, cmd: cmd, log: log}
	t.Cleanup(func() { p.kill(syscall.SIGTERM) })
	return p, bufio.NewReader(out)
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

// startNode starts coordinator node i and returns it with its API URL.
func startNode(t *testing.T, bin, dir string, i int, extra ...string) (*proc, string) {
	t.Helper()
	args := append([]string{"coordinator", "--node-id", fmt.Sprintf("n%d", i), "--data-dir", filepath.Join(dir, fmt.Sprintf("n%d", i)),
		"--dev-ca", filepath.Join(dir, "ca"), "--raft-addr", "127.0.0.1:0", "--api-addr", "127.0.0.1:0"}, extra...)
	p, out := start(t, dir, fmt.Sprintf("n%d", i), bin, args...)
	line, err := out.ReadString('\n')
	if err != nil || !strings.Contains(line, " ready: api=") {
		p.dump(t)
		t.Fatalf("node n%d did not start: %q %v", i, line, err)
	}
	url := strings.Fields(strings.SplitN(line, "api=", 2)[1])[0]
	return p, url
}

func newClient(t *testing.T, dir, token string, urls []string) *client.Client {
	t.Helper()
	pem, err := os.ReadFile(filepath.Join(dir, "ca", "ca.crt"))
	if err != nil {
		t.Fatal(err)
	}
	pool := x509.NewCertPool()
	pool.AppendCertsFromPEM(pem)
	cl, err := client.New(client.Config{Endpoints: urls, Token: token, TLS: &tls.Config{RootCAs: pool}, Wait: 2 * time.Second})
	if err != nil {
		t.Fatal(err)
	}
	return cl
}

func eventually(t *testing.T, what string, d time.Duration, f func() error) {
	t.Helper()
	deadline := time.Now().Add(d)
	for {
		err := f()
		if err == nil {
			return
		}
		if time.Now().After(deadline) {
			t.Fatalf("%s: %v", what, err)
		}
		time.Sleep(100 * time.Millisecond)
	}
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
	tokFile := filepath.Join(dir, "admin.token")
	n1, u1 := startNode(t, bin, dir, 1, "--bootstrap", "--admin-token-file", tokFile)
	eventually(t, "admin token", 30*time.Second, func() error { _, err := os.Stat(tokFile); return err })
	_, u2 := startNode(t, bin, dir, 2, "--join", u1, "--join-token-file", tokFile)
	_, u3 := startNode(t, bin, dir, 3, "--join", u1, "--join-token-file", tokFile)
	urls := []string{u1, u2, u3}
	tok, _ := os.ReadFile(tokFile)
	admin := newClient(t, dir, strings.TrimSpace(string(tok)), urls)
	ctx, cancel := context.WithTimeout(context.Background(), 3*time.Minute)
	defer cancel()
	eventually(t, "three voters", 30*time.Second, func() error {
		p, err := admin.Peers(ctx)
		if err == nil && len(p) != 3 {
			err = fmt.Errorf("%d peers", len(p))
		}
		return err
	})

	// A functionary key file, enrolled; a policy; tokens.
	key := filepath.Join(dir, "builder")
	if out, err := exec.Command(bin, "keygen", "--no-passphrase", "-t", "ed25519", "--format", "securesystemslib", key).CombinedOutput(); err != nil {
		t.Fatalf("keygen: %v\n%s", err, out)
	}
	out, err := exec.Command(bin, "key", "enroll", key+".pub", "--role", "functionary", "--identity", "builder",
		"--coordinator", u1, "--ca-cert", filepath.Join(dir, "ca", "ca.crt"), "--token-file", tokFile).CombinedOutput()
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
	ci := newClient(t, dir, ciTok.Secret, urls)
	write := func(name, data string) string {
		p := filepath.Join(dir, name)
		if err := os.WriteFile(p, []byte(data), 0o600); err != nil {
			t.Fatal(err)
		}
		return p
	}
	pol := write("policy.yaml", "version: 1\nrules:\n  - {name: build, kinds: [link], keys: ['*'], mode: auto, allow: 'request.step == \"build\"'}\n")
	cfg := write("agent.yaml", fmt.Sprintf("coordinators: [%s]\ntoken_source: %s\nca_cert: %s\nstate_dir: %s\npolicy: %s\nwait: 1s\nkeys:\n  - uri: %q\n",
		strings.Join(urls, ", "), write("agent.token", agentTok.Secret), filepath.Join(dir, "ca", "ca.crt"), filepath.Join(dir, "agent-state"), pol, key))
	agent, _ := start(t, dir, "agent", bin, "agent", "run", "--config", cfg)

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
	n1.kill(syscall.SIGKILL)
	for n := 2; n <= 4; n++ {
		request(n)
	}

	// Restart the agent: it finds nothing new to sign.
	agent.kill(syscall.SIGTERM)
	agent, _ = start(t, dir, "agent2", bin, "agent", "run", "--config", cfg)
	request(5)
	audit, err := admin.AuditAll(ctx, 0)
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
