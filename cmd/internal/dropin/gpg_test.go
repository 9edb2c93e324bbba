//go:build unix

package dropin

import (
	"os"
	"path/filepath"
	"regexp"
	"slices"
	"strings"
	"testing"

	"github.com/signet-dev/signet/pkg/gpg/gpgtest"
)

// GPG signing and verification with the real gpg, against the reference:
// the same command lines run with the reference's tools and ours, and
// each side's files are checked by the other.

// gpgRing is a throw-away keyring with an rsa key (the default key: made
// first) and an ed25519 key.
type gpgRing struct {
	home      string
	rsa, ed   string // fingerprints, as gpg prints them (uppercase)
	rsa8, ed8 string // the link file infixes (lowercase)
	homeArgs  []string
}

func newGPGRing(t *testing.T) *gpgRing {
	t.Helper()
	kr := gpgtest.New(t)
	g := &gpgRing{home: kr.Home}
	g.rsa = kr.Generate(t, "RSA <rsa@example.invalid>", "rsa3072")
	g.ed = kr.Generate(t, "Ed <ed@example.invalid>", "ed25519")
	g.rsa8, g.ed8 = strings.ToLower(g.rsa[:8]), strings.ToLower(g.ed[:8])
	g.homeArgs = []string{"--gpg-home", kr.Home}
	return g
}

// args adds --gpg-home to a command line, before a "--" that starts the
// wrapped command.
func (g *gpgRing) args(a ...string) []string {
	for i, w := range a {
		if w == "--" {
			return slices.Concat(a[:i], g.homeArgs, a[i:])
		}
	}
	return slices.Concat(a, g.homeArgs)
}

// gpgValues matches the fields of a GPG signature that differ between
// two signing runs (the creation time is hashed).
var gpgValues = regexp.MustCompile(`"(other_headers|signature)": "[0-9a-f]+"`)

func masked(t *testing.T, path string) string {
	t.Helper()
	data, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	if n := len(gpgValues.FindAll(data, -1)); n == 0 || n%2 != 0 {
		t.Fatalf("%s holds %d GPG signature values:\n%s", path, n, data)
	}
	return gpgValues.ReplaceAllString(string(data), `"$1": "..."`)
}

// TestGPGReferenceIdenticalFiles: for each command line, both sides write
// the same files, byte for byte except the signature values, and each
// side's link verifies with the other side's in-toto-sign --verify.
func TestGPGReferenceIdenticalFiles(t *testing.T) {
	referenceTool(t, "in-toto-run")
	g := newGPGRing(t)
	tests := []struct {
		name   string
		steps  []step
		verify []string // links to check with both in-toto-sign --verify, and the key
		key    string
	}{
		{name: "run, rsa key by fingerprint", key: g.rsa, steps: []step{{tool: "in-toto-run",
			args: g.args("-n", "step", "-m", "foo.txt", "-p", "foo.txt", "-g", g.rsa, "--", "true"), compare: []string{"step." + g.rsa8 + ".link"}}}},
		{name: "run, ed25519 key by long key id, lowercase", key: g.ed, steps: []step{{tool: "in-toto-run",
			args: g.args("-n", "step", "-x", "-g", strings.ToLower(g.ed[24:])), compare: []string{"step." + g.ed8 + ".link"}}}},
		{name: "run, default key", key: g.rsa, steps: []step{{tool: "in-toto-run",
			args: g.args("-n", "step", "-x", "-m", "foo.txt", "-g"), compare: []string{"step." + g.rsa8 + ".link"}}}},
		{name: "record with a key id", key: g.ed, steps: []step{
			{tool: "in-toto-record", args: g.args("start", "-n", "edit", "-m", "foo.txt", "-g", g.ed),
				compare: []string{".edit." + g.ed8 + ".link-unfinished"}},
			{tool: "in-toto-record", args: g.args("stop", "-n", "edit", "-p", "foo.txt", "-g", g.ed),
				compare: []string{"edit." + g.ed8 + ".link"}},
		}},
		{name: "record, default key at stop", key: g.ed, steps: []step{
			{tool: "in-toto-record", args: g.args("start", "-n", "edit", "-m", "foo.txt", "-g", g.ed)},
			{tool: "in-toto-record", args: g.args("stop", "-n", "edit", "-p", "foo.txt", "-g"), compare: []string{"edit." + g.ed8 + ".link"}},
		}},
		{name: "sign a link", key: g.ed, steps: []step{
			{tool: "in-toto-mock", args: []string{"-n", "step", "--", "true"}},
			{tool: "in-toto-sign", args: g.args("-f", "step.link", "-g", g.ed), compare: []string{"step." + g.ed8 + ".link"}},
		}},
		{name: "sign a layout with two keys", key: g.rsa, steps: []step{
			{tool: "in-toto-sign", args: g.args("-f", "unsigned.layout", "-g", g.rsa, g.ed), compare: []string{"unsigned.layout"}},
		}},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			ref, ours := workspace(t), workspace(t)
			for _, s := range tc.steps {
				want := runReference(t, s.tool, ref, s.args, nil, "")
				got := call{dir: ours, args: s.args}.run(t, tools[s.tool])
				if got.code != 0 || want.code != 0 {
					t.Fatalf("%s %q: exit %d (reference %d)\nours: %s\nreference: %s", s.tool, s.args, got.code, want.code, got.stderr, want.stderr)
				}
				for _, f := range s.compare {
					if a, b := masked(t, filepath.Join(ours, f)), masked(t, filepath.Join(ref, f)); a != b {
						t.Errorf("%s differs:\nours:\n%s\nreference:\n%s", f, a, b)
					}
				}
			}
			last := tc.steps[len(tc.steps)-1].compare[0]
			verify := g.args("-f", last, "--verify", "-g", tc.key)
			for _, dir := range []string{ref, ours} {
				expectRef(t, dir, "in-toto-sign", verify, "", 0)
				call{dir: dir, args: verify}.run(t, Sign).check(t, 0, "")
			}
		})
	}
}

// TestGPGReferenceVerifiesLayout: a layout signed by our in-toto-sign -g
// passes the reference's in-toto-verify --gpg, with a link made by our
// in-toto-run.
func TestGPGReferenceVerifiesLayout(t *testing.T) {
	referenceTool(t, "in-toto-verify")
	g := newGPGRing(t)
	dir := workspace(t)
	call{dir: dir, args: []string{"-n", "write", "-p", "foo.txt", "-k", "ed25519", "--", "touch", "foo.txt"}}.run(t, Run).check(t, 0, "")
	call{dir: dir, args: g.args("-f", "unsigned.layout", "-g", g.ed, g.rsa, "-o", "root.layout")}.run(t, Sign).check(t, 0, "")
	r := runReference(t, "in-toto-verify", dir, g.args("-l", "root.layout", "--gpg", g.rsa, g.ed), nil, "")
	if r.code != 0 {
		t.Fatalf("in-toto-verify: exit %d\n%s", r.code, r.stderr)
	}
	// A layout signed by one key does not pass with the other.
	call{dir: dir, args: g.args("-f", "unsigned.layout", "-g", g.ed, "-o", "ed.layout")}.run(t, Sign).check(t, 0, "")
	if r := runReference(t, "in-toto-verify", dir, g.args("-l", "ed.layout", "--gpg", g.rsa), nil, ""); r.code != 1 ||
		!strings.Contains(r.stderr, "No signature found for key '"+strings.ToLower(g.rsa)+"'") {
		t.Errorf("in-toto-verify of a layout the key did not sign: exit %d\n%s", r.code, r.stderr)
	}
}

// TestGPGVerifyExitCodes: our in-toto-sign --verify -g answers as the
// reference's does.
func TestGPGVerifyExitCodes(t *testing.T) {
	referenceTool(t, "in-toto-sign")
	g := newGPGRing(t)
	dir := workspace(t)
	call{dir: dir, args: g.args("-f", "unsigned.layout", "-g", g.ed, "-o", "ed.layout")}.run(t, Sign).check(t, 0, "")
	call{dir: dir, args: []string{"-f", "unsigned.layout", "-k", "ed25519", "-o", "plain.layout"}}.run(t, Sign).check(t, 0, "")
	tamper(t, filepath.Join(dir, "ed.layout"), filepath.Join(dir, "tampered.layout"))
	tests := []struct {
		name   string
		args   []string
		code   int
		stderr string
	}{
		{name: "good", args: g.args("-f", "ed.layout", "--verify", "-g", g.ed)},
		{name: "by long key id", args: g.args("-f", "ed.layout", "--verify", "-g", g.ed[24:])},
		{name: "other key", args: g.args("-f", "ed.layout", "--verify", "-g", g.rsa), code: 1,
			stderr: "Signature verification failed: "},
		{name: "tampered", args: g.args("-f", "tampered.layout", "--verify", "-g", g.ed), code: 1,
			stderr: "Signature verification failed: "},
		{name: "not signed with gpg", args: g.args("-f", "plain.layout", "--verify", "-g", g.ed), code: 1,
			stderr: "Signature verification failed: "},
		{name: "key not in keyring", args: g.args("-f", "ed.layout", "--verify", "-g", "DEADBEEF"), code: 2,
			stderr: "The following error occurred while verifying signatures: gpg key not found"},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			expectRef(t, dir, "in-toto-sign", tc.args, "", tc.code)
			call{dir: dir, args: tc.args}.run(t, Sign).check(t, tc.code, tc.stderr)
		})
	}
}

// tamper copies a layout with its readme changed.
func tamper(t *testing.T, from, to string) {
	t.Helper()
	data, err := os.ReadFile(from)
	if err != nil {
		t.Fatal(err)
	}
	changed := strings.Replace(string(data), `"readme": ""`, `"readme": "x"`, 1)
	if changed == string(data) {
		t.Fatal("nothing to tamper with")
	}
	writeFile(t, to, changed)
}

// TestGPGVerboseLog: the -v lines with -g are the reference's.
func TestGPGVerboseLog(t *testing.T) {
	referenceTool(t, "in-toto-run")
	g := newGPGRing(t)
	tests := []struct {
		name  string
		steps []step
	}{
		{name: "run with key id", steps: []step{{tool: "in-toto-run", args: g.args("-v", "-n", "step", "-x", "-g", g.ed)}}},
		{name: "run with default key", steps: []step{{tool: "in-toto-run", args: g.args("-v", "-n", "step", "-m", "foo.txt", "-g", "--", "true")}}},
		{name: "record with key id", steps: []step{
			{tool: "in-toto-record", args: g.args("start", "-v", "-n", "edit", "-g", g.ed)},
			{tool: "in-toto-record", args: g.args("stop", "-v", "-n", "edit", "-g", g.ed)},
		}},
		{name: "record with default key", steps: []step{
			{tool: "in-toto-record", args: g.args("start", "-v", "-n", "edit", "-g")},
			{tool: "in-toto-record", args: g.args("stop", "-v", "-n", "edit", "-p", "foo.txt", "-g")},
		}},
		{name: "sign and verify", steps: []step{
			{tool: "in-toto-sign", args: g.args("-v", "-f", "unsigned.layout", "-g", g.ed)},
			{tool: "in-toto-sign", args: g.args("-v", "--verify", "-f", "unsigned.layout", "-g", g.ed)},
		}},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			ref, ours := workspace(t), workspace(t)
			for _, s := range tc.steps {
				want := runReference(t, s.tool, ref, s.args, nil, "")
				got := call{dir: ours, args: s.args}.run(t, tools[s.tool])
				if got.code != want.code || got.stderr != want.stderr {
					t.Errorf("%s %q: exit %d, reference %d\nours:\n%s\nreference:\n%s", s.tool, s.args, got.code, want.code, got.stderr, want.stderr)
				}
			}
		})
	}
}

// TestGPGRecordInterop: a preliminary link one side started the other
// side stops.
func TestGPGRecordInterop(t *testing.T) {
	referenceTool(t, "in-toto-record")
	g := newGPGRing(t)
	start := g.args("start", "-n", "edit", "-m", "foo.txt", "-g", g.rsa)
	stop := g.args("stop", "-n", "edit", "-p", "foo.txt", "-g")
	final := "edit." + g.rsa8 + ".link"

	dir := workspace(t)
	expectRef(t, dir, "in-toto-record", start, "", 0)
	call{dir: dir, args: stop}.run(t, Record).check(t, 0, "")
	expectRef(t, dir, "in-toto-sign", g.args("-f", final, "--verify", "-g", g.rsa), "", 0)

	dir = workspace(t)
	call{dir: dir, args: start}.run(t, Record).check(t, 0, "")
	expectRef(t, dir, "in-toto-record", stop, "", 0)
	call{dir: dir, args: g.args("-f", final, "--verify", "-g", g.rsa)}.run(t, Sign).check(t, 0, "")
}

// TestGPGErrors: failures with a real keyring.
func TestGPGErrors(t *testing.T) {
	g := newGPGRing(t)
	empty := gpgtest.New(t)
	tests := []struct {
		name    string
		tool    tool
		setup   func(t *testing.T, dir string)
		args    []string
		environ []string
		code    int
		stderr  string
		absent  string // a file that must not exist afterwards
	}{
		{name: "key not in keyring: nothing runs", tool: Run, args: g.args("-n", "step", "-g", "DEADBEEF", "--", "touch", "ran"), code: 1,
			stderr: "(in-toto-run) KeyNotFoundError: gpg key not found: gpg has no secret key DEADBEEF in keyring", absent: "ran"},
		{name: "no default key", tool: Run, args: []string{"-n", "step", "-x", "-g", "--gpg-home", empty.Home}, code: 1,
			stderr: "(in-toto-run) KeyNotFoundError: gpg key not found: gpg has no secret key to sign with by default"},
		{name: "GNUPGHOME chooses the keyring", tool: Run, args: []string{"-n", "step", "-x", "-g", g.ed},
			environ: []string{"GNUPGHOME=" + g.home}},
		{name: "gpg missing", tool: Run, args: g.args("-n", "step", "-x", "-g"), environ: []string{"GNUPG=/nonexistent/gpg"}, code: 1,
			stderr: "(in-toto-run) UnsupportedLibraryError: gpg not found: /nonexistent/gpg is not an executable program"},
		{name: "stop: no preliminary link", tool: Record, args: g.args("stop", "-n", "edit", "-g"), code: 1,
			stderr: "(in-toto-record stop) LinkNotFoundError: no preliminary link found: could not find a preliminary link for step 'edit'"},
		{name: "stop: two preliminary links", tool: Record, setup: func(t *testing.T, dir string) {
			writeFile(t, filepath.Join(dir, ".edit.0123abcd.link-unfinished"), "")
			writeFile(t, filepath.Join(dir, ".edit.89abcdef.link-unfinished"), "")
			writeFile(t, filepath.Join(dir, ".edit.x.link-unfinished"), "") // not a key id: not considered
		}, args: g.args("stop", "-n", "edit", "-g"), code: 1,
			stderr: ": .edit.0123abcd.link-unfinished, .edit.89abcdef.link-unfinished; remove all but one"},
		{name: "stop: signed by another gpg key", tool: Record, setup: func(t *testing.T, dir string) {
			call{dir: dir, args: g.args("start", "-n", "edit", "-g", g.rsa)}.run(t, Record).check(t, 0, "")
		}, args: g.args("stop", "-n", "edit", "-g", g.ed), code: 1,
			stderr: "(in-toto-record stop) SignatureVerificationError: signature verification failed: preliminary link"},
		{name: "stop: started with a key file", tool: Record, setup: func(t *testing.T, dir string) {
			call{dir: dir, args: []string{"start", "-n", "edit", "-k", "ed25519"}}.run(t, Record).check(t, 0, "")
		}, args: g.args("stop", "-n", "edit", "-g"), code: 1,
			stderr: "(in-toto-record stop) KeyNotFoundError: "},
		{name: "sign a DSSE link", tool: Sign, setup: func(t *testing.T, dir string) {
			call{dir: dir, args: []string{"-n", "step", "-x", "-k", "ed25519", "--use-dsse"}}.run(t, Run).check(t, 0, "")
		}, args: g.args("-f", "step.e811ca13.link", "-g", g.ed), code: 2,
			stderr: "The following error occurred while signing: sign step.e811ca13.link with gpg key " + g.ed + ": unsupported signature kind: GPG signatures cannot go into DSSE envelopes"},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			dir := workspace(t)
			if tc.setup != nil {
				tc.setup(t, dir)
			}
			call{dir: dir, args: tc.args, environ: tc.environ}.run(t, tc.tool).check(t, tc.code, tc.stderr)
			if tc.absent != "" && exists(filepath.Join(dir, tc.absent)) {
				t.Errorf("%s exists: the command ran", tc.absent)
			}
		})
	}
}
