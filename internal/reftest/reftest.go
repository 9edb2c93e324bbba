// Package reftest is shared by the tests that compare Signet with the
// in-toto reference implementation (Debian's in-toto 1.3.1) and with other
// real programs: it decides whether a missing program skips a test (on a
// developer's machine) or fails it (in CI, where $CI is set and make test
// installs everything), and runs Python scripts under the reference's
// interpreter. It is imported by tests only.
package reftest

import (
	"bytes"
	"encoding/json"
	"errors"
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
	Need(t, "the in-toto reference implementation (apt-get install in-toto)", ReferenceRun, Python)
}

// Need checks that every path exists; otherwise the test fails under CI
// and is skipped elsewhere, naming what is missing (what).
func Need(t testing.TB, what string, paths ...string) {
	t.Helper()
	for _, p := range paths {
		if _, err := os.Stat(p); err != nil {
			Missing(t, what, err)
		}
	}
}

// Missing fails the test under CI, or skips it elsewhere, when err (the
// result of looking for what) is not nil.
func Missing(t testing.TB, what string, err error) {
	t.Helper()
	if err == nil {
		return
	}
	if os.Getenv("CI") != "" {
		t.Fatalf("%s is required in CI: %v", what, err)
	}
	t.Skipf("%s is not available (%v); skipping", what, err)
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

// Result is what a program run by Run did.
type Result struct {
	Code           int
	Stdout, Stderr string
}

// Run runs cmd to the end, capturing its output; a non-zero exit is a
// Result, a program that cannot start fails the test.
func Run(t testing.TB, cmd *exec.Cmd) Result {
	t.Helper()
	var stdout, stderr bytes.Buffer
	cmd.Stdout, cmd.Stderr = &stdout, &stderr
	err := cmd.Run()
	code := 0
	var ee *exec.ExitError
	switch {
	case errors.As(err, &ee):
		code = ee.ExitCode()
	case err != nil:
		t.Fatalf("run %s: %v", cmd.Path, err)
	}
	return Result{Code: code, Stdout: stdout.String(), Stderr: stderr.String()}
}
