package api_test

import (
	"context"
	"errors"
	"fmt"
	"io"
	"net/http"
	"slices"
	"strings"
	"testing"

	"github.com/signet-dev/signet/coordinator/api"
	"github.com/signet-dev/signet/coordinator/client"
)

// endpoint is one row of the auth matrix: call performs the endpoint as
// role; allowed lists the roles that must succeed.
type endpoint struct {
	name    string
	allowed []string
	call    func(ctx context.Context, cl *client.Client, role string) error
}

func TestAuthMatrix(t *testing.T) {
	w := newWorld(t, 1)
	ctx := context.Background()
	req := w.as(t, roleRequester)
	create := func(id, policy string, kind api.Kind, ptype string, payload []byte) {
		t.Helper()
		if _, err := req.CreateRequest(ctx, api.CreateRequestBody{ID: id, Kind: kind, PayloadType: ptype, Payload: payload, Policy: policy}); err != nil {
			t.Fatalf("creating %s: %v", id, err)
		}
	}
	stmt := func(id string) {
		create(id, "slsa", api.KindStatement, "application/vnd.in-toto+json", statement(t, id))
	}
	stmt("shared")
	stmt("rejectme")
	create("sc", "rebuild", api.KindStepCollect, api.PayloadTypeStepCollect, []byte(`{"step":"build"}`))
	revokeTok := map[string]string{}
	revokeKey := map[string]string{}
	for _, role := range allRoles {
		stmt("cancel-" + role)
		nt, err := w.admin.CreateToken(ctx, api.CreateTokenBody{Identity: "victim-" + role, Scopes: []string{"read"}})
		if err != nil {
			t.Fatal(err)
		}
		revokeTok[role] = nt.Token.ID
		s := newSigner(t)
		if _, err := w.admin.EnrollKey(ctx, api.EnrollKeyBody{Key: s.Key(), Identity: "spare-" + role, Role: api.RoleAgent}); err != nil {
			t.Fatal(err)
		}
		revokeKey[role] = s.Key().KeyID
	}
	signerKey := w.signers[0]
	shared := statement(t, "shared")
	link := signedLink(t, signerKey, "build")
	readers := []string{roleAdmin, roleRequester, roleSigner, roleReader}
	everyone := allRoles
	metricsURL := w.leader(t).srv.URL + "/metrics"

	endpoints := []endpoint{
		{"GET /v1/health", everyone, func(ctx context.Context, cl *client.Client, _ string) error { _, err := cl.Health(ctx); return err }},
		{"GET /metrics", everyone, func(ctx context.Context, _ *client.Client, role string) error {
			return rawGet(ctx, metricsURL, w.tokens[role])
		}},
		{"POST /v1/requests", []string{roleAdmin, roleRequester}, func(ctx context.Context, cl *client.Client, role string) error {
			_, err := cl.CreateRequest(ctx, api.CreateRequestBody{ID: "create-" + role, Kind: api.KindStatement,
				PayloadType: "application/vnd.in-toto+json", Payload: statement(t, "create-"+role), Policy: "slsa"})
			return err
		}},
		{"GET /v1/requests", readers, func(ctx context.Context, cl *client.Client, _ string) error {
			_, err := cl.ListRequests(ctx, api.Filter{Status: api.PhasePending})
			return err
		}},
		{"GET /v1/requests/{id}", readers, func(ctx context.Context, cl *client.Client, _ string) error {
			_, err := cl.GetRequest(ctx, "shared")
			return err
		}},
		{"GET /v1/requests/{id}/released", readers, func(ctx context.Context, cl *client.Client, _ string) error {
			_, err := cl.Released(ctx, "shared")
			return err
		}},
		{"POST /v1/requests/{id}/signatures", []string{roleAdmin, roleSigner}, func(ctx context.Context, cl *client.Client, _ string) error {
			_, err := cl.AddSignature(ctx, "shared", sigBody(t, signerKey, shared))
			return err
		}},
		{"POST /v1/requests/{id}/links", []string{roleAdmin, roleSigner}, func(ctx context.Context, cl *client.Client, _ string) error {
			_, err := cl.SubmitLink(ctx, "sc", link)
			return err
		}},
		{"POST /v1/requests/{id}/reject", []string{roleAdmin, roleSigner}, func(ctx context.Context, cl *client.Client, _ string) error {
			_, err := cl.Reject(ctx, "rejectme", signerKey.Key().KeyID, "not mine")
			return err
		}},
		{"POST /v1/requests/{id}/cancel", []string{roleAdmin, roleRequester}, func(ctx context.Context, cl *client.Client, role string) error {
			_, err := cl.Cancel(ctx, "cancel-"+role, "changed my mind")
			return err
		}},
		{"POST /v1/keys", []string{roleAdmin}, func(ctx context.Context, cl *client.Client, role string) error {
			_, err := cl.EnrollKey(ctx, api.EnrollKeyBody{Key: newSigner(t).Key(), Identity: "new-" + role, Role: api.RoleAgent})
			return err
		}},
		{"GET /v1/keys", []string{roleAdmin, roleReader}, func(ctx context.Context, cl *client.Client, _ string) error { _, err := cl.Keys(ctx); return err }},
		{"POST /v1/keys/{id}/revoke", []string{roleAdmin}, func(ctx context.Context, cl *client.Client, role string) error {
			_, err := cl.RevokeKey(ctx, revokeKey[role], "test")
			return err
		}},
		{"POST /v1/policies", []string{roleAdmin}, func(ctx context.Context, cl *client.Client, role string) error {
			_, err := cl.ApplyPolicy(ctx, api.Policy{Name: "p-" + role, Kinds: []api.Kind{api.KindStatement},
				Keys: []string{signerKey.Key().KeyID}, Threshold: 1, Requesters: []string{"ci"}, RequestTTL: 3600e9})
			return err
		}},
		{"GET /v1/policies", []string{roleAdmin, roleReader}, func(ctx context.Context, cl *client.Client, _ string) error { _, err := cl.Policies(ctx); return err }},
		{"GET /v1/policies/{name}", []string{roleAdmin, roleReader}, func(ctx context.Context, cl *client.Client, _ string) error {
			_, err := cl.Policy(ctx, "slsa")
			return err
		}},
		{"POST /v1/tokens", []string{roleAdmin}, func(ctx context.Context, cl *client.Client, role string) error {
			_, err := cl.CreateToken(ctx, api.CreateTokenBody{Identity: "made-by-" + role, Scopes: []string{"read"}})
			return err
		}},
		{"GET /v1/tokens", []string{roleAdmin}, func(ctx context.Context, cl *client.Client, _ string) error { _, err := cl.Tokens(ctx); return err }},
		{"POST /v1/tokens/{id}/revoke", []string{roleAdmin}, func(ctx context.Context, cl *client.Client, role string) error {
			_, err := cl.RevokeToken(ctx, revokeTok[role], "test")
			return err
		}},
		{"GET /v1/audit", []string{roleAdmin, roleReader}, func(ctx context.Context, cl *client.Client, _ string) error {
			_, err := cl.Audit(ctx, 0, 10)
			return err
		}},
	}
	for _, ep := range endpoints {
		for _, role := range allRoles {
			t.Run(ep.name+"/"+role, func(t *testing.T) {
				err := ep.call(ctx, w.as(t, role), role)
				switch {
				case slices.Contains(ep.allowed, role):
					if err != nil {
						t.Fatalf("allowed role %s: %v", role, err)
					}
				case role == roleNone || role == roleRevoked || role == roleExpired:
					if !errors.Is(err, client.ErrUnauthenticated) {
						t.Fatalf("role %s: err = %v, want 401", role, err)
					}
				default:
					if !errors.Is(err, client.ErrForbidden) {
						t.Fatalf("role %s: err = %v, want 403", role, err)
					}
				}
			})
		}
	}
}

// rawGet GETs url with an optional bearer token and fails on a non-200.
func rawGet(ctx context.Context, url, token string) error {
	req, err := http.NewRequestWithContext(ctx, http.MethodGet, url, nil)
	if err != nil {
		return err
	}
	if token != "" {
		req.Header.Set("Authorization", "Bearer "+token)
	}
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		return err
	}
	defer resp.Body.Close()
	b, _ := io.ReadAll(io.LimitReader(resp.Body, 1<<20))
	if resp.StatusCode != http.StatusOK || !strings.Contains(string(b), "signet_http_requests_total") {
		return fmt.Errorf("GET %s: %d %s", url, resp.StatusCode, b)
	}
	return nil
}

func TestCancelOthersRequestForbidden(t *testing.T) {
	w := newWorld(t, 1)
	ctx := context.Background()
	// a second requester under the same policy cannot cancel ci's request.
	w.token(t, "ci2", api.CreateTokenBody{Identity: "ci2", Scopes: []string{"request:slsa"}})
	if _, err := w.as(t, roleRequester).CreateRequest(ctx, api.CreateRequestBody{ID: "r1", Kind: api.KindStatement,
		PayloadType: "application/vnd.in-toto+json", Payload: statement(t, "r1"), Policy: "slsa"}); err != nil {
		t.Fatal(err)
	}
	before := w.hash(t)
	_, err := w.as(t, "ci2").Cancel(ctx, "r1", "")
	var e *client.Error
	if !errors.As(err, &e) || e.Status != http.StatusForbidden || e.Code != "not_requester" {
		t.Fatalf("err = %v, want 403 not_requester", err)
	}
	if w.hash(t) != before {
		t.Fatal("a refused cancel changed the state")
	}
}
