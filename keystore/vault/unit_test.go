package vault

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"net/http"
	"net/http/httptest"
	"slices"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/signet-dev/signet/keystore"
	"github.com/signet-dev/signet/pkg/keys"
)

func TestConfigValidate(t *testing.T) {
	ok := Config{Address: "https://vault.example:8200", Token: "hvs.SECRET-token"}
	src := func(context.Context) (string, error) { return "hvs.SECRET-token", nil }
	tests := []struct {
		name    string
		mod     func(*Config)
		wantErr error
	}{
		{"ok", func(*Config) {}, nil},
		{"token source", func(c *Config) { c.Token, c.TokenSource = "", src }, nil},
		{"no address", func(c *Config) { c.Address = "" }, ErrInvalidConfig},
		{"bad scheme", func(c *Config) { c.Address = "ftp://x" }, ErrInvalidConfig},
		{"credentials in address", func(c *Config) { c.Address = "https://u:p@x" }, ErrInvalidConfig},
		{"no token", func(c *Config) { c.Token = "" }, ErrInvalidConfig},
		{"both tokens", func(c *Config) { c.TokenSource = src }, ErrInvalidConfig},
		{"token with newline", func(c *Config) { c.Token = "abc\n" }, ErrInvalidConfig},
		{"negative timeout", func(c *Config) { c.Timeout = -1 }, ErrInvalidConfig},
		{"huge batch", func(c *Config) { c.MaxBatch = maxBatchLimit + 1 }, ErrInvalidConfig},
		{"too many retries", func(c *Config) { c.MaxRetries = 11 }, ErrInvalidConfig},
		{"negative message size", func(c *Config) { c.MaxMessageSize = -1 }, ErrInvalidConfig},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			c := ok
			tc.mod(&c)
			err := c.Validate()
			if !errors.Is(err, tc.wantErr) {
				t.Fatalf("got %v, want %v", err, tc.wantErr)
			}
			if err != nil && c.Token != "" && strings.Contains(err.Error(), c.Token) {
				t.Fatalf("error %q contains the token", err)
			}
		})
	}
}

func TestTokenSource(t *testing.T) {
	boom := errors.New("boom")
	tests := []struct {
		name    string
		src     TokenSource
		want    string
		wantErr error
	}{
		{"trimmed", func(context.Context) (string, error) { return " hvs.abc\n", nil }, "hvs.abc", nil},
		{"error", func(context.Context) (string, error) { return "", boom }, "", boom},
		{"empty", func(context.Context) (string, error) { return "\n", nil }, "", ErrInvalidConfig},
		{"inner space", func(context.Context) (string, error) { return "a b", nil }, "", ErrInvalidConfig},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			got, err := Config{TokenSource: tc.src}.token(t.Context())
			if !errors.Is(err, tc.wantErr) || got != tc.want {
				t.Fatalf("got %q, %v; want %q, %v", got, err, tc.want, tc.wantErr)
			}
		})
	}
}

func TestParseTarget(t *testing.T) {
	tests := []struct {
		uri         string
		mount, name string
		version     int
		wantErr     error
	}{
		{"hashivault://transit/k", "transit", "k", 0, nil},
		{"hashivault://team/a/transit/key-1?version=7", "team/a/transit", "key-1", 7, nil},
	}
	for _, tc := range tests {
		got, err := parseTarget(mustURI(t, tc.uri))
		if !errors.Is(err, tc.wantErr) || got.mount != tc.mount || got.name != tc.name || got.version != tc.version {
			t.Errorf("%s: got %+v, %v", tc.uri, got, err)
		}
	}
	for _, u := range []*keystore.URI{nil, {Scheme: "file", Path: "/x"}, {Scheme: Scheme, Path: "k"}, {Scheme: Scheme, Path: "m/"}} {
		if _, err := parseTarget(u); !errors.Is(err, keystore.ErrBadURI) {
			t.Errorf("parseTarget(%+v): got %v, want ErrBadURI", u, err)
		}
	}
}

func TestParamsFor(t *testing.T) {
	tests := []struct {
		scheme  string
		want    signParams
		wantErr error
	}{
		{keys.SchemeED25519, signParams{}, nil},
		{keys.SchemeECDSAP256, signParams{hash: "sha2-256"}, nil},
		{keys.SchemeECDSAP384, signParams{hash: "sha2-384"}, nil},
		{keys.SchemeECDSAP521, signParams{hash: "sha2-512"}, nil},
		{keys.SchemeRSASSAPSSSHA256, signParams{hash: "sha2-256", sigAlg: "pss"}, nil},
		{keys.SchemeRSASSAPSSSHA224, signParams{hash: "sha2-224", sigAlg: "pss"}, nil},
		{keys.SchemeRSAPKCS1v15SHA512, signParams{hash: "sha2-512", sigAlg: "pkcs1v15"}, nil},
		{"rsassa-pss-md5", signParams{}, keys.ErrUnsupportedScheme},
		{"ecdsa-sha2-nistp999", signParams{}, keys.ErrUnsupportedScheme},
	}
	for _, tc := range tests {
		got, _, err := paramsFor(tc.scheme)
		if !errors.Is(err, tc.wantErr) || got != tc.want {
			t.Errorf("%s: got %+v, %v; want %+v, %v", tc.scheme, got, err, tc.want, tc.wantErr)
		}
	}
}

func decodeData(t testing.TB, s string) map[string]any {
	t.Helper()
	var m map[string]any
	d := json.NewDecoder(strings.NewReader(s))
	d.UseNumber()
	if err := d.Decode(&m); err != nil {
		t.Fatalf("decode: %v", err)
	}
	return m
}

func TestParseKeyInfo(t *testing.T) {
	ki, err := parseKeyInfo(decodeData(t, `{"type":"ed25519","latest_version":2,"min_encryption_version":0,
		"supports_signing":true,"keys":{"1":{"public_key":"T4GSSUKjWkd/YttNOJemk9kMLvAMNRBznPiE0rQpX94="},"2":{"public_key":""},"x":{}}}`))
	if err != nil {
		t.Fatal(err)
	}
	if ki.latest != 2 || len(ki.public) != 1 || ki.typ != "ed25519" || !ki.supportsSigning {
		t.Fatalf("got %+v", ki)
	}
	if _, err := ki.publicKey(1); err != nil {
		t.Fatalf("publicKey(1): %v", err)
	}
	if _, err := ki.pickVersion("u", 0); !errors.Is(err, ErrVersionNotFound) {
		t.Fatalf("latest version without a public key: got %v, want ErrVersionNotFound", err)
	}
	if v, err := ki.pickVersion("u", 1); err != nil || v != 1 {
		t.Fatalf("pickVersion(1) = %d, %v", v, err)
	}
	aes, err := parseKeyInfo(decodeData(t, `{"type":"aes256-gcm96","latest_version":1,"keys":{"1":1700000000}}`))
	if err != nil {
		t.Fatal(err)
	}
	if err := aes.checkSigning("u"); !errors.Is(err, ErrUnsupportedKey) {
		t.Fatalf("aes: got %v, want ErrUnsupportedKey", err)
	}
	if _, err := parseKeyInfo(decodeData(t, `{"latest_version":"two"}`)); !errors.Is(err, ErrVault) {
		t.Fatalf("bad latest_version: got %v, want ErrVault", err)
	}
	bad := keyInfo{typ: "ecdsa-p256", public: map[int]string{1: "not pem"}}
	if _, err := bad.publicKey(1); !errors.Is(err, ErrVault) {
		t.Fatalf("bad PEM: got %v, want ErrVault", err)
	}
}

func TestParseSignResult(t *testing.T) {
	tests := []struct {
		sig, msg string
		wantSig  []byte
		wantErr  error
	}{
		{"vault:v3:AQID", "", []byte{1, 2, 3}, nil},
		{"vault:v2:AQID", "", nil, ErrVault},
		{"vault:v3:%%%", "", nil, ErrVault},
		{"vault:v3:", "", nil, ErrVault},
		{"", "nope", nil, ErrVault},
		{"vault:v3:AQID", "nope", nil, ErrVault},
		{"", "", nil, ErrVault},
	}
	for i, tc := range tests {
		r := parseSignResult(tc.sig, tc.msg, 3, "transit/sign/k")
		if !errors.Is(r.err, tc.wantErr) || !bytes.Equal(r.sig, tc.wantSig) {
			t.Errorf("%d: got %x, %v; want %x, %v", i, r.sig, r.err, tc.wantSig, tc.wantErr)
		}
	}
}

// TestResponseSizeLimit: a server that answers with more than
// MaxResponseSize bytes gives ErrResponseTooLarge, with and without a
// Content-Length.
func TestResponseSizeLimit(t *testing.T) {
	big := `{"data":{"type":"ed25519","pad":"` + strings.Repeat("x", 4096) + `"}}`
	for _, chunked := range []bool{false, true} {
		srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
			if chunked {
				w.(http.Flusher).Flush() // no Content-Length
			}
			fmt.Fprint(w, big)
		}))
		b, err := NewBackend(Config{Address: srv.URL, Token: "t", MaxResponseSize: 1024}, nil)
		if err != nil {
			t.Fatal(err)
		}
		_, err = b.Open(t.Context(), mustURI(t, "hashivault://transit/k"), keystore.Options{})
		srv.Close()
		if !errors.Is(err, ErrResponseTooLarge) {
			t.Fatalf("chunked=%v: got %v, want ErrResponseTooLarge", chunked, err)
		}
	}
}

// TestRedirectNotFollowed: the token must never be sent to another host.
func TestRedirectNotFollowed(t *testing.T) {
	var leaked atomic.Bool
	other := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		leaked.Store(r.Header.Get("X-Vault-Token") != "")
	}))
	defer other.Close()
	srv := httptest.NewServer(http.RedirectHandler(other.URL+"/v1/transit/keys/k", http.StatusTemporaryRedirect))
	defer srv.Close()
	b, err := NewBackend(Config{Address: srv.URL, Token: "secret-token"}, nil)
	if err != nil {
		t.Fatal(err)
	}
	_, err = b.Open(t.Context(), mustURI(t, "hashivault://transit/k"), keystore.Options{})
	if !errors.Is(err, keystore.ErrUnavailable) || !strings.Contains(err.Error(), "redirect") || leaked.Load() {
		t.Fatalf("redirect: err %v, token sent elsewhere: %v", err, leaked.Load())
	}
	if strings.Contains(err.Error(), "secret-token") {
		t.Fatal("error contains the token")
	}
}

// fakeSend records batch sizes and signs by echoing the input.
type fakeSend struct {
	mu      sync.Mutex
	sizes   []int
	release chan struct{} // nil: answer at once
}

func (f *fakeSend) send(ctx context.Context, inputs [][]byte) ([]signResult, error) {
	f.mu.Lock()
	f.sizes = append(f.sizes, len(inputs))
	f.mu.Unlock()
	if f.release != nil {
		select {
		case <-f.release:
		case <-ctx.Done():
			return nil, ctx.Err()
		}
	}
	out := make([]signResult, len(inputs))
	for i, in := range inputs {
		out[i] = signResult{sig: append([]byte("sig:"), in...)}
	}
	return out, nil
}

func TestBatcherCoalesces(t *testing.T) {
	f := &fakeSend{release: make(chan struct{})}
	b := newBatcher(f.send, 10, 1)
	defer b.close()
	first := make(chan error, 1)
	go func() {
		_, err := b.do(context.Background(), []byte("first"))
		first <- err
	}()
	waitFor(t, func() bool { f.mu.Lock(); defer f.mu.Unlock(); return len(f.sizes) == 1 })
	chans, err := b.submit(context.Background(), [][]byte{[]byte("a"), []byte("b"), []byte("c")})
	if err != nil {
		t.Fatal(err)
	}
	close(f.release)
	if err := <-first; err != nil {
		t.Fatal(err)
	}
	for i, ch := range chans {
		sig, err := wait(context.Background(), ch)
		if err != nil || string(sig) != "sig:"+string(rune('a'+i)) {
			t.Fatalf("result %d: %q, %v", i, sig, err)
		}
	}
	f.mu.Lock()
	defer f.mu.Unlock()
	if fmt.Sprint(f.sizes) != "[1 3]" {
		t.Fatalf("batch sizes %v, want [1 3]: the first input alone, then the queue as one batch", f.sizes)
	}
}

func TestBatcherCancelAndClose(t *testing.T) {
	f := &fakeSend{release: make(chan struct{})}
	b := newBatcher(f.send, 10, 1)
	blocker := make(chan error, 1)
	go func() { _, err := b.do(context.Background(), []byte("blocker")); blocker <- err }()
	waitFor(t, func() bool { f.mu.Lock(); defer f.mu.Unlock(); return len(f.sizes) == 1 })
	ctx, cancel := context.WithCancel(context.Background())
	done := make(chan error, 1)
	go func() { _, err := b.do(ctx, []byte("queued")); done <- err }()
	cancel()
	if err := <-done; !errors.Is(err, context.Canceled) {
		t.Fatalf("cancelled caller: got %v, want context.Canceled", err)
	}
	b.close() // cancels the blocked request and waits for it
	if err := <-blocker; !errors.Is(err, keystore.ErrClosed) {
		t.Fatalf("request in flight at close: got %v, want ErrClosed", err)
	}
	if _, err := b.do(context.Background(), []byte("late")); !errors.Is(err, keystore.ErrClosed) {
		t.Fatalf("after close: got %v, want ErrClosed", err)
	}
	f.mu.Lock()
	defer f.mu.Unlock()
	if len(f.sizes) != 1 {
		t.Fatalf("%d requests sent, want 1 (the cancelled input must not be signed)", len(f.sizes))
	}
}

// TestBatcherInlineCaller: a lone caller's request, sent from its own
// goroutine, ends with the caller's context and frees its slot for the
// queue that formed meanwhile.
func TestBatcherInlineCaller(t *testing.T) {
	f := &fakeSend{release: make(chan struct{})}
	b := newBatcher(f.send, 10, 1)
	defer b.close()
	ctx, cancel := context.WithCancel(context.Background())
	lone := make(chan error, 1)
	go func() { _, err := b.do(ctx, []byte("lone")); lone <- err }()
	waitFor(t, func() bool { f.mu.Lock(); defer f.mu.Unlock(); return len(f.sizes) == 1 })
	chans, err := b.submit(context.Background(), [][]byte{[]byte("x"), []byte("y")})
	if err != nil {
		t.Fatal(err)
	}
	cancel()
	if err := <-lone; !errors.Is(err, context.Canceled) {
		t.Fatalf("cancelled lone caller: got %v, want context.Canceled", err)
	}
	close(f.release)
	for i, ch := range chans {
		if sig, err := wait(context.Background(), ch); err != nil || string(sig) != "sig:"+string(rune('x'+i)) {
			t.Fatalf("queued input %d after the slot was freed: %q, %v", i, sig, err)
		}
	}
	f.mu.Lock()
	defer f.mu.Unlock()
	if fmt.Sprint(f.sizes) != "[1 2]" {
		t.Fatalf("batch sizes %v, want [1 2]", f.sizes)
	}
}

func TestBatcherByteLimit(t *testing.T) {
	f := &fakeSend{}
	b := newBatcher(f.send, 100, 1)
	defer b.close()
	big := make([]byte, maxBatchBytes/2+1)
	submitQueued(t, b, [][]byte{big, big, big})
	f.mu.Lock()
	defer f.mu.Unlock()
	if fmt.Sprint(f.sizes) != "[1 1 1]" {
		t.Fatalf("batch sizes %v, want [1 1 1] (each pair exceeds maxBatchBytes)", f.sizes)
	}
}

func waitFor(t *testing.T, cond func() bool) {
	t.Helper()
	deadline := time.Now().Add(10 * time.Second)
	for !cond() {
		if time.Now().After(deadline) {
			t.Fatal("condition not reached")
		}
		time.Sleep(time.Millisecond)
	}
}

// TestTimeout: a server that does not answer within Config.Timeout gives
// keystore.ErrUnavailable; a caller's own deadline gives its context error.
func TestTimeout(t *testing.T) {
	release := make(chan struct{})
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		select {
		case <-release:
		case <-r.Context().Done():
		}
	}))
	defer srv.Close()
	defer close(release)
	b, err := NewBackend(Config{Address: srv.URL, Token: "hvs.x", Timeout: 50 * time.Millisecond}, nil)
	if err != nil {
		t.Fatal(err)
	}
	_, err = b.Open(t.Context(), mustURI(t, "hashivault://transit/k"), keystore.Options{})
	if !errors.Is(err, keystore.ErrUnavailable) || !strings.Contains(err.Error(), srv.URL) {
		t.Fatalf("server timeout: got %v, want ErrUnavailable naming the address", err)
	}
	b, err = NewBackend(Config{Address: srv.URL, Token: "hvs.x"}, nil)
	if err != nil {
		t.Fatal(err)
	}
	ctx, cancel := context.WithTimeout(t.Context(), 50*time.Millisecond)
	defer cancel()
	_, err = b.Open(ctx, mustURI(t, "hashivault://transit/k"), keystore.Options{})
	if !errors.Is(err, context.DeadlineExceeded) || errors.Is(err, keystore.ErrUnavailable) {
		t.Fatalf("caller deadline: got %v, want context.DeadlineExceeded", err)
	}
}

func TestVaultMessage(t *testing.T) {
	tests := []struct {
		in   []string
		want string
	}{
		{[]string{"2 errors occurred:\n\t* permission denied\n\t* invalid token\n\n"}, "permission denied; invalid token"},
		{[]string{"signing key not found"}, "signing key not found"},
		{nil, "no error message"},
		{[]string{strings.Repeat("x", 600)}, strings.Repeat("x", 500) + "..."},
	}
	for _, tc := range tests {
		if got := vaultMessage(tc.in); got != tc.want {
			t.Errorf("vaultMessage(%q) = %q, want %q", tc.in, got, tc.want)
		}
	}
}

// TestBatcherSplitsIntoParts: a queue meeting free slots is split evenly,
// but never into parts smaller than minSplit (each request costs Vault
// much more than an input).
func TestBatcherSplitsIntoParts(t *testing.T) {
	tests := []struct {
		n, maxInFlight int
		want           string
	}{
		{10, 4, "[10]"},
		{64, 4, "[32 32]"},
		{100, 4, "[34 33 33]"},
		{200, 4, "[50 50 50 50]"},
		{64, 1, "[64]"},
		{95, 2, "[48 47]"},
	}
	for _, tt := range tests {
		t.Run(fmt.Sprintf("%d over %d", tt.n, tt.maxInFlight), func(t *testing.T) {
			f := &fakeSend{}
			b := newBatcher(f.send, 64, tt.maxInFlight)
			defer b.close()
			inputs := make([][]byte, tt.n)
			for i := range inputs {
				inputs[i] = []byte{byte(i)}
			}
			submitQueued(t, b, inputs)
			f.mu.Lock()
			defer f.mu.Unlock()
			got := slices.Clone(f.sizes)
			slices.SortFunc(got, func(a, b int) int { return b - a })
			if fmt.Sprint(got) != tt.want {
				t.Errorf("request sizes %v, want %s", got, tt.want)
			}
		})
	}
}

// submitQueued queues all inputs while every slot looks busy, then
// dispatches once with all slots free and waits for every result: the
// batcher meets the whole queue at once, as SignBatch's queue does.
func submitQueued(t *testing.T, b *batcher, inputs [][]byte) {
	t.Helper()
	b.mu.Lock()
	slots := b.maxInFlight
	b.inFlight = slots
	b.mu.Unlock()
	chans, err := b.submit(context.Background(), inputs)
	if err != nil {
		t.Fatal(err)
	}
	b.mu.Lock()
	b.inFlight = 0
	b.dispatchLocked()
	b.mu.Unlock()
	for _, ch := range chans {
		if _, err := wait(context.Background(), ch); err != nil {
			t.Fatal(err)
		}
	}
}
