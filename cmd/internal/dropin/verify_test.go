package dropin

import (
	"encoding/json"
	"strings"
	"testing"
)

// verifyWorkspace makes a one-step supply chain in a workspace: the
// fixture layout signed by the rsa key, and the "write" step's link
// signed by the ed25519 key.
func verifyWorkspace(t *testing.T) string {
	t.Helper()
	dir := workspace(t)
	call{dir: dir, args: []string{"-f", "unsigned.layout", "-k", "rsa", "-o", "root.layout"}}.run(t, Sign).check(t, 0, "")
	call{dir: dir, args: []string{"-n", "write", "-p", "foo.txt", "-k", "ed25519", "-t", "ed25519", "--", "touch", "foo.txt"}}.run(t, Run).check(t, 0, "")
	return dir
}

func TestVerify(t *testing.T) {
	t.Parallel()
	dir := verifyWorkspace(t)
	tests := []struct {
		name   string
		args   []string
		code   int
		stderr string
	}{
		{"passes", []string{"--layout", "root.layout", "--layout-keys", "rsa.pub"}, 0, ""},
		{"verbose says so", []string{"-v", "--layout", "root.layout", "--layout-keys", "rsa.pub"}, 0,
			"The software product passed all verification."},
		{"wrong --key-types is detected", []string{"--layout", "root.layout", "--layout-keys", "rsa.pub", "--key-types", "ed25519"}, 0,
			"holds a rsa key, not ed25519 as --key-types says"},
		{"the layout is not signed by this key", []string{"--layout", "root.layout", "--layout-keys", "ecdsa.pub"}, 1,
			"(in-toto-verify) SignatureVerificationError: "},
		{"a threshold the keys can meet", []string{"--layout", "root.layout", "--layout-keys", "rsa.pub", "ecdsa.pub", "--layout-threshold", "1"}, 0, ""},
		{"no link directory", []string{"--layout", "root.layout", "--layout-keys", "rsa.pub", "--link-dir", "nowhere"}, 1,
			"(in-toto-verify) LinkNotFoundError: "},
		{"unreadable parameters file", []string{"--layout", "root.layout", "--layout-keys", "rsa.pub", "--params-file", "nope.json"}, 1, "parameters file"},
		{"parameters file read relative to the working directory", []string{"--layout", "root.layout", "--layout-keys", "rsa.pub", "--params-file", "foo.txt"}, 1,
			"parameters file foo.txt line 1: write NAME=VALUE"},
		{"missing parameter", []string{"--layout", "root.layout", "--layout-keys", "rsa.pub", "--param", "x"}, 1, "write NAME=VALUE"},
		{"no keys", []string{"--layout", "root.layout"}, 2, "in-toto-verify: error: wrong arguments: specify at least one of"},
		{"no layout", []string{"--layout-keys", "rsa.pub"}, 2, "the following arguments are required: -l/--layout"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			r := call{dir: dir, args: tt.args}.run(t, Verify)
			r.check(t, tt.code, tt.stderr)
		})
	}
}

func TestVerifyHintAndJSON(t *testing.T) {
	t.Parallel()
	dir := verifyWorkspace(t)
	r := call{dir: dir, args: []string{"--layout", "root.layout", "--layout-keys", "ecdsa.pub"}}.run(t, Verify)
	if r.code != 1 || !strings.Contains(r.stderr, "\nhint: ") {
		t.Fatalf("no hint line: %+v", r)
	}
	for _, tc := range []struct {
		keys   string
		passed bool
	}{{"rsa.pub", true}, {"ecdsa.pub", false}} {
		r := call{dir: dir, args: []string{"--layout", "root.layout", "--layout-keys", tc.keys, "--output", "json"}}.run(t, Verify)
		var rep struct {
			Passed bool `json:"passed"`
			Steps  []struct {
				Name  string `json:"name"`
				Links []struct {
					Status string `json:"status"`
				} `json:"links"`
			} `json:"steps"`
		}
		if err := json.Unmarshal([]byte(r.stdout), &rep); err != nil {
			t.Fatalf("--output json printed no JSON report: %v\n%s", err, r.stdout)
		}
		if rep.Passed != tc.passed || (tc.passed && (len(rep.Steps) != 1 || rep.Steps[0].Links[0].Status != "accepted")) {
			t.Errorf("keys %s: report %+v", tc.keys, rep)
		}
	}
}
