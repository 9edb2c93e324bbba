package argparse

import "sort"

// value is what one destination received.
type value struct {
	given bool     // the argument appeared (positionals: were matched)
	bare  bool     // Optional option given without a word (argparse const)
	words []string // converted words, in order
	ints  []int64  // the same words as integers for Type Int
}

// Result holds what Parse found, keyed by Arg.Dest. Arguments that were not
// given report their Default.
type Result struct {
	p          *Parser
	values     map[string]*value
	defaults   map[string]*Arg
	deprecated []string
}

func newResult(p *Parser) *Result {
	return &Result{p: p, values: map[string]*value{}, defaults: map[string]*Arg{}}
}

// declare records the defaults of p's arguments (subparsers add theirs).
func (r *Result) declare(p *Parser) {
	for _, a := range p.args {
		r.defaults[a.Dest] = a
	}
}

// Given reports whether the argument appeared on the command line.
// A positional with ZeroOrMore words counts as given even when empty.
func (r *Result) Given(dest string) bool {
	v := r.values[dest]
	return v != nil && v.given
}

// Bare reports whether an Optional option was given without a value
// (e.g. "-P" alone, meaning "prompt for the password").
func (r *Result) Bare(dest string) bool {
	v := r.values[dest]
	return v != nil && v.bare
}

// Bool reports whether a Flag was given.
func (r *Result) Bool(dest string) bool { return r.Given(dest) }

// String returns the last word given for dest, or its Default.
func (r *Result) String(dest string) string {
	if v := r.values[dest]; v != nil && len(v.words) > 0 {
		return v.words[len(v.words)-1]
	}
	if a := r.defaults[dest]; a != nil {
		return a.Default
	}
	return ""
}

// Strings returns the words given for dest (a copy), or nil when it was not
// given. A ZeroOrMore positional given no words returns an empty, non-nil
// slice.
func (r *Result) Strings(dest string) []string {
	v := r.values[dest]
	if v == nil || !v.given {
		return nil
	}
	return append([]string{}, v.words...)
}

// Int returns the value of a Type Int argument, or its Default (0 if none).
func (r *Result) Int(dest string) int64 {
	if v := r.values[dest]; v != nil && len(v.ints) > 0 {
		return v.ints[len(v.ints)-1]
	}
	if a := r.defaults[dest]; a != nil && a.Default != "" {
		n, _ := pyInt(a.Default)
		return n
	}
	return 0
}

// Deprecations returns the Deprecated messages of the arguments that were
// used, in command-line order, each once.
func (r *Result) Deprecations() []string { return append([]string{}, r.deprecated...) }

// Dests lists every destination the parser (and the chosen subparser)
// declares, sorted.
func (r *Result) Dests() []string {
	out := make([]string, 0, len(r.defaults))
	for d, a := range r.defaults {
		if a.Kind == Help || a.Kind == Version {
			continue
		}
		out = append(out, d)
	}
	sort.Strings(out)
	return out
}

func (r *Result) set(a *Arg, words []string, bare bool, ints []int64) {
	r.values[a.Dest] = &value{given: true, bare: bare, words: words, ints: ints}
	if a.Deprecated == "" {
		return
	}
	for _, d := range r.deprecated {
		if d == a.Deprecated {
			return
		}
	}
	r.deprecated = append(r.deprecated, a.Deprecated)
}
