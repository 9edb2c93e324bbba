package argparse

import (
	"fmt"
	"regexp"
	"strings"
)

// Parse parses a command line (without the program name) the way Python
// argparse's parse_args does. On a mistake it returns a *UsageError; for
// -h/--help and --version it returns an *EarlyExit.
func (p *Parser) Parse(args []string) (*Result, error) {
	if err := p.Validate(); err != nil {
		return nil, err
	}
	r := newResult(p)
	extras, err := p.parseKnown(args, r)
	if err != nil {
		return nil, err
	}
	if len(extras) > 0 {
		return nil, p.Errorf("unrecognized arguments: %s", strings.Join(extras, " "))
	}
	return r, nil
}

// optToken is a command-line word recognised as an option.
type optToken struct {
	arg      *Arg    // nil: looks like an option but none matches
	opt      string  // the option string as declared (or the word, if unknown)
	explicit *string // value attached with '=' or glued to a short option
}

// parseState is one run of parseKnown over one parser.
type parseState struct {
	p           *Parser
	r           *Result
	args        []string
	pattern     []byte // per word: 'O' option, 'A' argument, '-' the first "--"
	opts        map[int]optToken
	seen        map[*Arg]bool
	seenValue   map[*Arg]bool // given with a non-default value (mutex checks)
	positionals []*Arg
	extras      []string
	subExtras   []string
}

// parseKnown parses args into r and returns the words it did not recognise.
func (p *Parser) parseKnown(args []string, r *Result) ([]string, error) {
	r.declare(p)
	st := &parseState{p: p, r: r, args: args, opts: map[int]optToken{},
		seen: map[*Arg]bool{}, seenValue: map[*Arg]bool{}}
	if err := st.classify(); err != nil {
		return nil, err
	}
	for _, a := range p.args {
		if len(a.Names) == 0 {
			st.positionals = append(st.positionals, a)
		}
	}
	if err := st.run(); err != nil {
		return nil, err
	}
	if err := st.checkRequired(); err != nil {
		return nil, err
	}
	return append(st.extras, st.subExtras...), nil
}

// classify builds the O/A/- pattern of the command line.
func (st *parseState) classify() error {
	st.pattern = make([]byte, len(st.args))
	afterDashes := false
	for i, w := range st.args {
		switch {
		case afterDashes:
			st.pattern[i] = 'A'
		case w == "--":
			st.pattern[i] = '-'
			afterDashes = true
		default:
			tok, isOpt, err := st.p.classifyWord(w)
			if err != nil {
				return err
			}
			st.pattern[i] = 'A'
			if isOpt {
				st.pattern[i] = 'O'
				st.opts[i] = tok
			}
		}
	}
	return nil
}

// classifyWord decides whether w is an option (argparse _parse_optional).
func (p *Parser) classifyWord(w string) (optToken, bool, error) {
	if w == "" || w[0] != '-' {
		return optToken{}, false, nil
	}
	if a, ok := p.byName[w]; ok {
		return optToken{arg: a, opt: w}, true, nil
	}
	if len([]rune(w)) == 1 {
		return optToken{}, false, nil
	}
	if name, val, ok := strings.Cut(w, "="); ok {
		if a, found := p.byName[name]; found {
			return optToken{arg: a, opt: name, explicit: &val}, true, nil
		}
	}
	matches := p.prefixMatches(w)
	if len(matches) > 1 {
		names := make([]string, len(matches))
		for i, m := range matches {
			names[i] = m.opt
		}
		return optToken{}, false, p.Errorf("ambiguous option: %s could match %s", w, strings.Join(names, ", "))
	}
	if len(matches) == 1 {
		return matches[0], true, nil
	}
	if negativeNumber(w) && !p.hasNegativeNumberOptions() {
		return optToken{}, false, nil
	}
	if strings.Contains(w, " ") {
		return optToken{}, false, nil
	}
	return optToken{opt: w}, true, nil
}

// prefixMatches finds the options an abbreviated or glued word may mean.
// Long words ("--meta=x") match options they are a prefix of; short words
// ("-nfoo") match the short option of their first two characters (with the
// rest as its value) and options they are a prefix of.
func (p *Parser) prefixMatches(w string) []optToken {
	rs := []rune(w)
	var out []optToken
	if rs[1] == '-' {
		prefix, val, hasVal := strings.Cut(w, "=")
		for _, a := range p.args {
			for _, n := range a.Names {
				if strings.HasPrefix(n, prefix) {
					t := optToken{arg: a, opt: n}
					if hasVal {
						v := val
						t.explicit = &v
					}
					out = append(out, t)
				}
			}
		}
	} else {
		short, rest := string(rs[:2]), string(rs[2:])
		for _, a := range p.args {
			for _, n := range a.Names {
				switch {
				case n == short:
					v := rest
					out = append(out, optToken{arg: a, opt: n, explicit: &v})
				case strings.HasPrefix(n, w):
					out = append(out, optToken{arg: a, opt: n})
				}
			}
		}
	}
	return preferPrimary(out)
}

// preferPrimary drops Secondary options from an ambiguous match when a
// regular option also matches.
func preferPrimary(ms []optToken) []optToken {
	if len(ms) < 2 {
		return ms
	}
	var primary []optToken
	for _, m := range ms {
		if !m.arg.Secondary {
			primary = append(primary, m)
		}
	}
	if len(primary) == 0 {
		return ms
	}
	return primary
}

func (p *Parser) hasNegativeNumberOptions() bool {
	for n := range p.byName {
		if negativeNumber(n) {
			return true
		}
	}
	return false
}

// run consumes positionals and options alternately, as argparse does.
func (st *parseState) run() error {
	last := -1
	for i := range st.opts {
		last = max(last, i)
	}
	start := 0
	for start <= last {
		next := st.nextOption(start)
		if start != next {
			end, err := st.consumePositionals(start)
			if err != nil {
				return err
			}
			if end > start {
				start = end
				continue
			}
		}
		if _, isOpt := st.opts[start]; !isOpt {
			st.extras = append(st.extras, st.args[start:next]...)
			start = next
		}
		end, err := st.consumeOptional(start)
		if err != nil {
			return err
		}
		start = end
	}
	end, err := st.consumePositionals(start)
	if err != nil {
		return err
	}
	st.extras = append(st.extras, st.args[end:]...)
	return nil
}

func (st *parseState) nextOption(from int) int {
	next := -1
	for i := range st.opts {
		if i >= from && (next < 0 || i < next) {
			next = i
		}
	}
	return next
}

type pendingAction struct {
	arg   *Arg
	words []string
	opt   string
}

// consumeOptional handles the option at index i and the words it takes.
func (st *parseState) consumeOptional(i int) (int, error) {
	tok := st.opts[i]
	a, opt, explicit := tok.arg, tok.opt, tok.explicit
	var todo []pendingAction
	for {
		if a == nil {
			st.extras = append(st.extras, st.args[i])
			return i + 1, nil
		}
		if explicit == nil {
			n, err := st.matchOption(a, st.pattern[i+1:])
			if err != nil {
				return 0, err
			}
			todo = append(todo, pendingAction{a, st.args[i+1 : i+1+n], opt})
			return i + 1 + n, st.takeAll(todo)
		}
		takes := a.Nargs != nargsZero
		switch {
		case !takes && opt[1] != '-' && *explicit != "":
			// "-xyz": -x takes nothing, so -y (and -z) follow.
			todo = append(todo, pendingAction{a, nil, opt})
			rs := []rune(*explicit)
			next := "-" + string(rs[0])
			na, ok := st.p.byName[next]
			if !ok {
				return 0, st.argError(a, "ignored explicit argument %s", pyRepr(*explicit))
			}
			a, opt, explicit = na, next, nil
			if len(rs) > 1 {
				rest := string(rs[1:])
				explicit = &rest
			}
		case takes:
			todo = append(todo, pendingAction{a, []string{*explicit}, opt})
			return i + 1, st.takeAll(todo)
		default:
			return 0, st.argError(a, "ignored explicit argument %s", pyRepr(*explicit))
		}
	}
}

func (st *parseState) takeAll(todo []pendingAction) error {
	for _, t := range todo {
		if err := st.take(t.arg, t.words); err != nil {
			return err
		}
	}
	return nil
}

// matchOption counts the words an option takes from the pattern that
// follows it; options never take "--" or words that look like options.
func (st *parseState) matchOption(a *Arg, pat []byte) (int, error) {
	lead := 0
	for lead < len(pat) && pat[lead] == 'A' {
		lead++
	}
	switch a.Nargs {
	case nargsZero:
		return 0, nil
	case One:
		if lead == 0 {
			return 0, st.argError(a, "expected one argument")
		}
		return 1, nil
	case Optional:
		return min(lead, 1), nil
	case OneOrMore:
		if lead == 0 {
			return 0, st.argError(a, "expected at least one argument")
		}
	}
	return lead, nil
}

// positionalPattern is the argparse nargs pattern of a positional.
func positionalPattern(a *Arg) string {
	switch a.Nargs {
	case Optional:
		return "(-*A?-*)"
	case ZeroOrMore:
		return "(-*[A-]*)"
	case OneOrMore:
		return "(-*A[A-]*)"
	case nargsParser:
		return "(-*A[-AO]*)"
	}
	return "(-*A-*)"
}

// consumePositionals gives as many remaining positionals as possible their
// words, starting at index i.
func (st *parseState) consumePositionals(i int) (int, error) {
	pat := string(st.pattern[i:])
	for n := len(st.positionals); n > 0; n-- {
		var re strings.Builder
		re.WriteString("^")
		for _, a := range st.positionals[:n] {
			re.WriteString(positionalPattern(a))
		}
		rx, err := regexp.Compile(re.String())
		if err != nil {
			return 0, fmt.Errorf("%w: %v", ErrDeclaration, err)
		}
		m := rx.FindStringSubmatch(pat)
		if m == nil {
			continue
		}
		batch := st.positionals[:n]
		st.positionals = st.positionals[n:]
		for k, a := range batch {
			cnt := len(m[k+1])
			if err := st.take(a, st.args[i:i+cnt]); err != nil {
				return 0, err
			}
			i += cnt
		}
		return i, nil
	}
	return i, nil
}

func (st *parseState) argError(a *Arg, format string, args ...any) *UsageError {
	return st.p.Errorf("argument %s: %s", a.displayName(), fmt.Sprintf(format, args...))
}
