package dropin

import (
	"path/filepath"
	"slices"
	"testing"
)

const recordUsage = "usage: in-toto-record [-h] [--version] {start,stop} ...\n"

func TestRecordRoundTrip(t *testing.T) {
	t.Parallel()
	dir := workspace(t)
	call{dir: dir, args: []string{"start", "-n", "edit", "-m", "foo.txt", "-k", "ed25519"}}.run(t, Record).check(t, 0, "")
	unfinished := ".edit.e811ca13.link-unfinished"
	if got := linkFiles(t, dir); !slices.Equal(got, []string{unfinished}) {
		t.Fatalf("after start: %v", got)
	}
	writeFile(t, filepath.Join(dir, "foo.txt"), "changed\n")
	call{dir: dir, args: []string{"stop", "-n", "edit", "-p", "foo.txt", "-k", "ed25519"}}.run(t, Record).check(t, 0, "")
	if got := linkFiles(t, dir); !slices.Equal(got, []string{"edit.e811ca13.link"}) {
		t.Fatalf("after stop: %v", got)
	}
	l := readLink(t, filepath.Join(dir, "edit.e811ca13.link"), filepath.Join(dir, "ed25519.pub"))
	if l.Materials["foo.txt"]["sha256"] == l.Products["foo.txt"]["sha256"] || len(l.Command) != 0 {
		t.Errorf("materials %v, products %v, command %v", l.Materials, l.Products, l.Command)
	}
}

func TestRecordVerboseLog(t *testing.T) {
	t.Parallel()
	dir := workspace(t)
	r := call{dir: dir, args: []string{"start", "-v", "-n", "edit", "-m", "foo.txt", "-k", "ed25519"}}.run(t, Record)
	want := `Setting (default): ARTIFACT_EXCLUDE_PATTERNS=['*.link*', '.git', '*.pyc', '*~']
Setting (default): ARTIFACT_BASE_PATH=None
Setting (default): LINK_CMD_EXEC_TIMEOUT=10
Start recording 'edit'...
Recording materials 'foo.txt'...
Creating preliminary link metadata...
Signing link metadata using passed key...
Storing preliminary link metadata to '.edit.e811ca13.link-unfinished'...
`
	if r.code != 0 || r.stderr != want {
		t.Errorf("start: exit %d, stderr:\n%s\nwant:\n%s", r.code, r.stderr, want)
	}
	r = call{dir: dir, args: []string{"stop", "-v", "-n", "edit", "-p", "foo.txt", "-k", "ed25519"}}.run(t, Record)
	want = `Setting (default): ARTIFACT_EXCLUDE_PATTERNS=['*.link*', '.git', '*.pyc', '*~']
Setting (default): ARTIFACT_BASE_PATH=None
Setting (default): LINK_CMD_EXEC_TIMEOUT=10
Stop recording 'edit'...
Loading preliminary link metadata '.edit.e811ca13.link-unfinished'...
Verifying preliminary link signature using passed signing key...
Recording products 'foo.txt'...
Updating signature with key 'e811ca13...'...
Storing link metadata to 'edit.e811ca13.link'...
Removing unfinished link metadata '.edit.e811ca13.link-unfinished'...
`
	if r.code != 0 || r.stderr != want {
		t.Errorf("stop: exit %d, stderr:\n%s\nwant:\n%s", r.code, r.stderr, want)
	}
}

func TestRecord(t *testing.T) {
	tests := []struct {
		name   string
		start  []string // run first, must succeed; nil = no start
		args   []string
		code   int
		stderr string
		stdout string
		links  []string
	}{
		{name: "stop without start", args: []string{"stop", "-n", "edit", "-k", "ed25519"}, code: 1,
			stderr: "(in-toto-record stop) LinkNotFoundError: "},
		{name: "stop with another key", start: []string{"start", "-n", "edit", "-k", "ed25519"},
			args: []string{"stop", "-n", "edit", "-k", "rsa"}, code: 1,
			stderr: "(in-toto-record stop) LinkNotFoundError: ", links: []string{".edit.e811ca13.link-unfinished"}},
		{name: "stop into a directory", start: []string{"start", "-n", "edit", "-k", "ecdsa"},
			args: []string{"stop", "-n", "edit", "-k", "ecdsa", "-d", "out"}, links: []string{"out/edit.8c216abc.link"}},
		{name: "stop into a missing directory", start: []string{"start", "-n", "edit", "-k", "ecdsa"},
			args: []string{"stop", "-n", "edit", "-k", "ecdsa", "-d", "nodir"}, code: 1,
			stderr: "(in-toto-record stop) FileNotFoundError: metadata directory 'nodir' does not exist", links: []string{".edit.8c216abc.link-unfinished"}},
		{name: "dsse round trip", start: []string{"start", "-n", "edit", "-k", "ed25519", "--use-dsse"},
			args: []string{"stop", "-n", "edit", "-k", "ed25519"}, links: []string{"edit.e811ca13.link"}},
		{name: "signing key round trip", start: []string{"start", "-n", "edit", "--signing-key", "ed25519_pkcs8.pem"},
			args: []string{"stop", "-n", "edit", "--signing-key", "ed25519_pkcs8.pem"}, links: []string{"edit.*.link"}},
		{name: "usage: no key", args: []string{"start", "-n", "edit"}, code: 2, stdout: recordUsage,
			stderr: recordUsage + "in-toto-record: error: Specify either '--key <key path>' or '--gpg [<keyid>]'\n"},
		{name: "usage: no subcommand", args: []string{}, code: 2,
			stderr: "in-toto-record: error: the following arguments are required: command"},
		{name: "usage: products on start", args: []string{"start", "-n", "edit", "-k", "ed25519", "-p", "x"}, code: 2,
			stderr: "in-toto-record: error: unrecognized arguments: -p x"},
		{name: "missing key", args: []string{"start", "-n", "edit", "-k", "missing"}, code: 1,
			stderr: "(in-toto-record start) KeyError: cannot read key file missing"},
		{name: "gpg key id not hex", args: []string{"start", "-n", "edit", "-g", "nothex"}, code: 1,
			stderr: "(in-toto-record start) FormatError: bad gpg key id: 'nothex' is not hex"},
		{name: "empty gpg key id", args: []string{"stop", "-n", "edit", "-g", ""}, code: 1,
			stderr: "(in-toto-record stop) FormatError: bad gpg key id: empty key id"},
		{name: "bad timeout setting is not used", args: []string{"start", "-n", "edit", "-k", "ed25519"},
			links: []string{".edit.e811ca13.link-unfinished"}},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			dir := workspace(t)
			writeFile(t, filepath.Join(dir, "out", "keep"), "")
			environ := []string{"IN_TOTO_LINK_CMD_EXEC_TIMEOUT=abc"}
			if tc.start != nil {
				call{dir: dir, args: tc.start, environ: environ}.run(t, Record).check(t, 0, "")
			}
			r := call{dir: dir, args: tc.args, environ: environ}.run(t, Record)
			r.check(t, tc.code, tc.stderr)
			if r.stdout != tc.stdout {
				t.Errorf("stdout = %q, want %q", r.stdout, tc.stdout)
			}
			var got []string
			for _, d := range []string{"", "out"} {
				for _, n := range linkFiles(t, filepath.Join(dir, d)) {
					got = append(got, filepath.Join(d, n))
				}
			}
			if len(got) != len(tc.links) {
				t.Fatalf("links %v, want %v", got, tc.links)
			}
			for i := range got {
				if ok, _ := filepath.Match(tc.links[i], got[i]); !ok {
					t.Errorf("links %v, want %v", got, tc.links)
				}
			}
		})
	}
}
