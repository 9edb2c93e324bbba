package node

import (
	"bytes"
	"context"
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"fmt"
	"io"
	"net"
	"net/http"
	"net/url"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"syscall"
	"testing"
	"time"

	"github.com/signet-dev/signet/coordinator/internal/command"
	"github.com/signet-dev/signet/coordinator/internal/state"
	"github.com/signet-dev/signet/pkg/dsse"
	"github.com/signet-dev/signet/pkg/keys"
)

// proc is a node running in a child process.
type proc struct {
	spec   childSpec
	cmd    *exec.Cmd
	client *http.Client
	addr   string // advertised raft address, known once started
}

// startProc starts a node process and waits until its control socket
// answers.
// owner is the test whose end kills the process (the whole cluster test,
// not the subtest that started it).
func startProc(t, owner *testing.T, spec childSpec) *proc {
	t.Helper()
	if err := os.MkdirAll(spec.Dir, 0o700); err != nil {
		t.Fatal(err)
	}
	js, _ := json.Marshal(spec)
	logf, err := os.OpenFile(filepath.Join(spec.Dir, "log.txt"), os.O_CREATE|os.O_WRONLY|os.O_APPEND, 0o600)
	if err != nil {
		t.Fatal(err)
	}
	defer logf.Close()
	cmd := exec.Command(os.Args[0], "-test.run=^$")
	cmd.Env = append(os.Environ(), childEnv+"="+string(js))
	cmd.Stdout, cmd.Stderr = logf, logf
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	sock := filepath.Join(spec.Dir, "ctl.sock")
	_ = os.Remove(sock) // a stale socket of a killed process
	p := &proc{spec: spec, cmd: cmd, client: &http.Client{Timeout: 20 * time.Second, Transport: &http.Transport{
		DialContext: func(ctx context.Context, _, _ string) (net.Conn, error) {
			return (&net.Dialer{}).DialContext(ctx, "unix", sock)
		}}}}
	owner.Cleanup(func() { p.kill() })
	waitFor(t, 30*time.Second, "node "+spec.ID+" to start (see "+logf.Name()+")", func() bool {
		st, err := p.status()
		if err == nil {
			p.addr = st.Addr
		}
		return err == nil
	})
	return p
}

// kill sends SIGKILL (kill -9) and reaps the process.
func (p *proc) kill() {
	if p.cmd.ProcessState == nil {
		_ = p.cmd.Process.Kill()
		_ = p.cmd.Wait()
	}
}

// stop asks for a graceful shutdown and waits for the exit status.
func (p *proc) stop(t *testing.T) {
	t.Helper()
	_ = p.cmd.Process.Signal(syscall.SIGTERM)
	if err := p.cmd.Wait(); err != nil {
		t.Errorf("node %s did not shut down cleanly: %v (see %s/log.txt)", p.spec.ID, err, p.spec.Dir)
	}
}

func (p *proc) do(method, path string, form url.Values, body []byte, out any) error {
	u := "http://node" + path
	if form != nil {
		u += "?" + form.Encode()
	}
	req, err := http.NewRequest(method, u, bytes.NewReader(body))
	if err != nil {
		return err
	}
	resp, err := p.client.Do(req)
	if err != nil {
		return err
	}
	defer resp.Body.Close()
	data, _ := io.ReadAll(resp.Body)
	if resp.StatusCode >= 300 {
		return fmt.Errorf("%s %s on %s: %s: %s", method, path, p.spec.ID, resp.Status, strings.TrimSpace(string(data)))
	}
	if out != nil {
		return json.Unmarshal(data, out)
	}
	return nil
}

func (p *proc) status() (nodeStatus, error) {
	var s nodeStatus
	err := p.do("GET", "/status", nil, nil, &s)
	return s, err
}

func (p *proc) apply(op state.Op) (applyResult, error) {
	data, err := command.Encode(op)
	if err != nil {
		return applyResult{}, err
	}
	var r applyResult
	err = p.do("POST", "/apply", nil, data, &r)
	return r, err
}

func (p *proc) post(path string, form url.Values) error { return p.do("POST", path, form, nil, nil) }

func (p *proc) peers() ([]PeerInfo, error) {
	var out []PeerInfo
	err := p.do("GET", "/peers", nil, nil, &out)
	return out, err
}

// waitFor polls cond until it holds or the deadline passes (a liveness
// bound, not a timing assertion).
func waitFor(t testing.TB, limit time.Duration, what string, cond func() bool) {
	t.Helper()
	if err := poll(limit, what, cond); err != nil {
		t.Fatal(err)
	}
}

// poll is waitFor for goroutines other than the test's.
func poll(limit time.Duration, what string, cond func() bool) error {
	deadline := time.Now().Add(limit)
	for !cond() {
		if time.Now().After(deadline) {
			return fmt.Errorf("gave up waiting for %s after %s", what, limit)
		}
		time.Sleep(25 * time.Millisecond)
	}
	return nil
}

// workload builds stamped operations: three enrolled owner keys and
// policies under which "ci" creates statement requests.
type workload struct{ signers []keys.Signer }

func newWorkload(t testing.TB) *workload {
	t.Helper()
	w := &workload{}
	for range 3 {
		cs, err := keys.GenerateKey(keys.KeyTypeED25519, 0)
		if err != nil {
			t.Fatal(err)
		}
		s, err := keys.NewSigner(cs, keys.SchemeED25519)
		if err != nil {
			t.Fatal(err)
		}
		w.signers = append(w.signers, s)
	}
	return w
}

func stamp(actor string) state.Stamp { return state.Stamp{At: time.Now().UTC(), Actor: actor} }

func (w *workload) setup() []state.Op {
	var ops []state.Op
	var ids []string
	for i, s := range w.signers {
		ops = append(ops, &state.EnrollKey{Stamp: stamp("admin"), Key: s.Key(), Identity: fmt.Sprintf("owner%d", i), Role: state.RoleOwner})
		ids = append(ids, s.Key().KeyID)
	}
	for _, p := range []struct {
		name string
		ttl  time.Duration
	}{{"slsa", time.Hour}, {"short", time.Second}} {
		ops = append(ops, &state.ApplyPolicy{Stamp: stamp("admin"), Policy: state.Policy{Name: p.name,
			Kinds: []state.Kind{state.KindStatement}, Keys: ids, Threshold: 2, Requesters: []string{"ci"}, RequestTTL: p.ttl}})
	}
	return ops
}

// create returns a statement request with its own payload.
func create(id, policy string) state.Op {
	st := map[string]any{"_type": "https://in-toto.io/Statement/v1", "predicateType": "https://slsa.dev/provenance/v1",
		"subject": []any{map[string]any{"name": id, "digest": map[string]string{"sha256": strings.Repeat("ab", 32)}}}}
	b, _ := json.Marshal(st)
	return &state.CreateRequest{Stamp: stamp("ci"), ID: id, Kind: state.KindStatement,
		PayloadType: dsse.PayloadTypeInToto, Payload: b, Policy: policy}
}

func sha(b []byte) string {
	s := sha256.Sum256(b)
	return hex.EncodeToString(s[:])
}
