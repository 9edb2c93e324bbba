package verify

import (
	"fmt"
	"io"
	"strings"
)

// Explain writes the report for people: what was checked, each link and
// why it counted or not, the rules and inspections, warnings, and on
// failure what failed and what to do.
func (r *Report) Explain(w io.Writer) error {
	var b strings.Builder
	r.explain(&b, "")
	_, err := io.WriteString(w, b.String())
	return err
}

func (r *Report) explain(b *strings.Builder, indent string) {
	p := func(format string, args ...any) { fmt.Fprintf(b, indent+format+"\n", args...) }
	valid := 0
	for _, s := range r.Signatures {
		if s.Status == StatusValid {
			valid++
		}
	}
	if len(r.Signatures) > 0 {
		p("layout signatures: %d valid, %d required", valid, r.LayoutThreshold)
		for _, s := range r.Signatures {
			p("  %s key %s: %s%s", mark(s.Status == StatusValid), shortID(s.KeyID), s.Status, detail(s.Detail))
		}
	}
	if r.Expires != "" {
		p("expires: %s", r.Expires)
	}
	for _, s := range r.Steps {
		p("step %q: %d of %d required signer(s)", s.Name, s.Accepted, s.Threshold)
		for _, l := range s.Links {
			p("  %s %s: %s%s", mark(l.Status == StatusAccepted), l.File, l.Status, detail(l.Reason))
		}
		if s.Sublayout != nil {
			p("  sublayout:")
			s.Sublayout.explain(b, indent+"    ")
		}
		explainRules(p, "materials", s.Materials)
		explainRules(p, "products", s.Products)
	}
	for _, in := range r.Inspections {
		p("inspection %q: %s (exit %d, %s)", in.Name, in.Status, in.ExitCode, in.Duration.Round(1e6))
		explainRules(p, "materials", in.Materials)
		explainRules(p, "products", in.Products)
	}
	for _, w := range r.Warnings {
		p("warning: %s", w)
	}
	if r.Failure != nil && indent == "" {
		p("FAILED (%s): %s", r.Failure.Stage, r.Failure.Message)
		if r.Failure.Hint != "" {
			p("what to do: %s", r.Failure.Hint)
		}
	}
}

func explainRules(p func(string, ...any), side string, rr *RuleReport) {
	if rr == nil {
		return
	}
	p("  %s %s rules: %s (%d artifacts)", mark(rr.Status == StatusPassed), side, rr.Status, rr.Artifacts)
	for _, t := range rr.Rules {
		p("      %d %s: consumed %d", t.Index, strings.Join(t.Rule, " "), t.Consumed)
	}
	if f := rr.Failed; f != nil {
		p("      %d %s: FAILED on %s", f.Index, strings.Join(f.Rule, " "), quoteList(f.Artifacts))
	}
}

func mark(ok bool) string {
	if ok {
		return "[ok]"
	}
	return "[--]"
}

func detail(s string) string {
	if s == "" {
		return ""
	}
	return " (" + s + ")"
}
