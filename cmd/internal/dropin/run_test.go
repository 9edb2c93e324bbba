package dropin

import (
	"bytes"
	"context"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/signet-dev/signet/cmd/internal/argparse"
	"github.com/signet-dev/signet/cmd/internal/settings"
)

const (
	edLink  = "step.e811ca13.link"
	rsaLink = "step.a80a059e.link"
	usage   = "usage: in-toto-run <named arguments> [options] \\\n\t -- <command> [args]\n"
)

func TestRun(t *testing.T) {
	tests := []struct {
		name    string
		args    []string
		environ []string
		answers []string
		code    int
		stderr  string // a line stderr must contain; "" = empty stderr
		stdout  string // exact stdout
		link    string // file that must exist afterwards; "" = no link at all
		prompts int
	}{
		{name: "no command", args: []string{"-n", "step", "-x", "-m", "foo.txt", "-k", "ed25519", "-t", "ed25519"}, link: edLink},
		{name: "key type read from the file", args: []string{"-n", "step", "-x", "-k", "ed25519"}, link: edLink},
		{name: "rsa", args: []string{"-n", "step", "-k", "rsa", "--", "true"}, link: rsaLink},
		{name: "ecdsa", args: []string{"-n", "step", "-k", "ecdsa", "-t", "ecdsa", "--", "true"}, link: "step.8c216abc.link"},
		{name: "failing command is recorded", args: []string{"-n", "step", "-k", "ed25519", "--", "sh", "-c", "exit 3"}, link: edLink},
		{name: "output discarded without -s", args: []string{"-n", "step", "-k", "ed25519", "--", "sh", "-c", "echo out; echo err >&2"}, link: edLink},
		{name: "output shown with -s", args: []string{"-n", "step", "-s", "-k", "ed25519", "--", "sh", "-c", "echo out; echo err >&2"},
			link: edLink, stdout: "out\n", stderr: "err"},
		{name: "metadata directory", args: []string{"-n", "step", "-x", "-k", "ed25519", "-d", "out"}, link: "out/" + edLink},
		{name: "dsse", args: []string{"-n", "step", "-x", "-k", "ed25519", "--use-dsse"}, link: edLink},
		{name: "encrypted key, prompt", args: []string{"-n", "step", "-x", "-k", "rsa_enc", "-P"}, answers: []string{"pw"},
			link: "step.", prompts: 1},
		{name: "encrypted key, password file", args: []string{"-n", "step", "-x", "-k", "ed25519_enc", "-t", "ed25519"},
			environ: []string{PasswordFileVar + "=pwfile"}, link: "step."},
		{name: "encrypted key, password on argv", args: []string{"-n", "step", "-x", "-k", "ecdsa_enc", "-P", "pw"},
			stderr: "warning: a password given on the command line (-P <password>) can be seen by other users", link: "step."},
		{name: "signing key", args: []string{"-n", "step", "-x", "--signing-key", "ed25519_pkcs8.pem"}, link: "step."},
		{name: "signing key encrypted", args: []string{"-n", "step", "-x", "--signing-key", "ecdsa_pkcs8_enc.pem", "-P"},
			answers: []string{"pw"}, link: "step.", prompts: 1},

		{name: "usage: missing step", args: []string{"-k", "ed25519", "-x"}, code: 2,
			stderr: "in-toto-run: error: the following arguments are required: -n/--step-name"},
		{name: "usage: no key", args: []string{"-n", "step", "-x"}, code: 2, stdout: usage,
			stderr: usage + "in-toto-run: error: Specify either '--key <key path>' or '--gpg [<keyid>]'\n"},
		{name: "usage: key and gpg", args: []string{"-n", "step", "-x", "-k", "ed25519", "-g"}, code: 2, stdout: usage,
			stderr: "in-toto-run: error: Specify either '--key <key path>' or '--gpg [<keyid>]'\n"},
		{name: "usage: key and signing key", args: []string{"-n", "step", "-x", "-k", "ed25519", "--signing-key", "x.pem"}, code: 2,
			stdout: usage, stderr: "in-toto-run: error: Specify exactly one of '--key <key path>', '--gpg [<keyid>]' or '--signing-key <key path>'\n"},
		{name: "usage: no command", args: []string{"-n", "step", "-k", "ed25519"}, code: 2, stdout: usage,
			stderr: "in-toto-run: error: No command specified. Please specify (or use the --no-command option)\n"},
		{name: "usage: -P eats the command", args: []string{"-n", "step", "-k", "ed25519", "-P", "ls"}, code: 2, stdout: usage,
			stderr: "in-toto-run: error: No command specified."},
		{name: "usage: bad timeout", args: []string{"-n", "step", "-k", "ed25519", "--run-timeout", "0", "--", "true"}, code: 2,
			stdout: usage, stderr: "in-toto-run: error: argument --run-timeout: must be a positive number of seconds"},
		{name: "usage: huge timeout", args: []string{"-n", "step", "-k", "ed25519", "--run-timeout", "99999999999999", "--", "true"}, code: 2,
			stdout: usage, stderr: "in-toto-run: error: argument --run-timeout: must be a positive number of seconds"},
		{name: "usage: unrecognized", args: []string{"-n", "step", "-k", "ed25519", "ls", "-la"}, code: 2,
			stderr: "in-toto-run: error: unrecognized arguments: -la"},

		{name: "missing key", args: []string{"-n", "step", "-x", "-k", "missing"}, code: 1,
			stderr: "(in-toto-run) KeyError: cannot read key file"},
		{name: "missing key, quiet still prints the error", args: []string{"-q", "-n", "step", "-x", "-k", "missing"}, code: 1,
			stderr: "(in-toto-run) KeyError: cannot read key file"},
		{name: "encrypted key without password", args: []string{"-n", "step", "-x", "-k", "ed25519_enc"}, code: 1,
			stderr: "(in-toto-run) KeyError: key file ed25519_enc is encrypted: give -P/--password to be asked for its password, or set SIGNET_PASSWORD_FILE"},
		{name: "wrong password", args: []string{"-n", "step", "-x", "-k", "rsa_enc", "-P"}, answers: []string{"wrong"}, code: 1,
			stderr: "(in-toto-run) KeyError: cannot load key file", prompts: 1},
		{name: "no password entered", args: []string{"-n", "step", "-x", "-k", "rsa_enc", "-P"}, answers: []string{""}, code: 1,
			stderr: "(in-toto-run) KeyError: key file rsa_enc is encrypted: no password was entered", prompts: 1},
		{name: "wrong key type", args: []string{"-n", "step", "-x", "-k", "rsa", "-t", "ed25519"}, code: 1,
			stderr: "(in-toto-run) KeyError: "},
		{name: "public key given", args: []string{"-n", "step", "-x", "-k", "rsa.pub"}, code: 1, stderr: "(in-toto-run) KeyError: "},
		{name: "command not found", args: []string{"-n", "step", "-k", "ed25519", "--", "nonexistent-cmd-xyz"}, code: 1,
			stderr: "(in-toto-run) CommandNotFoundError: "},
		{name: "command not executable", args: []string{"-n", "step", "-k", "ed25519", "--", "./foo.txt"}, code: 1,
			stderr: "(in-toto-run) CommandError: "},
		{name: "timeout", args: []string{"-n", "step", "-k", "ed25519", "--run-timeout", "1", "--", "sleep", "30"}, code: 1,
			stderr: "(in-toto-run) TimeoutError: "},
		{name: "timeout from the environment", args: []string{"-n", "step", "-k", "ed25519", "--", "sleep", "30"},
			environ: []string{"IN_TOTO_LINK_CMD_EXEC_TIMEOUT=0.5"}, code: 1, stderr: "(in-toto-run) TimeoutError: "},
		{name: "bad timeout setting", args: []string{"-n", "step", "-k", "ed25519", "--", "true"},
			environ: []string{"IN_TOTO_LINK_CMD_EXEC_TIMEOUT=abc"}, code: 1, stderr: "(in-toto-run) SettingsError: "},
		{name: "bad timeout setting unused with -x", args: []string{"-n", "step", "-x", "-k", "ed25519"},
			environ: []string{"IN_TOTO_LINK_CMD_EXEC_TIMEOUT=abc"}, link: edLink},
		{name: "bad timeout setting unused with --run-timeout", args: []string{"-n", "step", "--run-timeout", "5", "-k", "ed25519", "--", "true"},
			environ: []string{"IN_TOTO_LINK_CMD_EXEC_TIMEOUT=abc"}, link: edLink},
		{name: "metadata directory missing", args: []string{"-n", "step", "-k", "ed25519", "-d", "nodir", "--", "touch", "ran"}, code: 1,
			stderr: "(in-toto-run) FileNotFoundError: metadata directory 'nodir' does not exist"},
		{name: "step name with a slash", args: []string{"-n", "a/b", "-x", "-k", "ed25519"}, code: 1,
			stderr: "(in-toto-run) ValueError: step name \"a/b\" cannot be used in a file name"},
		{name: "base path missing", args: []string{"-n", "step", "-x", "-m", "x", "--base-path", "nodir", "-k", "ed25519"}, code: 1,
			stderr: "(in-toto-run) RecordError: "},
		{name: "overlapping lstrip paths", args: []string{"-n", "step", "-x", "-m", "foo.txt", "--lstrip-paths", "a", "ab", "-k", "ed25519"}, code: 1,
			stderr: "(in-toto-run) RecordError: "},
		{name: "gpg key id not hex", args: []string{"-n", "step", "-x", "-g", "nothex"}, code: 1,
			stderr: "(in-toto-run) FormatError: bad gpg key id: 'nothex' is not hex; give the key's fingerprint or key id in hex digits"},
		{name: "gpg and dsse", args: []string{"-n", "step", "-x", "-g", "ABCDEF", "--use-dsse"}, code: 1,
			stderr: "(in-toto-run) ValueError: GPG signatures cannot go into DSSE envelopes"},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			dir := workspace(t)
			writeFile(t, filepath.Join(dir, "pwfile"), "pw\n")
			if err := os.Mkdir(filepath.Join(dir, "out"), 0o755); err != nil {
				t.Fatal(err)
			}
			r := call{dir: dir, args: tc.args, environ: tc.environ, answers: tc.answers}.run(t, Run)
			r.check(t, tc.code, tc.stderr)
			if tc.stdout != "" || tc.code == 0 {
				if r.stdout != tc.stdout {
					t.Errorf("stdout = %q, want %q", r.stdout, tc.stdout)
				}
			}
			if len(r.questions) != tc.prompts {
				t.Errorf("asked %q, want %d questions", r.questions, tc.prompts)
			}
			links := append(linkFiles(t, dir), linkFiles(t, filepath.Join(dir, "out"))...)
			switch {
			case tc.link == "" && len(links) > 0:
				t.Errorf("links %v written, want none", links)
			case tc.link != "" && !strings.HasPrefix(strings.Join(links, " "), filepath.Base(tc.link)):
				t.Errorf("links %v, want %s", links, tc.link)
			}
			if exists(filepath.Join(dir, "ran")) {
				t.Errorf("the command ran although the tool was bound to fail")
			}
		})
	}
}

func TestRunLinkContents(t *testing.T) {
	t.Parallel()
	dir := workspace(t)
	r := call{dir: dir, args: []string{"-n", "step", "-s", "-m", "foo.txt", "-p", "foo.txt", "bar",
		"-k", "ed25519", "--", "sh", "-c", "echo out; echo err >&2; echo x > bar; exit 3"}}.run(t, Run)
	r.check(t, 0, "err\n")
	l := readLink(t, filepath.Join(dir, edLink), filepath.Join(dir, "ed25519.pub"))
	if got := fmt.Sprint(l.Byproducts); got != "map[return-value:3 stderr:err\n stdout:out\n]" {
		t.Errorf("byproducts = %s", got)
	}
	if _, ok := l.Materials["foo.txt"]; !ok || len(l.Materials) != 1 {
		t.Errorf("materials = %v", l.Materials)
	}
	if _, ok := l.Products["bar"]; !ok || len(l.Products) != 2 {
		t.Errorf("products = %v", l.Products)
	}
	if strings.Join(l.Command, " ") != "sh -c echo out; echo err >&2; echo x > bar; exit 3" {
		t.Errorf("command = %q", l.Command)
	}
}

func TestRunDSSE(t *testing.T) {
	t.Parallel()
	dir := workspace(t)
	call{dir: dir, args: []string{"-n", "step", "-x", "-k", "ed25519", "--use-dsse"}}.run(t, Run).check(t, 0, "")
	doc := readDoc(t, filepath.Join(dir, edLink))
	if doc.Format().String() != "DSSE" && !strings.Contains(strings.ToLower(doc.Format().String()), "dsse") {
		t.Errorf("format = %s, want DSSE", doc.Format())
	}
}

func TestRunSigningKeyUsesModernKeyID(t *testing.T) {
	t.Parallel()
	dir := workspace(t)
	call{dir: dir, args: []string{"-n", "step", "-x", "--signing-key", "ed25519_pkcs8.pem"}}.run(t, Run).check(t, 0, "")
	id := modernID(t, filepath.Join(dir, "ed25519_pkcs8.pem"))
	if !exists(filepath.Join(dir, "step."+id[:8]+".link")) {
		t.Errorf("want step.%s.link, have %v", id[:8], linkFiles(t, dir))
	}
}

func TestRunVerboseLog(t *testing.T) {
	t.Parallel()
	dir := workspace(t)
	want := `Setting (default): ARTIFACT_EXCLUDE_PATTERNS=['*.link*', '.git', '*.pyc', '*~']
Setting (default): ARTIFACT_BASE_PATH=None
Setting (default): LINK_CMD_EXEC_TIMEOUT=10
Running 'step'...
Recording materials 'foo.txt, nonexistent'...
path: nonexistent does not exist, skipping..
Running command 'true'...
Recording products 'foo.txt'...
Creating link metadata...
Signing link metadata using passed key...
Storing link metadata to 'sub/step.e811ca13.link'...
`
	if err := os.Mkdir(filepath.Join(dir, "sub"), 0o755); err != nil {
		t.Fatal(err)
	}
	r := call{dir: dir, args: []string{"-v", "-n", "step", "-m", "foo.txt", "nonexistent", "-p", "foo.txt",
		"-k", "ed25519", "-d", "sub", "--", "true"}}.run(t, Run)
	if r.code != 0 || r.stderr != want {
		t.Errorf("exit %d, stderr:\n%s\nwant:\n%s", r.code, r.stderr, want)
	}
}

func TestRunVersion(t *testing.T) {
	t.Parallel()
	r := call{dir: t.TempDir(), args: []string{"--version"}}.run(t, Run)
	if r.code != 0 || r.stdout != "in-toto-run 1.3.1 (signet test)\n" {
		t.Errorf("exit %d, stdout %q", r.code, r.stdout)
	}
}

func TestRunTimeoutPrecedence(t *testing.T) {
	t.Parallel()
	tests := []struct {
		name    string
		args    []string
		setting time.Duration
		want    time.Duration
	}{
		{"default", nil, 0, 10 * time.Second},
		{"setting", nil, 1500 * time.Millisecond, 1500 * time.Millisecond},
		{"flag beats setting", []string{"--run-timeout", "3"}, 7 * time.Second, 3 * time.Second},
	}
	for _, tc := range tests {
		r, err := argparse.RunParser().Parse(append([]string{"-n", "s", "-x"}, tc.args...))
		if err != nil {
			t.Fatal(err)
		}
		if got := runTimeout(r, settings.Settings{ExecTimeout: tc.setting}); got != tc.want {
			t.Errorf("%s: timeout %s, want %s", tc.name, got, tc.want)
		}
	}
}

func TestRunRCFileBeatsEnvironment(t *testing.T) {
	t.Parallel()
	dir := workspace(t)
	writeFile(t, filepath.Join(dir, ".in_totorc"), "[settings]\nLINK_CMD_EXEC_TIMEOUT = 7\n")
	r := call{dir: dir, args: []string{"-v", "-n", "step", "-k", "ed25519", "--", "true"},
		environ: []string{"IN_TOTO_LINK_CMD_EXEC_TIMEOUT=1"}}.run(t, Run)
	r.check(t, 0, "Setting (user): LINK_CMD_EXEC_TIMEOUT=7\n")
}

func TestRunInterrupted(t *testing.T) {
	t.Parallel()
	dir := workspace(t)
	ctx, cancel := context.WithCancel(context.Background())
	cancel()
	var out, errb bytes.Buffer
	code := Run(ctx, []string{"-n", "step", "-k", "ed25519", "--", "sleep", "30"},
		Env{Stdout: &out, Stderr: &errb, Dir: dir, Home: t.TempDir()})
	if code != exitInterrupted || !strings.HasPrefix(errb.String(), "(in-toto-run) Interrupted: ") {
		t.Errorf("exit %d, stderr %q", code, errb.String())
	}
	if got := linkFiles(t, dir); len(got) != 0 {
		t.Errorf("links written: %v", got)
	}
}
