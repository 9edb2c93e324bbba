package signeragent

import (
	"context"
	"fmt"
	"testing"
	"time"

	"github.com/signet-dev/signet/coordinator/api"
	"github.com/signet-dev/signet/coordinator/client"
	"github.com/signet-dev/signet/coordinator/coordtest"
	"github.com/signet-dev/signet/pkg/dsse"
	"github.com/signet-dev/signet/pkg/intoto"
	"github.com/signet-dev/signet/pkg/keys"
)

func coordClient(t testing.TB, c *coordtest.Cluster, token string) *client.Client {
	t.Helper()
	return c.Client(t, token)
}

// TestAgentAgainstCoordinator runs the agent against a real 3-node
// coordinator (raft, the /v1 API over TLS, the Go client): it signs the
// link its policy allows, which the coordinator then releases as a link
// that verifies with the agent's key, and rejects the one its policy
// denies, which the coordinator then rejects.
func TestAgentAgainstCoordinator(t *testing.T) {
	ctx, cancel := context.WithTimeout(context.Background(), 60*time.Second)
	defer cancel()
	cluster := coordtest.Start(t, coordtest.Options{Nodes: 3})
	admin := coordClient(t, cluster, cluster.AdminToken)
	s := newSigner(t)
	keyID := s.Key().KeyID
	if _, err := admin.EnrollKey(ctx, api.EnrollKeyBody{Key: s.Key(), Identity: "builder", Role: api.RoleFunctionary}); err != nil {
		t.Fatal(err)
	}
	if _, err := admin.ApplyPolicy(ctx, api.Policy{Name: "build", Kinds: []api.Kind{api.KindLink}, Keys: []string{keyID},
		Threshold: 1, Requesters: []string{"ci"}, RequestTTL: time.Hour}); err != nil {
		t.Fatal(err)
	}
	ci := coordClient(t, cluster, newToken(t, admin, "ci", "request:build"))
	agentClient := coordClient(t, cluster, newToken(t, admin, "builder-agent", "sign:"+keyID))
	pol, j, ap := localState(t, "version: 1\nrules:\n  - {name: build, kinds: [link], keys: ['*'], mode: auto, allow: 'request.step == \"build\"'}\n")
	a, err := New(Options{Coordinator: &ClientCoordinator{Client: agentClient}, Signers: []keys.Signer{s}, Policy: pol,
		Journal: j, Approvals: ap, Wait: 2 * time.Second})
	if err != nil {
		t.Fatal(err)
	}

	for id, step := range map[string]string{"build-1": "build", "deploy-1": "deploy"} {
		l := intoto.NewLink(step)
		l.Command = []string{"make"}
		l.Products = intoto.ArtifactMap{"app": {"sha256": "abcd"}}
		if _, err := ci.CreateRequest(ctx, api.CreateRequestBody{ID: id, Kind: api.KindLink, PayloadType: dsse.PayloadTypeInToto,
			Payload: payload(t, l), Policy: "build"}); err != nil {
			t.Fatal(err)
		}
	}
	if err := a.Step(ctx); err != nil {
		t.Fatal(err)
	}
	files, err := ci.WaitReleased(ctx, "build-1")
	if err != nil {
		t.Fatal(err)
	}
	name := fmt.Sprintf("build.%s.link", keyID[:8])
	var found bool
	for _, f := range files {
		if f.Name != name {
			continue
		}
		found = true
		doc, err := intoto.ReadDocument(f.Data)
		if err != nil {
			t.Fatal(err)
		}
		if err := doc.VerifySignature(s.Key()); err != nil {
			t.Fatalf("the released link does not verify with the agent's key: %v", err)
		}
	}
	if !found {
		t.Fatalf("released files %v lack %s", files, name)
	}
	v, err := ci.GetRequest(ctx, "deploy-1")
	if err != nil {
		t.Fatal(err)
	}
	if v.Request.Phase != api.PhaseRejected {
		t.Fatalf("deploy-1 is %s; the agent's policy denies it, so it must be rejected (reason %q)", v.Request.Phase, v.Request.Reason)
	}
	// A restarted agent answers nothing twice: the next step finds no new work.
	if err := a.Step(ctx); err != nil {
		t.Fatal(err)
	}
}
