package api_test

import (
	"bytes"
	"net/http"
	"net/http/httptest"
	"net/url"
	"testing"

	"github.com/signet-dev/signet/coordinator/api"
)

// FuzzDecode feeds every request body type the API decodes; decoding must
// never panic and must refuse what it cannot represent exactly.
func FuzzDecode(f *testing.F) {
	for _, s := range []string{
		`{"id":"r1","kind":"statement","payload_type":"application/vnd.in-toto+json","payload":"e30=","policy":"slsa"}`,
		`{"key_id":"abc","sig":"AAAA","meta_sig":"AAAA"}`,
		`{"document":"e30="}`, `{"key_id":"k","reason":"no"}`, `{"reason":"x"}`,
		`{"key":{"keyid":"a","keytype":"ed25519","scheme":"ed25519","keyval":{"public":"00"}},"identity":"x","role":"owner"}`,
		`{"policy":{"name":"p","kinds":["statement"],"keys":["k"],"threshold":1,"requesters":["ci"],"request_ttl":1}}`,
		`{"name":"n","identity":"i","scopes":["read"],"expires":"2026-11-22T08:00:00Z"}`,
		`{"id":"x"} {}`, `{"extra":1}`, `[]`, `null`, ``,
	} {
		f.Add([]byte(s))
	}
	f.Fuzz(func(t *testing.T, data []byte) {
		targets := []any{&api.CreateRequestBody{}, &api.SignatureBody{}, &api.LinkBody{}, &api.RejectBody{},
			&api.CancelBody{}, &api.EnrollKeyBody{}, &api.RevokeBody{}, &api.PolicyBody{}, &api.CreateTokenBody{}, &api.BootstrapBody{}}
		for _, v := range targets {
			if err := api.DecodeJSON(data, v); err == nil && len(bytes.TrimSpace(data)) == 0 {
				t.Fatalf("%T: empty input accepted", v)
			}
		}
	})
}

// FuzzParseFilter checks that list filters either parse within bounds or
// are refused.
func FuzzParseFilter(f *testing.F) {
	for _, s := range []string{"status=pending&key_id=a&key_id=b", "kind=link&limit=5", "limit=0", "limit=99999", "status=weird", "%zz"} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, q string) {
		v, err := url.ParseQuery(q)
		if err != nil {
			return
		}
		fl, err := api.ParseFilter(v)
		if err != nil {
			return
		}
		if fl.Limit < 1 || fl.Limit > api.MaxListLimit || len(fl.KeyIDs) > api.MaxFilterKeys {
			t.Fatalf("filter out of bounds: %+v", fl)
		}
		back, err := api.ParseFilter(fl.Query())
		if err != nil || back.Status != fl.Status || back.Kind != fl.Kind || back.Limit != fl.Limit {
			t.Fatalf("filter does not round-trip: %+v -> %+v (%v)", fl, back, err)
		}
	})
}

// FuzzCreateRequestHandler posts arbitrary bodies to POST /v1/requests on
// a real single-node cluster: the answer is never a 500, and a refusal
// leaves the state as it was.
func FuzzCreateRequestHandler(f *testing.F) {
	f.Add([]byte(`{"id":"r1","kind":"statement","payload_type":"application/vnd.in-toto+json","payload":"e30=","policy":"slsa"}`))
	f.Add([]byte(`{"id":"r1","kind":"link","payload":"","policy":"slsa"}`))
	f.Add([]byte(`{"id":"../x"}`))
	f.Add([]byte(`{`))
	c := newCluster(f, 1, nil)
	secret := c.bootstrap(f)
	handler := c.leader(f).srv.Config.Handler
	f.Fuzz(func(t *testing.T, body []byte) {
		before := c.hash(t)
		req := httptest.NewRequest(http.MethodPost, "/v1/requests", bytes.NewReader(body))
		req.Header.Set("Authorization", "Bearer "+secret)
		rec := httptest.NewRecorder()
		handler.ServeHTTP(rec, req)
		if rec.Code >= 500 {
			t.Fatalf("status %d for %q: %s", rec.Code, body, rec.Body)
		}
		if rec.Code >= 400 && c.hash(t) != before {
			t.Fatalf("refused (%d) but the state changed", rec.Code)
		}
	})
}
