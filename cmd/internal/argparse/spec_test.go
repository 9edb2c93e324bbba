package argparse

import (
	"encoding/json"
	"errors"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"sort"
	"strings"
	"testing"

	"github.com/signet-dev/signet/internal/reftest"
)

// The conformance tests describe parsers as JSON (testdata/*.json), build
// them both here and in Python (testdata/oracle.py), and compare what each
// does with the same command lines. Golden files hold the Python results so
// that the tests run without Python; TestOracleLive re-checks them against
// the live interpreter.

type specArg struct {
	Names    []string `json:"names"`
	Dest     string   `json:"dest"`
	Metavar  string   `json:"metavar"`
	Kind     string   `json:"kind"`
	Nargs    string   `json:"nargs"`
	Type     string   `json:"type"`
	Choices  []string `json:"choices"`
	Required bool     `json:"required"`
	Default  string   `json:"default"`
	Help     string   `json:"help"`
	Hidden   bool     `json:"hidden"`
	Group    string   `json:"group"`
	Mutex    *int     `json:"mutex"`
}

type specMutex struct {
	Required bool `json:"required"`
}

type specSub struct {
	Dest     string `json:"dest"`
	Required bool   `json:"required"`
	Commands []struct {
		Name   string     `json:"name"`
		Help   string     `json:"help"`
		Parser specParser `json:"parser"`
	} `json:"commands"`
}

type specParser struct {
	Prog        string      `json:"prog"`
	Usage       string      `json:"usage"`
	Description string      `json:"description"`
	Epilog      string      `json:"epilog"`
	Raw         bool        `json:"raw"`
	Version     string      `json:"version"`
	NoHelp      bool        `json:"no_help"`
	Groups      []string    `json:"groups"`
	Order       []string    `json:"order"`
	Mutex       []specMutex `json:"mutex"`
	Args        []specArg   `json:"args"`
	Subcommands *specSub    `json:"subcommands"`
}

type specCase struct {
	Name string   `json:"name"`
	Args []string `json:"args"`
}

type specSuite struct {
	Name   string      `json:"name"`
	Tool   string      `json:"tool"`
	Parser *specParser `json:"parser"`
	Cases  []specCase  `json:"cases"`
}

// outcome is what one parse produced, in the oracle's JSON shape.
type outcome struct {
	Exit   int            `json:"exit"`
	Stdout string         `json:"stdout"`
	Stderr string         `json:"stderr"`
	NS     map[string]any `json:"ns"`
}

var nargsByName = map[string]Nargs{"": One, "?": Optional, "*": ZeroOrMore, "+": OneOrMore}

var kindByName = map[string]Kind{"": Store, "store": Store, "flag": Flag, "help": Help, "version": Version}

func specConfig(sp specParser) Config {
	return Config{Prog: sp.Prog, Usage: sp.Usage, Description: sp.Description, Epilog: sp.Epilog,
		RawText: sp.Raw, Version: sp.Version, NoHelp: sp.NoHelp}
}

func buildSpec(sp specParser) *Parser {
	p := New(specConfig(sp))
	populate(p, sp)
	return p
}

func populate(p *Parser, sp specParser) {
	groups := map[string]*Group{}
	for _, t := range sp.Groups {
		groups[t] = p.AddGroup(t)
	}
	var mutexes []*MutexGroup
	for _, m := range sp.Mutex {
		mutexes = append(mutexes, p.AddMutexGroup(m.Required))
	}
	for _, sa := range sp.Args {
		a := &Arg{Names: sa.Names, Dest: sa.Dest, Metavar: sa.Metavar, Kind: kindByName[sa.Kind],
			Nargs: nargsByName[sa.Nargs], Choices: sa.Choices, Required: sa.Required,
			Default: sa.Default, Help: sa.Help, Hidden: sa.Hidden}
		if sa.Type == "int" {
			a.Type = Int
		}
		switch {
		case sa.Mutex != nil:
			mutexes[*sa.Mutex].Add(a)
		case sa.Group != "":
			groups[sa.Group].Add(a)
		default:
			p.Add(a)
		}
	}
	if s := sp.Subcommands; s != nil {
		subs := p.AddSubcommands(s.Dest, s.Required)
		for _, c := range s.Commands {
			cfg := specConfig(c.Parser)
			cfg.Prog = ""
			populate(subs.Add(c.Name, c.Help, cfg), c.Parser)
		}
	}
	p.OrderGroups(sp.Order...)
}

// run parses args with p and reports the outcome like the oracle does.
func run(p *Parser, args []string) outcome {
	var stdout, stderr strings.Builder
	r, err := p.Parse(args)
	o := outcome{Exit: Report(err, &stdout, &stderr), Stdout: stdout.String(), Stderr: stderr.String()}
	if err == nil {
		o.NS = namespace(p, r)
	}
	return o
}

// namespace renders a Result as Python's argparse Namespace would look.
func namespace(p *Parser, r *Result) map[string]any {
	ns := map[string]any{}
	for _, d := range r.Dests() {
		ns[d] = pyValue(r.defaults[d], r)
	}
	return ns
}

func pyValue(a *Arg, r *Result) any {
	v := r.values[a.Dest]
	switch {
	case a.Kind == Flag:
		return r.Bool(a.Dest)
	case a.Kind == kindSubcommand:
		if v == nil {
			return nil
		}
		return v.words[0]
	case v == nil || !v.given:
		return defaultValue(a)
	case v.bare:
		return true
	}
	single := a.Nargs == One || a.Nargs == Optional
	if len(v.words) == 0 {
		if a.Nargs == Optional || (a.Nargs == ZeroOrMore && a.Default != "") {
			return defaultValue(a)
		}
		return []any{}
	}
	var vals []any
	for i, w := range v.words {
		if a.Type == Int {
			vals = append(vals, float64(v.ints[i]))
		} else {
			vals = append(vals, w)
		}
	}
	if single {
		return vals[0]
	}
	return vals
}

func defaultValue(a *Arg) any {
	switch {
	case a.Default == "":
		return nil
	case a.Type == Int:
		n, _ := pyInt(a.Default)
		return float64(n)
	}
	return a.Default
}

func loadJSON(t testing.TB, path string, v any) {
	t.Helper()
	b, err := os.ReadFile(path)
	if err != nil {
		t.Fatalf("read %s: %v", path, err)
	}
	if err := json.Unmarshal(b, v); err != nil {
		t.Fatalf("decode %s: %v", path, err)
	}
}

const referenceTool = "/usr/bin/in-toto-run"

// runOracle runs testdata/oracle.py on a case file with the reference
// interpreter. It fails the test when the reference is missing and $CI is
// set, and skips it otherwise.
func runOracle(t *testing.T, caseFile string) [][]outcome {
	t.Helper()
	python := "/usr/bin/python3"
	reftest.Need(t, "the reference in-toto 1.3.1 (apt-get install in-toto)", referenceTool)
	cmd := exec.Command(python, filepath.Join("testdata", "oracle.py"), caseFile)
	cmd.Env = append(os.Environ(), "COLUMNS=80")
	out, err := cmd.Output()
	if err != nil {
		var ee *exec.ExitError
		if errors.As(err, &ee) {
			t.Fatalf("oracle on %s: %v\n%s", caseFile, err, ee.Stderr)
		}
		t.Fatalf("oracle on %s: %v", caseFile, err)
	}
	var got [][]outcome
	if err := json.Unmarshal(out, &got); err != nil {
		t.Fatalf("oracle output: %v", err)
	}
	return got
}

func diffOutcome(got, want outcome) string {
	var d []string
	if got.Exit != want.Exit {
		d = append(d, fmt.Sprintf("exit: got %d want %d", got.Exit, want.Exit))
	}
	if got.Stdout != want.Stdout {
		d = append(d, fmt.Sprintf("stdout:\n got: %q\nwant: %q", got.Stdout, want.Stdout))
	}
	if got.Stderr != want.Stderr {
		d = append(d, fmt.Sprintf("stderr:\n got: %q\nwant: %q", got.Stderr, want.Stderr))
	}
	if g, w := nsString(got.NS), nsString(want.NS); g != w {
		d = append(d, fmt.Sprintf("namespace:\n got: %s\nwant: %s", g, w))
	}
	return strings.Join(d, "\n")
}

func nsString(ns map[string]any) string {
	if ns == nil {
		return "null"
	}
	keys := make([]string, 0, len(ns))
	for k := range ns {
		keys = append(keys, k)
	}
	sort.Strings(keys)
	var b strings.Builder
	for _, k := range keys {
		v, _ := json.Marshal(ns[k])
		fmt.Fprintf(&b, "%s=%s ", k, v)
	}
	return b.String()
}
