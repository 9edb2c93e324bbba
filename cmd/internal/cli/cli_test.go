package cli

import (
	"bytes"
	"context"
	"os"
	"path/filepath"
	"strings"
	"testing"
)

type out struct {
	code           int
	stdout, stderr string
}

func runCLI(t *testing.T, secret string, args ...string) out {
	t.Helper()
	return runCLIEnv(t, Env{}, secret, args...)
}

// runCLIEnv runs signet with env (its streams replaced by buffers).
func runCLIEnv(t *testing.T, env Env, secret string, args ...string) out {
	t.Helper()
	var stdout, stderr bytes.Buffer
	env.Stdin, env.Stdout, env.Stderr = strings.NewReader(""), &stdout, &stderr
	if secret != "" {
		env.AskSecret = func(string) ([]byte, error) { return []byte(secret), nil }
	}
	code := Main(context.Background(), args, env)
	return out{code, stdout.String(), stderr.String()}
}

func TestSignetWorkflow(t *testing.T) {
	dir := t.TempDir()
	key := filepath.Join(dir, "bob")
	if r := runCLI(t, "s3cret", "keygen", "-t", "ecdsa-p256", key); r.code != 0 || len(strings.TrimSpace(r.stdout)) != 64 {
		t.Fatalf("keygen: %+v", r)
	}
	if r := runCLI(t, "s3cret", "keygen", "-t", "ecdsa-p256", key); r.code != 1 || !strings.Contains(r.stderr, "already exists") {
		t.Fatalf("keygen over an existing key: %+v", r)
	}
	src := filepath.Join(dir, "src", "main.go")
	if err := os.MkdirAll(filepath.Dir(src), 0o755); err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(src, []byte("package main"), 0o644); err != nil {
		t.Fatal(err)
	}
	r := runCLI(t, "s3cret", "run", "--step", "build", "-m", filepath.Dir(src), "-k", key+".pem", "--dsse", "-d", dir, "--", "true")
	if r.code != 0 {
		t.Fatalf("run: %+v", r)
	}
	links, _ := filepath.Glob(filepath.Join(dir, "build.*.link"))
	if len(links) != 1 {
		t.Fatalf("links = %v", links)
	}
	if r := runCLI(t, "", "sign", links[0], "--verify-with", key+".pub.pem"); r.code != 0 || !strings.Contains(r.stdout, ": ok") {
		t.Fatalf("sign --verify-with: %+v", r)
	}
	other := filepath.Join(dir, "eve")
	if r := runCLI(t, "", "keygen", "--no-passphrase", other); r.code != 0 {
		t.Fatalf("keygen: %+v", r)
	}
	if r := runCLI(t, "", "sign", links[0], "--verify-with", other+".pub.pem"); r.code != 1 {
		t.Fatalf("verify with the wrong key: %+v", r)
	}
}

func TestSignetUsageErrors(t *testing.T) {
	tests := []struct {
		args []string
		want string
	}{
		{[]string{"run", "--step", "s"}, "give --key"},
		{[]string{"run", "--step", "s", "--no-sign", "-k", "x"}, "exclude each other"},
		{[]string{"run"}, `required flag(s) "step"`},
		{[]string{"keygen", "-t", "dsa", "x"}, "unknown --type"},
		{[]string{"sign", "f"}, "give --key"},
		{[]string{"run", "--bogus"}, "unknown flag"},
	}
	for _, tt := range tests {
		r := runCLI(t, "", tt.args...)
		if r.code != 2 || !strings.Contains(r.stderr, tt.want) {
			t.Errorf("signet %v: exit %d, stderr %q; want exit 2 mentioning %q", tt.args, r.code, r.stderr, tt.want)
		}
	}
}

func TestSignetRuntimeErrors(t *testing.T) {
	dir := t.TempDir()
	r := runCLI(t, "", "run", "--step", "s", "-k", filepath.Join(dir, "missing.pem"), "--", "true")
	if r.code != 1 || !strings.Contains(r.stderr, "cannot read key file") {
		t.Fatalf("missing key: %+v", r)
	}
	key := filepath.Join(dir, "k")
	if r := runCLI(t, "right", "keygen", key); r.code != 0 {
		t.Fatalf("keygen: %+v", r)
	}
	r = runCLI(t, "wrong", "run", "--step", "s", "-k", key+".pem", "-d", dir, "--", "true")
	if r.code != 1 || !strings.Contains(r.stderr, "wrong passphrase") || strings.Contains(r.stderr, "wrong\n") {
		t.Fatalf("wrong passphrase: %+v", r)
	}
	if links, _ := filepath.Glob(filepath.Join(dir, "*.link")); len(links) != 0 {
		t.Fatalf("a failed run left %v", links)
	}
}
