package api

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"net/http"
	"net/http/httptest"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/signet-dev/signet/coordinator/internal/fsm"
	"github.com/signet-dev/signet/coordinator/internal/state"
)

func TestTokenRoundTrip(t *testing.T) {
	id, tok, hash, err := newSecret(bytes.NewReader(bytes.Repeat([]byte{7}, 40)))
	if err != nil {
		t.Fatal(err)
	}
	gotID, gotHash, ok := parseToken(tok)
	if !ok || gotID != id || gotHash != hash {
		t.Fatalf("parseToken(%q) = %q %q %v, want %q %q", tok, gotID, gotHash, ok, id, hash)
	}
	if _, _, _, err := newSecret(bytes.NewReader(nil)); err == nil {
		t.Fatal("newSecret with no randomness succeeded")
	}
	for _, bad := range []string{"", "signet_", "signet_abc_def", tok + "A", tok[:len(tok)-1], "xsignet_" + tok[7:]} {
		if _, _, ok := parseToken(bad); ok {
			t.Fatalf("parseToken accepted %q", bad)
		}
	}
}

func FuzzParseToken(f *testing.F) {
	_, tok, _, _ := newSecret(bytes.NewReader(bytes.Repeat([]byte{1}, 40)))
	f.Add(tok)
	f.Add("signet_0123456789abcdef_")
	f.Fuzz(func(t *testing.T, s string) {
		id, hash, ok := parseToken(s)
		if ok && (len(id) != 16 || len(hash) != state.TokenHashLen) {
			t.Fatalf("parseToken(%q) = %q %q", s, id, hash)
		}
	})
}

func TestStatusOf(t *testing.T) {
	for _, tc := range []struct {
		err    error
		status int
		code   string
	}{
		{state.ErrTerminal, http.StatusGone, "terminal"},
		{state.ErrReplay, http.StatusConflict, "replay"},
		{state.ErrSelfApproval, http.StatusForbidden, "self_approval"},
		{ErrNoLeader, http.StatusServiceUnavailable, "no_leader"},
		{errors.New("boom"), http.StatusInternalServerError, "internal"},
	} {
		if s, c := StatusOf(tc.err); s != tc.status || c != tc.code {
			t.Fatalf("StatusOf(%v) = %d %s, want %d %s", tc.err, s, c, tc.status, tc.code)
		}
	}
	if Codes()["too_large"] != http.StatusRequestEntityTooLarge {
		t.Fatal("Codes misses too_large")
	}
}

// stubBackend serves an FSM with no raft: enough to list routes.
type stubBackend struct{ f *fsm.FSM }

func (b stubBackend) Apply(context.Context, state.Op) (*fsm.Response, error) { return nil, ErrNoLeader }
func (b stubBackend) FSM() *fsm.FSM                                          { return b.f }
func (b stubBackend) IsLeader() bool                                         { return false }
func (b stubBackend) LeaderAPIAddr() string                                  { return "" }

// TestEveryRouteDocumented keeps docs/api.md and docs/openapi.yaml in step
// with the routes.
func TestEveryRouteDocumented(t *testing.T) {
	s, err := New(Config{Backend: stubBackend{fsm.New(fsm.Options{})}})
	if err != nil {
		t.Fatal(err)
	}
	md, err := os.ReadFile(filepath.Join("..", "..", "docs", "api.md"))
	if err != nil {
		t.Fatal(err)
	}
	spec, err := os.ReadFile(filepath.Join("..", "..", "docs", "openapi.yaml"))
	if err != nil {
		t.Fatal(err)
	}
	for _, rt := range s.routeTable() {
		if !strings.Contains(string(md), rt.pattern) {
			t.Errorf("docs/api.md does not document %s", rt.pattern)
		}
		_, path, _ := strings.Cut(rt.pattern, " ")
		if !strings.Contains(string(spec), "\n  "+path+":") {
			t.Errorf("docs/openapi.yaml has no path %s", path)
		}
	}
}

func TestNoLeader(t *testing.T) {
	s, err := New(Config{Backend: stubBackend{fsm.New(fsm.Options{})}})
	if err != nil {
		t.Fatal(err)
	}
	for _, tc := range []struct {
		method, path string
		status       int
		code         string
	}{
		{http.MethodPost, "/v1/requests", http.StatusServiceUnavailable, "no_leader"},
		{http.MethodGet, "/v1/health", http.StatusServiceUnavailable, ""},
		{http.MethodGet, "/v1/requests", http.StatusUnauthorized, "unauthenticated"},
	} {
		rec := httptest.NewRecorder()
		s.ServeHTTP(rec, httptest.NewRequest(tc.method, tc.path, strings.NewReader(`{}`)))
		var eb ErrorBody
		_ = json.Unmarshal(rec.Body.Bytes(), &eb)
		if rec.Code != tc.status || eb.Code != tc.code {
			t.Fatalf("%s %s: %d %q, want %d %q", tc.method, tc.path, rec.Code, eb.Code, tc.status, tc.code)
		}
	}
}
