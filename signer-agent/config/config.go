// Package config reads a signer agent's configuration file (agent.yaml):
// the keys it holds (keystore URIs) and the policy and mode for each, the
// coordinator addresses it fails over between, its credentials (by
// reference, never inline), and its state directory.
//
//	coordinators: [https://coord-1:8443, https://coord-2:8443, https://coord-3:8443]
//	token_source: /run/secrets/agent-token     # a file; or client_cert + client_key
//	ca_cert: /etc/signet/ca.pem
//	state_dir: /var/lib/signet-agent
//	policy: /etc/signet/policies/build-functionary/policy.yaml
//	keys:
//	  - uri: pkcs11:token=build;object=builder?module-path=/usr/lib/softhsm/libsofthsm2.so&pin-source=/run/secrets/pin
//	    mode: auto
package config

import (
	"bytes"
	"errors"
	"fmt"
	"net"
	"net/url"
	"os"
	"path/filepath"
	"time"

	"go.yaml.in/yaml/v3"

	"github.com/signet-dev/signet/keystore"
)

// ErrInvalid: the configuration is malformed or incomplete; the message
// names the field.
var ErrInvalid = errors.New("invalid agent configuration")

// MaxFileBytes bounds the configuration file.
const MaxFileBytes = 64 << 10

// Key is one key the agent signs with.
type Key struct {
	// URI names the key (keystore URI or key file path); secrets only by
	// *-source reference.
	URI string `yaml:"uri"`
	// Mode overrides the policy rule's mode: "" (the rule decides),
	// "manual" (a person always approves).
	Mode string `yaml:"mode"`
}

// Config is an agent's configuration.
type Config struct {
	Coordinators []string `yaml:"coordinators"`
	// TokenSource is a file holding the agent's bearer token.
	TokenSource string `yaml:"token_source"`
	// ClientCert and ClientKey authenticate with mutual TLS instead.
	ClientCert string `yaml:"client_cert"`
	ClientKey  string `yaml:"client_key"`
	// CACert verifies the coordinators' certificates ("" = system roots).
	CACert   string        `yaml:"ca_cert"`
	StateDir string        `yaml:"state_dir"`
	Policy   string        `yaml:"policy"`
	Keys     []Key         `yaml:"keys"`
	Wait     time.Duration `yaml:"wait"` // blocking query wait (default 30s)
	// MetricsAddr, when set, is where the agent serves Prometheus
	// /metrics and /healthz over plain HTTP (e.g. 127.0.0.1:9464).
	MetricsAddr string `yaml:"metrics_addr"`
}

// Load reads and validates a configuration file; relative paths in it are
// resolved against the file's directory.
func Load(path string) (*Config, error) {
	data, err := os.ReadFile(path)
	if err != nil {
		return nil, fmt.Errorf("%w: %v", ErrInvalid, err)
	}
	c, err := Parse(data)
	if err != nil {
		return nil, fmt.Errorf("%s: %w", path, err)
	}
	c.resolve(filepath.Dir(path))
	return c, nil
}

// Parse decodes a configuration strictly and validates it.
func Parse(data []byte) (*Config, error) {
	if len(data) > MaxFileBytes {
		return nil, fmt.Errorf("%w: %d bytes, more than %d", ErrInvalid, len(data), MaxFileBytes)
	}
	dec := yaml.NewDecoder(bytes.NewReader(data))
	dec.KnownFields(true)
	var c Config
	if err := dec.Decode(&c); err != nil {
		return nil, fmt.Errorf("%w: %v", ErrInvalid, err)
	}
	if c.Wait == 0 {
		c.Wait = 30 * time.Second
	}
	return &c, c.Validate()
}

// Validate checks the configuration.
func (c *Config) Validate() error {
	bad := func(format string, a ...any) error {
		return fmt.Errorf("%w: "+format, append([]any{ErrInvalid}, a...)...)
	}
	if len(c.Coordinators) == 0 {
		return bad("coordinators: list at least one coordinator URL")
	}
	for i, a := range c.Coordinators {
		u, err := url.Parse(a)
		if err != nil || (u.Scheme != "https" && u.Scheme != "http") || u.Host == "" {
			return bad("coordinators[%d]: %q is not an http(s) URL", i, a)
		}
	}
	switch {
	case c.TokenSource == "" && c.ClientCert == "":
		return bad("give token_source (a file holding the token) or client_cert and client_key")
	case (c.ClientCert == "") != (c.ClientKey == ""):
		return bad("client_cert and client_key go together")
	case c.StateDir == "":
		return bad("state_dir is required: the agent remembers there what it signed")
	case c.Policy == "":
		return bad("policy is required: the agent signs only what its own policy allows")
	case len(c.Keys) == 0:
		return bad("keys: list at least one key")
	case c.Wait < time.Second || c.Wait > 10*time.Minute:
		return bad("wait %s: use 1s to 10m", c.Wait)
	}
	if c.MetricsAddr != "" {
		if _, port, err := net.SplitHostPort(c.MetricsAddr); err != nil || port == "" {
			return bad("metrics_addr %q: want host:port such as 127.0.0.1:9464", c.MetricsAddr)
		}
	}
	for i, k := range c.Keys {
		if k.Mode != "" && k.Mode != "manual" {
			return bad("keys[%d].mode %q: leave it out (the policy decides) or use manual", i, k.Mode)
		}
		if _, err := keystore.ParseURI(k.URI); err != nil {
			return bad("keys[%d].uri: %v", i, err)
		}
	}
	return nil
}

// resolve makes relative file paths relative to dir.
func (c *Config) resolve(dir string) {
	for _, p := range []*string{&c.TokenSource, &c.ClientCert, &c.ClientKey, &c.CACert, &c.StateDir, &c.Policy} {
		if *p != "" && !filepath.IsAbs(*p) {
			*p = filepath.Join(dir, *p)
		}
	}
}
