package argparse

import (
	"encoding/json"
	"flag"
	"fmt"
	"os"
	"path/filepath"
	"reflect"
	"testing"
)

var update = flag.Bool("update", false, "regenerate testdata/*.golden.json with the Python oracle")

// golden returns the recorded Python outcomes for a case file, refreshing
// them first when -update is given.
func golden(t *testing.T, caseFile string) [][]outcome {
	t.Helper()
	path := caseFile[:len(caseFile)-len(".json")] + ".golden.json"
	if *update {
		got := runOracle(t, caseFile)
		b, err := json.MarshalIndent(got, "", " ")
		if err != nil {
			t.Fatal(err)
		}
		if err := os.WriteFile(path, append(b, '\n'), 0o644); err != nil {
			t.Fatal(err)
		}
	}
	var want [][]outcome
	loadJSON(t, path, &want)
	return want
}

// TestConformance runs every generic case through the Go parser and
// compares exit status, stdout, stderr and the namespace with what Python
// argparse recorded.
func TestConformance(t *testing.T) {
	caseFile := filepath.Join("testdata", "generic.json")
	var suites []specSuite
	loadJSON(t, caseFile, &suites)
	want := golden(t, caseFile)
	if len(want) != len(suites) {
		t.Fatalf("golden has %d suites, case file %d: run go test -update", len(want), len(suites))
	}
	for i, s := range suites {
		if len(want[i]) != len(s.Cases) {
			t.Fatalf("suite %s: golden has %d cases, case file %d: run go test -update", s.Name, len(want[i]), len(s.Cases))
		}
		for j, c := range s.Cases {
			t.Run(fmt.Sprintf("%s/%d", s.Name, j), func(t *testing.T) {
				got := run(buildSpec(*s.Parser), c.Args)
				if d := diffOutcome(got, want[i][j]); d != "" {
					t.Errorf("args %q:\n%s", c.Args, d)
				}
			})
		}
	}
}

// TestOracleLive checks that the golden files still describe what the
// installed Python does, so the conformance tests compare with the real
// thing rather than with a stale recording.
func TestOracleLive(t *testing.T) {
	for _, name := range []string{"generic.json", "tools.json"} {
		caseFile := filepath.Join("testdata", name)
		live := runOracle(t, caseFile)
		var recorded [][]outcome
		loadJSON(t, caseFile[:len(caseFile)-len(".json")]+".golden.json", &recorded)
		if !reflect.DeepEqual(live, recorded) {
			t.Errorf("%s: golden file differs from the live Python oracle; run go test -update and review the diff", name)
		}
	}
}
