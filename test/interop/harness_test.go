package interop

import (
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"

	"github.com/signet-dev/signet/internal/reftest"
)

// binDir holds Signet's binaries for the whole test run.
var binDir string

func TestMain(m *testing.M) {
	code, err := setup(m)
	if err != nil {
		fmt.Fprintln(os.Stderr, "interop:", err)
		os.Exit(1)
	}
	os.Exit(code)
}

func setup(m *testing.M) (int, error) {
	if dir := os.Getenv("SIGNET_BIN"); dir != "" {
		binDir = dir
		return m.Run(), nil
	}
	tmp, err := os.MkdirTemp("", "signet-interop-bin-")
	if err != nil {
		return 0, err
	}
	defer os.RemoveAll(tmp)
	root, err := exec.Command("go", "list", "-m", "-f", "{{.Dir}}").Output()
	if err != nil {
		return 0, fmt.Errorf("find the module root: %w", err)
	}
	build := exec.Command("go", "build", "-o", tmp+"/", "./cmd/...")
	build.Dir = strings.TrimSpace(string(root))
	if out, err := build.CombinedOutput(); err != nil {
		return 0, fmt.Errorf("build the binaries: %w\n%s", err, out)
	}
	binDir = tmp
	return m.Run(), nil
}

// requireReference fails under CI and skips elsewhere when the reference
// implementation is not installed.
func requireReference(t *testing.T) {
	t.Helper()
	reftest.Need(t, "the in-toto reference implementation (apt-get install in-toto)", "/usr/bin/in-toto-verify", reftest.Python)
}

type result struct {
	stdout, stderr string
	code           int
}

func (r result) String() string {
	return fmt.Sprintf("exit %d\nstdout: %s\nstderr: %s", r.code, r.stdout, r.stderr)
}

// run executes a program in dir with stdin closed.
func run(t *testing.T, dir, prog string, args ...string) result {
	t.Helper()
	return runEnv(t, dir, nil, prog, args...)
}

// runEnv is run with extra environment variables.
func runEnv(t *testing.T, dir string, env []string, prog string, args ...string) result {
	t.Helper()
	cmd := exec.Command(prog, args...)
	cmd.Dir = dir
	cmd.Env = append(append(os.Environ(), "COLUMNS=80"), env...)
	r := reftest.Run(t, cmd)
	return result{r.Stdout, r.Stderr, r.Code}
}

// signet runs one of Signet's binaries (signet, in-toto-run, ...).
func signet(t *testing.T, dir, tool string, args ...string) result {
	t.Helper()
	return run(t, dir, filepath.Join(binDir, tool), args...)
}

// reference runs one of the reference's tools.
func reference(t *testing.T, dir, tool string, args ...string) result {
	t.Helper()
	return run(t, dir, filepath.Join("/usr/bin", tool), args...)
}

// must fails the test unless r exited 0.
func must(t *testing.T, what string, r result) result {
	t.Helper()
	if r.code != 0 {
		t.Fatalf("%s failed: %s", what, r)
	}
	return r
}

func writeFile(t *testing.T, path, content string) {
	t.Helper()
	if err := os.MkdirAll(filepath.Dir(path), 0o755); err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(path, []byte(content), 0o644); err != nil {
		t.Fatal(err)
	}
}

func copyFiles(t *testing.T, dst string, srcs ...string) {
	t.Helper()
	for _, src := range srcs {
		data, err := os.ReadFile(src)
		if err != nil {
			t.Fatal(err)
		}
		writeFile(t, filepath.Join(dst, filepath.Base(src)), string(data))
	}
}

func glob(t *testing.T, pattern string) []string {
	t.Helper()
	m, err := filepath.Glob(pattern)
	if err != nil {
		t.Fatal(err)
	}
	return m
}
