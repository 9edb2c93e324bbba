package vault

import (
	"context"
	"crypto/tls"
	"fmt"
	"net/http"
	"net/url"
	"strings"
	"time"
)

// Defaults used for zero Config fields.
const (
	DefaultTimeout         = 30 * time.Second
	DefaultMaxBatch        = 64
	DefaultMaxInFlight     = 4
	DefaultMaxResponseSize = 8 << 20
	// DefaultMaxMessageSize bounds a message sent to Vault whole (ed25519
	// keys sign the message itself): the largest message whose base64 form
	// fits Vault's default listener limit max_json_string_value_length
	// (1 MiB).
	DefaultMaxMessageSize = 3 * (1 << 20) / 4
	// maxBatchLimit is Vault's default max_json_array_element_count.
	maxBatchLimit = 10000
)

// TokenSource returns the Vault token to use. It is called once for each
// Open or Generate, so a rotated token file is picked up by the next one.
type TokenSource func(ctx context.Context) (string, error)

// Config says how to reach Vault. cmd/ fills it (for example from
// VAULT_ADDR, VAULT_TOKEN and VAULT_NAMESPACE); this package never reads
// the environment itself.
type Config struct {
	// Address is the Vault server, "https://vault.example:8200".
	Address string
	// Token authenticates the requests. Set Token or TokenSource, not
	// both.
	Token       string
	TokenSource TokenSource
	// Namespace is the Vault Enterprise namespace ("" for none).
	Namespace string
	// Timeout bounds each HTTP request (0: DefaultTimeout).
	Timeout time.Duration
	// Proxy chooses an HTTP proxy per request (nil: none; cmd/ may pass
	// http.ProxyFromEnvironment).
	Proxy func(*http.Request) (*url.URL, error)
	// TLS configures https connections (CA pool, client certificate);
	// nil uses the system roots.
	TLS *tls.Config
	// MaxRetries is how often a failed request (connection error, 5xx) is
	// retried; 0 means never.
	MaxRetries int
	// MaxBatch bounds the messages in one batch_input request
	// (0: DefaultMaxBatch).
	MaxBatch int
	// MaxInFlight bounds the concurrent sign requests of one Signer
	// (0: DefaultMaxInFlight); see the package comment on batching.
	MaxInFlight int
	// MaxResponseSize bounds every response body in bytes
	// (0: DefaultMaxResponseSize).
	MaxResponseSize int64
	// MaxMessageSize bounds the messages an ed25519 key signs
	// (0: DefaultMaxMessageSize). Raise it only together with the Vault
	// listener's max_json_string_value_length (base64: 4/3 of it).
	MaxMessageSize int
}

// Validate checks the configuration; errors wrap ErrInvalidConfig and name
// the field. They never contain the token.
func (c Config) Validate() error {
	if c.Address == "" {
		return fmt.Errorf("%w: Address is empty: set the Vault address (for example VAULT_ADDR=https://vault.example:8200)", ErrInvalidConfig)
	}
	u, err := url.Parse(c.Address)
	if err != nil || (u.Scheme != "http" && u.Scheme != "https") || u.Host == "" {
		return fmt.Errorf("%w: Address %q: want http(s)://HOST[:PORT]", ErrInvalidConfig, c.Address)
	}
	if u.User != nil {
		return fmt.Errorf("%w: Address must not contain credentials", ErrInvalidConfig)
	}
	switch {
	case c.Token != "" && c.TokenSource != nil:
		return fmt.Errorf("%w: set Token or TokenSource, not both", ErrInvalidConfig)
	case c.Token == "" && c.TokenSource == nil:
		return fmt.Errorf("%w: no Vault token: set Token or TokenSource (for example VAULT_TOKEN)", ErrInvalidConfig)
	case strings.ContainsFunc(c.Token, func(r rune) bool { return r < 0x21 || r == 0x7f }):
		return fmt.Errorf("%w: Token contains whitespace or control characters", ErrInvalidConfig)
	}
	for _, f := range []struct {
		name string
		v    int64
	}{{"Timeout", int64(c.Timeout)}, {"MaxRetries", int64(c.MaxRetries)}, {"MaxBatch", int64(c.MaxBatch)},
		{"MaxInFlight", int64(c.MaxInFlight)}, {"MaxResponseSize", c.MaxResponseSize},
		{"MaxMessageSize", int64(c.MaxMessageSize)}} {
		if f.v < 0 {
			return fmt.Errorf("%w: %s is negative", ErrInvalidConfig, f.name)
		}
	}
	if c.MaxBatch > maxBatchLimit {
		return fmt.Errorf("%w: MaxBatch %d: Vault accepts at most %d inputs per request", ErrInvalidConfig, c.MaxBatch, maxBatchLimit)
	}
	if c.MaxRetries > 10 {
		return fmt.Errorf("%w: MaxRetries %d: at most 10", ErrInvalidConfig, c.MaxRetries)
	}
	return nil
}

// withDefaults returns c with zero limits replaced by the defaults.
func (c Config) withDefaults() Config {
	if c.Timeout == 0 {
		c.Timeout = DefaultTimeout
	}
	if c.MaxBatch == 0 {
		c.MaxBatch = DefaultMaxBatch
	}
	if c.MaxInFlight == 0 {
		c.MaxInFlight = DefaultMaxInFlight
	}
	if c.MaxResponseSize == 0 {
		c.MaxResponseSize = DefaultMaxResponseSize
	}
	if c.MaxMessageSize == 0 {
		c.MaxMessageSize = DefaultMaxMessageSize
	}
	return c
}

// token returns the configured token.
func (c Config) token(ctx context.Context) (string, error) {
	if c.TokenSource == nil {
		return c.Token, nil
	}
	t, err := c.TokenSource(ctx)
	if err != nil {
		return "", fmt.Errorf("%w: reading the Vault token: %w", ErrInvalidConfig, err)
	}
	t = strings.TrimSpace(t)
	if t == "" {
		return "", fmt.Errorf("%w: the token source gave an empty Vault token", ErrInvalidConfig)
	}
	if strings.ContainsFunc(t, func(r rune) bool { return r < 0x21 || r == 0x7f }) {
		return "", fmt.Errorf("%w: the token source gave a token with whitespace or control characters", ErrInvalidConfig)
	}
	return t, nil
}
