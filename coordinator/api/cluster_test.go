package api_test

import (
	"context"
	"crypto/ecdsa"
	"crypto/elliptic"
	"crypto/rand"
	"crypto/tls"
	"crypto/x509"
	"crypto/x509/pkix"
	"errors"
	"math/big"
	"net/http"
	"net/http/httptest"
	"testing"
	"time"

	"github.com/signet-dev/signet/coordinator/api"
	"github.com/signet-dev/signet/coordinator/client"
)

func TestBlockingQueries(t *testing.T) {
	w := newWorld(t, 1)
	ctx := context.Background()
	reader := w.as(t, roleReader)
	first, err := reader.ListRequests(ctx, api.Filter{Status: api.PhasePending})
	if err != nil || first.Index == 0 {
		t.Fatalf("list: %+v %v", first, err)
	}
	done := make(chan api.RequestList, 1)
	errc := make(chan error, 1)
	go func() {
		l, err := reader.WaitRequests(ctx, first.Index, api.Filter{Status: api.PhasePending, KeyIDs: []string{w.signers[0].Key().KeyID}})
		if err != nil {
			errc <- err
			return
		}
		done <- l
	}()
	if _, err := w.as(t, roleRequester).CreateRequest(ctx, api.CreateRequestBody{ID: "woken", Kind: api.KindStatement,
		PayloadType: "application/vnd.in-toto+json", Payload: statement(t, "woken"), Policy: "slsa"}); err != nil {
		t.Fatal(err)
	}
	select {
	case err := <-errc:
		t.Fatal(err)
	case l := <-done:
		if l.Index <= first.Index || len(l.Requests) != 1 || l.Requests[0].Request.ID != "woken" {
			t.Fatalf("woken list: index %d (was %d), %d requests", l.Index, first.Index, len(l.Requests))
		}
	}
	// nothing changes: the query returns after its wait with the same index.
	short, err := client.New(client.Config{Endpoints: []string{w.leader(t).srv.URL}, Token: w.tokens[roleReader], Wait: 50 * time.Millisecond})
	if err != nil {
		t.Fatal(err)
	}
	now, _ := reader.ListRequests(ctx, api.Filter{})
	l, err := short.WaitRequests(ctx, now.Index, api.Filter{})
	if err != nil || l.Index != now.Index {
		t.Fatalf("timed-out wait: index %d, want %d, err %v", l.Index, now.Index, err)
	}
	// bad blocking parameters are refused.
	if err := rawGet(ctx, w.leader(t).srv.URL+"/v1/requests?index=x", w.tokens[roleReader]); err == nil {
		t.Fatal("index=x accepted")
	}
}

func TestFollowerForwardsWrites(t *testing.T) {
	if testing.Short() {
		t.Skip("3-node cluster")
	}
	w := newWorld(t, 3)
	ctx := context.Background()
	f := w.follower(t)
	dead := httptest.NewServer(http.NotFoundHandler())
	dead.Close()
	cl := newClient(t, w.tokens[roleRequester], dead.URL, f.srv.URL) // fails over past the dead node
	res, err := cl.CreateRequest(ctx, api.CreateRequestBody{ID: "fwd", Kind: api.KindStatement,
		PayloadType: "application/vnd.in-toto+json", Payload: statement(t, "fwd"), Policy: "slsa"})
	if err != nil || !res.Changed {
		t.Fatalf("create through a follower: %+v %v", res, err)
	}
	if err := f.backend.FSM().WaitIndex(ctx, res.Index); err != nil {
		t.Fatal(err)
	}
	v, err := newClient(t, w.tokens[roleReader], f.srv.URL).GetRequest(ctx, "fwd")
	if err != nil || v.Request.Requester != "ci" {
		t.Fatalf("read on the follower: %+v %v", v.Request, err)
	}
	// a request already forwarded once is not forwarded again.
	status, code := w.postTo(t, f.srv.URL, roleRequester, "/v1/requests/fwd/cancel", []byte(`{}`), map[string]string{"X-Signet-Forwarded": "1"})
	if status != http.StatusServiceUnavailable || code != "no_leader" {
		t.Fatalf("re-forwarded write: %d %s", status, code)
	}
	// errors from the leader come back through the follower unchanged.
	if _, err := cl.Cancel(ctx, "nope", ""); !errors.Is(err, client.ErrNotFound) {
		t.Fatalf("cancel unknown via follower: %v", err)
	}
}

func TestBootstrapEndpoint(t *testing.T) {
	c := newCluster(t, 1, func(cfg *api.Config) { cfg.AllowBootstrap = true })
	c.leader(t)
	ctx := context.Background()
	anon := newClient(t, "", c.leader(t).srv.URL)
	nt, err := anon.Bootstrap(ctx, "root-admin")
	if err != nil || nt.Secret == "" || nt.Token.Identity != "root-admin" {
		t.Fatalf("bootstrap: %+v %v", nt.Token, err)
	}
	if _, err := anon.Bootstrap(ctx, ""); !errors.Is(err, client.ErrConflict) {
		t.Fatalf("second bootstrap: %v, want 409", err)
	}
	toks, err := newClient(t, nt.Secret, c.leader(t).srv.URL).Tokens(ctx)
	if err != nil || len(toks) != 1 || toks[0].Scopes[0] != api.ScopeAdmin {
		t.Fatalf("tokens with the bootstrap secret: %+v %v", toks, err)
	}
}

func TestClientCertificates(t *testing.T) {
	c := newCluster(t, 1, nil)
	c.bootstrap(t)
	l := c.leader(t)
	ca, caKey := newCA(t)
	srv, err := api.New(api.Config{Backend: l.backend, Now: c.clock.Now,
		CertIdentities: map[string]api.CertIdentity{"auditor.example": {Identity: "auditor", Scopes: []string{"read"}}}})
	if err != nil {
		t.Fatal(err)
	}
	hs := httptest.NewUnstartedServer(srv)
	pool := x509.NewCertPool()
	pool.AddCert(ca)
	hs.TLS = &tls.Config{ClientAuth: tls.VerifyClientCertIfGiven, ClientCAs: pool}
	hs.StartTLS()
	t.Cleanup(hs.Close)
	ctx := context.Background()
	certClient := func(cn string) *client.Client {
		tc := hs.Client().Transport.(*http.Transport).TLSClientConfig.Clone()
		if cn != "" {
			tc.Certificates = []tls.Certificate{leafCert(t, ca, caKey, cn)}
		}
		cl, err := client.New(client.Config{Endpoints: []string{hs.URL}, TLS: tc})
		if err != nil {
			t.Fatal(err)
		}
		return cl
	}
	if _, err := certClient("auditor.example").Keys(ctx); err != nil {
		t.Fatalf("mapped certificate with read: %v", err)
	}
	if _, err := certClient("auditor.example").Tokens(ctx); !errors.Is(err, client.ErrForbidden) {
		t.Fatalf("mapped certificate without admin: %v, want 403", err)
	}
	if _, err := certClient("stranger.example").Keys(ctx); !errors.Is(err, client.ErrUnauthenticated) {
		t.Fatalf("unmapped certificate: %v, want 401", err)
	}
	if _, err := certClient("").Keys(ctx); !errors.Is(err, client.ErrUnauthenticated) {
		t.Fatalf("no certificate: %v, want 401", err)
	}
	if _, err := api.New(api.Config{Backend: l.backend, CertIdentities: map[string]api.CertIdentity{"x": {Identity: "x", Scopes: []string{"root"}}}}); !errors.Is(err, api.ErrConfig) {
		t.Fatalf("bad cert scope accepted: %v", err)
	}
}

func newCA(t *testing.T) (*x509.Certificate, *ecdsa.PrivateKey) {
	t.Helper()
	key, err := ecdsa.GenerateKey(elliptic.P256(), rand.Reader)
	if err != nil {
		t.Fatal(err)
	}
	tmpl := &x509.Certificate{SerialNumber: big.NewInt(1), Subject: pkix.Name{CommonName: "test CA"},
		NotBefore: time.Now().Add(-time.Hour), NotAfter: time.Now().Add(time.Hour), IsCA: true,
		KeyUsage: x509.KeyUsageCertSign, BasicConstraintsValid: true}
	der, err := x509.CreateCertificate(rand.Reader, tmpl, tmpl, &key.PublicKey, key)
	if err != nil {
		t.Fatal(err)
	}
	cert, err := x509.ParseCertificate(der)
	if err != nil {
		t.Fatal(err)
	}
	return cert, key
}

func leafCert(t *testing.T, ca *x509.Certificate, caKey *ecdsa.PrivateKey, cn string) tls.Certificate {
	t.Helper()
	key, err := ecdsa.GenerateKey(elliptic.P256(), rand.Reader)
	if err != nil {
		t.Fatal(err)
	}
	tmpl := &x509.Certificate{SerialNumber: big.NewInt(2), Subject: pkix.Name{CommonName: cn},
		NotBefore: time.Now().Add(-time.Hour), NotAfter: time.Now().Add(time.Hour),
		KeyUsage: x509.KeyUsageDigitalSignature, ExtKeyUsage: []x509.ExtKeyUsage{x509.ExtKeyUsageClientAuth}}
	der, err := x509.CreateCertificate(rand.Reader, tmpl, ca, &key.PublicKey, caKey)
	if err != nil {
		t.Fatal(err)
	}
	return tls.Certificate{Certificate: [][]byte{der}, PrivateKey: key}
}

// TestFollowerRedirectsCertificateWrites: a follower cannot proxy a
// client certificate, so it redirects such writes to the leader.
func TestFollowerRedirectsCertificateWrites(t *testing.T) {
	if testing.Short() {
		t.Skip("3-node cluster")
	}
	c := newCluster(t, 3, nil)
	c.bootstrap(t)
	f := c.follower(t)
	ca, caKey := newCA(t)
	srv, err := api.New(api.Config{Backend: f.backend, Now: c.clock.Now, ForwardScheme: "http",
		CertIdentities: map[string]api.CertIdentity{"ops.example": {Identity: "ops", Scopes: []string{"admin"}}}})
	if err != nil {
		t.Fatal(err)
	}
	hs := httptest.NewUnstartedServer(srv)
	pool := x509.NewCertPool()
	pool.AddCert(ca)
	hs.TLS = &tls.Config{ClientAuth: tls.VerifyClientCertIfGiven, ClientCAs: pool}
	hs.StartTLS()
	t.Cleanup(hs.Close)
	tr := hs.Client().Transport.(*http.Transport).Clone()
	tr.TLSClientConfig.Certificates = []tls.Certificate{leafCert(t, ca, caKey, "ops.example")}
	hc := &http.Client{Transport: tr, CheckRedirect: func(*http.Request, []*http.Request) error { return http.ErrUseLastResponse }}
	resp, err := hc.Post(hs.URL+"/v1/keys?x=1", "application/json", nil)
	if err != nil {
		t.Fatal(err)
	}
	resp.Body.Close()
	want := c.leader(t).srv.URL + "/v1/keys?x=1"
	if resp.StatusCode != http.StatusTemporaryRedirect || resp.Header.Get("Location") != want {
		t.Fatalf("got %d Location %q, want 307 %q", resp.StatusCode, resp.Header.Get("Location"), want)
	}
}

func TestWaitReleasedWakes(t *testing.T) {
	w := newWorld(t, 1)
	ctx := context.Background()
	payload := statement(t, "wait")
	if _, err := w.as(t, roleRequester).CreateRequest(ctx, api.CreateRequestBody{ID: "wait", Kind: api.KindStatement,
		PayloadType: "application/vnd.in-toto+json", Payload: payload, Policy: "slsa"}); err != nil {
		t.Fatal(err)
	}
	type result struct {
		files []api.File
		err   error
	}
	done := make(chan result, 1)
	reader := w.as(t, roleReader)
	go func() {
		files, err := reader.WaitReleased(ctx, "wait")
		done <- result{files, err}
	}()
	for i := range 2 {
		if _, err := w.admin.AddSignature(ctx, "wait", sigBody(t, w.signers[i], payload)); err != nil {
			t.Fatal(err)
		}
	}
	r := <-done
	if r.err != nil || len(r.files) != 1 || r.files[0].Format != "dsse" {
		t.Fatalf("WaitReleased = %+v, %v", r.files, r.err)
	}
}
