package record

import (
	"bytes"
	"encoding/json"
	"errors"
	"io/fs"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"syscall"
	"testing"

	"github.com/signet-dev/signet/internal/reftest"

	"github.com/signet-dev/signet/pkg/intoto"
)

// referencePython is the interpreter of the Debian in-toto package, which
// has in_toto and pathspec installed (a python3 earlier in PATH may not).
const referencePython = "/usr/bin/python3"

// requireReference skips, or fails when CI is set, if the Python reference
// is not installed.
func requireReference(t *testing.T) {
	t.Helper()
	reftest.Require(t)
}

// refCase is one call of in_toto.runlib.record_artifacts_as_dict, made the
// way in-toto-run makes it (follow_symlink_dirs=True).
type refCase struct {
	Cwd       string   `json:"cwd"`
	Artifacts []string `json:"artifacts"`
	Excludes  []string `json:"exclude_patterns"` // null: the default setting
	Nothing   bool     `json:"no_excludes"`      // set the default setting to []
	BasePath  string   `json:"base_path"`
	LStrip    []string `json:"lstrip_paths"`
}

type refResult struct {
	Result  intoto.ArtifactMap `json:"result"`
	Error   string             `json:"error"`
	Message string             `json:"message"`
}

const refScript = `
import json, os, sys
import in_toto.runlib as runlib, in_toto.settings as settings
defaults = list(settings.ARTIFACT_EXCLUDE_PATTERNS)
out = []
for c in json.load(sys.stdin):
    os.chdir(c["cwd"])
    settings.ARTIFACT_EXCLUDE_PATTERNS = [] if c["no_excludes"] else defaults
    try:
        res = runlib.record_artifacts_as_dict(c["artifacts"],
            exclude_patterns=c["exclude_patterns"], base_path=c["base_path"] or None,
            follow_symlink_dirs=True, lstrip_paths=c["lstrip_paths"])
        out.append({"result": res})
    except Exception as e:
        out.append({"error": type(e).__name__, "message": str(e)})
json.dump(out, sys.stdout)
`

// runReference runs all cases in one Python process.
func runReference(t *testing.T, cases []refCase) []refResult {
	t.Helper()
	in, err := json.Marshal(cases)
	if err != nil {
		t.Fatal(err)
	}
	cmd := exec.Command(referencePython, "-W", "ignore", "-c", refScript)
	cmd.Stdin = bytes.NewReader(in)
	var stderr bytes.Buffer
	cmd.Stderr = &stderr
	out, err := cmd.Output()
	if err != nil {
		t.Fatalf("reference: %v\n%s", err, stderr.String())
	}
	var res []refResult
	if err := json.Unmarshal(out, &res); err != nil {
		t.Fatalf("reference output: %v\n%s", err, out)
	}
	if len(res) != len(cases) {
		t.Fatalf("reference answered %d cases, want %d", len(res), len(cases))
	}
	return res
}

// goOptions translates a reference call into Options. Python resolves
// relative paths and base_path against its cwd; the test never changes its
// own directory, so the cwd becomes (part of) the base path.
func goOptions(c refCase) Options {
	opts := Options{LStripPaths: c.LStrip, Excludes: c.Excludes, Workers: 3}
	if c.Nothing {
		opts.Excludes = []string{}
	}
	wd, _ := os.Getwd()
	switch {
	case c.BasePath == "" && c.Cwd == wd:
		// the process's own directory: no base path at all
	case c.BasePath == "":
		opts.BasePath = c.Cwd
	case filepath.IsAbs(c.BasePath):
		opts.BasePath = c.BasePath
	default:
		opts.BasePath = c.Cwd + "/" + c.BasePath
	}
	return opts
}

// sameError reports whether a Go error is the counterpart of a Python one.
func sameError(err error, r refResult) bool {
	switch r.Error {
	case "PrefixError":
		if strings.Contains(r.Message, "left substring") {
			return errors.Is(err, ErrPrefixOverlap)
		}
		return errors.Is(err, ErrPrefixCollision)
	case "ValueError":
		return errors.Is(err, ErrBasePath)
	case "GitWildMatchPatternError", "error":
		return errors.Is(err, ErrInvalidExclude)
	case "FileNotFoundError", "StorageError": // securesystemslib cannot open the file
		return errors.Is(err, fs.ErrNotExist)
	}
	return false
}

// compareWithReference runs every case through Record and the reference.
func compareWithReference(t *testing.T, names []string, cases []refCase) {
	t.Helper()
	want := runReference(t, cases)
	total := 0
	for _, w := range want {
		total += len(w.Result)
	}
	if total == 0 {
		t.Fatal("the reference recorded nothing in any case: the comparison would be vacuous")
	}
	for i, c := range cases {
		t.Run(names[i], func(t *testing.T) {
			got, err := Record(t.Context(), c.Artifacts, goOptions(c))
			w := want[i]
			if w.Error != "" {
				if !sameError(err, w) {
					t.Fatalf("Record error = %v; reference raised %s: %s", err, w.Error, w.Message)
				}
				return
			}
			if err != nil {
				t.Fatalf("Record: %v (reference succeeded with %d artifacts)", err, len(w.Result))
			}
			diffMaps(t, got, w.Result)
		})
	}
}

func diffMaps(t *testing.T, got, want intoto.ArtifactMap) {
	t.Helper()
	for k, v := range want {
		g, ok := got[k]
		if !ok {
			t.Errorf("missing %q (reference has it)", k)
			continue
		}
		if g["sha256"] != v["sha256"] || len(g) != len(v) {
			t.Errorf("%q: got %v, reference %v", k, g, v)
		}
	}
	for k := range got {
		if _, ok := want[k]; !ok {
			t.Errorf("extra %q (reference does not record it)", k)
		}
	}
}

// tree builds files, directories and links under dir. Entries are
// "path" -> content for files, "path/" for directories, "@target" for
// symlinks and "|fifo" for named pipes.
func tree(t *testing.T, dir string, entries map[string]string) {
	t.Helper()
	for name, v := range entries {
		p := filepath.Join(dir, name)
		if err := os.MkdirAll(filepath.Dir(p), 0o755); err != nil {
			t.Fatal(err)
		}
		var err error
		switch {
		case strings.HasSuffix(name, "/"):
			err = os.MkdirAll(p, 0o755)
		case strings.HasPrefix(v, "@"):
			err = os.Symlink(v[1:], p)
		case v == "|fifo":
			err = syscall.Mkfifo(p, 0o644)
		default:
			err = os.WriteFile(p, []byte(v), 0o644)
		}
		if err != nil {
			t.Fatal(err)
		}
	}
}
