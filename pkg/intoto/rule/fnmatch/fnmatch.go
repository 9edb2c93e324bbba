package fnmatch

import (
	"slices"
	"strings"
	"unicode/utf8"
)

// surrogateBase is where an invalid UTF-8 byte b is mapped to
// (surrogateBase+b), mirroring Python's surrogateescape error handler.
const surrogateBase = 0xDC00

// opKind is the kind of one pattern token.
type opKind uint8

const (
	opLiteral opKind = iota // one specific character
	opAny                   // "?" or "[!]": any one character
	opClass                 // "[...]"
	opNever                 // a class that matches nothing, e.g. "[b-a]"
	opStar                  // "*" (consecutive stars are merged)
)

// span is an inclusive range of code points.
type span struct{ lo, hi rune }

// op is one pattern token.
type op struct {
	kind   opKind
	r      rune   // opLiteral
	negate bool   // opClass
	spans  []span // opClass
}

// Pattern is a compiled pattern. The zero value matches only the empty name.
// A Pattern is immutable and safe for concurrent use.
type Pattern struct {
	src     string
	ops     []op
	literal bool // the pattern has no special tokens: compare strings
	// oneStar: the pattern is valid UTF-8 and is prefix "*" suffix with
	// literal prefix and suffix ("src/*", "*.go", "*"): compare bytes.
	oneStar        bool
	prefix, suffix string
}

// Compile compiles pattern. Every string is a valid pattern.
func Compile(pattern string) *Pattern {
	p := &Pattern{src: pattern, literal: true}
	units := decode(pattern)
	for i := 0; i < len(units); {
		c := units[i]
		i++
		switch c {
		case '*':
			if n := len(p.ops); n == 0 || p.ops[n-1].kind != opStar {
				p.ops = append(p.ops, op{kind: opStar})
			}
			p.literal = false
		case '?':
			p.ops = append(p.ops, op{kind: opAny})
			p.literal = false
		case '[':
			o, next, ok := parseClass(units, i)
			if !ok {
				p.ops = append(p.ops, op{kind: opLiteral, r: '['})
				continue
			}
			p.ops = append(p.ops, o)
			p.literal = false
			i = next
		default:
			p.ops = append(p.ops, op{kind: opLiteral, r: c})
		}
	}
	p.oneStar, p.prefix, p.suffix = oneStar(pattern, p.ops)
	return p
}

// oneStar reports whether ops are literals around exactly one star, in a
// valid UTF-8 pattern, and returns the literal text before and after it.
// Matching such a pattern is then a prefix and suffix test on bytes: a
// valid UTF-8 suffix starts at a character boundary of any name that ends
// with it, so bytes and characters agree (invalid bytes of the name can
// only fall under the star).
func oneStar(pattern string, ops []op) (bool, string, string) {
	if !utf8.ValidString(pattern) {
		return false, "", ""
	}
	star := -1
	for i, o := range ops {
		switch {
		case o.kind == opStar && star < 0:
			star = i
		case o.kind != opLiteral:
			return false, "", ""
		}
	}
	if star < 0 {
		return false, "", ""
	}
	text := func(ops []op) string {
		b := make([]rune, len(ops))
		for i, o := range ops {
			b[i] = o.r
		}
		return string(b)
	}
	return true, text(ops[:star]), text(ops[star+1:])
}

// String returns the pattern as given to Compile.
func (p *Pattern) String() string { return p.src }

// Match reports whether the whole of name matches p.
func (p *Pattern) Match(name string) bool {
	if p.literal {
		return name == p.src
	}
	if p.oneStar {
		return len(name) >= len(p.prefix)+len(p.suffix) &&
			strings.HasPrefix(name, p.prefix) && strings.HasSuffix(name, p.suffix)
	}
	return p.match(name)
}

// Match reports whether name matches pattern; it is Python's
// fnmatch.fnmatchcase (and, on POSIX, fnmatch.fnmatch).
func Match(name, pattern string) bool { return Compile(pattern).Match(name) }

// Filter returns the names that match pattern, in their original order,
// like Python's fnmatch.filter on POSIX.
func Filter(names []string, pattern string) []string {
	p := Compile(pattern)
	var out []string
	for _, n := range names {
		if p.Match(n) {
			out = append(out, n)
		}
	}
	return out
}

// match runs the glob algorithm: every non-star token consumes exactly one
// character, so remembering only the most recent star is enough.
func (p *Pattern) match(name string) bool {
	pi, ni := 0, 0
	starPi, starNi := -1, 0
	for {
		if pi < len(p.ops) && p.ops[pi].kind == opStar {
			starPi, starNi = pi, ni
			pi++
			continue
		}
		if ni >= len(name) {
			if pi == len(p.ops) {
				return true
			}
		} else if pi < len(p.ops) {
			c, size := next(name, ni)
			if p.ops[pi].matches(c) {
				pi++
				ni += size
				continue
			}
		}
		// Mismatch (or leftover input): let the last star eat one more
		// character and retry from just after it.
		if starPi < 0 || starNi >= len(name) {
			return false
		}
		_, size := next(name, starNi)
		starNi += size
		pi, ni = starPi+1, starNi
	}
}

// matches reports whether the single-character token o accepts c.
func (o *op) matches(c rune) bool {
	switch o.kind {
	case opLiteral:
		return c == o.r
	case opAny:
		return true
	case opClass:
		in := slices.ContainsFunc(o.spans, func(s span) bool { return s.lo <= c && c <= s.hi })
		return in != o.negate
	}
	return false
}

// next decodes the character at s[i:], mapping an invalid byte to its
// surrogate escape.
func next(s string, i int) (rune, int) {
	if s[i] < utf8.RuneSelf {
		return rune(s[i]), 1
	}
	c, size := utf8.DecodeRuneInString(s[i:])
	if c == utf8.RuneError && size == 1 {
		return surrogateBase + rune(s[i]), 1
	}
	return c, size
}

// decode splits s into characters (see next).
func decode(s string) []rune {
	out := make([]rune, 0, len(s))
	for i := 0; i < len(s); {
		c, size := next(s, i)
		out = append(out, c)
		i += size
	}
	return out
}
