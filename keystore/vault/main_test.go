package vault

import (
	"context"
	"crypto/rand"
	"encoding/hex"
	"errors"
	"os"
	"strconv"
	"sync"
	"testing"
	"time"

	"github.com/hashicorp/vault/api"

	"github.com/signet-dev/signet/keystore"
	"github.com/signet-dev/signet/softhsm-test/vaultdevtest"
)

// testVault is the server the integration tests use: bin/vaultdev started
// by TestMain, or an external Vault when SIGNET_VAULT_EXTERNAL=1 and
// VAULT_ADDR/VAULT_TOKEN are set (it needs transit mounted at transit/;
// tests create keys named signet-test-*).
var testVault struct {
	addr, token string
	skip        string // why there is no server
	mu          sync.Mutex
	keys        map[string]string // transit type -> shared key name
}

func TestMain(m *testing.M) {
	stop, err := startVault()
	if err != nil {
		testVault.skip = err.Error()
	}
	code := m.Run()
	if stop != nil {
		stop()
	}
	os.Exit(code)
}

func startVault() (stop func(), err error) {
	if os.Getenv("SIGNET_VAULT_EXTERNAL") == "1" {
		testVault.addr, testVault.token = os.Getenv("VAULT_ADDR"), os.Getenv("VAULT_TOKEN")
		if testVault.addr == "" || testVault.token == "" {
			return nil, errors.New("SIGNET_VAULT_EXTERNAL=1 needs VAULT_ADDR and VAULT_TOKEN")
		}
		return nil, nil
	}
	// The conformance suite signs 1 MiB messages, which ed25519 keys send
	// whole: raise the listener limit (and Config.MaxMessageSize).
	s, stop, err := vaultdevtest.Launch("-max-json-string-length", strconv.Itoa(4<<20))
	if err != nil {
		return nil, err
	}
	testVault.addr, testVault.token = s.Addr, s.Token
	return stop, nil
}

// needVault skips the test when no Vault is available, or fails it when
// CI or VAULT_REQUIRED=1 says the real path must run.
func needVault(tb testing.TB) {
	tb.Helper()
	if testVault.skip == "" {
		return
	}
	if vaultdevtest.Required() {
		tb.Fatalf("Vault is required (CI or VAULT_REQUIRED=1) but unavailable: %s", testVault.skip)
	}
	tb.Skipf("skipping Vault test: %s", testVault.skip)
}

func testConfig() Config {
	return Config{Address: testVault.addr, Token: testVault.token, Timeout: 30 * time.Second, MaxMessageSize: 3 << 20}
}

func testBackend(tb testing.TB, mod func(*Config)) *Backend {
	tb.Helper()
	cfg := testConfig()
	if mod != nil {
		mod(&cfg)
	}
	b, err := NewBackend(cfg, nil)
	if err != nil {
		tb.Fatalf("NewBackend: %v", err)
	}
	return b
}

// adminClient is a plain vault/api client with the root token, for test
// set-up (rotation, policies, non-signing keys).
func adminClient(tb testing.TB) *api.Client {
	tb.Helper()
	c, err := api.NewClient(&api.Config{Address: testVault.addr})
	if err != nil {
		tb.Fatalf("api.NewClient: %v", err)
	}
	c.SetToken(testVault.token)
	return c
}

func uniqueName(prefix string) string {
	var b [6]byte
	_, _ = rand.Read(b[:])
	return "signet-test-" + prefix + "-" + hex.EncodeToString(b[:])
}

func mustURI(tb testing.TB, s string) *keystore.URI {
	tb.Helper()
	u, err := keystore.ParseURI(s)
	if err != nil {
		tb.Fatalf("ParseURI(%q): %v", s, err)
	}
	return u
}

// newKey creates a fresh transit key of typ and returns its URI.
func newKey(tb testing.TB, typ string) string {
	tb.Helper()
	name := uniqueName(typ)
	uri := "hashivault://transit/" + name
	if _, err := testBackend(tb, nil).Generate(context.Background(), mustURI(tb, uri), GenerateOptions{KeyType: typ}); err != nil {
		tb.Fatalf("Generate %s: %v", typ, err)
	}
	return uri
}

// sharedKey returns the URI of a key of typ created once per run (RSA key
// generation is slow).
func sharedKey(tb testing.TB, typ string) string {
	tb.Helper()
	testVault.mu.Lock()
	defer testVault.mu.Unlock()
	if testVault.keys == nil {
		testVault.keys = map[string]string{}
	}
	if uri, ok := testVault.keys[typ]; ok {
		return uri
	}
	uri := newKey(tb, typ)
	testVault.keys[typ] = uri
	return uri
}
