package rule

import (
	"strings"
)

// Strings returns the canonical list form of r: upper-case keywords, and
// no "IN <prefix>" part for an empty prefix. Parse(r.Strings()) == r for
// every rule Parse returns.
func (r Rule) Strings() []string {
	if r.Kind != Match {
		return []string{r.Kind.String(), r.Pattern}
	}
	out := make([]string, 0, 10)
	out = append(out, "MATCH", r.Pattern)
	if r.SourcePrefix != "" {
		out = append(out, "IN", r.SourcePrefix)
	}
	out = append(out, "WITH", r.Destination.String())
	if r.DestPrefix != "" {
		out = append(out, "IN", r.DestPrefix)
	}
	return append(out, "FROM", r.DestStep)
}

// String returns the canonical form as one line, each element quoted as
// Python's shlex.quote does, e.g. `MATCH 'a b' WITH PRODUCTS FROM build`.
// shlex.split (and so the reference's *_rule_from_string helpers) turns it
// back into Strings().
func (r Rule) String() string {
	return quoteJoin(r.Strings())
}

// quoteJoin quotes each element like shlex.quote and joins with spaces.
func quoteJoin(elems []string) string {
	var b strings.Builder
	for i, e := range elems {
		if i > 0 {
			b.WriteByte(' ')
		}
		b.WriteString(shellQuote(e))
	}
	return b.String()
}

// shellQuote mirrors Python's shlex.quote: elements made only of ASCII
// letters, digits and @%+=:,./-_ stay bare; everything else is wrapped in
// single quotes, with embedded single quotes written as '"'"'.
func shellQuote(s string) string {
	if s == "" {
		return "''"
	}
	if strings.IndexFunc(s, unsafeShellRune) < 0 {
		return s
	}
	return "'" + strings.ReplaceAll(s, "'", `'"'"'`) + "'"
}

func unsafeShellRune(r rune) bool {
	switch {
	case 'a' <= r && r <= 'z', 'A' <= r && r <= 'Z', '0' <= r && r <= '9':
		return false
	case strings.ContainsRune("@%+=:,./-_", r):
		return false
	}
	return true
}

// clip shortens long text for error messages.
func clip(s string) string {
	const max = 120
	if len(s) <= max {
		return s
	}
	// Cut on a rune boundary.
	cut := max
	for cut > 0 && s[cut]&0xC0 == 0x80 {
		cut--
	}
	return s[:cut] + "..."
}
