package config

import (
	"errors"
	"os"
	"path/filepath"
	"strings"
	"testing"
)

const good = `coordinators: [https://c1:8443, https://c2:8443]
token_source: token
state_dir: state
policy: policy.yaml
keys:
  - uri: pkcs11:token=build;object=builder?module-path=/usr/lib/softhsm/libsofthsm2.so&pin-source=/run/secrets/pin
  - uri: hashivault://transit/builder
    mode: manual
`

func TestLoad(t *testing.T) {
	dir := t.TempDir()
	path := filepath.Join(dir, "agent.yaml")
	if err := os.WriteFile(path, []byte(good), 0o600); err != nil {
		t.Fatal(err)
	}
	c, err := Load(path)
	if err != nil {
		t.Fatal(err)
	}
	if c.StateDir != filepath.Join(dir, "state") || c.TokenSource != filepath.Join(dir, "token") || c.Wait.Seconds() != 30 {
		t.Errorf("config = %+v", c)
	}
	if len(c.Keys) != 2 || c.Keys[1].Mode != "manual" {
		t.Errorf("keys = %+v", c.Keys)
	}
}

func TestParseErrors(t *testing.T) {
	tests := []struct{ name, yaml, want string }{
		{"unknown field", good + "colour: blue\n", "field colour not found"},
		{"no coordinators", strings.Replace(good, "coordinators: [https://c1:8443, https://c2:8443]\n", "", 1), "coordinators"},
		{"not a URL", strings.Replace(good, "https://c1:8443", "c1:8443", 1), "not an http(s) URL"},
		{"no credentials", strings.Replace(good, "token_source: token\n", "", 1), "token_source"},
		{"half a certificate", good + "client_cert: c.pem\n", "go together"},
		{"no state dir", strings.Replace(good, "state_dir: state\n", "", 1), "state_dir"},
		{"no policy", strings.Replace(good, "policy: policy.yaml\n", "", 1), "policy is required"},
		{"bad mode", strings.Replace(good, "mode: manual", "mode: yolo", 1), `mode "yolo"`},
		{"bad metrics address", good + "metrics_addr: 9464\n", "metrics_addr"},
		{"secret in a key URI", strings.Replace(good, "pin-source=/run/secrets/pin", "pin-value=1234", 1), "keys[0].uri"},
		{"wait too short", good + "wait: 10ms\n", "wait 10ms"},
	}
	for _, tt := range tests {
		_, err := Parse([]byte(tt.yaml))
		if !errors.Is(err, ErrInvalid) || !strings.Contains(err.Error(), tt.want) {
			t.Errorf("%s: %v; want ErrInvalid containing %q", tt.name, err, tt.want)
		}
		if err != nil && strings.Contains(err.Error(), "1234") {
			t.Errorf("%s: the error repeats a secret: %v", tt.name, err)
		}
	}
}

func FuzzParse(f *testing.F) {
	f.Add([]byte(good))
	f.Fuzz(func(t *testing.T, data []byte) {
		c, err := Parse(data)
		if err == nil && c.Validate() != nil {
			t.Fatal("Parse accepted a configuration Validate refuses")
		}
	})
}
