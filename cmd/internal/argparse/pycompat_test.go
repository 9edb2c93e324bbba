package argparse

import (
	"errors"
	"strings"
	"testing"
)

func TestPyRepr(t *testing.T) {
	tests := map[string]string{
		"foo":            `'foo'`,
		"it's":           `"it's"`,
		`a"b'c`:          `'a"b\'c'`,
		"tab\there\n":    `'tab\there\n'`,
		"back\\slash":    `'back\\slash'`,
		"\x07\x7f":       `'\x07\x7f'`,
		"é\u2028\u00a0x": `'é\u2028\xa0x'`,
		"\xff":           `'\udcff'`,
		"\U0001F600":     "'\U0001F600'",
		"\U000E0001":     `'\U000e0001'`,
	}
	for in, want := range tests {
		if got := pyRepr(in); got != want {
			t.Errorf("pyRepr(%q) = %s, want %s", in, got, want)
		}
	}
}

func TestPyInt(t *testing.T) {
	tests := []struct {
		in   string
		want int64
		ok   bool
	}{
		{"10", 10, true}, {" 12\n", 12, true}, {"+7", 7, true}, {"-5", -5, true},
		{"1_000", 1000, true}, {"\u0663\u0660", 30, true}, {"-9223372036854775808", -9223372036854775808, true},
		{"9223372036854775808", 0, false}, {"1__0", 0, false}, {"_1", 0, false}, {"1_", 0, false},
		{"0x10", 0, false}, {"1.5", 0, false}, {"", 0, false}, {"-", 0, false}, {"+_1", 0, false},
	}
	for _, tt := range tests {
		got, ok := pyInt(tt.in)
		if got != tt.want || ok != tt.ok {
			t.Errorf("pyInt(%q) = %d, %v; want %d, %v", tt.in, got, ok, tt.want, tt.ok)
		}
	}
}

func TestNegativeNumber(t *testing.T) {
	for in, want := range map[string]bool{
		"-1": true, "-1.5": true, "-.5": true, "-1\n": true, "-\u0663": true,
		"-": false, "-1.": false, "--1": false, "-1x": false, "1": false, "-1e5": false,
	} {
		if got := negativeNumber(in); got != want {
			t.Errorf("negativeNumber(%q) = %v, want %v", in, got, want)
		}
	}
}

func TestWrapText(t *testing.T) {
	tests := []struct {
		text  string
		width int
		want  []string
	}{
		{"See '--key-type' for formats", 9, []string{"See '--", "key-type'", "for", "formats"}},
		{"a well-known e-mail", 8, []string{"a well-", "known", "e-mail"}},
		{"averyverylongword", 5, []string{"avery", "veryl", "ongwo", "rd"}},
		{"long-hyphenated-wordchain", 12, []string{"long-", "hyphenated-", "wordchain"}},
		{"", 10, nil},
	}
	for _, tt := range tests {
		if got := wrapText(tt.text, tt.width, ""); strings.Join(got, "|") != strings.Join(tt.want, "|") {
			t.Errorf("wrapText(%q, %d) = %q, want %q", tt.text, tt.width, got, tt.want)
		}
	}
}

// TestDeclarationErrors checks that declaration mistakes surface from
// Validate and Parse instead of panicking.
func TestDeclarationErrors(t *testing.T) {
	tests := []struct {
		name  string
		build func(p *Parser)
	}{
		{"duplicate option", func(p *Parser) {
			p.Add(&Arg{Names: []string{"-x"}})
			p.Add(&Arg{Names: []string{"-x", "--ex"}})
		}},
		{"bad option name", func(p *Parser) { p.Add(&Arg{Names: []string{"x"}}) }},
		{"positional without dest", func(p *Parser) { p.Add(&Arg{}) }},
		{"positional flag", func(p *Parser) { p.Add(&Arg{Dest: "f", Kind: Flag}) }},
		{"bad int default", func(p *Parser) { p.Add(&Arg{Names: []string{"-n"}, Type: Int, Default: "ten"}) }},
		{"positional in mutex", func(p *Parser) { p.AddMutexGroup(false).Add(&Arg{Dest: "x"}) }},
		{"duplicate subcommand", func(p *Parser) {
			s := p.AddSubcommands("cmd", true)
			s.Add("a", "", Config{})
			s.Add("a", "", Config{})
		}},
		{"bad subcommand option", func(p *Parser) {
			p.AddSubcommands("cmd", true).Add("a", "", Config{}).Add(&Arg{Names: []string{"--"}})
		}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			p := New(Config{Prog: "p"})
			tt.build(p)
			if err := p.Validate(); !errors.Is(err, ErrDeclaration) {
				t.Errorf("Validate() = %v, want ErrDeclaration", err)
			}
			if _, err := p.Parse(nil); !errors.Is(err, ErrDeclaration) {
				t.Errorf("Parse() = %v, want ErrDeclaration", err)
			}
		})
	}
}

func TestResultAccessors(t *testing.T) {
	p := New(Config{Prog: "p"})
	p.Add(&Arg{Names: []string{"-P"}, Nargs: Optional})
	p.Add(&Arg{Names: []string{"-m"}, Nargs: OneOrMore})
	p.Add(&Arg{Names: []string{"-t"}, Default: "rsa"})
	p.Add(&Arg{Names: []string{"-b"}, Type: Int, Default: "3072"})
	p.Add(&Arg{Dest: "cmd", Nargs: ZeroOrMore})
	r, err := p.Parse([]string{"-P", "-m", "a", "b", "--"})
	if err != nil {
		t.Fatal(err)
	}
	if !r.Given("P") || !r.Bare("P") || r.String("P") != "" {
		t.Errorf("-P bare: given=%v bare=%v value=%q", r.Given("P"), r.Bare("P"), r.String("P"))
	}
	if got := r.Strings("m"); strings.Join(got, ",") != "a,b" {
		t.Errorf("-m = %q", got)
	}
	if r.String("t") != "rsa" || r.Given("t") || r.Int("b") != 3072 {
		t.Errorf("defaults: t=%q given=%v b=%d", r.String("t"), r.Given("t"), r.Int("b"))
	}
	if got := r.Strings("cmd"); got == nil || len(got) != 0 {
		t.Errorf("empty positional = %#v, want empty non-nil", got)
	}
	if r.Strings("nope") != nil || r.Given("nope") || r.Int("nope") != 0 {
		t.Errorf("unknown dest reports a value")
	}
	ue := p.Errorf("Specify either %s", "'--key <key path>'")
	if ue.Error() != "p: error: Specify either '--key <key path>'" || !strings.HasPrefix(ue.Usage, "usage: p ") {
		t.Errorf("Errorf: %q / %q", ue.Error(), ue.Usage)
	}
}
