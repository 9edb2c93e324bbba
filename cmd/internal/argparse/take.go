package argparse

import (
	"slices"
	"strings"
)

// take converts the words of one argument, checks them and records them.
func (st *parseState) take(a *Arg, words []string) error {
	st.seen[a] = true
	if a.Nargs != nargsParser {
		// argparse drops the first "--" from every argument's words
		if k := slices.Index(words, "--"); k >= 0 {
			words = append(append([]string{}, words[:k]...), words[k+1:]...)
		}
	}
	ints, err := st.convert(a, words)
	if err != nil {
		return err
	}
	if !st.isDefaultValue(a, words) {
		st.seenValue[a] = true
		if err := st.checkConflicts(a); err != nil {
			return err
		}
	}
	switch a.Kind {
	case Help:
		return &EarlyExit{Reason: ErrHelp, Text: st.p.FormatHelp()}
	case Version:
		return &EarlyExit{Reason: ErrVersion, Text: st.p.formatVersion()}
	case kindSubcommand:
		return st.runSubcommand(a, words)
	}
	bare := a.Nargs == Optional && len(a.Names) > 0 && len(words) == 0
	st.r.set(a, append([]string{}, words...), bare, ints)
	return nil
}

// isDefaultValue reports argparse's "the value is the default object" case:
// an absent Optional positional, or an empty ZeroOrMore positional that has
// a Default.
func (st *parseState) isDefaultValue(a *Arg, words []string) bool {
	if len(a.Names) > 0 || len(words) > 0 {
		return false
	}
	return a.Nargs == Optional || (a.Nargs == ZeroOrMore && a.Default != "")
}

// convert applies Type and Choices to the words: every word is converted
// first, then every value is checked against the choices.
func (st *parseState) convert(a *Arg, words []string) ([]int64, error) {
	var ints []int64
	if a.Type == Int && a.Nargs != nargsParser {
		for _, w := range words {
			n, ok := pyInt(w)
			if !ok {
				return nil, st.argError(a, "invalid int value: %s", pyRepr(w))
			}
			ints = append(ints, n)
		}
	}
	if len(a.Choices) == 0 {
		return ints, nil
	}
	check := words
	if a.Nargs == nargsParser && len(words) > 0 {
		check = words[:1]
	}
	for _, w := range check {
		if !slices.Contains(a.Choices, w) {
			quoted := make([]string, len(a.Choices))
			for i, c := range a.Choices {
				quoted[i] = pyRepr(c)
			}
			return nil, st.argError(a, "invalid choice: %s (choose from %s)", pyRepr(w), strings.Join(quoted, ", "))
		}
	}
	return ints, nil
}

// checkConflicts enforces mutually exclusive groups.
func (st *parseState) checkConflicts(a *Arg) error {
	for _, m := range st.p.mutexes {
		if !slices.Contains(m.args, a) {
			continue
		}
		for _, other := range m.args {
			if other != a && st.seenValue[other] {
				return st.argError(a, "not allowed with argument %s", other.displayName())
			}
		}
	}
	return nil
}

// requiredPositional mirrors argparse: positionals are required unless
// they take '?' or take '*' with a default.
func requiredPositional(a *Arg) bool {
	switch a.Nargs {
	case Optional:
		return false
	case ZeroOrMore:
		return a.Default == ""
	case nargsParser:
		return a.Required
	}
	return true
}

// checkRequired reports missing required arguments and required
// mutually exclusive groups with no member given.
func (st *parseState) checkRequired() error {
	var missing []string
	for _, a := range st.p.args {
		if st.seen[a] {
			continue
		}
		if (len(a.Names) > 0 && a.Required) || (len(a.Names) == 0 && requiredPositional(a)) {
			missing = append(missing, a.displayName())
		}
	}
	if len(missing) > 0 {
		return st.p.Errorf("the following arguments are required: %s", strings.Join(missing, ", "))
	}
	for _, m := range st.p.mutexes {
		if !m.required || slices.ContainsFunc(m.args, func(a *Arg) bool { return st.seenValue[a] }) {
			continue
		}
		var names []string
		for _, a := range m.args {
			if !a.Hidden {
				names = append(names, a.displayName())
			}
		}
		return st.p.Errorf("one of the arguments %s is required", strings.Join(names, " "))
	}
	return nil
}
