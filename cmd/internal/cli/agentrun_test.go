package cli

import (
	"bytes"
	"context"
	"fmt"
	"io"
	"net"
	"net/http"
	"os"
	"path/filepath"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/signet-dev/signet/cmd/internal/keyuri"
	"github.com/signet-dev/signet/cmd/internal/keyuri/backends"
	"github.com/signet-dev/signet/coordinator/api"
	"github.com/signet-dev/signet/coordinator/coordtest"
	"github.com/signet-dev/signet/pkg/dsse"
	"github.com/signet-dev/signet/pkg/intoto"
	"github.com/signet-dev/signet/pkg/keys"
	"github.com/signet-dev/signet/softhsm-test/softhsm"
)

// syncBuffer is a bytes.Buffer safe for the agent's logger and the test.
type syncBuffer struct {
	mu sync.Mutex
	b  bytes.Buffer
}

func (s *syncBuffer) Write(p []byte) (int, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.b.Write(p)
}
func (s *syncBuffer) String() string { s.mu.Lock(); defer s.mu.Unlock(); return s.b.String() }

// TestAgentRunKeepsGoodKeys runs `signet agent run` with a SoftHSM key
// whose pin-source holds a wrong PIN next to a good key file: the agent
// says what is wrong with the token (tries left), counts it in its
// metrics, and signs with the other key.
func TestAgentRunKeepsGoodKeys(t *testing.T) {
	hsm := softhsm.New(t)
	tok := hsm.InitToken(t, "agent-hsm")
	tok.GenerateKey(t, softhsm.KeySpec{Type: softhsm.ECDSAP256, Label: "builder", ID: []byte{1}})
	dir := t.TempDir()
	wrongPIN := filepath.Join(dir, "wrong.pin")
	if err := os.WriteFile(wrongPIN, []byte("not-the-pin\n"), 0o600); err != nil {
		t.Fatal(err)
	}
	hsmURI := strings.Replace(tok.URI("builder"), "pin-source="+tok.PINFile, "pin-source="+wrongPIN, 1)

	keyFile := filepath.Join(dir, "builder")
	if r := runCLI(t, "", "keygen", "--no-passphrase", "-t", "ed25519", "--format", "securesystemslib", keyFile); r.code != 0 {
		t.Fatalf("keygen: %+v", r)
	}
	pub, err := os.ReadFile(keyFile + ".pub")
	if err != nil {
		t.Fatal(err)
	}
	k, err := keys.ParsePublicKey(pub)
	if err != nil {
		t.Fatal(err)
	}

	ctx, cancel := context.WithTimeout(context.Background(), 2*time.Minute)
	defer cancel()
	cluster := coordtest.Start(t, coordtest.Options{Nodes: 1})
	admin := cluster.Client(t, cluster.AdminToken)
	if _, err := admin.EnrollKey(ctx, api.EnrollKeyBody{Key: k, Identity: "builder", Role: api.RoleFunctionary}); err != nil {
		t.Fatal(err)
	}
	if _, err := admin.ApplyPolicy(ctx, api.Policy{Name: "build", Kinds: []api.Kind{api.KindLink}, Keys: []string{k.KeyID},
		Threshold: 1, Requesters: []string{"ci"}, RequestTTL: time.Hour}); err != nil {
		t.Fatal(err)
	}
	ciTok, err := admin.CreateToken(ctx, api.CreateTokenBody{Name: "ci", Identity: "ci", Scopes: []string{"request:build", "read"}})
	if err != nil {
		t.Fatal(err)
	}
	agentTok, err := admin.CreateToken(ctx, api.CreateTokenBody{Name: "agent", Identity: "agent", Scopes: []string{"read", "sign:" + k.KeyID}})
	if err != nil {
		t.Fatal(err)
	}
	write := func(name, data string) string {
		p := filepath.Join(dir, name)
		if err := os.WriteFile(p, []byte(data), 0o600); err != nil {
			t.Fatal(err)
		}
		return p
	}
	pol := write("policy.yaml", "version: 1\nrules:\n  - {name: build, kinds: [link], keys: ['*'], mode: auto, allow: 'request.step == \"build\"'}\n")
	metricsAddr := freeTCPAddr(t)
	cfg := write("agent.yaml", fmt.Sprintf("coordinators: [%s]\ntoken_source: %s\nca_cert: %s\nstate_dir: %s\npolicy: %s\nwait: 1s\n"+
		"metrics_addr: %s\nkeys:\n  - uri: %q\n  - uri: %q\n", strings.Join(cluster.URLs, ", "), write("agent.token", agentTok.Secret),
		cluster.CAFile, filepath.Join(dir, "state"), pol, metricsAddr, hsmURI, keyFile))

	var stderr syncBuffer
	actx, stop := context.WithCancel(ctx)
	done := make(chan int, 1)
	go func() {
		done <- Main(actx, []string{"agent", "run", "--config", cfg},
			Env{Stdin: strings.NewReader(""), Stdout: io.Discard, Stderr: &stderr, Keys: keyuri.New(keyuri.Config{Backends: backends.All()})})
	}()

	ci := cluster.Client(t, ciTok.Secret)
	l := intoto.NewLink("build")
	l.Command = []string{"make"}
	payload, err := intoto.EncodePayload(l)
	if err != nil {
		t.Fatal(err)
	}
	if _, err := ci.CreateRequest(ctx, api.CreateRequestBody{ID: "build-1", Kind: api.KindLink, PayloadType: dsse.PayloadTypeInToto,
		Payload: payload, Policy: "build"}); err != nil {
		t.Fatal(err)
	}
	if _, err := ci.WaitReleased(ctx, "build-1"); err != nil {
		t.Fatalf("build-1 not released: %v\n%s", err, stderr.String())
	}
	// The agent counts a signature once the coordinator has acknowledged
	// it, which can be just after the release is visible to CI.
	const signed = `signet_agent_signatures_total{kind="link"} 1`
	metrics := scrape(t, "http://"+metricsAddr+"/metrics")
	for deadline := time.Now().Add(10 * time.Second); !strings.Contains(metrics, signed) && time.Now().Before(deadline); {
		time.Sleep(50 * time.Millisecond)
		metrics = scrape(t, "http://"+metricsAddr+"/metrics")
	}
	stop()
	if code := <-done; code != 0 {
		t.Errorf("agent run exited %d\n%s", code, stderr.String())
	}
	log := stderr.String()
	for _, want := range []string{"key not available", "wrong PIN", "tries", `"class":"wrong_pin"`} {
		if !strings.Contains(log, want) {
			t.Errorf("the agent's log lacks %q:\n%s", want, log)
		}
	}
	if strings.Contains(log, "not-the-pin") {
		t.Error("the agent logged the PIN")
	}
	for _, want := range []string{`signet_agent_keys{state="unavailable"} 1`, `signet_agent_keys{state="ready"} 1`,
		`signet_agent_sign_errors_total{class="wrong_pin"} 1`, signed} {
		if !strings.Contains(metrics, want) {
			t.Errorf("metrics lack %q:\n%s", want, metrics)
		}
	}
}

func freeTCPAddr(t *testing.T) string {
	t.Helper()
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	defer ln.Close()
	return ln.Addr().String()
}

func scrape(t *testing.T, url string) string {
	t.Helper()
	resp, err := http.Get(url)
	if err != nil {
		t.Fatalf("scraping %s: %v", url, err)
	}
	defer resp.Body.Close()
	b, _ := io.ReadAll(resp.Body)
	return string(b)
}
