package signeragent

import (
	"bytes"
	"context"
	"fmt"
	"io"
	"log/slog"
	"net/http/httptest"
	"strings"
	"sync/atomic"
	"testing"
	"time"

	"github.com/signet-dev/signet/coordinator/api"
	"github.com/signet-dev/signet/coordinator/coordtest"
	"github.com/signet-dev/signet/keystore"
	"github.com/signet-dev/signet/pkg/dsse"
	"github.com/signet-dev/signet/pkg/intoto"
	"github.com/signet-dev/signet/pkg/keys"
)

// flakySigner fails while down is set, as a Vault that cannot be reached
// or a token pulled out would (a fast stand-in next to the real SoftHSM
// test in cmd/internal/cli).
type flakySigner struct {
	keys.Signer
	down  atomic.Bool
	tries atomic.Int32
}

func (f *flakySigner) Sign(ctx context.Context, msg []byte) ([]byte, error) {
	f.tries.Add(1)
	if f.down.Load() {
		return nil, fmt.Errorf("%w: vault at https://vault:8200 did not answer", keystore.ErrUnavailable)
	}
	return f.Signer.Sign(ctx, msg)
}

// TestDeviceFailureRetried: a key whose store fails does not stop the
// other key, is reported once with what to do, is not tried again before
// its backoff, and signs once the store is back.
func TestDeviceFailureRetried(t *testing.T) {
	ctx, cancel := context.WithTimeout(context.Background(), time.Minute)
	defer cancel()
	cluster := coordtest.Start(t, coordtest.Options{Nodes: 1})
	admin := coordClient(t, cluster, cluster.AdminToken)
	good, flaky := newSigner(t), &flakySigner{Signer: newSigner(t)}
	flaky.down.Store(true)
	var ids []string
	for i, s := range []keys.Signer{good, flaky} {
		if _, err := admin.EnrollKey(ctx, api.EnrollKeyBody{Key: s.Key(), Identity: fmt.Sprint("k", i), Role: api.RoleFunctionary}); err != nil {
			t.Fatal(err)
		}
		ids = append(ids, s.Key().KeyID)
	}
	if _, err := admin.ApplyPolicy(ctx, api.Policy{Name: "build", Kinds: []api.Kind{api.KindLink}, Keys: ids,
		Threshold: 2, Requesters: []string{"ci"}, RequestTTL: time.Hour}); err != nil {
		t.Fatal(err)
	}
	ci := coordClient(t, cluster, newToken(t, admin, "ci", "request:build", "read"))
	agentTok := newToken(t, admin, "agent", "read", "sign:"+ids[0], "sign:"+ids[1])
	pol, j, ap := localState(t, "version: 1\nrules:\n  - {name: build, kinds: [link], keys: ['*'], mode: auto, allow: 'true'}\n")
	var now atomic.Int64
	now.Store(time.Date(2026, 11, 22, 12, 0, 0, 0, time.UTC).UnixNano())
	clock := func() time.Time { return time.Unix(0, now.Load()) }
	var logs bytes.Buffer
	m := NewMetrics()
	a, err := New(Options{Coordinator: &ClientCoordinator{Client: coordClient(t, cluster, agentTok)}, Signers: []keys.Signer{good, flaky},
		Policy: pol, Journal: j, Approvals: ap, Wait: time.Second, Clock: clock, Metrics: m, Backoff: time.Minute,
		Logger: slog.New(slog.NewJSONHandler(&logs, nil))})
	if err != nil {
		t.Fatal(err)
	}
	l := intoto.NewLink("build")
	if _, err := ci.CreateRequest(ctx, api.CreateRequestBody{ID: "b1", Kind: api.KindLink, PayloadType: dsse.PayloadTypeInToto,
		Payload: payload(t, l), Policy: "build"}); err != nil {
		t.Fatal(err)
	}
	step := func() {
		t.Helper()
		if err := a.Step(ctx); err != nil {
			t.Fatalf("a key store failure failed the step: %v", err)
		}
	}
	step()
	v, err := ci.GetRequest(ctx, "b1")
	if err != nil || len(v.Status.Signed) != 1 || v.Status.Signed[0] != ids[0] {
		t.Fatalf("after the first step: %+v, %v; want the good key's signature only", v.Status, err)
	}
	step() // within the backoff: the flaky key is not tried
	if n := flaky.tries.Load(); n != 1 {
		t.Fatalf("the failing key was tried %d times within its backoff, want 1", n)
	}
	now.Add(int64(2 * time.Second))
	step() // backoff passed, still down: tried and reported, but logged once
	if n := flaky.tries.Load(); n != 2 {
		t.Fatalf("the failing key was tried %d times after its backoff, want 2", n)
	}
	if n := strings.Count(logs.String(), "the key store could not sign"); n != 1 {
		t.Errorf("the same failure was logged %d times, want once:\n%s", n, logs.String())
	}
	if !strings.Contains(logs.String(), `"what_to_do"`) || !strings.Contains(logs.String(), `"class":"unavailable"`) {
		t.Errorf("the failure report lacks its class or advice:\n%s", logs.String())
	}
	flaky.down.Store(false)
	now.Add(int64(5 * time.Second))
	step()
	if _, err := ci.WaitReleased(ctx, "b1"); err != nil {
		t.Fatalf("b1 not released once the key store was back: %v", err)
	}
	rec := httptest.NewRecorder()
	m.Handler().ServeHTTP(rec, httptest.NewRequest("GET", "/metrics", nil))
	body, _ := io.ReadAll(rec.Body)
	for _, want := range []string{`signet_agent_sign_errors_total{class="unavailable"} 2`, `signet_agent_signatures_total{kind="link"} 2`,
		"signet_agent_sign_seconds_count 2", "signet_agent_last_poll_timestamp_seconds"} {
		if !bytes.Contains(body, []byte(want)) {
			t.Errorf("metrics lack %q:\n%s", want, body)
		}
	}
}
