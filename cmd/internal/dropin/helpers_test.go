package dropin

import (
	"bytes"
	"context"
	"os"
	"path/filepath"
	"strings"
	"sync"
	"testing"

	"github.com/signet-dev/signet/cmd/internal/ops"
	"github.com/signet-dev/signet/pkg/intoto"
	"github.com/signet-dev/signet/pkg/keys"
)

// Key ids of the fixtures in testdata/keys (legacy dialect; the PKCS#8
// copies under --signing-key get other, modern ids).
const (
	idED25519 = "e811ca13dd753f10ee1350436c159bccc83bb2a8797e933aa2f06a38d2359f34"
	idRSA     = "a80a059e262f6ed1f0ba4a567463fe812662ed3a69107aed07cc4afc65e2de85"
	idECDSA   = "8c216abc3b705ef6ac1954a910eb82f9389685bd5de3360f2bf9eb6da2e10489"
)

// tool is one of the drop-in tools.
type tool func(context.Context, []string, Env) int

// workspace returns a new working directory holding the key fixtures,
// unsigned.layout and foo.txt.
func workspace(t *testing.T) string {
	t.Helper()
	dir := t.TempDir()
	copyFixtures(t, dir)
	return dir
}

func copyFixtures(t *testing.T, dir string) {
	t.Helper()
	entries, err := os.ReadDir("testdata/keys")
	if err != nil {
		t.Fatal(err)
	}
	for _, e := range entries {
		copyFile(t, filepath.Join("testdata/keys", e.Name()), filepath.Join(dir, e.Name()))
	}
	copyFile(t, "testdata/unsigned.layout", filepath.Join(dir, "unsigned.layout"))
	writeFile(t, filepath.Join(dir, "foo.txt"), "hello\n")
}

func copyFile(t *testing.T, from, to string) {
	t.Helper()
	data, err := os.ReadFile(from)
	if err != nil {
		t.Fatal(err)
	}
	writeFile(t, to, string(data))
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

// prompter answers AskSecret with canned answers and remembers the
// questions.
type prompter struct {
	mu        sync.Mutex
	answers   []string
	questions []string
}

func (p *prompter) ask(q string) ([]byte, error) {
	p.mu.Lock()
	defer p.mu.Unlock()
	p.questions = append(p.questions, q)
	if len(p.answers) == 0 {
		return nil, os.ErrClosed
	}
	a := p.answers[0]
	p.answers = p.answers[1:]
	return []byte(a), nil
}

// result is what one tool invocation produced.
type result struct {
	code           int
	stdout, stderr string
	questions      []string
}

// call runs a tool in dir with a clean environment plus extra variables.
type call struct {
	dir     string
	args    []string
	environ []string
	answers []string
}

func (c call) run(t *testing.T, f tool) result {
	t.Helper()
	var out, errb bytes.Buffer
	p := &prompter{answers: c.answers}
	env := Env{
		Stdout: &out, Stderr: &errb, Dir: c.dir, Home: t.TempDir(),
		// A GNUPGHOME that does not exist keeps gpg away from the user's
		// keyring unless a test names one (--gpg-home or GNUPGHOME).
		Environ: append([]string{"PATH=" + os.Getenv("PATH"),
			"GNUPGHOME=" + filepath.Join(t.TempDir(), "no-gnupg")}, c.environ...),
		AskSecret: p.ask, Version: "test",
	}
	code := f(context.Background(), c.args, env)
	return result{code: code, stdout: out.String(), stderr: errb.String(), questions: p.questions}
}

// check compares a result with the expected exit code and a line that
// must be in stderr ("" = stderr must be empty).
func (r result) check(t *testing.T, code int, stderrLine string) {
	t.Helper()
	if r.code != code {
		t.Errorf("exit code %d, want %d\nstdout: %s\nstderr: %s", r.code, code, r.stdout, r.stderr)
	}
	switch {
	case stderrLine == "" && r.stderr != "":
		t.Errorf("stderr = %q, want nothing", r.stderr)
	case stderrLine != "" && !strings.Contains(r.stderr, stderrLine):
		t.Errorf("stderr = %q, want it to contain %q", r.stderr, stderrLine)
	}
}

// readDoc reads a metadata file.
func readDoc(t *testing.T, path string) *intoto.Document {
	t.Helper()
	doc, err := ops.ReadDocumentFile(path)
	if err != nil {
		t.Fatal(err)
	}
	return doc
}

// readLink reads a link and checks its signature by the key in pubPath
// ("" = unsigned).
func readLink(t *testing.T, path, pubPath string) *intoto.Link {
	t.Helper()
	doc := readDoc(t, path)
	if pubPath != "" {
		k, err := ops.LoadPublicKey(pubPath, "", keys.DialectLegacy)
		if err != nil {
			t.Fatal(err)
		}
		if err := doc.VerifySignature(k); err != nil {
			t.Fatalf("%s: %v", path, err)
		}
	}
	l, err := doc.Link()
	if err != nil {
		t.Fatal(err)
	}
	return l
}

func exists(path string) bool {
	_, err := os.Lstat(path)
	return err == nil
}

// linkFiles lists the files of dir whose names contain ".link" (links,
// preliminary links, leftovers of atomic writes), sorted.
func linkFiles(t *testing.T, dir string) []string {
	t.Helper()
	entries, err := os.ReadDir(dir)
	if err != nil {
		t.Fatal(err)
	}
	var names []string
	for _, e := range entries {
		if strings.Contains(e.Name(), ".link") {
			names = append(names, e.Name())
		}
	}
	return names
}

func modernID(t *testing.T, pemPath string) string {
	t.Helper()
	s, err := ops.LoadSigner(context.Background(), ops.KeyRequest{Path: pemPath, Dialect: keys.DialectModern,
		Passphrase: func() ([]byte, error) { return []byte("pw"), nil }})
	if err != nil {
		t.Fatal(err)
	}
	return s.Key().KeyID
}
