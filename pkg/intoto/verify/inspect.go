package verify

import (
	"context"
	"errors"
	"maps"
	"strings"
)

// inspections runs the layout's inspections, then applies their rules with
// the steps' links and the inspections' links, as the reference does.
func (c *chain) inspections(ctx context.Context, items []item) error {
	if len(items) == 0 {
		return nil
	}
	insp := c.v.opts.Inspector
	links := maps.Clone(c.reduced)
	first := len(c.rep.Inspections)
	for _, in := range c.lay.Inspect {
		name := c.item(in.Name)
		ir := InspectionReport{Name: name, Command: in.Run, Status: StatusFailed, ExitCode: -1}
		if insp == nil {
			c.rep.Inspections = append(c.rep.Inspections, ir)
			e := fail(StageInspections, name, ErrInspectionsRefused, "the layout has inspection %q (runs %q) and running inspections is turned off", in.Name, in.Run)
			e.Hint = "inspections run commands from the layout on this machine; allow them only for layouts from owners you trust"
			return e
		}
		run, err := insp.Inspect(ctx, in)
		if run != nil {
			ir.ExitCode, ir.Output, ir.Duration = run.ExitCode, run.Output, run.Duration
		}
		if err != nil {
			c.rep.Inspections = append(c.rep.Inspections, ir)
			if errors.Is(err, ErrInspectionsRefused) {
				return fail(StageInspections, name, ErrInspectionsRefused, "%q", in.Run)
			}
			return fail(StageInspections, name, ErrInspection, "running %q: %v", in.Run, err)
		}
		if run.ExitCode != 0 {
			c.rep.Inspections = append(c.rep.Inspections, ir)
			e := fail(StageInspections, name, ErrInspection, "%q exited with status %d", in.Run, run.ExitCode)
			if out := strings.TrimSpace(run.Output); out != "" {
				e.Hint = "its output ends with: " + lastLines(out, 5)
			}
			return e
		}
		ir.Status = StatusPassed
		c.rep.Inspections = append(c.rep.Inspections, ir)
		links[in.Name] = run.Link
	}
	sink := func(i int) (**RuleReport, **RuleReport) {
		r := &c.rep.Inspections[first+i]
		return &r.Materials, &r.Products
	}
	return c.rules(items, links, StageInspectionRules, sink)
}

// lastLines returns the last n lines of s, joined with " | ".
func lastLines(s string, n int) string {
	lines := strings.Split(s, "\n")
	if len(lines) > n {
		lines = lines[len(lines)-n:]
	}
	return clipText(strings.Join(lines, " | "))
}
