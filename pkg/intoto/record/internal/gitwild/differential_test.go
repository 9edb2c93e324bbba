package gitwild

import (
	"bytes"
	"encoding/json"
	"math/rand/v2"
	"os/exec"
	"strings"
	"testing"

	"github.com/signet-dev/signet/internal/reftest"
)

// pythonReference is the interpreter the Debian in-toto package runs with;
// it has pathspec installed.
const pythonReference = "/usr/bin/python3"

// requirePathspec skips (or, with CI set, fails) when Python pathspec is
// not available.
func requirePathspec(t *testing.T) {
	t.Helper()
	err := exec.Command(pythonReference, "-c", "import pathspec").Run()
	reftest.Missing(t, "python pathspec (apt-get install in-toto)", err)
}

const diffScript = `
import json, re, sys, pathspec
out = []
for case in json.load(sys.stdin):
    try:
        spec = pathspec.PathSpec.from_lines("gitwildmatch", case["lines"])
    except (ValueError, re.error):
        out.append(None)
        continue
    out.append([spec.match_file(p) for p in case["paths"]])
json.dump(out, sys.stdout)
`

type diffCase struct {
	Lines []string `json:"lines"`
	Paths []string `json:"paths"`
}

var (
	patternPieces = []string{"a", "b", "ab", "/", "/", "*", "**", "?", "[", "]", "!", "^", "-",
		"\\", ".", " ", "é", "#", "\n", "[!a]", "[a-b]", "[]a]", "x"}
	pathPieces = []string{"a", "b", "ab", "/", "/", "/", ".", "..", "-", "]", "[", "\n", "é",
		"*", " ", "x", "!", "#", "\\", "^"}
)

func randomString(r *rand.Rand, pieces []string, max int) string {
	var b strings.Builder
	for n := r.IntN(max) + 1; n > 0; n-- {
		b.WriteString(pieces[r.IntN(len(pieces))])
	}
	return b.String()
}

func randomCases(seed uint64, n int) []diffCase {
	r := rand.New(rand.NewPCG(seed, 1))
	cases := make([]diffCase, n)
	for i := range cases {
		lines := make([]string, r.IntN(3)+1)
		for j := range lines {
			lines[j] = randomString(r, patternPieces, 6)
		}
		paths := make([]string, 24)
		for j := range paths {
			paths[j] = randomString(r, pathPieces, 7)
		}
		cases[i] = diffCase{lines, paths}
	}
	return cases
}

// TestDifferentialRandom compares thousands of random pattern sets and
// paths with Python pathspec in one Python run.
func TestDifferentialRandom(t *testing.T) {
	requirePathspec(t)
	cases := randomCases(20240601, 4000)
	in, err := json.Marshal(cases)
	if err != nil {
		t.Fatal(err)
	}
	cmd := exec.Command(pythonReference, "-W", "ignore", "-c", diffScript)
	cmd.Stdin = bytes.NewReader(in)
	var stderr bytes.Buffer
	cmd.Stderr = &stderr
	out, err := cmd.Output()
	if err != nil {
		t.Fatalf("python: %v\n%s", err, stderr.String())
	}
	var want [][]bool
	if err := json.Unmarshal(out, &want); err != nil {
		t.Fatal(err)
	}
	if len(want) != len(cases) {
		t.Fatalf("python answered %d cases, want %d", len(want), len(cases))
	}
	compared := 0
	for i, c := range cases {
		spec, err := NewSpec(c.Lines)
		if (err != nil) != (want[i] == nil) {
			t.Errorf("lines %q: NewSpec error %v, pathspec error %v", c.Lines, err, want[i] == nil)
			continue
		}
		for j, p := range c.Paths {
			if want[i] == nil {
				break
			}
			compared++
			if got := spec.Match(p); got != want[i][j] {
				t.Errorf("lines %q path %q: got %v, pathspec %v", c.Lines, p, got, want[i][j])
			}
		}
	}
	if compared < 10000 {
		t.Fatalf("only %d comparisons: too many invalid random patterns", compared)
	}
}
