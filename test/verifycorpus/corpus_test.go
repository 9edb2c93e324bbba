package verifycorpus

import (
	"bytes"
	"context"
	"fmt"
	"io/fs"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"strings"
	"testing"
	"time"

	"github.com/signet-dev/signet/internal/reftest"
)

const (
	corpusDir     = "testdata"
	refVerify     = "/usr/bin/in-toto-verify"
	minScenarios  = 50
	maxCorpusSize = 2 << 20
	runTimeout    = 2 * time.Minute
)

// signetVerify is Signet's drop-in: $SIGNET_BIN (set by make test) or the
// repository's bin/.
func signetVerify(t *testing.T) string {
	t.Helper()
	dir := os.Getenv("SIGNET_BIN")
	if dir == "" {
		abs, err := filepath.Abs(filepath.Join("..", "..", "bin"))
		if err != nil {
			t.Fatal(err)
		}
		dir = abs
	}
	return filepath.Join(dir, "in-toto-verify")
}

func loadCorpus(t *testing.T) []Scenario {
	t.Helper()
	scenarios, err := Load(corpusDir)
	if err != nil {
		t.Fatalf("%v (regenerate with go run ./test/verifycorpus/gen)", err)
	}
	return scenarios
}

// TestCorpus runs the reference's and Signet's in-toto-verify on every
// scenario and compares their exit codes with the expected verdicts.
func TestCorpus(t *testing.T) {
	for _, s := range loadCorpus(t) {
		t.Run(s.Name, func(t *testing.T) {
			t.Parallel()
			t.Run("reference", func(t *testing.T) {
				t.Parallel()
				reftest.Need(t, "the in-toto reference implementation (apt-get install in-toto)", refVerify, reftest.Python)
				r := verify(t, s, refVerify)
				if r.Code != s.Case.ReferenceExit {
					t.Fatalf("%s: the reference exited %d, case.json expects %d (%s)\n%s",
						s.Name, r.Code, s.Case.ReferenceExit, s.Case.Why, show("reference", r))
				}
				if k := s.Case.ReferenceError; k != "" && !strings.Contains(r.Stderr+r.Stdout, ReferenceErrorLine(k)) {
					t.Fatalf("%s: the reference failed, but not with %s (%s)\n%s", s.Name, k, s.Case.Why, show("reference", r))
				}
			})
			t.Run("signet", func(t *testing.T) {
				t.Parallel()
				bin := signetVerify(t)
				reftest.Need(t, "Signet's in-toto-verify (make build)", bin)
				r := verify(t, s, bin)
				if r.Code != s.Case.SignetExit {
					t.Fatalf("%s: Signet exited %d, case.json expects %d (%s)\n%s%s%s", s.Name, r.Code,
						s.Case.SignetExit, s.Case.Why, deviation(s.Case), show("signet", r), referenceForComparison(t, s))
				}
			})
		})
	}
}

// verify copies the scenario (without case.json) to a temporary directory
// and runs prog there with the case's arguments.
func verify(t *testing.T, s Scenario, prog string) reftest.Result {
	t.Helper()
	dir := t.TempDir()
	if err := CopyTree(s.Dir, dir, SkipCase); err != nil {
		t.Fatalf("copy %s: %v", s.Dir, err)
	}
	ctx, cancel := context.WithTimeout(context.Background(), runTimeout)
	defer cancel()
	cmd := exec.CommandContext(ctx, prog, s.Case.Args...)
	cmd.Dir = dir
	cmd.Env = append(os.Environ(), "COLUMNS=80")
	return reftest.Run(t, cmd)
}

// referenceForComparison runs the reference too when Signet's verdict is
// wrong, so that the failure shows both outputs.
func referenceForComparison(t *testing.T, s Scenario) string {
	if _, err := os.Stat(refVerify); err != nil {
		return "(the reference is not installed)\n"
	}
	return show("reference", verify(t, s, refVerify))
}

func show(who string, r reftest.Result) string {
	return fmt.Sprintf("--- %s: exit %d\nstdout:\n%s\nstderr:\n%s\n", who, r.Code, r.Stdout, r.Stderr)
}

func deviation(c Case) string {
	if c.Deviation == "" {
		return ""
	}
	return "documented deviation: " + c.Deviation + "\n"
}

// TestCorpusShape checks the corpus itself: enough scenarios, small,
// no private keys, every file named in the arguments present, every
// scenario listed in the README.
func TestCorpusShape(t *testing.T) {
	scenarios := loadCorpus(t)
	if len(scenarios) < minScenarios {
		t.Errorf("the corpus has %d scenarios, want at least %d", len(scenarios), minScenarios)
	}
	var total int64
	private := regexp.MustCompile(`"private"\s*:\s*"[^"]`)
	err := filepath.WalkDir(corpusDir, func(path string, d fs.DirEntry, err error) error {
		if err != nil || d.IsDir() {
			return err
		}
		data, err := os.ReadFile(path)
		if err != nil {
			return err
		}
		total += int64(len(data))
		if bytes.Contains(data, []byte("PRIVATE KEY")) || private.Match(data) {
			t.Errorf("%s holds a private key; only public keys belong in the corpus", path)
		}
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
	if total > maxCorpusSize {
		t.Errorf("the corpus is %d bytes, want at most %d", total, maxCorpusSize)
	}
	readme, err := os.ReadFile("README.md")
	if err != nil {
		t.Fatal(err)
	}
	for _, s := range scenarios {
		if !bytes.Contains(readme, []byte("| `"+s.Name+"` |")) {
			t.Errorf("README.md does not list scenario %s; add a row for it", s.Name)
		}
		for _, a := range s.Case.Args {
			if !looksLikeFile(a) {
				continue
			}
			if _, err := os.Stat(filepath.Join(s.Dir, a)); err != nil {
				t.Errorf("%s: argument %q names a missing file: %v", s.Name, a, err)
			}
		}
	}
}

func looksLikeFile(arg string) bool {
	for _, ext := range []string{".layout", ".pub", ".pem"} {
		if strings.HasSuffix(arg, ext) {
			return true
		}
	}
	return false
}
