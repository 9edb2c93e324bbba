package argparse

import (
	"fmt"
	"math"
	"strings"
	"unicode"
	"unicode/utf8"
)

// pyRepr renders s the way Python's repr() renders a str, which is how
// argparse quotes values in error messages ("invalid choice: 'foo'").
// Bytes that are not valid UTF-8 are shown as the lone surrogates Python
// decodes them to on POSIX (surrogateescape), e.g. '\udcff'.
func pyRepr(s string) string {
	quote := byte('\'')
	if strings.Contains(s, "'") && !strings.Contains(s, `"`) {
		quote = '"'
	}
	var b strings.Builder
	b.WriteByte(quote)
	for i := 0; i < len(s); {
		r, size := utf8.DecodeRuneInString(s[i:])
		if r == utf8.RuneError && size == 1 {
			fmt.Fprintf(&b, `\u%04x`, 0xdc00+int(s[i]))
			i++
			continue
		}
		i += size
		writeReprRune(&b, r, quote)
	}
	b.WriteByte(quote)
	return b.String()
}

func writeReprRune(b *strings.Builder, r rune, quote byte) {
	switch {
	case r == '\\' || r == rune(quote):
		b.WriteByte('\\')
		b.WriteRune(r)
	case r == '\t':
		b.WriteString(`\t`)
	case r == '\n':
		b.WriteString(`\n`)
	case r == '\r':
		b.WriteString(`\r`)
	case unicode.IsPrint(r):
		b.WriteRune(r)
	case r < 0x100:
		fmt.Fprintf(b, `\x%02x`, r)
	case r < 0x10000:
		fmt.Fprintf(b, `\u%04x`, r)
	default:
		fmt.Fprintf(b, `\U%08x`, r)
	}
}

// pyInt converts s like Python's int(s): surrounding whitespace is ignored,
// an optional sign, decimal digits (any Unicode decimal digit) with single
// underscores between them. Values outside the int64 range are rejected
// (Python would accept them); ok is false for anything int() rejects.
func pyInt(s string) (n int64, ok bool) {
	s = strings.TrimFunc(s, unicode.IsSpace)
	neg := false
	if s != "" && (s[0] == '+' || s[0] == '-') {
		neg = s[0] == '-'
		s = s[1:]
	}
	if s == "" || s[0] == '_' || s[len(s)-1] == '_' || strings.Contains(s, "__") {
		return 0, false
	}
	var u uint64
	for _, r := range s {
		if r == '_' {
			continue
		}
		d, isDigit := decimalValue(r)
		if !isDigit || u > (math.MaxUint64-uint64(d))/10 {
			return 0, false
		}
		u = u*10 + uint64(d)
	}
	switch {
	case neg && u <= 1<<63:
		return -int64(u-1) - 1, true
	case !neg && u <= math.MaxInt64:
		return int64(u), true
	}
	return 0, false
}

// decimalValue returns the value of a Unicode decimal digit (category Nd).
// Decimal digits are encoded in contiguous runs from zero to nine.
func decimalValue(r rune) (int, bool) {
	if r >= '0' && r <= '9' {
		return int(r - '0'), true
	}
	if r == utf8.RuneError || !unicode.Is(unicode.Nd, r) {
		return 0, false
	}
	start := r
	for start > 0 && unicode.Is(unicode.Nd, start-1) {
		start--
	}
	return int(r-start) % 10, true
}

// negativeNumber reports whether s looks like a negative number to
// argparse (^-\d+$ or ^-\d*\.\d+$, \d being any Unicode decimal digit).
func negativeNumber(s string) bool {
	if !strings.HasPrefix(s, "-") {
		return false
	}
	s = strings.TrimSuffix(s[1:], "\n") // Python's $ also matches before a final newline
	intPart, frac, hasDot := strings.Cut(s, ".")
	if !hasDot {
		return s != "" && allDigits(s)
	}
	return (intPart == "" || allDigits(intPart)) && frac != "" && allDigits(frac)
}

func allDigits(s string) bool {
	for _, r := range s {
		if _, ok := decimalValue(r); !ok {
			return false
		}
	}
	return true
}
