package vault

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"net"
	"net/http"
	"strings"

	"github.com/hashicorp/vault/api"

	"github.com/signet-dev/signet/keystore"
)

// client is one authenticated connection to one transit key.
type client struct {
	api   *api.Client
	http  *http.Client
	addr  string
	mount string
	name  string
	token string // only to scrub it from error text, never printed
}

// newClient builds a vault/api client for cfg and token. vault/api's
// NewClient applies VAULT_TOKEN, VAULT_NAMESPACE and VAULT_HEADERS from the
// environment; they are overridden here so that only cfg counts.
func newClient(cfg Config, token, mount, name string) (*client, error) {
	base := http.DefaultTransport.(*http.Transport).Clone()
	base.Proxy = cfg.Proxy
	base.TLSClientConfig = cfg.TLS.Clone()
	base.MaxIdleConnsPerHost = 2*cfg.MaxInFlight + 2
	hc := &http.Client{
		Transport: limitTransport{base: base, max: cfg.MaxResponseSize},
		Timeout:   cfg.Timeout,
		CheckRedirect: func(*http.Request, []*http.Request) error {
			return http.ErrUseLastResponse // never send the token elsewhere
		},
	}
	ac, err := api.NewClient(&api.Config{
		Address: cfg.Address, HttpClient: hc, Timeout: cfg.Timeout, MaxRetries: cfg.MaxRetries,
		DisableRedirects: true,
	})
	if err != nil {
		return nil, fmt.Errorf("%w: creating the Vault client for %s: %s", ErrInvalidConfig, cfg.Address, scrub(err.Error(), token))
	}
	ac.SetHeaders(http.Header{api.RequestHeaderName: []string{"true"}})
	ac.SetToken(token)
	ac.ClearNamespace()
	if cfg.Namespace != "" {
		ac.SetNamespace(cfg.Namespace)
	}
	return &client{api: ac, http: hc, addr: cfg.Address, mount: mount, name: name, token: token}, nil
}

func (c *client) close() { c.http.CloseIdleConnections() }

func (c *client) keyPath() string { return c.mount + "/keys/" + c.name }

// read GETs path; a nil map means 404 (nothing there).
func (c *client) read(ctx context.Context, path, capability string) (map[string]any, error) {
	s, err := c.api.Logical().ReadWithContext(ctx, path)
	if err != nil {
		return nil, c.classify(ctx, err, "read", path, capability)
	}
	if s == nil {
		return nil, nil
	}
	return s.Data, nil
}

// write POSTs data to path.
func (c *client) write(ctx context.Context, path, capability string, data map[string]any) (map[string]any, error) {
	s, err := c.api.Logical().WriteWithContext(ctx, path, data)
	if err != nil {
		return nil, c.classify(ctx, err, "write", path, capability)
	}
	if s == nil {
		return nil, nil
	}
	return s.Data, nil
}

// post writes body as JSON to path and decodes the answer into out,
// through the vault/api client (address, token, namespace, TLS, timeout)
// but without its generic Secret decoding.
func (c *client) post(ctx context.Context, path, capability string, body, out any) error {
	req := c.api.NewRequest(http.MethodPost, "/v1/"+path)
	if err := req.SetJSONBody(body); err != nil {
		return fmt.Errorf("%w: encoding the request to %s: %v", ErrVault, path, err)
	}
	// Logical().WriteRawWithContext, the suggested replacement, cancels
	// its context when it returns, before the body can be read.
	//lint:ignore SA1019 the non-deprecated raw call cannot read its own answer (see above)
	resp, err := c.api.RawRequestWithContext(ctx, req)
	if resp != nil {
		defer resp.Body.Close()
	}
	if err != nil {
		return c.classify(ctx, err, "write", path, capability)
	}
	if err := json.NewDecoder(resp.Body).Decode(out); err != nil {
		if errors.Is(err, ErrResponseTooLarge) {
			return c.classify(ctx, err, "write", path, capability)
		}
		return fmt.Errorf("%w: Vault at %s: the answer to %s is not the JSON expected: %v", ErrVault, c.addr, path, err)
	}
	return nil
}

// list LISTs path; nil means nothing there.
func (c *client) list(ctx context.Context, path string) ([]string, error) {
	s, err := c.api.Logical().ListWithContext(ctx, path)
	if err != nil {
		return nil, c.classify(ctx, err, "list", path, "list")
	}
	if s == nil {
		return nil, nil
	}
	raw, _ := s.Data["keys"].([]any)
	names := make([]string, 0, len(raw))
	for _, v := range raw {
		if n, ok := v.(string); ok {
			names = append(names, n)
		}
	}
	return names, nil
}

// classify turns a vault/api error into one of this package's errors with
// a message for humans: which server, which path, what to do.
func (c *client) classify(ctx context.Context, err error, op, path, capability string) error {
	switch {
	case ctx.Err() != nil:
		return fmt.Errorf("vault %s %s: %w", op, path, ctx.Err())
	case errors.Is(err, context.DeadlineExceeded) || isNetTimeout(err):
		return fmt.Errorf("%w: Vault at %s did not answer %s %s within the timeout (Config.Timeout)",
			keystore.ErrUnavailable, c.addr, op, path)
	case errors.Is(err, errRedirect):
		return fmt.Errorf("%w: Vault at %s, %s %s: %s; Signet does not follow redirects (the token would go along): "+
			"give the address of the active node", keystore.ErrUnavailable, c.addr, op, path, rootCauseAfter(err, errRedirect))
	case errors.Is(err, ErrResponseTooLarge):
		return fmt.Errorf("%w: Vault at %s, %s %s", ErrResponseTooLarge, c.addr, op, path)
	}
	var re *api.ResponseError
	if !errors.As(err, &re) {
		return fmt.Errorf("%w: cannot reach Vault at %s (%s %s): %s; check the address and that Vault is running",
			keystore.ErrUnavailable, c.addr, op, path, c.scrub(rootCause(err)))
	}
	msg := c.scrub(vaultMessage(re.Errors))
	switch {
	case strings.Contains(msg, "exceeds allowed length"):
		return fmt.Errorf("%w: Vault at %s refused %s %s: %s; raise the listener's max_json_string_value_length "+
			"or lower Config.MaxMessageSize", ErrMessageTooLarge, c.addr, op, path, msg)
	case re.StatusCode == http.StatusForbidden:
		return fmt.Errorf("%w: Vault at %s refused %s %s (%s): the token is invalid or expired, "+
			"or its policy lacks the %q capability on path %q", ErrPermissionDenied, c.addr, op, path, msg, capability, path)
	case re.StatusCode == http.StatusTooManyRequests || re.StatusCode >= 500:
		return fmt.Errorf("%w: Vault at %s answered %d to %s %s: %s (sealed, standby or overloaded; retry later)",
			keystore.ErrUnavailable, c.addr, re.StatusCode, op, path, msg)
	case re.StatusCode == http.StatusNotFound || strings.Contains(msg, "key not found"):
		return fmt.Errorf("%w: Vault at %s: %s %s: %s", keystore.ErrKeyNotFound, c.addr, op, path, msg)
	}
	return fmt.Errorf("%w: Vault at %s answered %d to %s %s: %s", ErrVault, c.addr, re.StatusCode, op, path, msg)
}

// vaultMessage flattens Vault's error list, including its multi-line
// "2 errors occurred:\n\t* a\n\t* b" form, into "a; b", bounded.
func vaultMessage(errs []string) string {
	var parts []string
	for _, e := range errs {
		for _, line := range strings.Split(e, "\n") {
			line = strings.TrimSpace(strings.TrimPrefix(strings.TrimSpace(line), "*"))
			if line != "" && !strings.HasSuffix(line, "errors occurred:") && !strings.HasSuffix(line, "error occurred:") {
				parts = append(parts, line)
			}
		}
	}
	msg := strings.Join(parts, "; ")
	if len(msg) > 500 {
		msg = msg[:500] + "..."
	}
	if msg == "" {
		msg = "no error message"
	}
	return msg
}

func (c *client) scrub(s string) string { return scrub(s, c.token) }

// scrub removes the token from s, should any layer ever echo it.
func scrub(s, token string) string {
	if token == "" {
		return s
	}
	return strings.ReplaceAll(s, token, "REDACTED")
}

func isNetTimeout(err error) bool {
	var ne net.Error
	return errors.As(err, &ne) && ne.Timeout()
}

// rootCause returns the innermost error text (for a url.Error: "dial tcp
// ...: connection refused"), without the request URL.
func rootCause(err error) string {
	for {
		next := errors.Unwrap(err)
		if next == nil {
			return err.Error()
		}
		err = next
	}
}

// errRedirect marks a 3xx answer, which is never followed.
var errRedirect = errors.New("redirected")

// rootCauseAfter returns the text of the outermost error in err's chain
// that wraps mark, without the request URL.
func rootCauseAfter(err, mark error) string {
	for e := err; e != nil; e = errors.Unwrap(e) {
		if next := errors.Unwrap(e); next == mark {
			return e.Error()
		}
	}
	return mark.Error()
}

// limitTransport caps every response body at max bytes.
type limitTransport struct {
	base *http.Transport
	max  int64
}

func (t limitTransport) RoundTrip(r *http.Request) (*http.Response, error) {
	resp, err := t.base.RoundTrip(r)
	if err != nil {
		return nil, err
	}
	if resp.StatusCode >= 300 && resp.StatusCode < 400 {
		resp.Body.Close()
		return nil, fmt.Errorf("%w to %q", errRedirect, resp.Header.Get("Location"))
	}
	if resp.ContentLength > t.max {
		resp.Body.Close()
		return nil, fmt.Errorf("%w: %d bytes, the limit is %d", ErrResponseTooLarge, resp.ContentLength, t.max)
	}
	resp.Body = &limitedBody{rc: resp.Body, left: t.max}
	return resp, nil
}

// CloseIdleConnections lets http.Client.CloseIdleConnections reach base.
func (t limitTransport) CloseIdleConnections() { t.base.CloseIdleConnections() }

type limitedBody struct {
	rc   io.ReadCloser
	left int64
}

func (b *limitedBody) Read(p []byte) (int, error) {
	if int64(len(p)) > b.left+1 {
		p = p[:b.left+1]
	}
	n, err := b.rc.Read(p)
	b.left -= int64(n)
	if b.left < 0 {
		return 0, fmt.Errorf("%w: the body exceeds the limit", ErrResponseTooLarge)
	}
	return n, err
}

func (b *limitedBody) Close() error { return b.rc.Close() }
