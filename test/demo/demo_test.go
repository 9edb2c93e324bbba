package demo

import (
	"bytes"
	"context"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"
	"time"
)

// binDir returns the directory of built binaries: $SIGNET_BIN (set by
// make test), else the tools are built into a temporary directory.
func binDir(t *testing.T) string {
	t.Helper()
	if d := os.Getenv("SIGNET_BIN"); d != "" {
		return d
	}
	d := t.TempDir()
	cmd := exec.Command("go", "build", "-o", d+"/", "./cmd/...", "./scripts/hsminit")
	cmd.Dir = filepath.Join("..", "..")
	if out, err := cmd.CombinedOutput(); err != nil {
		t.Fatalf("building the tools: %v\n%s", err, out)
	}
	return d
}

func requirePrereqs(t *testing.T) {
	t.Helper()
	for _, p := range []string{"/usr/bin/in-toto-verify", "/usr/lib/softhsm/libsofthsm2.so"} {
		if _, err := os.Stat(p); err != nil {
			if os.Getenv("CI") != "" {
				t.Fatalf("%s is missing: make test installs it (scripts/install-test-deps.sh)", p)
			}
			t.Skipf("%s is missing; run make test-deps", p)
		}
	}
}

func runDemo(t *testing.T, env ...string) string {
	t.Helper()
	requirePrereqs(t)
	bin := binDir(t)
	ctx, cancel := context.WithTimeout(context.Background(), 4*time.Minute)
	defer cancel()
	cmd := exec.CommandContext(ctx, "bash", filepath.Join("..", "..", "scripts", "demo.sh"))
	cmd.Env = append(os.Environ(), append([]string{"SIGNET_BIN=" + bin, "TMPDIR=" + t.TempDir()}, env...)...)
	var out bytes.Buffer
	cmd.Stdout, cmd.Stderr = &out, &out
	if err := cmd.Run(); err != nil {
		t.Fatalf("scripts/demo.sh failed: %v\n%s", err, out.String())
	}
	s := out.String()
	for _, want := range []string{
		"verification passed (signet verify --layout-threshold 2",
		"verification passed (reference in-toto-verify 1.3.1)",
		"a tampered package: reference refuses: RuleVerificationError",
		"a tampered package: signet verify explains:",
		"a forged layout signature: reference refuses: SignatureVerificationError",
		"FAILED (layout-signatures)",
		"(2 signed, 2 needed) released",
	} {
		if !strings.Contains(s, want) {
			t.Errorf("the demo's output lacks %q:\n%s", want, s)
		}
	}
	return s
}

// TestDemo is make demo: owners alice and olivia (SoftHSM) approve.
func TestDemo(t *testing.T) {
	out := runDemo(t)
	if !strings.Contains(out, "alice,olivia (2 signed, 2 needed)") {
		t.Errorf("the layout was not signed by alice and olivia:\n%s", out)
	}
}

// TestDemoVault is make demo-vault: oscar's owner key is in Vault transit.
func TestDemoVault(t *testing.T) {
	bin := binDir(t)
	if _, err := os.Stat(filepath.Join(bin, "vaultdev")); err != nil {
		if os.Getenv("CI") != "" {
			t.Fatalf("%s/vaultdev is missing: make test builds it (make vaultdev)", bin)
		}
		t.Skip("bin/vaultdev is missing; run make vaultdev")
	}
	out := runDemo(t, "DEMO_VAULT=1")
	if !strings.Contains(out, "alice,oscar (2 signed, 2 needed)") {
		t.Errorf("the layout was not signed by alice and oscar (Vault):\n%s", out)
	}
}
