package argparse

import (
	"errors"
	"fmt"
	"path/filepath"
	"reflect"
	"regexp"
	"slices"
	"strings"
	"testing"
)

var toolParsers = map[string]func() *Parser{
	"run": RunParser, "record": RecordParser, "mock": MockParser,
	"sign": SignParser, "keygen": KeygenParser, "verify": VerifyParser,
}

func lastLine(s string) string {
	lines := strings.Split(strings.TrimRight(s, "\n"), "\n")
	return lines[len(lines)-1]
}

var longOption = regexp.MustCompile(`--[a-z][a-z-]*`)

// TestToolsAgainstReference1_3_1 parses command lines that only use 1.3.1
// flags with the combined (1.3.1 + newer) tool parsers and compares with
// what the reference tools' own argparse parsers did: same exit status,
// same error line, same values, and the newer flags left at their defaults.
func TestToolsAgainstReference1_3_1(t *testing.T) {
	caseFile := filepath.Join("testdata", "tools.json")
	var suites []specSuite
	loadJSON(t, caseFile, &suites)
	want := golden(t, caseFile)
	for i, s := range suites {
		for j, c := range s.Cases {
			t.Run(fmt.Sprintf("%s/%d", s.Tool, j), func(t *testing.T) {
				p := toolParsers[s.Tool]()
				got, w := run(p, c.Args), want[i][j]
				if got.Exit != w.Exit {
					t.Fatalf("args %q: exit %d, reference %d\nstderr: %s", c.Args, got.Exit, w.Exit, got.Stderr)
				}
				compareTool(t, p, c.Args, got, w)
			})
		}
	}
}

func compareTool(t *testing.T, p *Parser, args []string, got, want outcome) {
	t.Helper()
	switch {
	case want.Exit != 0:
		if g, w := lastLine(got.Stderr), lastLine(want.Stderr); g != w {
			t.Errorf("args %q: error line\n got: %s\nwant: %s", args, g, w)
		}
		if !strings.HasPrefix(got.Stderr, "usage: ") {
			t.Errorf("args %q: stderr does not start with the usage: %q", args, got.Stderr)
		}
	case want.NS == nil: // help or version
		if strings.HasPrefix(want.Stdout, "usage:") {
			for _, opt := range longOption.FindAllString(want.Stdout, -1) {
				if !strings.Contains(got.Stdout, opt) {
					t.Errorf("args %q: help does not mention %s", args, opt)
				}
			}
		} else if got.Stdout != want.Stdout {
			t.Errorf("args %q: stdout %q, reference %q", args, got.Stdout, want.Stdout)
		}
	default:
		r, err := p.Parse(args)
		if err != nil {
			t.Fatal(err)
		}
		for k, v := range got.NS {
			w, known := want.NS[k]
			switch {
			case known && !reflect.DeepEqual(v, w):
				t.Errorf("args %q: %s = %#v, reference %#v", args, k, v, w)
			case !known && !reflect.DeepEqual(v, defaultValue(r.defaults[k])) && v != false:
				t.Errorf("args %q: newer option %s = %#v, want its default", args, k, v)
			}
		}
		for k := range want.NS {
			if _, ok := got.NS[k]; !ok {
				t.Errorf("args %q: no value for reference destination %s", args, k)
			}
		}
	}
}

// TestToolsDemoCommandLines parses command lines of the in-toto demo (both
// the 1.x and the 2.x/3.x flavour) and checks the values the tools read.
func TestToolsDemoCommandLines(t *testing.T) {
	tests := []struct {
		tool, line string
		want       map[string]any // dest -> string, []string, bool or int64
		deprecated []string
	}{
		{"run", "--step-name clone --products demo-project/foo.py --key bob -- git clone https://github.com/in-toto/demo-project.git",
			map[string]any{"step_name": "clone", "products": []string{"demo-project/foo.py"}, "key": "bob",
				"link_cmd": []string{"git", "clone", "https://github.com/in-toto/demo-project.git"}, "key_type": "rsa"},
			[]string{"'-k', '--key' is deprecated, use '--signing-key' instead."}},
		{"run", "--verbose --use-dsse --step-name clone --products demo-project/foo.py --signing-key bob -- git clone https://github.com/in-toto/demo-project.git",
			map[string]any{"verbose": true, "use_dsse": true, "signing_key": "bob", "key": "", "run_timeout": int64(10)}, nil},
		{"run", "--verbose --use-dsse --step-name package --materials demo-project/foo.py --products demo-project.tar.gz --signing-key carl --record-streams -- tar --exclude .git -zcvf demo-project.tar.gz demo-project",
			map[string]any{"materials": []string{"demo-project/foo.py"}, "record_streams": true, "exclude_patterns": []string(nil),
				"link_cmd": []string{"tar", "--exclude", ".git", "-zcvf", "demo-project.tar.gz", "demo-project"}}, nil},
		{"run", "-n build --signing-key k.pem -P --run-timeout 600 -- make",
			map[string]any{"run_timeout": int64(600), "password": "", "link_cmd": []string{"make"}}, nil},
		{"run", "-n build --signing-key=k.pem --run-t=3 --use -x",
			map[string]any{"signing_key": "k.pem", "run_timeout": int64(3), "use_dsse": true, "no_command": true}, nil},
		{"run", "--s build --r --sig k.pem -x",
			map[string]any{"step_name": "build", "record_streams": true, "signing_key": "k.pem"}, nil},
		{"record", "start --verbose --use-dsse --step-name update-version --signing-key bob --materials demo-project/foo.py",
			map[string]any{"command": "start", "use_dsse": true, "signing_key": "bob", "materials": []string{"demo-project/foo.py"}}, nil},
		{"record", "stop --verbose --use-dsse --step-name update-version --signing-key bob --products demo-project/foo.py",
			map[string]any{"command": "stop", "products": []string{"demo-project/foo.py"}, "metadata_directory": ""}, nil},
		{"record", "stop -n x --key k -p a b",
			map[string]any{"products": []string{"a", "b"}},
			[]string{"'-k', '--key' is deprecated, use '--signing-key' instead."}},
		{"verify", "--verbose --layout root.layout --layout-key alice.pub",
			map[string]any{"layout": "root.layout", "layout_keys": []string{"alice.pub"}, "link_dir": ".", "inspect_timeout": int64(10)},
			[]string{"'-k', '--layout-keys' is deprecated, use '--verification-keys' instead."}},
		{"verify", "-v --layout root.layout --verification-keys alice.pub bob.pub --inspection-timeout 60",
			map[string]any{"verification_keys": []string{"alice.pub", "bob.pub"}, "inspect_timeout": int64(60), "layout_keys": []string(nil)}, nil},
		{"verify", "-l root.layout --veri a.pem --link-dir links",
			map[string]any{"verification_keys": []string{"a.pem"}, "link_dir": "links"}, nil},
		{"mock", "--use-dsse --name foo -- touch bar",
			map[string]any{"name": "foo", "use_dsse": true, "link_cmd": []string{"touch", "bar"}}, nil},
		{"sign", "-f root.layout -k alice.pem bob.pem -p -a -o signed.layout",
			map[string]any{"key": []string{"alice.pem", "bob.pem"}, "prompt": true, "append": true, "output": "signed.layout"}, nil},
		{"keygen", "-t ed25519 -p bob",
			map[string]any{"type": "ed25519", "prompt": true, "name": "bob", "bits": int64(3072)}, nil},
	}
	for _, tt := range tests {
		t.Run(tt.tool+" "+tt.line, func(t *testing.T) {
			r, err := toolParsers[tt.tool]().Parse(strings.Fields(tt.line))
			if err != nil {
				t.Fatalf("parse: %v", err)
			}
			for dest, want := range tt.want {
				var got any
				switch want.(type) {
				case string:
					got = r.String(dest)
				case []string:
					got = r.Strings(dest)
				case bool:
					got = r.Bool(dest)
				case int64:
					got = r.Int(dest)
				}
				if !reflect.DeepEqual(got, want) {
					t.Errorf("%s = %#v, want %#v", dest, got, want)
				}
			}
			if got := r.Deprecations(); !slices.Equal(got, tt.deprecated) {
				t.Errorf("deprecations %q, want %q", got, tt.deprecated)
			}
		})
	}
}

// TestToolsNewerFlagErrors covers usage errors of the newer flags.
func TestToolsNewerFlagErrors(t *testing.T) {
	tests := []struct {
		tool, line, wantErr string
	}{
		{"run", "-n a --signing-key", "in-toto-run: error: argument --signing-key: expected one argument"},
		{"run", "-n a --run-timeout ten -x", "in-toto-run: error: argument --run-timeout: invalid int value: 'ten'"},
		{"run", "-n a --use-dsse=1 -x", "in-toto-run: error: argument --use-dsse: ignored explicit argument '1'"},
		{"verify", "-l r --verification-keys", "in-toto-verify: error: argument --verification-keys: expected at least one argument"},
		{"verify", "-l r --inspection-timeout 1.5", "in-toto-verify: error: argument --inspection-timeout: invalid int value: '1.5'"},
		{"verify", "--ve", "in-toto-verify: error: ambiguous option: --ve could match --verbose, --version"},
		{"record", "stop -n a --run-timeout 5", "in-toto-record: error: unrecognized arguments: --run-timeout 5"},
	}
	for _, tt := range tests {
		t.Run(tt.line, func(t *testing.T) {
			_, err := toolParsers[tt.tool]().Parse(strings.Fields(tt.line))
			var ue *UsageError
			if !errors.As(err, &ue) || !errors.Is(err, ErrUsage) {
				t.Fatalf("got %v, want a usage error", err)
			}
			if ue.Error() != tt.wantErr {
				t.Errorf("got %q\nwant %q", ue.Error(), tt.wantErr)
			}
		})
	}
}

// TestToolParsersValid checks every tool parser declaration and that
// --version prints the reference version unless overridden.
func TestToolParsersValid(t *testing.T) {
	all := map[string]func() *Parser{"match-products": MatchProductsParser}
	for k, v := range toolParsers {
		all[k] = v
	}
	for name, mk := range all {
		p := mk()
		if err := p.Validate(); err != nil {
			t.Errorf("%s: %v", name, err)
		}
		if !strings.HasPrefix(p.FormatHelp(), "usage: in-toto-") {
			t.Errorf("%s: help does not start with the usage", name)
		}
	}
	p := RunParser()
	_, err := p.Parse([]string{"--version"})
	var early *EarlyExit
	if !errors.As(err, &early) || !errors.Is(err, ErrVersion) || early.Text != "in-toto-run 1.3.1\n" {
		t.Fatalf("--version: %v %+v", err, early)
	}
	p.SetVersion("%(prog)s 1.3.1 (signet 0.1)")
	_, err = p.Parse([]string{"--version"})
	if !errors.As(err, &early) || early.Text != "in-toto-run 1.3.1 (signet 0.1)\n" {
		t.Fatalf("--version after SetVersion: %+v", early)
	}
}
