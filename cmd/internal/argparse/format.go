package argparse

import (
	"regexp"
	"strings"
	"unicode/utf8"
)

// This file renders usage and help text in the layout of argparse's
// HelpFormatter: "usage: " lines wrapped under the program name, sections
// with two-space indented invocations and help wrapped at column 24.

const usagePrefix = "usage: "

var (
	asciiSpaceRun = regexp.MustCompile(`[ \t\n\r\f\v]+`)
	blankLineRun  = regexp.MustCompile(`\n\n\n+`)
)

func runeLen(s string) int { return utf8.RuneCountInString(s) }

func spaces(n int) string { return strings.Repeat(" ", max(n, 0)) }

// width is the usable line width (argparse: $COLUMNS - 2).
func (p *Parser) width() int { return p.cfg.Columns - 2 }

// metavar is the placeholder shown for an argument's value(s).
func (a *Arg) metavar() string {
	switch {
	case a.Metavar != "":
		return a.Metavar
	case len(a.Choices) > 0:
		return "{" + strings.Join(a.Choices, ",") + "}"
	case len(a.Names) == 0:
		return a.Dest
	default:
		return strings.ToUpper(a.Dest)
	}
}

// formatArgs renders the value placeholder according to nargs.
func (a *Arg) formatArgs() string {
	m := a.metavar()
	switch a.Nargs {
	case nargsZero:
		return ""
	case Optional:
		return "[" + m + "]"
	case ZeroOrMore:
		return "[" + m + " ...]"
	case OneOrMore:
		return m + " [" + m + " ...]"
	case nargsParser:
		return m + " ..."
	}
	return m
}

// invocation is how an argument is introduced in help:
// "-m <path> [<path> ...], --materials <path> [<path> ...]".
func (a *Arg) invocation() string {
	if len(a.Names) == 0 {
		return a.metavar()
	}
	if a.Nargs == nargsZero {
		return strings.Join(a.Names, ", ")
	}
	parts := make([]string, len(a.Names))
	for i, n := range a.Names {
		parts[i] = n + " " + a.formatArgs()
	}
	return strings.Join(parts, ", ")
}

// usagePart is how an argument appears in the generated usage line.
func (a *Arg) usagePart() string {
	if len(a.Names) == 0 {
		return a.formatArgs()
	}
	part := a.Names[0]
	if a.Nargs != nargsZero {
		part += " " + a.formatArgs()
	}
	return part
}

// FormatUsage returns "usage: ...\n" as argparse prints it before errors.
func (p *Parser) FormatUsage() string {
	return finishText(usagePrefix + p.usageBody() + "\n\n")
}

func (p *Parser) usageBody() string {
	prog := p.cfg.Prog
	if p.cfg.Usage != "" {
		return expandProg(p.cfg.Usage, prog)
	}
	var opts, pos []*Arg
	for _, a := range p.args {
		if len(a.Names) > 0 {
			opts = append(opts, a)
		} else {
			pos = append(pos, a)
		}
	}
	all := p.actionsUsage(append(append([]*Arg{}, opts...), pos...))
	usage := strings.TrimSpace(prog + " " + all)
	if all == "" {
		usage = prog
	}
	textWidth := p.width()
	if runeLen(usagePrefix)+runeLen(usage) <= textWidth {
		return usage
	}
	optParts := usageParts(p.actionsUsage(opts))
	posParts := usageParts(p.actionsUsage(pos))
	return strings.Join(wrapUsage(prog, optParts, posParts, textWidth), "\n")
}

// wrapUsage lays out a long usage: parts continue under the first one
// after the program name, or start on their own lines if the program
// name is long.
func wrapUsage(prog string, opt, pos []string, textWidth int) []string {
	var lines []string
	if float64(runeLen(usagePrefix)+runeLen(prog)) <= 0.75*float64(textWidth) {
		indent := spaces(runeLen(usagePrefix) + runeLen(prog) + 1)
		switch {
		case len(opt) > 0:
			lines = usageLines(append([]string{prog}, opt...), indent, usagePrefix, textWidth)
			lines = append(lines, usageLines(pos, indent, "", textWidth)...)
		case len(pos) > 0:
			lines = usageLines(append([]string{prog}, pos...), indent, usagePrefix, textWidth)
		default:
			lines = []string{prog}
		}
		return lines
	}
	indent := spaces(runeLen(usagePrefix))
	lines = usageLines(append(append([]string{}, opt...), pos...), indent, "", textWidth)
	if len(lines) > 1 {
		lines = append(usageLines(opt, indent, "", textWidth), usageLines(pos, indent, "", textWidth)...)
	}
	return append([]string{prog}, lines...)
}

func usageLines(parts []string, indent, prefix string, textWidth int) []string {
	var lines, line []string
	lineLen := runeLen(indent) - 1
	if prefix != "" {
		lineLen = runeLen(prefix) - 1
	}
	for _, part := range parts {
		if lineLen+1+runeLen(part) > textWidth && len(line) > 0 {
			lines = append(lines, indent+strings.Join(line, " "))
			line = nil
			lineLen = runeLen(indent) - 1
		}
		line = append(line, part)
		lineLen += runeLen(part) + 1
	}
	if len(line) > 0 {
		lines = append(lines, indent+strings.Join(line, " "))
	}
	if prefix != "" && len(lines) > 0 {
		lines[0] = lines[0][len(indent):]
	}
	return lines
}

// actionsUsage renders arguments for the usage line; options are bracketed
// unless required, and contiguous mutually exclusive options are joined as
// "[-v | -q]" (or "(-a | -b)" when one is required).
func (p *Parser) actionsUsage(args []*Arg) string {
	var parts []string
	for i := 0; i < len(args); {
		if m, n := p.mutexAt(args, i); m != nil {
			if s := m.usage(); s != "" {
				parts = append(parts, s)
			}
			i += n
			continue
		}
		a := args[i]
		i++
		if a.Hidden {
			continue
		}
		part := a.usagePart()
		if len(a.Names) > 0 && !a.Required {
			part = "[" + part + "]"
		}
		parts = append(parts, part)
	}
	return strings.Join(parts, " ")
}

// mutexAt returns the mutually exclusive group whose members appear, in
// order, starting at args[i].
func (p *Parser) mutexAt(args []*Arg, i int) (*MutexGroup, int) {
	for _, m := range p.mutexes {
		n := len(m.args)
		if n == 0 || i+n > len(args) {
			continue
		}
		match := true
		for k, a := range m.args {
			if args[i+k] != a {
				match = false
				break
			}
		}
		if match {
			return m, n
		}
	}
	return nil, 0
}

func (m *MutexGroup) usage() string {
	var shown []string
	for _, a := range m.args {
		if !a.Hidden {
			shown = append(shown, a.usagePart())
		}
	}
	switch {
	case len(shown) == 0:
		return ""
	case !m.required:
		return "[" + strings.Join(shown, " | ") + "]"
	case len(shown) == 1:
		return shown[0]
	}
	return "(" + strings.Join(shown, " | ") + ")"
}

// usageParts splits a usage string into the pieces that may not be broken
// across lines: bracketed groups like "[-k <path> [<path> ...]]" stay whole.
func usageParts(s string) []string {
	var parts []string
	rs := []rune(s)
	for i := 0; i < len(rs); {
		if rs[i] == ' ' {
			i++
			continue
		}
		end := -1
		if rs[i] == '(' || rs[i] == '[' {
			end = bracketEnd(rs, i)
		}
		if end < 0 {
			end = i
			for end < len(rs) && rs[end] != ' ' {
				end++
			}
		}
		parts = append(parts, string(rs[i:end]))
		i = end
	}
	return parts
}

// bracketEnd finds the shortest "[...]" (or "(...)") starting at i whose
// run of closing brackets is followed by a space or the end; -1 if none.
func bracketEnd(rs []rune, i int) int {
	closer := ']'
	if rs[i] == '(' {
		closer = ')'
	}
	for j := i + 1; j < len(rs); j++ {
		if rs[j] != closer {
			continue
		}
		k := j
		for k < len(rs) && rs[k] == closer {
			k++
		}
		if k == len(rs) || pyWrapSpace(rs[k]) {
			return k
		}
	}
	return -1
}

func expandProg(s, prog string) string {
	s = strings.ReplaceAll(s, "%(prog)s", prog)
	return strings.ReplaceAll(s, "%%", "%")
}

// finishText collapses runs of blank lines and ends the text with exactly
// one newline, as argparse's formatter does.
func finishText(s string) string {
	s = blankLineRun.ReplaceAllString(s, "\n\n")
	s = strings.Trim(s, "\n")
	if s == "" {
		return ""
	}
	return s + "\n"
}
