//go:build unix

package dropin

import (
	"bytes"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"syscall"
	"testing"

	"github.com/signet-dev/signet/internal/reftest"

	"github.com/signet-dev/signet/cmd/internal/ops"
	"github.com/signet-dev/signet/pkg/keys"
)

// Differential tests: the same command lines run with the reference
// in-toto 1.3.1 tools and with ours, in twin working directories.

// referenceTool returns the path of a reference tool. Without it the test
// fails under CI and is skipped elsewhere.
func referenceTool(t *testing.T, name string) string {
	t.Helper()
	path := "/usr/bin/" + name
	reftest.Need(t, "the reference "+name+" (apt-get install in-toto)", path)
	return path
}

// tools pairs our tools with the reference's program names.
var tools = map[string]tool{
	"in-toto-run": Run, "in-toto-record": Record, "in-toto-mock": Mock,
	"in-toto-sign": Sign, "in-toto-keygen": Keygen,
}

// runReference runs a reference tool in dir, in a session of its own (no
// controlling terminal: getpass reads the password from stdin), without
// any IN_TOTO_* setting or rc file unless environ gives one.
func runReference(t *testing.T, name, dir string, args, environ []string, stdin string) result {
	t.Helper()
	cmd := exec.Command(referenceTool(t, name), args...)
	cmd.Dir = dir
	cmd.Env = append([]string{"PATH=" + os.Getenv("PATH"), "HOME=" + t.TempDir(), "LC_ALL=C.UTF-8"}, environ...)
	cmd.SysProcAttr = &syscall.SysProcAttr{Setsid: true}
	cmd.Stdin = strings.NewReader(stdin)
	r := reftest.Run(t, cmd)
	return result{code: r.Code, stdout: r.Stdout, stderr: r.Stderr}
}

// step is one command line of a differential case.
type step struct {
	tool    string
	args    []string
	environ []string
	// compare lists files both sides must have written, byte for byte.
	compare []string
}

func TestReferenceIdenticalFiles(t *testing.T) {
	tests := []struct {
		name  string
		setup func(t *testing.T, dir string)
		steps []step
	}{
		{name: "run without command", steps: []step{{tool: "in-toto-run",
			args:    []string{"-x", "-m", "foo.txt", "-k", "ed25519", "-t", "ed25519", "-n", "step"},
			compare: []string{edLink}}}},
		{name: "run with command and streams", steps: []step{{tool: "in-toto-run",
			args: []string{"-n", "step", "-s", "-m", "foo.txt", "-p", "foo.txt", "bar", "-k", "ed25519", "-t", "ed25519",
				"--", "sh", "-c", "echo out; echo err >&2; echo x > bar; exit 3"},
			compare: []string{edLink}}}},
		{name: "run with recording options", setup: func(t *testing.T, dir string) {
			writeFile(t, filepath.Join(dir, "src", "sub", "a.c"), "int a;\n")
			writeFile(t, filepath.Join(dir, "src", "b.tmp"), "tmp\n")
			writeFile(t, filepath.Join(dir, "src", "x.link"), "not excluded any more\n")
			writeFile(t, filepath.Join(dir, "out", ".keep"), "")
		}, steps: []step{{tool: "in-toto-run",
			args: []string{"-n", "step", "-x", "-m", ".", "--base-path", "src", "--lstrip-paths", "sub/",
				"--exclude", "*.tmp", "-k", "ed25519", "-t", "ed25519", "-d", "out"},
			compare: []string{"out/" + edLink}}}},
		{name: "run with settings", setup: func(t *testing.T, dir string) {
			writeFile(t, filepath.Join(dir, "base", "a.txt"), "a\n")
			writeFile(t, filepath.Join(dir, "base", "b.pyc"), "b\n")
			writeFile(t, filepath.Join(dir, ".in_totorc"), "[in-toto settings]\nARTIFACT_BASE_PATH=base\n")
		}, steps: []step{{tool: "in-toto-run",
			args:    []string{"-n", "step", "-m", ".", "-k", "ed25519", "-t", "ed25519", "--", "true"},
			environ: []string{"IN_TOTO_ARTIFACT_EXCLUDE_PATTERNS=*.txt:foo"},
			compare: []string{edLink}}}},
		{name: "record start and stop", steps: []step{
			{tool: "in-toto-record", args: []string{"start", "-n", "edit", "-m", "foo.txt", "-k", "ed25519", "-t", "ed25519"},
				compare: []string{".edit.e811ca13.link-unfinished"}},
			{tool: "in-toto-record", args: []string{"stop", "-n", "edit", "-p", "foo.txt", "unsigned.layout", "-k", "ed25519", "-t", "ed25519"},
				compare: []string{"edit.e811ca13.link"}},
		}},
		{name: "mock", steps: []step{{tool: "in-toto-mock", args: []string{"-n", "foo", "--", "sh", "-c", "echo hi; touch bar"},
			compare: []string{"foo.link"}}}},
		{name: "sign layout", steps: []step{{tool: "in-toto-sign", args: []string{"-f", "unsigned.layout", "-k", "ed25519", "-t", "ed25519"},
			compare: []string{"unsigned.layout"}}}},
		{name: "sign link", steps: []step{
			{tool: "in-toto-mock", args: []string{"-n", "step", "--", "true"}},
			{tool: "in-toto-sign", args: []string{"-f", "step.link", "-k", "ed25519", "-t", "ed25519"}, compare: []string{edLink}},
			{tool: "in-toto-sign", args: []string{"-f", edLink, "-k", "ed25519", "-t", "ed25519", "-o", "re.link"}, compare: []string{"re.link"}},
		}},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			ref, ours := workspace(t), workspace(t)
			if tc.setup != nil {
				tc.setup(t, ref)
				tc.setup(t, ours)
			}
			for _, s := range tc.steps {
				want := runReference(t, s.tool, ref, s.args, s.environ, "")
				got := call{dir: ours, args: s.args, environ: s.environ}.run(t, tools[s.tool])
				if want.code != 0 || got.code != 0 {
					t.Fatalf("%s %q: reference exit %d (%s), ours %d (%s)", s.tool, s.args, want.code, want.stderr, got.code, got.stderr)
				}
				for _, f := range s.compare {
					a, errA := os.ReadFile(filepath.Join(ref, f))
					b, errB := os.ReadFile(filepath.Join(ours, f))
					if errA != nil || errB != nil {
						t.Fatalf("%s: reference %v, ours %v", f, errA, errB)
					}
					if !bytes.Equal(a, b) {
						t.Errorf("%s differs:\nreference:\n%s\nours:\n%s", f, a, b)
					}
				}
			}
			if a, b := linkFiles(t, ref), linkFiles(t, ours); strings.Join(a, " ") != strings.Join(b, " ") {
				t.Errorf("link files: reference %v, ours %v", a, b)
			}
		})
	}
}

func TestReferenceExitCodes(t *testing.T) {
	tests := []struct {
		tool    string
		args    []string
		environ []string
		stdin   string
		// sameLast: the last stderr line must be the same (argparse errors).
		sameLast bool
	}{
		{tool: "in-toto-run", args: []string{"-n", "step", "-x", "-k", "missing"}},
		{tool: "in-toto-run", args: []string{"-n", "step", "-x"}, sameLast: true},
		{tool: "in-toto-run", args: []string{"-n", "step", "-k", "ed25519"}, sameLast: true},
		{tool: "in-toto-run", args: []string{"-k", "ed25519", "-x"}, sameLast: true},
		{tool: "in-toto-run", args: []string{"-n", "step", "-k", "ed25519", "-P", "ls"}, sameLast: true},
		{tool: "in-toto-run", args: []string{"-n", "step", "-k", "ed25519", "ls", "-la"}, sameLast: true},
		{tool: "in-toto-run", args: []string{"-n", "step", "-t", "dsa", "-x"}, sameLast: true},
		{tool: "in-toto-run", args: []string{"-n", "step", "-x", "-k", "ed25519_enc", "-t", "ed25519"}},
		{tool: "in-toto-run", args: []string{"-n", "step", "-x", "-k", "rsa_enc", "-P"}, stdin: "pw\n"},
		{tool: "in-toto-run", args: []string{"-n", "step", "-x", "-k", "rsa_enc", "-P"}, stdin: "wrong\n"},
		{tool: "in-toto-run", args: []string{"-n", "step", "-x", "-k", "rsa", "-t", "ed25519"}},
		{tool: "in-toto-run", args: []string{"-n", "step", "-k", "ed25519", "-t", "ed25519", "--", "nonexistent-cmd-xyz"}},
		{tool: "in-toto-run", args: []string{"-n", "step", "-k", "ed25519", "-t", "ed25519", "--", "false"}},
		{tool: "in-toto-run", args: []string{"-n", "step", "-k", "ed25519", "-t", "ed25519", "--", "sleep", "20"},
			environ: []string{"IN_TOTO_LINK_CMD_EXEC_TIMEOUT=0.5"}},
		{tool: "in-toto-run", args: []string{"-n", "step", "-k", "ed25519", "-t", "ed25519", "-d", "nodir", "--", "true"}},
		{tool: "in-toto-run", args: []string{"-n", "step", "-x", "-m", "a", "--lstrip-paths", "a", "ab", "-k", "ed25519", "-t", "ed25519"}},
		{tool: "in-toto-record", args: []string{"stop", "-n", "step", "-k", "ed25519", "-t", "ed25519"}},
		{tool: "in-toto-record", args: []string{"start", "-n", "step"}, sameLast: true},
		{tool: "in-toto-record", args: []string{"stop", "-n", "x", "-k", "k", "-m", "a"}, sameLast: true},
		{tool: "in-toto-record", args: []string{"start", "-n", "step", "-k", "ed25519", "-t", "ed25519", "-m", "foo.txt", "-q"}},
		{tool: "in-toto-mock", args: []string{"-n", "step"}, sameLast: true},
		{tool: "in-toto-mock", args: []string{"-n", "step", "--", "nonexistent-cmd-xyz"}},
		{tool: "in-toto-sign", args: []string{"-f", "signed.link", "-k", "rsa", "ecdsa"}, sameLast: true},
		{tool: "in-toto-sign", args: []string{"-f", "signed.link", "-k", "rsa", "-a"}, sameLast: true},
		{tool: "in-toto-sign", args: []string{"-f", "signed.link", "-k", "rsa.pub", "--verify", "-o", "x"}, sameLast: true},
		{tool: "in-toto-sign", args: []string{"-f", "signed.link"}, sameLast: true},
		{tool: "in-toto-sign", args: []string{"-f", "missing.link", "-k", "rsa"}},
		{tool: "in-toto-sign", args: []string{"-f", "unsigned.layout", "-k", "rsa", "ecdsa", "-t", "rsa"}},
		{tool: "in-toto-sign", args: []string{"-f", "unsigned.layout", "-k", "missing"}},
		{tool: "in-toto-sign", args: []string{"-f", "unsigned.layout", "-k", "rsa_enc"}},
		{tool: "in-toto-sign", args: []string{"-f", "unsigned.layout", "-k", "rsa_enc", "-p"}, stdin: "pw\n"},
		{tool: "in-toto-sign", args: []string{"-f", "signed.link", "-k", "ed25519.pub", "-t", "ed25519", "--verify"}},
		{tool: "in-toto-sign", args: []string{"-f", "signed.link", "-k", "rsa.pub", "--verify"}},
		{tool: "in-toto-sign", args: []string{"-f", "signed.link", "-k", "ecdsa.pub", "-t", "ecdsa", "--verify"}},
		{tool: "in-toto-keygen", args: []string{"-b", "1024", "k"}},
		{tool: "in-toto-keygen", args: []string{"-b", "x", "k"}, sameLast: true},
		{tool: "in-toto-keygen", args: []string{"-t", "ed25519", "sub/dir/k"}},
	}
	for _, tc := range tests {
		t.Run(tc.tool+" "+strings.Join(tc.args, " "), func(t *testing.T) {
			t.Parallel()
			ref, ours := workspace(t), workspace(t)
			for _, dir := range []string{ref, ours} {
				signedLink(t, dir)
				if err := os.Rename(filepath.Join(dir, edLink), filepath.Join(dir, "signed.link")); err != nil {
					t.Fatal(err)
				}
			}
			want := runReference(t, tc.tool, ref, tc.args, tc.environ, tc.stdin)
			answers := []string{strings.TrimSuffix(tc.stdin, "\n")}
			got := call{dir: ours, args: tc.args, environ: tc.environ, answers: answers}.run(t, tools[tc.tool])
			if got.code != want.code {
				t.Errorf("exit code %d, reference %d\nours: %s\nreference: %s", got.code, want.code, got.stderr, want.stderr)
			}
			if tc.sameLast {
				if a, b := lastLine(want.stderr), lastLine(got.stderr); a != b {
					t.Errorf("error line %q, reference %q", b, a)
				}
				if want.stdout != got.stdout && !strings.HasPrefix(want.stdout, "usage: in-toto-sign") {
					t.Errorf("stdout %q, reference %q", got.stdout, want.stdout)
				}
			}
			if a, b := linkFiles(t, ref), linkFiles(t, ours); strings.Join(a, " ") != strings.Join(b, " ") {
				t.Errorf("link files: reference %v, ours %v", a, b)
			}
		})
	}
}

func lastLine(s string) string {
	lines := strings.Split(strings.TrimRight(s, "\n"), "\n")
	return lines[len(lines)-1]
}

// Keys made by our in-toto-keygen work with the reference tools, and
// signatures made by each side verify on the other.
func TestReferenceKeygenInterop(t *testing.T) {
	for _, keyType := range []string{"ed25519", "ecdsa", "rsa"} {
		for _, pw := range []string{"", "pw"} {
			t.Run(keyType+"/"+pw, func(t *testing.T) {
				t.Parallel()
				dir := workspace(t)
				args := []string{"-t", keyType, "-b", "2048", "new"}
				if pw != "" {
					args = append([]string{"-p"}, args...)
				}
				call{dir: dir, args: args, answers: []string{pw, pw}}.run(t, Keygen).check(t, 0, "")
				pub, err := ops.LoadPublicKey(filepath.Join(dir, "new.pub"), keyType, keys.DialectLegacy)
				if err != nil {
					t.Fatal(err)
				}
				signArgs := []string{"-f", "unsigned.layout", "-k", "new", "-t", keyType, "-o", "root.layout"}
				runArgs := []string{"-n", "step", "-x", "-k", "new", "-t", keyType}
				if pw != "" {
					signArgs, runArgs = append(signArgs, "-p"), append(runArgs, "-P")
				}
				expectRef(t, dir, "in-toto-sign", signArgs, pw+"\n", 0)
				verify := []string{"-f", "root.layout", "-k", "new.pub", "-t", keyType, "--verify"}
				call{dir: dir, args: verify}.run(t, Sign).check(t, 0, "")
				expectRef(t, dir, "in-toto-sign", verify, "", 0)
				expectRef(t, dir, "in-toto-run", runArgs, pw+"\n", 0)
				if link := "step." + pub.KeyID[:8] + ".link"; !exists(filepath.Join(dir, link)) {
					t.Errorf("the reference did not write %s: %v", link, linkFiles(t, dir))
				}
			})
		}
	}
}

// Layouts our in-toto-sign signs with reference-made keys verify in the
// reference, with every key type, appended in order.
func TestReferenceVerifiesOurSignatures(t *testing.T) {
	t.Parallel()
	dir := workspace(t)
	call{dir: dir, args: []string{"-f", "unsigned.layout", "-k", "rsa", "ecdsa", "-t", "rsa", "ecdsa", "-o", "root.layout"}}.run(t, Sign).check(t, 0, "")
	call{dir: dir, args: []string{"-f", "root.layout", "-k", "ed25519_enc", "-p", "-a"}, answers: []string{"pw"}}.run(t, Sign).check(t, 0, "")
	expectRef(t, dir, "in-toto-sign", []string{"-f", "root.layout", "-k", "rsa.pub", "ecdsa.pub", "ed25519_enc.pub",
		"-t", "rsa", "ecdsa", "ed25519", "--verify"}, "", 0)
	expectRef(t, dir, "in-toto-sign", []string{"-f", "root.layout", "-k", "ed25519.pub", "-t", "ed25519", "--verify"}, "", 1)
}

func expectRef(t *testing.T, dir, name string, args []string, stdin string, code int) {
	t.Helper()
	if r := runReference(t, name, dir, args, nil, stdin); r.code != code {
		t.Errorf("reference %s %q: exit %d, want %d\n%s", name, args, r.code, code, r.stderr)
	}
}

// The -v log lines are the reference's, line for line.
func TestReferenceVerboseLog(t *testing.T) {
	tests := []struct {
		name    string
		steps   []step
		environ []string
	}{
		{name: "run", steps: []step{{tool: "in-toto-run", args: []string{"-v", "-n", "step", "-m", "foo.txt", "nonexistent", "-p", "foo.txt",
			"--base-path", ".", "--exclude", "*.pyc", "-k", "ed25519", "-t", "ed25519", "-d", "out", "--", "true"}}}},
		{name: "run with settings", environ: []string{"IN_TOTO_LINK_CMD_EXEC_TIMEOUT=1.5", "IN_TOTO_ARTIFACT_EXCLUDE_PATTERNS=a:b",
			"IN_TOTO_ARTIFACT_BASE_PATH=out"}, steps: []step{{tool: "in-toto-run", args: []string{"-v", "-n", "step", "-x", "-k", "ed25519", "-t", "ed25519"}}}},
		{name: "record", steps: []step{
			{tool: "in-toto-record", args: []string{"start", "-v", "-n", "edit", "-m", "foo.txt", "-k", "rsa"}},
			{tool: "in-toto-record", args: []string{"stop", "-v", "-n", "edit", "-p", "foo.txt", "-k", "rsa", "-d", "out"}},
		}},
		{name: "mock", steps: []step{{tool: "in-toto-mock", args: []string{"-n", "m", "--", "true"}}}},
		{name: "sign", steps: []step{
			{tool: "in-toto-sign", args: []string{"-v", "-f", "unsigned.layout", "-k", "ed25519", "-t", "ed25519"}},
			{tool: "in-toto-sign", args: []string{"-v", "--verify", "-f", "unsigned.layout", "-k", "ed25519.pub", "-t", "ed25519"}},
		}},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			ref, ours := workspace(t), workspace(t)
			for _, dir := range []string{ref, ours} {
				writeFile(t, filepath.Join(dir, "out", ".keep"), "")
			}
			for _, s := range tc.steps {
				want := runReference(t, s.tool, ref, s.args, tc.environ, "")
				got := call{dir: ours, args: s.args, environ: tc.environ}.run(t, tools[s.tool])
				if got.code != want.code || got.stderr != want.stderr {
					t.Errorf("%s %q: exit %d, reference %d\nours:\n%s\nreference:\n%s", s.tool, s.args, got.code, want.code, got.stderr, want.stderr)
				}
			}
		})
	}
}
