package gitwild

import (
	"errors"
	"fmt"
	"strings"
	"unicode/utf8"
)

// Pieces of the generated expressions. Python's '.' does not match a
// newline and neither does Go's; Python's '$' also matches just before a
// final newline, which Go spells `\n?\z`.
const (
	anyLeadingDirs = `(?:.+/)?` // leading "**/"
	innerDirs      = `(?:/.+)?` // "/**/" between segments
	allBelow       = `/.*`      // trailing "/**"
	orBelow        = `(?:/.*)?` // a last segment also matches what lies below it
	oneSegment     = `[^/]+`    // "*" as a whole segment
	onlyDoubleStar = `[^/]+(?:/.*)?`
	dirsOnly       = `^.+/.*` // the pattern "**/"
	pyEnd          = `\n?\z`
)

var (
	errEmpty        = errors.New("the pattern has no segments")
	errTrailingEsc  = errors.New("escape character '\\' with no character after it")
	errBadRange     = errors.New("bad character range")
	errUnterminated = errors.New("unterminated bracket expression")
)

// translate turns a stripped, non-null pattern (without its '!') into a Go
// regular expression and a literal that every match contains.
func translate(text string) (expr, literal string, err error) {
	segs := collapseDoubleStars(strings.Split(text, "/"))
	dirsOnlyPattern := len(segs) == 2 && segs[0] == "**" && segs[1] == ""
	switch {
	case segs[0] == "":
		segs = segs[1:] // leading slash: anchored at the start
	case len(segs) == 1 || (len(segs) == 2 && segs[1] == ""):
		if segs[0] != "**" {
			segs = append([]string{"**"}, segs...) // a bare name matches at any depth
		}
	}
	if len(segs) == 0 {
		return "", "", errEmpty
	}
	if last := len(segs) - 1; last > 0 && segs[last] == "" {
		segs[last] = "**" // trailing slash: everything below
	}
	if dirsOnlyPattern {
		return dirsOnly + pyEnd, "", nil
	}
	return build(segs)
}

// collapseDoubleStars replaces each run of consecutive "**" segments by one.
func collapseDoubleStars(segs []string) []string {
	out := segs[:0:0]
	for i, s := range segs {
		if i > 0 && s == "**" && segs[i-1] == "**" {
			continue
		}
		out = append(out, s)
	}
	return out
}

func build(segs []string) (expr, literal string, err error) {
	var b strings.Builder
	b.WriteString("^")
	needSlash := false
	last := len(segs) - 1
	for i, seg := range segs {
		if seg == "**" {
			switch {
			case i == 0 && i == last:
				b.WriteString(onlyDoubleStar)
			case i == 0:
				b.WriteString(anyLeadingDirs)
				needSlash = false
			case i == last:
				b.WriteString(allBelow)
			default:
				b.WriteString(innerDirs)
				needSlash = true
			}
			continue
		}
		if needSlash {
			b.WriteString("/")
		}
		if seg == "*" {
			b.WriteString(oneSegment)
		} else {
			g, lit, err := translateSegment(seg)
			if err != nil {
				return "", "", err
			}
			b.WriteString(g)
			if len(lit) > len(literal) {
				literal = lit
			}
		}
		if i == last {
			b.WriteString(orBelow)
		}
		needSlash = true
	}
	b.WriteString(pyEnd)
	return b.String(), literal, nil
}

// translateSegment translates the glob of one path segment. It also returns
// the longest run of literal characters in it.
func translateSegment(seg string) (expr, literal string, err error) {
	rs := []rune(seg)
	var b, run strings.Builder
	flush := func() {
		if run.Len() > len(literal) {
			literal = run.String()
		}
		run.Reset()
	}
	for i := 0; i < len(rs); {
		c := rs[i]
		i++
		switch c {
		case '\\':
			if i == len(rs) {
				return "", "", errTrailingEsc
			}
			writeLiteral(&b, &run, rs[i], flush)
			i++
		case '*', '?':
			flush()
			if c == '*' {
				b.WriteString(`[^/]*`)
			} else {
				b.WriteString(`[^/]`)
			}
		case '[':
			cls, next, ok, err := bracket(rs, i)
			if err != nil {
				return "", "", err
			}
			if !ok {
				writeLiteral(&b, &run, '[', flush)
				continue
			}
			flush()
			b.WriteString(cls)
			i = next
		default:
			writeLiteral(&b, &run, c, flush)
		}
	}
	flush()
	return b.String(), literal, nil
}

// writeLiteral appends an escaped literal rune and extends the literal run.
// U+FFFD (also what an invalid UTF-8 byte reads as) ends the run, because
// the regexp matches it against any invalid byte while strings.Contains
// would not.
func writeLiteral(b, run *strings.Builder, r rune, flush func()) {
	fmt.Fprintf(b, `\x{%x}`, r)
	if r == utf8.RuneError {
		flush()
		return
	}
	run.WriteRune(r)
}

// bracket handles a '[' whose content starts at rs[i]. It reports ok=false
// when there is no closing ']' (the '[' is then a literal), like pathspec.
func bracket(rs []rune, i int) (cls string, next int, ok bool, err error) {
	j := i
	if j < len(rs) && rs[j] == '!' {
		j++
	}
	if j < len(rs) && rs[j] == ']' {
		j++
	}
	for j < len(rs) && rs[j] != ']' {
		j++
	}
	if j >= len(rs) {
		return "", i, false, nil
	}
	j++ // one past the closing ']'
	negate := false
	var tokens []rune
	switch rs[i] {
	case '!':
		negate = true
		tokens = rs[i+1 : j]
	default: // a leading '^' is a literal, as in pathspec
		tokens = rs[i:j]
	}
	items, err := pySet(tokens)
	if err != nil {
		return "", 0, false, err
	}
	return goClass(negate, items), j, true, nil
}

type runeRange struct{ lo, hi rune }

// pySet parses the items of a bracket expression the way Python's re
// parser reads the set pathspec generates: a ']' is literal while the set is
// still empty, "a-b" is a range, and "a-]" is 'a' plus '-'. tokens ends with
// the closing ']'.
func pySet(tokens []rune) ([]runeRange, error) {
	var items []runeRange
	k := 0
	for {
		if k >= len(tokens) {
			return nil, errUnterminated
		}
		this := tokens[k]
		k++
		if this == ']' && len(items) > 0 {
			break
		}
		if k < len(tokens) && tokens[k] == '-' {
			k++
			if k >= len(tokens) {
				return nil, errUnterminated
			}
			that := tokens[k]
			k++
			if that == ']' {
				items = append(items, runeRange{this, this}, runeRange{'-', '-'})
				break
			}
			if that < this {
				return nil, fmt.Errorf("%w %c-%c", errBadRange, this, that)
			}
			items = append(items, runeRange{this, that})
			continue
		}
		items = append(items, runeRange{this, this})
	}
	if k != len(tokens) {
		return nil, errUnterminated
	}
	return items, nil
}

func goClass(negate bool, items []runeRange) string {
	var b strings.Builder
	b.WriteString("[")
	if negate {
		b.WriteString("^")
	}
	for _, it := range items {
		if it.lo == it.hi {
			fmt.Fprintf(&b, `\x{%x}`, it.lo)
		} else {
			fmt.Fprintf(&b, `\x{%x}-\x{%x}`, it.lo, it.hi)
		}
	}
	b.WriteString("]")
	return b.String()
}
