package dropin

import (
	"path/filepath"
	"testing"
)

func TestMock(t *testing.T) {
	t.Parallel()
	dir := workspace(t)
	r := call{dir: dir, args: []string{"-n", "foo", "--", "sh", "-c", "echo out; touch bar; exit 2"},
		environ: []string{"IN_TOTO_LINK_CMD_EXEC_TIMEOUT=abc"}}.run(t, Mock)
	want := `Running 'foo'...
Recording materials '.'...
Running command 'sh -c echo out; touch bar; exit 2'...
Recording products '.'...
Creating link metadata...
Storing unsigned link metadata to 'foo.link'...
`
	if r.code != 0 || r.stderr != want || r.stdout != "out\n" {
		t.Fatalf("exit %d\nstdout %q\nstderr:\n%s\nwant:\n%s", r.code, r.stdout, r.stderr, want)
	}
	doc := readDoc(t, filepath.Join(dir, "foo.link"))
	if len(doc.KeyIDs()) != 0 {
		t.Errorf("mock link has signatures %v", doc.KeyIDs())
	}
	l := readLink(t, filepath.Join(dir, "foo.link"), "")
	if _, ok := l.Products["bar"]; !ok || l.Materials["bar"] != nil {
		t.Errorf("materials %v, products %v", l.Materials, l.Products)
	}
	if l.Byproducts["stdout"] != "out\n" {
		t.Errorf("byproducts %v", l.Byproducts)
	}
}

func TestMockErrors(t *testing.T) {
	tests := []struct {
		name   string
		args   []string
		code   int
		stderr string
	}{
		{"no command", []string{"-n", "foo"}, 2, "in-toto-mock: error: the following arguments are required: <command>"},
		{"nothing", nil, 2, "in-toto-mock: error: the following arguments are required: -n/--name, <command>"},
		{"no quiet option", []string{"-q", "-n", "foo", "--", "true"}, 2, "in-toto-mock: error: unrecognized arguments: -q"},
		{"command not found", []string{"-n", "foo", "--", "nonexistent-cmd-xyz"}, 1,
			"Running command 'nonexistent-cmd-xyz'...\n(in-toto-mock) CommandNotFoundError: "},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			dir := workspace(t)
			call{dir: dir, args: tc.args}.run(t, Mock).check(t, tc.code, tc.stderr)
			if got := linkFiles(t, dir); len(got) != 0 {
				t.Errorf("links written: %v", got)
			}
		})
	}
}
