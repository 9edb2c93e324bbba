package api_test

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"io"
	"net/http"
	"strings"
	"testing"

	"github.com/signet-dev/signet/coordinator/api"
	"github.com/signet-dev/signet/coordinator/client"
)

// post sends body to path on the leader as role and returns the status
// and error code.
func (w *world) post(t *testing.T, role, path string, body []byte, header map[string]string) (int, string) {
	t.Helper()
	return w.postTo(t, w.leader(t).srv.URL, role, path, body, header)
}

// postTo is post to the node at base.
func (w *world) postTo(t *testing.T, base, role, path string, body []byte, header map[string]string) (int, string) {
	t.Helper()
	req, err := http.NewRequest(http.MethodPost, base+path, bytes.NewReader(body))
	if err != nil {
		t.Fatal(err)
	}
	if tok := w.tokens[role]; tok != "" {
		req.Header.Set("Authorization", "Bearer "+tok)
	}
	for k, v := range header {
		req.Header.Set(k, v)
	}
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	var eb api.ErrorBody
	b, _ := io.ReadAll(resp.Body)
	_ = json.Unmarshal(b, &eb)
	return resp.StatusCode, eb.Code
}

func mustJSON(t *testing.T, v any) []byte {
	t.Helper()
	b, err := json.Marshal(v)
	if err != nil {
		t.Fatal(err)
	}
	return b
}

func TestBadInputsStoreNothing(t *testing.T) {
	w := newWorld(t, 1)
	ctx := context.Background()
	payload := statement(t, "r1")
	if _, err := w.as(t, roleRequester).CreateRequest(ctx, api.CreateRequestBody{ID: "r1", Kind: api.KindStatement,
		PayloadType: "application/vnd.in-toto+json", Payload: payload, Policy: "slsa"}); err != nil {
		t.Fatal(err)
	}
	good := sigBody(t, w.signers[0], payload)
	bad := sigBody(t, w.signers[0], payload)
	bad.Sig[3] ^= 0x10
	other := sigBody(t, w.signers[1], payload) // signer token holds only sign:k0
	createBody := func(mut func(*api.CreateRequestBody)) []byte {
		b := api.CreateRequestBody{ID: "r2", Kind: api.KindStatement, PayloadType: "application/vnd.in-toto+json", Payload: statement(t, "r2"), Policy: "slsa"}
		mut(&b)
		return mustJSON(t, b)
	}
	w.token(t, "selfsign", api.CreateTokenBody{Identity: "ci", Scopes: []string{"sign:" + good.KeyID}})
	huge := createBody(func(b *api.CreateRequestBody) { b.Payload = bytes.Repeat([]byte("a"), api.MaxPayloadBody) })
	for _, tc := range []struct {
		name, role, path string
		body             []byte
		header           map[string]string
		status           int
		code             string
	}{
		{"unknown field", roleRequester, "/v1/requests", []byte(`{"id":"r2","kind":"statement","policy":"slsa","extra":1}`), nil, 400, "bad_request"},
		{"trailing data", roleRequester, "/v1/requests", append(createBody(func(*api.CreateRequestBody) {}), []byte(` {}`)...), nil, 400, "bad_request"},
		{"not JSON", roleRequester, "/v1/requests", []byte(`id=r2`), nil, 400, "bad_request"},
		{"empty body", roleRequester, "/v1/requests", nil, nil, 400, "bad_request"},
		{"payload not base64", roleRequester, "/v1/requests", []byte(`{"id":"r2","kind":"statement","payload":"%%%","policy":"slsa"}`), nil, 400, "bad_request"},
		{"oversize body", roleRequester, "/v1/requests", huge, nil, 413, "too_large"},
		{"bad request id", roleRequester, "/v1/requests", createBody(func(b *api.CreateRequestBody) { b.ID = "a/b" }), nil, 400, "invalid"},
		{"malformed payload", roleRequester, "/v1/requests", createBody(func(b *api.CreateRequestBody) { b.Payload = []byte("{") }), nil, 400, "invalid"},
		{"unknown policy", roleAdmin, "/v1/requests", createBody(func(b *api.CreateRequestBody) { b.Policy = "nope" }), nil, 404, "unknown_policy"},
		{"policy condition false", roleAdmin, "/v1/requests", createBody(func(b *api.CreateRequestBody) { b.Policy = "gated" }), nil, 400, "policy_constraint"},
		{"policy with a bad condition", roleAdmin, "/v1/policies", []byte(`{"policy":{"name":"x","kinds":["statement"],"keys":["` + good.KeyID + `"],"threshold":1,"requesters":["ci"],"request_ttl":1000000000,"condition":"request.kind =="}}`), nil, 400, "invalid"},
		{"wrong kind for policy", roleRequester, "/v1/requests", createBody(func(b *api.CreateRequestBody) { b.Kind = api.KindLink }), nil, 400, "kind_not_allowed"},
		{"id reused for other content", roleRequester, "/v1/requests", createBody(func(b *api.CreateRequestBody) { b.ID = "r1" }), nil, 409, "conflict"},
		{"bad signature", roleSigner, "/v1/requests/r1/signatures", mustJSON(t, bad), nil, 400, "bad_signature"},
		{"signature not base64", roleSigner, "/v1/requests/r1/signatures", []byte(`{"key_id":"` + good.KeyID + `","sig":"!!"}`), nil, 400, "bad_request"},
		{"empty signature", roleSigner, "/v1/requests/r1/signatures", []byte(`{"key_id":"` + good.KeyID + `"}`), nil, 400, "invalid"},
		{"oversize signature", roleSigner, "/v1/requests/r1/signatures", mustJSON(t, api.SignatureBody{KeyID: good.KeyID, Sig: make([]byte, 4096)}), nil, 400, "invalid"},
		{"other key's signature", roleSigner, "/v1/requests/r1/signatures", mustJSON(t, other), nil, 403, "forbidden"},
		{"unknown key", roleAdmin, "/v1/requests/r1/signatures", mustJSON(t, api.SignatureBody{KeyID: "deadbeef", Sig: good.Sig}), nil, 404, "unknown_key"},
		{"unknown request", roleSigner, "/v1/requests/nope/signatures", mustJSON(t, good), nil, 404, "unknown_request"},
		{"self approval", "selfsign", "/v1/requests/r1/signatures", mustJSON(t, good), nil, 403, "self_approval"},
		{"link not a document", roleSigner, "/v1/requests/r1/links", []byte(`{"document":"e30="}`), nil, 400, "invalid"},
		{"huge auth header", roleNone, "/v1/requests", []byte(`{}`), map[string]string{"Authorization": "Bearer " + strings.Repeat("x", 600)}, 413, "too_large"},
		{"not a bearer token", roleNone, "/v1/requests", []byte(`{}`), map[string]string{"Authorization": "Basic YTpi"}, 401, "unauthenticated"},
		{"forged token", roleNone, "/v1/requests", []byte(`{}`), map[string]string{"Authorization": "Bearer signet_0123456789abcdef_" + strings.Repeat("A", 43)}, 401, "unauthenticated"},
		{"unknown endpoint", roleAdmin, "/v1/nothing", []byte(`{}`), nil, 404, "not_found"},
		{"policy with version", roleAdmin, "/v1/policies", []byte(`{"policy":{"name":"x","kinds":["statement"],"keys":["` + good.KeyID + `"],"threshold":1,"requesters":["ci"],"request_ttl":1000000000,"version":7}}`), nil, 400, "invalid"},
		{"token with bad scope", roleAdmin, "/v1/tokens", []byte(`{"identity":"x","scopes":["root"]}`), nil, 400, "invalid"},
		{"bootstrap disabled", roleNone, "/v1/bootstrap", []byte(`{}`), nil, 403, "bootstrap_disabled"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			before := w.hash(t)
			status, code := w.post(t, tc.role, tc.path, tc.body, tc.header)
			if status != tc.status || code != tc.code {
				t.Fatalf("got %d %q, want %d %q", status, code, tc.status, tc.code)
			}
			if after := w.hash(t); after != before {
				t.Fatal("a refused write changed the state")
			}
		})
	}
}

func TestIdempotentRetries(t *testing.T) {
	w := newWorld(t, 1)
	ctx := context.Background()
	req := w.as(t, roleRequester)
	payload := statement(t, "r1")
	body := api.CreateRequestBody{ID: "r1", Kind: api.KindStatement, PayloadType: "application/vnd.in-toto+json", Payload: payload, Policy: "slsa"}
	first, err := req.CreateRequest(ctx, body)
	if err != nil || !first.Changed || first.Phase != api.PhasePending {
		t.Fatalf("first create: %+v %v", first, err)
	}
	h := w.hash(t)
	again, err := req.CreateRequest(ctx, body)
	if err != nil || again.Changed || w.hash(t) != h {
		t.Fatalf("retried create: %+v %v (state changed: %v)", again, err, w.hash(t) != h)
	}
	status, _ := w.post(t, roleRequester, "/v1/requests", mustJSON(t, body), nil)
	if status != http.StatusOK {
		t.Fatalf("retried create answered %d, want 200", status)
	}
	sig := sigBody(t, w.signers[0], payload)
	signer := w.as(t, roleSigner)
	if r, err := signer.AddSignature(ctx, "r1", sig); err != nil || !r.Changed {
		t.Fatalf("signature: %+v %v", r, err)
	}
	h = w.hash(t)
	if r, err := signer.AddSignature(ctx, "r1", sig); err != nil || r.Changed || w.hash(t) != h {
		t.Fatalf("retried signature: %+v %v", r, err)
	}
	// the second key releases; the view reports the threshold met.
	w.token(t, "signer1", api.CreateTokenBody{Identity: "agent1", Scopes: []string{"sign:" + w.signers[1].Key().KeyID}})
	if r, err := w.as(t, "signer1").AddSignature(ctx, "r1", sigBody(t, w.signers[1], payload)); err != nil || r.Phase != api.PhaseReleased {
		t.Fatalf("second signature: %+v %v", r, err)
	}
	v, err := w.as(t, roleReader).GetRequest(ctx, "r1")
	if err != nil || !v.Status.Met || len(v.Status.Signed) != 2 || v.Request.Phase != api.PhaseReleased {
		t.Fatalf("view: %+v %v", v.Status, err)
	}
	files, err := w.as(t, roleReader).WaitReleased(ctx, "r1")
	if err != nil || len(files) == 0 {
		t.Fatalf("released files: %v %v", files, err)
	}
	// a terminal request refuses cancellation with 410.
	if _, err := req.Cancel(ctx, "r1", ""); !errors.Is(err, client.ErrGone) {
		t.Fatalf("cancel after release: %v, want ErrGone", err)
	}
}
