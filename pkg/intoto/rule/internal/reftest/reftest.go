// Package reftest runs Python scripts under the interpreter of the in-toto
// reference implementation, for differential tests of package rule and its
// subpackages. It is imported by tests only.
package reftest

import (
	"bytes"
	"encoding/json"
	"os"
	"os/exec"
	"path/filepath"
	"testing"
)

// The reference's entry point and the Debian interpreter its modules import
// under.
const (
	ReferenceRun = "/usr/bin/in-toto-run"
	Python       = "/usr/bin/python3"
)

// Require skips the test when the in-toto reference implementation is not
// installed, or fails it when the CI environment variable is set.
func Require(t testing.TB) {
	t.Helper()
	for _, f := range []string{ReferenceRun, Python} {
		if _, err := os.Stat(f); err != nil {
			if os.Getenv("CI") != "" {
				t.Fatalf("the in-toto reference implementation is required in CI: %v", err)
			}
			t.Skipf("in-toto reference implementation not installed (%v; apt-get install in-toto); skipping differential test", err)
		}
	}
}

// RunJSON runs the Python script at path (relative to the test's package
// directory) with in marshalled as JSON on its standard input, and decodes
// its standard output as JSON into out.
func RunJSON(t testing.TB, script string, in, out any) {
	t.Helper()
	Require(t)
	abs, err := filepath.Abs(script)
	if err != nil {
		t.Fatal(err)
	}
	data, err := json.Marshal(in)
	if err != nil {
		t.Fatalf("encoding the reference's input: %v", err)
	}
	cmd := exec.Command(Python, abs)
	cmd.Stdin = bytes.NewReader(data)
	var stderr bytes.Buffer
	cmd.Stderr = &stderr
	stdout, err := cmd.Output()
	if err != nil {
		t.Fatalf("%s %s: %v\n%s", Python, abs, err, stderr.String())
	}
	if err := json.Unmarshal(stdout, out); err != nil {
		t.Fatalf("decoding the output of %s: %v\n%s", abs, err, stdout)
	}
}
