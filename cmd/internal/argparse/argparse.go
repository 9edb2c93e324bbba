package argparse

import (
	"fmt"
	"strings"
)

// Kind is what an argument does when it is given.
type Kind int

const (
	// Store keeps the argument's value(s); the default kind.
	Store Kind = iota
	// Flag takes no value and records true (argparse action="store_true").
	Flag
	// Help ends parsing with the parser's help text (argparse action="help").
	Help
	// Version ends parsing with the parser's version text.
	Version
	kindSubcommand // internal: chooses a subparser (argparse add_subparsers)
)

// Nargs is how many command-line words a Store argument consumes.
type Nargs int

const (
	// One consumes exactly one word (argparse nargs=None, the default).
	One Nargs = iota
	// Optional consumes zero or one word (nargs='?'). Given bare, an option
	// reports Bare(dest) == true (argparse's const).
	Optional
	// ZeroOrMore consumes any number of words (nargs='*').
	ZeroOrMore
	// OneOrMore consumes at least one word (nargs='+').
	OneOrMore
	nargsZero   // internal: flags, help, version
	nargsParser // internal: subcommand and everything after it
)

// Type is how a value is converted after it is read.
type Type int

const (
	// String keeps the word as it is; the default.
	String Type = iota
	// Int converts like Python's int(); a bad word is a usage error
	// ("invalid int value: 'x'").
	Int
)

// Arg declares one option or positional argument.
type Arg struct {
	// Names are the option strings, e.g. "-n", "--step-name". Leave empty
	// for a positional argument.
	Names []string
	// Dest is the key under which the Result holds the value. Defaults as in
	// argparse: the first long name without dashes, '-' replaced by '_'.
	// Required for positionals.
	Dest string
	// Metavar names the value in usage and help ("<path>"). Defaults to
	// {choice,...} when Choices are set, else Dest (upper-cased for options).
	Metavar  string
	Help     string
	Kind     Kind
	Nargs    Nargs
	Type     Type
	Choices  []string
	Required bool
	// Default is the textual value reported when the argument is absent
	// ("" means none, like argparse's None). It is converted by Type.
	Default string
	// Hidden leaves the argument out of usage and help (help=SUPPRESS).
	Hidden bool
	// Deprecated, when set, is recorded in Result.Deprecations whenever the
	// argument is used, so the tool can warn about it.
	Deprecated string
	// Secondary arguments lose abbreviation contests: an abbreviated long
	// option that matches a regular option and a secondary one resolves to
	// the regular one. Use it for options added after a tool's first
	// release so that abbreviations that used to be unique stay unique.
	Secondary bool

	group *group
	sub   *Subcommands
}

// Config describes a parser.
type Config struct {
	// Prog is the program name used in usage and error lines.
	Prog string
	// Usage replaces the generated usage text; "%(prog)s" expands to Prog.
	Usage string
	// Description and Epilog frame the help text.
	Description string
	Epilog      string
	// RawText keeps Description and Epilog line breaks as written
	// (argparse.RawDescriptionHelpFormatter); otherwise they are re-wrapped.
	RawText bool
	// Version is printed by arguments of Kind Version.
	Version string
	// NoHelp leaves out the automatic -h/--help option.
	NoHelp bool
	// Columns is the terminal width help is wrapped for (argparse reads
	// $COLUMNS); 0 means 80.
	Columns int
	// PositionalsTitle and OptionsTitle name the two default help sections.
	// They default to "Positional Arguments" and "Options", the titles the
	// in-toto tools show.
	PositionalsTitle string
	OptionsTitle     string
}

// group is a help section.
type group struct {
	title string
	args  []*Arg
}

// Group is a titled help section that arguments can be added to.
type Group struct {
	p *Parser
	g *group
}

// MutexGroup is a set of options of which at most one may be given
// (exactly one when the group is required).
type MutexGroup struct {
	p        *Parser
	section  *group
	args     []*Arg
	required bool
}

// Parser parses a command line with Python argparse semantics. Build it with
// New and the Add methods, then call Parse; a Parser is not safe for
// concurrent modification but Parse does not modify it.
type Parser struct {
	cfg         Config
	args        []*Arg // declaration order: usage order and required checks
	groups      []*group
	positionals *group
	options     *group
	mutexes     []*MutexGroup
	byName      map[string]*Arg
	declErrs    []error
}

// New returns a parser with the automatic -h/--help option (unless
// cfg.NoHelp).
func New(cfg Config) *Parser {
	if cfg.Columns <= 0 {
		cfg.Columns = 80
	}
	if cfg.PositionalsTitle == "" {
		cfg.PositionalsTitle = "Positional Arguments"
	}
	if cfg.OptionsTitle == "" {
		cfg.OptionsTitle = "Options"
	}
	p := &Parser{cfg: cfg, byName: map[string]*Arg{}}
	p.positionals = &group{title: cfg.PositionalsTitle}
	p.options = &group{title: cfg.OptionsTitle}
	p.groups = []*group{p.positionals, p.options}
	if !cfg.NoHelp {
		p.Add(&Arg{Names: []string{"-h", "--help"}, Kind: Help, Dest: "help",
			Help: "show this help message and exit"})
	}
	return p
}

// Prog returns the program name.
func (p *Parser) Prog() string { return p.cfg.Prog }

// SetColumns sets the width help is wrapped for, here and in subparsers.
func (p *Parser) SetColumns(n int) {
	if n <= 0 {
		n = 80
	}
	p.cfg.Columns = n
	for _, a := range p.args {
		if a.sub != nil {
			for _, c := range a.sub.cmds {
				c.parser.SetColumns(n)
			}
		}
	}
}

// Add declares an argument in the default section (Options for options,
// Positional Arguments for positionals). Mistakes in the declaration are
// reported by Validate and Parse.
func (p *Parser) Add(a *Arg) *Arg {
	sec := p.options
	if len(a.Names) == 0 {
		sec = p.positionals
	}
	return p.addTo(sec, a)
}

// AddGroup adds a titled help section after the existing ones.
func (p *Parser) AddGroup(title string) *Group {
	g := &group{title: title}
	p.groups = append(p.groups, g)
	return &Group{p: p, g: g}
}

// Add declares an argument shown in this section.
func (g *Group) Add(a *Arg) *Arg { return g.p.addTo(g.g, a) }

// OrderGroups reorders help sections: the named ones first, in the given
// order, then the rest as they were (in-toto's sort_action_groups).
func (p *Parser) OrderGroups(titles ...string) {
	var ordered []*group
	used := map[*group]bool{}
	for _, t := range titles {
		for _, g := range p.groups {
			if g.title == t && !used[g] {
				ordered = append(ordered, g)
				used[g] = true
			}
		}
	}
	for _, g := range p.groups {
		if !used[g] {
			ordered = append(ordered, g)
		}
	}
	p.groups = ordered
}

// AddMutexGroup starts a mutually exclusive group whose options are shown
// in the default Options section.
func (p *Parser) AddMutexGroup(required bool) *MutexGroup {
	m := &MutexGroup{p: p, section: p.options, required: required}
	p.mutexes = append(p.mutexes, m)
	return m
}

// Add declares an option that belongs to the mutually exclusive group.
func (m *MutexGroup) Add(a *Arg) *Arg {
	if len(a.Names) == 0 {
		m.p.declErrs = append(m.p.declErrs,
			fmt.Errorf("%w: positional %q in a mutually exclusive group", ErrDeclaration, a.Dest))
	}
	m.args = append(m.args, a)
	return m.p.addTo(m.section, a)
}

func (p *Parser) addTo(sec *group, a *Arg) *Arg {
	if err := p.check(a); err != nil {
		p.declErrs = append(p.declErrs, err)
		return a
	}
	for _, n := range a.Names {
		p.byName[n] = a
	}
	a.group = sec
	sec.args = append(sec.args, a)
	p.args = append(p.args, a)
	return a
}

// check validates a declaration and fills in derived fields.
func (p *Parser) check(a *Arg) error {
	for _, n := range a.Names {
		if len(n) < 2 || n[0] != '-' || n == "--" {
			return fmt.Errorf("%w: option name %q must start with '-' and have a name after it", ErrDeclaration, n)
		}
		if _, dup := p.byName[n]; dup {
			return fmt.Errorf("%w: option %s declared twice", ErrDeclaration, n)
		}
	}
	if a.Dest == "" {
		a.Dest = defaultDest(a.Names)
	}
	if a.Dest == "" {
		return fmt.Errorf("%w: positional argument needs a Dest", ErrDeclaration)
	}
	switch a.Kind {
	case Flag, Help, Version:
		a.Nargs = nargsZero
	}
	if len(a.Names) == 0 && a.Kind != Store && a.Kind != kindSubcommand {
		return fmt.Errorf("%w: positional %q must be of Kind Store", ErrDeclaration, a.Dest)
	}
	if a.Type == Int && a.Default != "" {
		if _, ok := pyInt(a.Default); !ok {
			return fmt.Errorf("%w: default %q of %s is not an integer", ErrDeclaration, a.Default, a.Dest)
		}
	}
	return nil
}

// defaultDest derives the destination like argparse: the first "--" name,
// else the first name, without leading dashes and with '-' as '_'.
func defaultDest(names []string) string {
	if len(names) == 0 {
		return ""
	}
	pick := names[0]
	for _, n := range names {
		if strings.HasPrefix(n, "--") {
			pick = n
			break
		}
	}
	return strings.ReplaceAll(strings.TrimLeft(pick, "-"), "-", "_")
}

// Validate reports mistakes made while declaring the parser (and its
// subparsers), wrapped in ErrDeclaration.
func (p *Parser) Validate() error {
	if len(p.declErrs) > 0 {
		return p.declErrs[0]
	}
	for _, a := range p.args {
		if a.sub == nil {
			continue
		}
		for _, c := range a.sub.cmds {
			if err := c.parser.Validate(); err != nil {
				return fmt.Errorf("subcommand %s: %w", c.name, err)
			}
		}
	}
	return nil
}

// displayName is how argparse names an argument in error messages.
func (a *Arg) displayName() string {
	switch {
	case len(a.Names) > 0:
		return strings.Join(a.Names, "/")
	case a.Metavar != "":
		return a.Metavar
	default:
		return a.Dest
	}
}
