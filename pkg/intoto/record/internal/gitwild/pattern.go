package gitwild

import (
	"errors"
	"fmt"
	"regexp"
	"strings"
	"unicode"
)

// ErrInvalidPattern is returned (wrapped, with the offending line) for a
// line that pathspec rejects too: a lone "!", a trailing unescaped
// backslash, or a bracket range whose end comes before its start.
var ErrInvalidPattern = errors.New("invalid gitwildmatch pattern")

// Pattern is one compiled pattern line.
type Pattern struct {
	source  string
	null    bool // comment, blank or "/": matches nothing and never counts
	negated bool // the line started with '!'
	expr    string
	re      *regexp.Regexp
	literal string // a substring that every matching path contains
}

// Compile compiles one pattern line.
func Compile(line string) (Pattern, error) {
	p := Pattern{source: line}
	text := pyStrip(line)
	if text == "" || text == "/" || strings.HasPrefix(text, "#") {
		p.null = true
		return p, nil
	}
	if strings.HasPrefix(text, "!") {
		p.negated = true
		text = text[1:]
	}
	expr, literal, err := translate(text)
	if err != nil {
		return Pattern{}, fmt.Errorf("%w %q: %w", ErrInvalidPattern, line, err)
	}
	re, err := regexp.Compile(expr)
	if err != nil {
		return Pattern{}, fmt.Errorf("%w %q: %w", ErrInvalidPattern, line, err)
	}
	p.expr, p.re, p.literal = expr, re, literal
	return p, nil
}

// Source returns the line the pattern was compiled from.
func (p Pattern) Source() string { return p.source }

// Null reports whether the line matches nothing (blank, comment or "/").
func (p Pattern) Null() bool { return p.null }

// Negated reports whether the line started with '!'.
func (p Pattern) Negated() bool { return p.negated }

// Expr returns the Go regular expression the line was translated to, or ""
// for a null line.
func (p Pattern) Expr() string { return p.expr }

// MatchNormalized reports whether the pattern's expression matches the
// already normalised path (see Normalize). A null pattern matches nothing;
// negation is not applied here.
func (p Pattern) MatchNormalized(path string) bool {
	if p.null || p.re == nil {
		return false
	}
	if p.literal != "" && !strings.Contains(path, p.literal) {
		return false
	}
	return p.re.MatchString(path)
}

// pyStrip removes leading and trailing characters for which Python's
// str.isspace is true: Unicode White_Space plus U+001C..U+001F.
func pyStrip(s string) string {
	return strings.TrimFunc(s, func(r rune) bool {
		return unicode.IsSpace(r) || (r >= 0x1c && r <= 0x1f)
	})
}
