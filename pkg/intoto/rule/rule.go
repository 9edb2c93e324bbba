package rule

import (
	"errors"
	"fmt"
	"strings"
)

// ErrInvalidRule is matched (with errors.Is) by every error Parse returns.
// The concrete type is *Error, which says which element was wrong.
var ErrInvalidRule = errors.New("invalid artifact rule")

// Kind is the type of an artifact rule.
type Kind uint8

// The rule kinds, in the order the in-toto specification lists them.
const (
	Create Kind = iota + 1
	Delete
	Modify
	Allow
	Disallow
	Require
	Match
)

var kindNames = [...]string{
	Create:   "CREATE",
	Delete:   "DELETE",
	Modify:   "MODIFY",
	Allow:    "ALLOW",
	Disallow: "DISALLOW",
	Require:  "REQUIRE",
	Match:    "MATCH",
}

// String returns the upper-case keyword of k.
func (k Kind) String() string {
	if k == 0 || int(k) >= len(kindNames) {
		return fmt.Sprintf("Kind(%d)", uint8(k))
	}
	return kindNames[k]
}

// Destination says which artifacts of the destination step a MATCH rule
// looks at.
type Destination uint8

// The two artifact sets a MATCH rule can refer to.
const (
	Materials Destination = iota + 1
	Products
)

// String returns "MATERIALS" or "PRODUCTS".
func (d Destination) String() string {
	switch d {
	case Materials:
		return "MATERIALS"
	case Products:
		return "PRODUCTS"
	}
	return fmt.Sprintf("Destination(%d)", uint8(d))
}

// Rule is one parsed artifact rule. For every kind but Match only Pattern is
// set (for Require it is a literal path, not a pattern).
type Rule struct {
	Kind    Kind
	Pattern string

	// The remaining fields are used by Match rules only.
	SourcePrefix string      // IN <source-prefix>; "" when absent
	Destination  Destination // WITH MATERIALS|PRODUCTS
	DestPrefix   string      // IN <destination-prefix>; "" when absent
	DestStep     string      // FROM <step>
}

// Error describes why a rule was rejected.
type Error struct {
	// Rule is the rejected rule as given.
	Rule []string
	// Index is the position (0-based) of the offending element; it equals
	// len(Rule) when the rule ended too early.
	Index int
	// Msg says what was expected.
	Msg string
}

// Error implements error.
func (e *Error) Error() string {
	where := "at the end"
	if e.Index < len(e.Rule) {
		where = fmt.Sprintf("at element %d %q", e.Index, clip(e.Rule[e.Index]))
	}
	return fmt.Sprintf("%v %s %s: %s", ErrInvalidRule, clip(fmt.Sprintf("%q", e.Rule)), where, e.Msg)
}

// Is makes errors.Is(err, ErrInvalidRule) true.
func (e *Error) Is(target error) bool { return target == ErrInvalidRule }

const allKeywords = "CREATE, DELETE, MODIFY, ALLOW, DISALLOW, REQUIRE or MATCH"

const matchSyntax = "MATCH <pattern> [IN <source-prefix>] WITH (MATERIALS|PRODUCTS) [IN <destination-prefix>] FROM <step>"

// Parse parses one rule in list form, accepting exactly what the reference
// implementation accepts.
func Parse(elems []string) (Rule, error) {
	fail := func(i int, format string, args ...any) (Rule, error) {
		return Rule{}, &Error{Rule: elems, Index: i, Msg: fmt.Sprintf(format, args...)}
	}
	if len(elems) == 0 {
		return fail(0, "a rule must start with %s", allKeywords)
	}
	kind := kindOf(elems[0])
	if kind == 0 {
		return fail(0, "unknown rule keyword; expected %s", allKeywords)
	}
	if len(elems) < 2 {
		return fail(1, "missing the pattern after %s", kind)
	}
	if kind == Match {
		return parseMatch(elems)
	}
	if len(elems) != 2 {
		return fail(2, "unexpected element; a %s rule is %s <pattern>", kind, kind)
	}
	return Rule{Kind: kind, Pattern: elems[1]}, nil
}

// ParseAll parses a list of rules. The error of the first invalid rule says
// its index ("rule 2: ...") and wraps the *Error from Parse.
func ParseAll(rules [][]string) ([]Rule, error) {
	out := make([]Rule, 0, len(rules))
	for i, elems := range rules {
		r, err := Parse(elems)
		if err != nil {
			return nil, fmt.Errorf("rule %d: %w", i, err)
		}
		out = append(out, r)
	}
	return out, nil
}

// matchParser walks a MATCH rule element by element.
type matchParser struct {
	elems []string
	i     int
}

func (p *matchParser) fail(msg string) error {
	return &Error{Rule: p.elems, Index: p.i, Msg: msg}
}

// keyword reports whether the current element is kw and consumes it if so.
func (p *matchParser) keyword(kw string) bool {
	if p.i < len(p.elems) && lowerASCII(p.elems[p.i]) == kw {
		p.i++
		return true
	}
	return false
}

// value consumes any element; what names it for the error message.
func (p *matchParser) value(what string) (string, error) {
	if p.i >= len(p.elems) {
		return "", p.fail("missing " + what + "; the syntax is " + matchSyntax)
	}
	p.i++
	return p.elems[p.i-1], nil
}

func parseMatch(elems []string) (Rule, error) {
	p := &matchParser{elems: elems, i: 2}
	r := Rule{Kind: Match, Pattern: elems[1]}
	var err error
	if p.keyword("in") {
		if r.SourcePrefix, err = p.value("the source prefix after IN"); err != nil {
			return Rule{}, err
		}
	}
	if !p.keyword("with") {
		return Rule{}, p.fail("expected WITH (or IN before it); the syntax is " + matchSyntax)
	}
	if r.Destination, err = p.destination(); err != nil {
		return Rule{}, err
	}
	if p.keyword("in") {
		if r.DestPrefix, err = p.value("the destination prefix after IN"); err != nil {
			return Rule{}, err
		}
	}
	if !p.keyword("from") {
		return Rule{}, p.fail("expected FROM (or IN before it); the syntax is " + matchSyntax)
	}
	if r.DestStep, err = p.value("the step name after FROM"); err != nil {
		return Rule{}, err
	}
	if p.i != len(elems) {
		return Rule{}, p.fail("unexpected element after the step name; the syntax is " + matchSyntax)
	}
	return r, nil
}

func (p *matchParser) destination() (Destination, error) {
	switch {
	case p.keyword("materials"):
		return Materials, nil
	case p.keyword("products"):
		return Products, nil
	}
	if p.i >= len(p.elems) {
		return 0, p.fail("missing MATERIALS or PRODUCTS after WITH")
	}
	return 0, p.fail("expected MATERIALS or PRODUCTS after WITH")
}

// kindOf returns the kind named by the keyword s, or 0.
func kindOf(s string) Kind {
	l := lowerASCII(s)
	for k := Create; k <= Match; k++ {
		if strings.ToLower(kindNames[k]) == l {
			return k
		}
	}
	return 0
}

// lowerASCII folds only ASCII letters. Python's str.lower also folds other
// letters, but none of them lowers to an ASCII letter used by a keyword
// (the Kelvin sign lowers to "k", which no keyword contains), so the set of
// accepted rules is the same.
func lowerASCII(s string) string {
	for i := 0; i < len(s); i++ {
		if c := s[i]; 'A' <= c && c <= 'Z' {
			b := []byte(s)
			for j := i; j < len(b); j++ {
				if 'A' <= b[j] && b[j] <= 'Z' {
					b[j] += 'a' - 'A'
				}
			}
			return string(b)
		}
	}
	return s
}
