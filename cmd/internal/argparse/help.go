package argparse

import (
	"strings"
	"unicode"
)

// FormatHelp returns the full help text (argparse's format_help).
func (p *Parser) FormatHelp() string {
	var b strings.Builder
	b.WriteString(usagePrefix + p.usageBody() + "\n\n")
	b.WriteString(p.formatText(p.cfg.Description, 0))
	pos := p.helpPosition()
	for _, g := range p.groups {
		b.WriteString(p.formatSection(g, pos))
	}
	b.WriteString(p.formatText(p.cfg.Epilog, 0))
	return finishText(b.String())
}

func (p *Parser) formatVersion() string {
	return finishText(p.formatText(expandProg(p.cfg.Version, p.cfg.Prog), 0))
}

// helpPosition is the column where help text starts: two past the longest
// invocation, at most 24 (less on narrow terminals).
func (p *Parser) helpPosition() int {
	longest := 0
	for _, g := range p.groups {
		for _, a := range g.args {
			if a.Hidden {
				continue
			}
			longest = max(longest, runeLen(a.invocation())+2)
			if a.sub != nil {
				for _, h := range a.sub.helps {
					longest = max(longest, runeLen(h.invocation())+4)
				}
			}
		}
	}
	maxPos := min(24, max(p.width()-20, 4))
	return min(longest+2, maxPos)
}

func (p *Parser) formatSection(g *group, helpPos int) string {
	var items strings.Builder
	for _, a := range g.args {
		if a.Hidden {
			continue
		}
		items.WriteString(p.formatAction(a, 2, helpPos))
		if a.sub != nil {
			for _, h := range a.sub.helps {
				items.WriteString(p.formatAction(h, 4, helpPos))
			}
		}
	}
	if items.Len() == 0 {
		return ""
	}
	return "\n" + g.title + ":\n" + items.String() + "\n"
}

// formatAction renders one argument: the invocation, padded to the help
// column (or on its own line when too long), then the wrapped help.
func (p *Parser) formatAction(a *Arg, indent, helpPos int) string {
	helpWidth := max(p.width()-helpPos, 11)
	actionWidth := helpPos - indent - 2
	header := a.invocation()
	var b strings.Builder
	indentFirst := 0
	switch {
	case a.Help == "":
		b.WriteString(spaces(indent) + header + "\n")
		return b.String()
	case runeLen(header) <= actionWidth:
		b.WriteString(spaces(indent) + header + spaces(actionWidth-runeLen(header)) + "  ")
	default:
		b.WriteString(spaces(indent) + header + "\n")
		indentFirst = helpPos
	}
	text := strings.TrimFunc(asciiSpaceRun.ReplaceAllString(p.expandHelp(a), " "), unicode.IsSpace)
	lines := wrapText(text, helpWidth, "")
	if len(lines) == 0 {
		if !strings.HasSuffix(b.String(), "\n") {
			b.WriteString("\n")
		}
		return b.String()
	}
	b.WriteString(spaces(indentFirst) + lines[0] + "\n")
	for _, l := range lines[1:] {
		b.WriteString(spaces(helpPos) + l + "\n")
	}
	return b.String()
}

// expandHelp substitutes the argparse help placeholders.
func (p *Parser) expandHelp(a *Arg) string {
	def := a.Default
	if def == "" {
		def = "None"
	}
	r := strings.NewReplacer("%(prog)s", p.cfg.Prog, "%(default)s", def,
		"%(dest)s", a.Dest, "%(metavar)s", a.Metavar,
		"%(choices)s", strings.Join(a.Choices, ", "), "%%", "%")
	return r.Replace(a.Help)
}

// formatText renders a description or epilog: kept as written when
// RawText is set, otherwise re-wrapped to the width.
func (p *Parser) formatText(text string, indent int) string {
	if text == "" {
		return ""
	}
	text = expandProg(text, p.cfg.Prog)
	pad := spaces(indent)
	if p.cfg.RawText {
		var b strings.Builder
		for _, line := range strings.SplitAfter(text, "\n") {
			if line != "" {
				b.WriteString(pad + line)
			}
		}
		return b.String() + "\n\n"
	}
	text = strings.TrimFunc(asciiSpaceRun.ReplaceAllString(text, " "), unicode.IsSpace)
	width := max(p.width()-indent, 11)
	return strings.Join(wrapText(text, width, pad), "\n") + "\n\n"
}
