package client

import (
	"context"
	"errors"
	"fmt"
	"net/http"
	"net/http/httptest"
	"strings"
	"sync/atomic"
	"testing"
	"time"

	"github.com/signet-dev/signet/coordinator/api"
)

func TestNewValidates(t *testing.T) {
	for _, cfg := range []Config{
		{},
		{Endpoints: []string{"ftp://x"}},
		{Endpoints: []string{"coordinator:8443"}},
		{Endpoints: []string{"https://x"}, Token: "a b"},
	} {
		if _, err := New(cfg); !errors.Is(err, ErrConfig) {
			t.Fatalf("New(%+v) = %v, want ErrConfig", cfg, err)
		}
	}
}

// answer is a fake node that answers every call with status and body.
func answer(t *testing.T, hits *atomic.Int32, status int, body string) *httptest.Server {
	t.Helper()
	s := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		hits.Add(1)
		if got := r.Header.Get("Authorization"); got != "Bearer signet_tok" {
			t.Errorf("Authorization = %q", got)
		}
		w.Header().Set(api.IndexHeader, "42")
		w.WriteHeader(status)
		fmt.Fprint(w, body)
	}))
	t.Cleanup(s.Close)
	return s
}

func TestErrorsAndFailover(t *testing.T) {
	var down, up atomic.Int32
	unavailable := answer(t, &down, 503, `{"error":"no leader","code":"no_leader"}`)
	ok := answer(t, &up, 200, `{"leader":true,"leader_addr":"x","index":42}`)
	c, err := New(Config{Endpoints: []string{unavailable.URL, ok.URL}, Token: "signet_tok"})
	if err != nil {
		t.Fatal(err)
	}
	h, err := c.Health(context.Background())
	if err != nil || !h.Leader || h.Index != 42 {
		t.Fatalf("Health = %+v, %v", h, err)
	}
	// the node that answered is tried first next time.
	if _, err := c.Health(context.Background()); err != nil || down.Load() != 1 || up.Load() != 2 {
		t.Fatalf("second call: %v; hits down=%d up=%d", err, down.Load(), up.Load())
	}
	for _, tc := range []struct {
		status int
		want   error
	}{
		{400, ErrBadRequest}, {401, ErrUnauthenticated}, {403, ErrForbidden}, {404, ErrNotFound},
		{409, ErrConflict}, {410, ErrGone}, {413, ErrTooLarge},
	} {
		var n atomic.Int32
		s := answer(t, &n, tc.status, `{"error":"because","code":"some_code"}`)
		c, _ := New(Config{Endpoints: []string{s.URL, s.URL}, Token: "signet_tok"})
		_, err := c.Keys(context.Background())
		var e *Error
		if !errors.Is(err, tc.want) || !errors.As(err, &e) || e.Code != "some_code" || e.Message != "because" {
			t.Fatalf("status %d: err = %v, want %v", tc.status, err, tc.want)
		}
		if n.Load() != 1 {
			t.Fatalf("status %d was retried on another node (%d calls)", tc.status, n.Load())
		}
	}
	var n atomic.Int32
	s := answer(t, &n, 503, `{}`)
	c, _ = New(Config{Endpoints: []string{s.URL, s.URL}, Token: "signet_tok", RetryFor: -1})
	if _, err := c.Keys(context.Background()); !errors.Is(err, ErrUnavailable) || n.Load() != 2 {
		t.Fatalf("all nodes 503: %v after %d calls", err, n.Load())
	}
}

// TestRetriesThroughElection: while nodes answer 503 the client tries
// again in rounds; once a node answers, the call succeeds.
func TestRetriesThroughElection(t *testing.T) {
	var calls atomic.Int32
	s := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if calls.Add(1) <= 5 {
			w.WriteHeader(http.StatusServiceUnavailable)
			_, _ = w.Write([]byte(`{"error":"no leader","code":"no_leader"}`))
			return
		}
		_, _ = w.Write([]byte(`[]`))
	}))
	t.Cleanup(s.Close)
	c, _ := New(Config{Endpoints: []string{s.URL}, Token: "signet_tok", RetryFor: 20 * time.Second})
	if _, err := c.Keys(context.Background()); err != nil || calls.Load() != 6 {
		t.Fatalf("Keys = %v after %d calls, want success after 6", err, calls.Load())
	}
	// Nothing listening at all: it gives up after about 2 s, not RetryFor.
	dead := httptest.NewServer(http.NotFoundHandler())
	dead.Close()
	c, _ = New(Config{Endpoints: []string{dead.URL}, Token: "signet_tok", RetryFor: time.Hour})
	ctx, cancel := context.WithTimeout(context.Background(), 20*time.Second)
	defer cancel()
	if _, err := c.Keys(ctx); !errors.Is(err, ErrUnavailable) || ctx.Err() != nil {
		t.Fatalf("unreachable endpoint: %v (ctx %v), want ErrUnavailable well before the context ends", err, ctx.Err())
	}
}

func TestResponseBounded(t *testing.T) {
	var n atomic.Int32
	s := answer(t, &n, 200, `[`+strings.Repeat(`{},`, 1000)+`{}]`)
	c, _ := New(Config{Endpoints: []string{s.URL}, Token: "signet_tok", MaxResponseSize: 100})
	if _, err := c.Keys(context.Background()); !errors.Is(err, ErrTooLarge) {
		t.Fatalf("oversize answer: %v, want ErrTooLarge", err)
	}
}

func TestWaitReleasedEndsOnTerminal(t *testing.T) {
	var n atomic.Int32
	s := answer(t, &n, 200, `{"id":"r","phase":"rejected","files":[]}`)
	c, _ := New(Config{Endpoints: []string{s.URL}, Token: "signet_tok"})
	if _, err := c.WaitReleased(context.Background(), "r"); !errors.Is(err, ErrNotReleased) {
		t.Fatalf("rejected request: %v, want ErrNotReleased", err)
	}
}

// TestReadYourWrites: after an answer at index N, reads of requests ask
// the answering node to have applied N (a blocking query from N-1), so a
// lagging follower does not answer before it has the client's writes.
func TestReadYourWrites(t *testing.T) {
	var query atomic.Value
	s := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if r.Method == http.MethodPost {
			w.Header().Set("X-Signet-Index", "10")
			_, _ = w.Write([]byte(`{"changed":true,"index":10}`))
			return
		}
		query.Store(r.URL.Path + "?" + r.URL.RawQuery)
		w.Header().Set("X-Signet-Index", "10")
		body := map[string]string{"/v1/keys": `[]`, "/v1/policies": `[]`, "/v1/policies/p": `{"name":"p"}`,
			"/v1/tokens": `[]`, "/v1/audit": `{"entries":[],"index":10}`}[r.URL.Path]
		if body == "" {
			body = `{"request":{"id":"r1"}}`
		}
		_, _ = w.Write([]byte(body))
	}))
	t.Cleanup(s.Close)
	c, _ := New(Config{Endpoints: []string{s.URL}, Token: "signet_tok", Wait: 3 * time.Second})
	if _, err := c.GetRequest(context.Background(), "r1"); err != nil {
		t.Fatal(err)
	}
	if q := query.Load().(string); q != "/v1/requests/r1?" {
		t.Fatalf("first read sent %q, want no index", q)
	}
	if _, err := c.CreateRequest(context.Background(), api.CreateRequestBody{ID: "r1"}); err != nil {
		t.Fatal(err)
	}
	if _, err := c.GetRequest(context.Background(), "r1"); err != nil {
		t.Fatal(err)
	}
	if q := query.Load().(string); q != "/v1/requests/r1?index=9&wait=3s" {
		t.Fatalf("read after a write at index 10 sent %q, want index=9&wait=3s", q)
	}
	// Every read of the state does the same, not only reads of requests.
	ctx := context.Background()
	for _, read := range []struct {
		path string
		call func() error
	}{
		{"/v1/keys", func() error { _, err := c.Keys(ctx); return err }},
		{"/v1/policies", func() error { _, err := c.Policies(ctx); return err }},
		{"/v1/policies/p", func() error { _, err := c.Policy(ctx, "p"); return err }},
		{"/v1/tokens", func() error { _, err := c.Tokens(ctx); return err }},
		{"/v1/audit", func() error { _, err := c.Audit(ctx, 0, 10); return err }},
	} {
		if err := read.call(); err != nil {
			t.Fatalf("%s: %v", read.path, err)
		}
		if q := query.Load().(string); !strings.HasPrefix(q, read.path+"?") || !strings.Contains(q, "index=9&") || !strings.HasSuffix(q, "wait=3s") {
			t.Errorf("read of %s after a write at index 10 sent %q, want index=9&wait=3s", read.path, q)
		}
	}
}
