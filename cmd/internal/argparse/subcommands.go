package argparse

import "fmt"

// Subcommands is the positional that picks a subparser, like argparse's
// add_subparsers: the first word names the subcommand and every word after
// it goes to the subparser.
type Subcommands struct {
	p     *Parser
	arg   *Arg
	cmds  []*subcommand
	helps []*Arg // pseudo-arguments listing the subcommands in help
}

type subcommand struct {
	name   string
	parser *Parser
}

// AddSubcommands declares the subcommand positional. The chosen name is
// stored under dest (Result.String(dest)). When required is true a missing
// subcommand is reported as "the following arguments are required: <dest>".
func (p *Parser) AddSubcommands(dest string, required bool) *Subcommands {
	s := &Subcommands{p: p}
	s.arg = &Arg{Dest: dest, Kind: kindSubcommand, Nargs: nargsParser, Required: required, sub: s}
	p.Add(s.arg)
	return s
}

// Add declares a subcommand. cfg.Prog defaults to "<parent prog> <name>"
// and cfg.Columns to the parent's. help is shown in the parent's help; an
// empty help leaves the subcommand out of the listing.
func (s *Subcommands) Add(name, help string, cfg Config) *Parser {
	if cfg.Prog == "" {
		cfg.Prog = s.p.cfg.Prog + " " + name
	}
	if cfg.Columns == 0 {
		cfg.Columns = s.p.cfg.Columns
	}
	for _, c := range s.cmds {
		if c.name == name {
			s.p.declErrs = append(s.p.declErrs, fmt.Errorf("%w: subcommand %q declared twice", ErrDeclaration, name))
		}
	}
	sub := New(cfg)
	s.cmds = append(s.cmds, &subcommand{name: name, parser: sub})
	s.arg.Choices = append(s.arg.Choices, name)
	if help != "" {
		s.helps = append(s.helps, &Arg{Dest: name, Metavar: name, Help: help})
	}
	return sub
}

// runSubcommand hands the words after the subcommand name to its parser.
// As in argparse, the subparser's defaults replace values of the same
// destination given before the subcommand, and the words it does not
// recognise are reported by the parent.
func (st *parseState) runSubcommand(a *Arg, words []string) error {
	name := words[0]
	st.r.set(a, []string{name}, false, nil)
	var sub *Parser
	for _, c := range a.sub.cmds {
		if c.name == name {
			sub = c.parser
		}
	}
	if sub == nil {
		return st.argError(a, "unknown parser %s", pyRepr(name))
	}
	for _, sa := range sub.args {
		delete(st.r.values, sa.Dest)
	}
	extras, err := sub.parseKnown(words[1:], st.r)
	if err != nil {
		return err
	}
	st.subExtras = append(st.subExtras, extras...)
	return nil
}
