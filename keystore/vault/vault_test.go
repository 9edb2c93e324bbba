package vault

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"net/http"
	"net/http/httptest"
	"net/http/httputil"
	"net/url"
	"strconv"
	"strings"
	"sync"
	"sync/atomic"
	"testing"

	"github.com/hashicorp/vault/api"

	"github.com/signet-dev/signet/keystore"
	"github.com/signet-dev/signet/keystore/keystoretest"
	"github.com/signet-dev/signet/pkg/keys"
)

func openSigner(t *testing.T, b *Backend, uri string, opts keystore.Options) *Signer {
	t.Helper()
	s, err := b.OpenSigner(t.Context(), mustURI(t, uri), opts)
	if err != nil {
		t.Fatalf("OpenSigner(%s): %v", uri, err)
	}
	t.Cleanup(func() { _ = s.Close() })
	return s
}

func TestConformance(t *testing.T) {
	needVault(t)
	reg := keystore.NewRegistry()
	testBackend(t, nil).Register(reg)
	cases := []struct{ typ, keyType, scheme string }{
		{"ed25519", keys.KeyTypeED25519, keys.SchemeED25519},
		{"ecdsa-p256", keys.KeyTypeECDSA, keys.SchemeECDSAP256},
		{"ecdsa-p384", keys.KeyTypeECDSA, keys.SchemeECDSAP384},
		{"rsa-2048", keys.KeyTypeRSA, keys.SchemeRSASSAPSSSHA256},
		{"rsa-3072", keys.KeyTypeRSA, keys.SchemeRSASSAPSSSHA256},
		{"rsa-4096", keys.KeyTypeRSA, keys.SchemeRSASSAPSSSHA256},
	}
	for _, tc := range cases {
		t.Run(tc.typ, func(t *testing.T) {
			uri := sharedKey(t, tc.typ)
			keystoretest.Run(t, func(t *testing.T) keystore.Signer {
				s, err := reg.Open(t.Context(), uri, keystore.Options{})
				if err != nil {
					t.Fatalf("Open(%s): %v", uri, err)
				}
				k := s.Key()
				if k.KeyType != tc.keyType || k.Scheme != tc.scheme {
					t.Fatalf("key is %s/%s, want %s/%s", k.KeyType, k.Scheme, tc.keyType, tc.scheme)
				}
				if v, ok := s.(*Signer); !ok || v.Version() != 1 {
					t.Fatalf("Open returned %T, want *Signer at version 1", s)
				}
				return s
			})
		})
	}
}

// TestRSASchemes signs with the other RSA schemes on the shared rsa-4096
// key and checks Vault honoured them (PKCS#1 v1.5 signatures do not verify
// as PSS and the other way round).
func TestRSASchemes(t *testing.T) {
	needVault(t)
	b := testBackend(t, nil)
	uri := sharedKey(t, "rsa-4096")
	msg := []byte("scheme test")
	for _, scheme := range []string{keys.SchemeRSASSAPSSSHA384, keys.SchemeRSASSAPSSSHA512, keys.SchemeRSAPKCS1v15SHA256} {
		t.Run(scheme, func(t *testing.T) {
			s := openSigner(t, b, uri, keystore.Options{Scheme: scheme})
			sig, err := s.Sign(t.Context(), msg)
			if err != nil {
				t.Fatalf("Sign: %v", err)
			}
			if err := s.Key().Verify(msg, sig); err != nil {
				t.Fatalf("Verify: %v", err)
			}
			other := s.Key()
			other.Scheme = keys.SchemeRSASSAPSSSHA256
			if strings.HasPrefix(scheme, "rsa-pkcs1v15") && other.Verify(msg, sig) == nil {
				t.Fatal("a PKCS#1 v1.5 signature verified as PSS")
			}
		})
	}
}

func TestRotationPinsVersions(t *testing.T) {
	needVault(t)
	b := testBackend(t, nil)
	uri := newKey(t, "ed25519")
	name := strings.TrimPrefix(uri, "hashivault://transit/")
	v1 := openSigner(t, b, uri, keystore.Options{})
	if v1.Version() != 1 || v1.URI() != uri+"?version=1" {
		t.Fatalf("Version %d URI %s, want 1 and %s?version=1", v1.Version(), v1.URI(), uri)
	}
	admin := adminClient(t)
	if _, err := admin.Logical().Write("transit/keys/"+name+"/rotate", nil); err != nil {
		t.Fatalf("rotate: %v", err)
	}
	v2 := openSigner(t, b, uri, keystore.Options{})
	if v2.Version() != 2 || v2.Key().KeyID == v1.Key().KeyID {
		t.Fatalf("after rotation: version %d, key id changed %v; want 2 and a new key id", v2.Version(), v2.Key().KeyID != v1.Key().KeyID)
	}
	pinned := openSigner(t, b, uri+"?version=1", keystore.Options{})
	if pinned.Key().KeyID != v1.Key().KeyID {
		t.Fatal("?version=1 after rotation is not the version-1 key")
	}
	msg := []byte("signed with version 1 after rotation")
	for _, s := range []*Signer{v1, pinned} {
		sig, err := s.Sign(t.Context(), msg)
		if err != nil {
			t.Fatalf("Sign: %v", err)
		}
		if err := v1.Key().Verify(msg, sig); err != nil {
			t.Fatalf("signature of the pinned signer does not verify with version 1: %v", err)
		}
		if err := v2.Key().Verify(msg, sig); err == nil {
			t.Fatal("a version-1 signature verified with version 2")
		}
	}
	_, err := b.OpenSigner(t.Context(), mustURI(t, uri+"?version=3"), keystore.Options{})
	if !errors.Is(err, ErrVersionNotFound) || !errors.Is(err, keystore.ErrKeyNotFound) {
		t.Fatalf("version 3: got %v, want ErrVersionNotFound and keystore.ErrKeyNotFound", err)
	}
	if _, err := admin.Logical().Write("transit/keys/"+name+"/config", map[string]any{"min_encryption_version": 2}); err != nil {
		t.Fatalf("config: %v", err)
	}
	_, err = b.OpenSigner(t.Context(), mustURI(t, uri+"?version=1"), keystore.Options{})
	if !errors.Is(err, ErrVersionNotFound) {
		t.Fatalf("version below min_encryption_version: got %v, want ErrVersionNotFound", err)
	}
	// A signer opened before the version was retired gets Vault's refusal:
	// a single Sign (one plain input) and a SignBatch (batch_input, an
	// error per item) alike.
	if _, err := pinned.Sign(t.Context(), msg); !errors.Is(err, ErrVault) || !strings.Contains(err.Error(), "version") {
		t.Fatalf("Sign with a retired version: got %v, want ErrVault with Vault's message", err)
	}
	if _, err := pinned.SignBatch(t.Context(), [][]byte{msg, msg}); !errors.Is(err, ErrVault) || !strings.Contains(err.Error(), "version") {
		t.Fatalf("SignBatch with a retired version: got %v, want ErrVault with Vault's message", err)
	}
}

// limitedToken returns a token whose policy may read and list keys but
// not sign.
func limitedToken(t *testing.T) string {
	t.Helper()
	admin := adminClient(t)
	policy := `path "transit/keys/*" { capabilities = ["read"] }
path "transit/keys" { capabilities = ["list"] }`
	pname := uniqueName("policy")
	if err := admin.Sys().PutPolicy(pname, policy); err != nil {
		t.Fatalf("PutPolicy: %v", err)
	}
	sec, err := admin.Auth().Token().Create(&api.TokenCreateRequest{Policies: []string{pname}, NoDefaultPolicy: true})
	if err != nil || sec.Auth == nil {
		t.Fatalf("token create: %v", err)
	}
	return sec.Auth.ClientToken
}

func TestErrors(t *testing.T) {
	needVault(t)
	good := sharedKey(t, "ed25519")
	goodName := strings.TrimPrefix(good, "hashivault://transit/")
	aesName, p521Name := uniqueName("aes"), uniqueName("p521")
	for name, typ := range map[string]string{aesName: "aes256-gcm96", p521Name: "ecdsa-p521"} {
		if _, err := adminClient(t).Logical().Write("transit/keys/"+name, map[string]any{"type": typ}); err != nil {
			t.Fatalf("creating %s key: %v", typ, err)
		}
	}
	const badToken = "hvs.not-a-real-token-7c1d"
	tests := []struct {
		name     string
		cfg      func(*Config)
		uri      string
		opts     keystore.Options
		wantErr  error
		wantText []string
	}{
		{"bad token", func(c *Config) { c.Token = badToken }, good, keystore.Options{}, ErrPermissionDenied, []string{`"read"`, "transit/keys/" + goodName}},
		{"unreachable", func(c *Config) { c.Address = "http://127.0.0.1:1" }, good, keystore.Options{}, keystore.ErrUnavailable, []string{"http://127.0.0.1:1"}},
		{"missing key", nil, "hashivault://transit/" + uniqueName("missing"), keystore.Options{}, keystore.ErrKeyNotFound, []string{goodName}},
		{"missing mount", nil, "hashivault://no-such-mount/k", keystore.Options{}, keystore.ErrKeyNotFound, nil},
		{"aes key", nil, "hashivault://transit/" + aesName, keystore.Options{}, ErrUnsupportedKey, []string{"aes256-gcm96"}},
		{"ecdsa-p521 key", nil, "hashivault://transit/" + p521Name, keystore.Options{}, ErrUnsupportedKey, []string{"nistp521"}},
		{"key type mismatch", nil, good, keystore.Options{KeyType: keys.KeyTypeRSA}, ErrUnsupportedKey, nil},
		{"scheme mismatch", nil, good, keystore.Options{Scheme: keys.SchemeECDSAP256}, ErrUnsupportedKey, nil},
		{"wrong scheme for URI", nil, "file:///x", keystore.Options{}, keystore.ErrBadURI, nil},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			b := testBackend(t, tc.cfg)
			s, err := b.Open(t.Context(), mustURI(t, tc.uri), tc.opts)
			if !errors.Is(err, tc.wantErr) {
				t.Fatalf("Open: got %v, want %v", err, tc.wantErr)
			}
			if s != nil {
				t.Fatal("Open returned a signer with an error")
			}
			for _, want := range tc.wantText {
				if !strings.Contains(err.Error(), want) {
					t.Errorf("error %q does not mention %q", err, want)
				}
			}
			for _, secret := range []string{badToken, testVault.token} {
				if strings.Contains(err.Error(), secret) {
					t.Fatalf("error contains a token: %q", err)
				}
			}
		})
	}
}

func TestSignPermissionDenied(t *testing.T) {
	needVault(t)
	uri := sharedKey(t, "ecdsa-p256")
	tok := limitedToken(t)
	b := testBackend(t, func(c *Config) { c.Token = tok })
	s := openSigner(t, b, uri, keystore.Options{}) // read is allowed
	_, err := s.Sign(t.Context(), []byte("msg"))
	if !errors.Is(err, ErrPermissionDenied) || !strings.Contains(err.Error(), `"update" capability`) ||
		!strings.Contains(err.Error(), "transit/sign/") {
		t.Fatalf("Sign: got %v, want ErrPermissionDenied naming the update capability on transit/sign/...", err)
	}
	if strings.Contains(err.Error(), tok) {
		t.Fatal("error contains the token")
	}
	// The policy may list keys, so a missing key's error names them.
	_, err = b.Open(t.Context(), mustURI(t, "hashivault://transit/"+uniqueName("nope")), keystore.Options{})
	if !errors.Is(err, keystore.ErrKeyNotFound) || !strings.Contains(err.Error(), "keys in the mount") {
		t.Fatalf("missing key: got %v", err)
	}
}

func TestGenerate(t *testing.T) {
	needVault(t)
	b := testBackend(t, nil)
	uri := "hashivault://transit/" + uniqueName("gen")
	k, err := b.Generate(t.Context(), mustURI(t, uri), GenerateOptions{KeyType: keys.KeyTypeECDSA})
	if err != nil {
		t.Fatalf("Generate: %v", err)
	}
	if k.KeyType != keys.KeyTypeECDSA || k.Scheme != keys.SchemeECDSAP256 {
		t.Fatalf("generated %s/%s, want ecdsa/ecdsa-sha2-nistp256", k.KeyType, k.Scheme)
	}
	s := openSigner(t, b, uri, keystore.Options{})
	if s.Key().KeyID != k.KeyID {
		t.Fatal("the opened key is not the generated one")
	}
	tests := []struct {
		name    string
		uri     string
		opts    GenerateOptions
		wantErr error
	}{
		{"exists", uri, GenerateOptions{KeyType: "ed25519"}, ErrKeyExists},
		{"with version", uri + "?version=1", GenerateOptions{KeyType: "ed25519"}, keystore.ErrBadURI},
		{"aes type", "hashivault://transit/" + uniqueName("x"), GenerateOptions{KeyType: "aes256-gcm96"}, keystore.ErrInvalidOptions},
		{"no type", "hashivault://transit/" + uniqueName("x"), GenerateOptions{}, keystore.ErrInvalidOptions},
		{"p521", "hashivault://transit/" + uniqueName("x"), GenerateOptions{KeyType: "ecdsa-p521"}, keystore.ErrInvalidOptions},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			if _, err := b.Generate(t.Context(), mustURI(t, tc.uri), tc.opts); !errors.Is(err, tc.wantErr) {
				t.Fatalf("got %v, want %v", err, tc.wantErr)
			}
		})
	}
}

func TestSignBatch(t *testing.T) {
	needVault(t)
	b := testBackend(t, nil)
	for _, typ := range []string{"ed25519", "ecdsa-p384", "rsa-4096"} {
		t.Run(typ, func(t *testing.T) {
			s := openSigner(t, b, sharedKey(t, typ), keystore.Options{})
			msgs := make([][]byte, 150) // more than one MaxBatch
			for i := range msgs {
				msgs[i] = fmt.Appendf(nil, "message %d", i)
			}
			sigs, err := s.SignBatch(t.Context(), msgs)
			if err != nil {
				t.Fatalf("SignBatch: %v", err)
			}
			if len(sigs) != len(msgs) {
				t.Fatalf("%d signatures for %d messages", len(sigs), len(msgs))
			}
			for i := range msgs {
				if err := s.Key().Verify(msgs[i], sigs[i]); err != nil {
					t.Fatalf("signature %d: %v", i, err)
				}
			}
			if err := s.Close(); err != nil {
				t.Fatal(err)
			}
			if _, err := s.SignBatch(t.Context(), msgs[:1]); !errors.Is(err, keystore.ErrClosed) {
				t.Fatalf("SignBatch after Close: got %v, want ErrClosed", err)
			}
		})
	}
}

// countingProxy forwards to the test Vault and counts sign requests.
func countingProxy(t *testing.T) (addr string, signs *atomic.Int64) {
	t.Helper()
	target, err := url.Parse(testVault.addr)
	if err != nil {
		t.Fatal(err)
	}
	signs = new(atomic.Int64)
	rp := httputil.NewSingleHostReverseProxy(target)
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if strings.Contains(r.URL.Path, "/sign/") {
			signs.Add(1)
		}
		rp.ServeHTTP(w, r)
	}))
	t.Cleanup(srv.Close)
	return srv.URL, signs
}

// TestConcurrentSignsCoalesce: with one request in flight at a time, 64
// concurrent Sign calls need far fewer than 64 requests.
func TestConcurrentSignsCoalesce(t *testing.T) {
	needVault(t)
	addr, signs := countingProxy(t)
	b := testBackend(t, func(c *Config) { c.Address = addr; c.MaxInFlight = 1 })
	s := openSigner(t, b, sharedKey(t, "rsa-4096"), keystore.Options{})
	const n = 64
	var wg sync.WaitGroup
	errs := make(chan error, n)
	for i := range n {
		wg.Go(func() {
			msg := fmt.Appendf(nil, "concurrent %d", i)
			sig, err := s.Sign(context.Background(), msg)
			if err == nil {
				err = s.Key().Verify(msg, sig)
			}
			if err != nil {
				errs <- err
			}
		})
	}
	wg.Wait()
	close(errs)
	for err := range errs {
		t.Fatalf("Sign: %v", err)
	}
	if got := signs.Load(); got >= n/2 || got < 1 {
		t.Fatalf("%d concurrent signs took %d sign requests; want batching to need fewer than %d", n, got, n/2)
	}
}

// TestMessageSizeLimits: ed25519 keys send messages whole. The default
// MaxMessageSize is the largest message Vault's default listener accepts;
// a larger one is refused before it is sent, and one that the server
// refuses gives ErrMessageTooLarge too.
func TestMessageSizeLimits(t *testing.T) {
	needVault(t)
	uri := sharedKey(t, "ed25519")
	def := openSigner(t, testBackend(t, func(c *Config) { c.MaxMessageSize = 0 }), uri, keystore.Options{})
	if _, err := def.Sign(t.Context(), make([]byte, DefaultMaxMessageSize)); err != nil {
		t.Fatalf("message of DefaultMaxMessageSize: %v", err)
	}
	_, err := def.Sign(t.Context(), make([]byte, DefaultMaxMessageSize+1))
	if !errors.Is(err, ErrMessageTooLarge) {
		t.Fatalf("message over the default limit: got %v, want ErrMessageTooLarge", err)
	}
	if _, err := def.SignBatch(t.Context(), [][]byte{{1}, make([]byte, DefaultMaxMessageSize+1)}); !errors.Is(err, ErrMessageTooLarge) {
		t.Fatalf("SignBatch over the limit: got %v, want ErrMessageTooLarge", err)
	}
	// The test server accepts 4 MiB strings, about 3 MiB of message.
	big := openSigner(t, testBackend(t, func(c *Config) { c.MaxMessageSize = 8 << 20 }), uri, keystore.Options{})
	if _, err := big.Sign(t.Context(), make([]byte, 4<<20)); !errors.Is(err, ErrMessageTooLarge) ||
		!strings.Contains(err.Error(), "max_json_string_value_length") {
		t.Fatalf("message over the server's limit: got %v, want ErrMessageTooLarge naming the listener setting", err)
	}
	// Digest-signing keys have no message limit.
	ec := openSigner(t, testBackend(t, func(c *Config) { c.MaxMessageSize = 0 }), sharedKey(t, "ecdsa-p256"), keystore.Options{})
	if _, err := ec.Sign(t.Context(), make([]byte, 2*DefaultMaxMessageSize)); err != nil {
		t.Fatalf("ecdsa, large message: %v", err)
	}
}

// TestSignBatchCatchesWrongSignatures puts a proxy in front of the real
// Vault that swaps two signatures in every batch answer: each is a valid
// signature by the key, over the wrong message. SignBatch must refuse the
// batch and name the first wrong one.
func TestSignBatchCatchesWrongSignatures(t *testing.T) {
	needVault(t)
	target, err := url.Parse(testVault.addr)
	if err != nil {
		t.Fatal(err)
	}
	var swapped atomic.Int64
	rp := httputil.NewSingleHostReverseProxy(target)
	rp.ModifyResponse = func(resp *http.Response) error {
		if !strings.Contains(resp.Request.URL.Path, "/sign/") {
			return nil
		}
		body, err := io.ReadAll(resp.Body)
		if err != nil {
			return err
		}
		resp.Body.Close()
		var out map[string]any
		if err := json.Unmarshal(body, &out); err != nil {
			return err
		}
		if data, ok := out["data"].(map[string]any); ok {
			if rs, ok := data["batch_results"].([]any); ok && len(rs) > 9 {
				a, b := rs[8].(map[string]any), rs[9].(map[string]any)
				a["signature"], b["signature"] = b["signature"], a["signature"]
				swapped.Add(1)
			}
		}
		if body, err = json.Marshal(out); err != nil {
			return err
		}
		resp.Body = io.NopCloser(bytes.NewReader(body))
		resp.ContentLength = int64(len(body))
		resp.Header.Set("Content-Length", strconv.Itoa(len(body)))
		return nil
	}
	srv := httptest.NewServer(rp)
	t.Cleanup(srv.Close)
	b := testBackend(t, func(c *Config) { c.Address = srv.URL })
	for _, typ := range []string{"ed25519", "ecdsa-p256"} {
		t.Run(typ, func(t *testing.T) {
			s := openSigner(t, b, sharedKey(t, typ), keystore.Options{})
			msgs := make([][]byte, 64)
			for i := range msgs {
				msgs[i] = fmt.Appendf(nil, "message %d", i)
			}
			before := swapped.Load()
			_, err := s.SignBatch(t.Context(), msgs)
			if swapped.Load() == before {
				t.Fatal("the proxy swapped nothing; the test tests nothing")
			}
			if !errors.Is(err, keys.ErrSignatureCheck) || !strings.Contains(err.Error(), "message 8,") {
				t.Fatalf("SignBatch = %v, want ErrSignatureCheck for message 8", err)
			}
		})
	}
}
