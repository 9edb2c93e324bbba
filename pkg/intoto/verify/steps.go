package verify

import (
	"context"
	"errors"
	"fmt"
	"maps"
	"runtime"
	"slices"
	"strings"
	"sync"

	"github.com/signet-dev/signet/pkg/intoto"
	"github.com/signet-dev/signet/pkg/intoto/rule"
	"github.com/signet-dev/signet/pkg/intoto/rule/apply"
)

// thresholds checks that the links of steps with a threshold above one
// agree on materials and products, and picks each step's link for the
// rules (the first accepted one, as the reference's reduce_chain_links).
func (c *chain) thresholds(context.Context) error {
	c.reduced = make(apply.Links, len(c.lay.Steps))
	for i, s := range c.lay.Steps {
		acc := c.accepted(i)
		if s.Threshold > 1 {
			first := acc[0]
			for _, other := range acc[1:] {
				if diff := artifactDiff(first.link, other.link); diff != "" {
					e := fail(StageThresholds, c.item(s.Name), ErrLinksDisagree, "links %s and %s record different artifacts: %s",
						first.file, other.file, diff)
					e.Hint = fmt.Sprintf("step %q needs %d functionaries who performed it identically; find out why their results differ", s.Name, s.Threshold)
					return e
				}
			}
		}
		c.reduced[s.Name] = acc[0].link
		if c.sorted == nil {
			c.sorted = map[string][2][]string{}
		}
		c.sorted[s.Name] = acc[0].sorted
	}
	return nil
}

// artifactDiff describes how two links' materials and products differ, ""
// when they are equal.
func artifactDiff(a, b *intoto.Link) string {
	var parts []string
	for _, side := range []struct {
		name string
		x, y intoto.ArtifactMap
	}{{"materials", a.Materials, b.Materials}, {"products", a.Products, b.Products}} {
		var onlyA, onlyB, changed []string
		for p, d := range side.x {
			if e, ok := side.y[p]; !ok {
				onlyA = append(onlyA, p)
			} else if !maps.Equal(d, e) {
				changed = append(changed, p)
			}
		}
		for p := range side.y {
			if _, ok := side.x[p]; !ok {
				onlyB = append(onlyB, p)
			}
		}
		for _, l := range []struct {
			what  string
			paths []string
		}{{"only in the first", onlyA}, {"only in the second", onlyB}, {"with different hashes", changed}} {
			if len(l.paths) > 0 {
				slices.Sort(l.paths)
				parts = append(parts, fmt.Sprintf("%s %s: %s", side.name, l.what, quoteList(l.paths)))
			}
		}
	}
	return strings.Join(parts, "; ")
}

func quoteList(paths []string) string {
	shown := clipList(paths)
	q := make([]string, len(shown))
	for i, p := range shown {
		q[i] = fmt.Sprintf("%q", p)
	}
	s := strings.Join(q, ", ")
	if len(paths) > len(shown) {
		s += fmt.Sprintf(" and %d more", len(paths)-len(shown))
	}
	return s
}

// ruleReports returns where the rule reports of items go.
type ruleSink func(i int) (materials, products **RuleReport)

func (c *chain) stepRuleReports() ruleSink {
	return func(i int) (**RuleReport, **RuleReport) {
		return &c.rep.Steps[i].Materials, &c.rep.Steps[i].Products
	}
}

// rules applies the items' material and product rules, with links for
// MATCH lookups. The rule lists are independent, so they run on as many
// goroutines as there are CPUs; the outcome is taken in layout order, as
// if they had run one after the other (reports stop at the first failure).
func (c *chain) rules(items []item, links apply.Links, stage Stage, sink ruleSink) error {
	type outcome struct {
		rep *RuleReport
		err error
		ran bool
	}
	out := make([]outcome, 2*len(items))
	var wg sync.WaitGroup
	sem := make(chan struct{}, runtime.GOMAXPROCS(0))
	for k := range out {
		it := items[k/2]
		own := links[strings.TrimPrefix(it.name, c.prefix)]
		if own == nil {
			continue
		}
		src, rules := rule.Materials, it.materials
		if k%2 == 1 {
			src, rules = rule.Products, it.products
		}
		sem <- struct{}{}
		wg.Go(func() {
			defer func() { <-sem }()
			sorted := c.sorted[strings.TrimPrefix(it.name, c.prefix)]
			ctx := apply.Context{Item: it.name, Materials: own.Materials, Products: own.Products, Links: links,
				SortedMaterials: sorted[0], SortedProducts: sorted[1]}
			res, err := apply.Rules(rules, src, ctx)
			out[k] = outcome{rep: ruleReport(res, err), err: err, ran: true}
		})
	}
	wg.Wait()
	for k, o := range out {
		if !o.ran {
			continue
		}
		mat, prod := sink(k / 2)
		if k%2 == 0 {
			*mat = o.rep
		} else {
			*prod = o.rep
		}
		if o.err != nil {
			return ruleError(stage, items[k/2].name, o.err)
		}
	}
	return nil
}

func ruleReport(res *apply.Result, err error) *RuleReport {
	rr := &RuleReport{Status: StatusPassed, Rules: []RuleTrace{}}
	if res != nil {
		rr.Artifacts = len(res.Initial)
		for _, t := range res.Trace {
			rr.Rules = append(rr.Rules, RuleTrace{Index: t.Index, Rule: t.Rule, Consumed: len(t.Consumed), Paths: clipList(t.Consumed)})
		}
		rr.Remaining = clipList(res.Remaining)
	}
	if f, ok := errors.AsType[*apply.Failure](err); ok {
		rr.Status = StatusFailed
		rr.Failed = &RuleFailure{Index: f.Index, Rule: f.Rule.Strings(), Artifacts: clipList(f.Artifacts), Message: f.Error(), Misses: f.Misses}
	} else if err != nil {
		rr.Status = StatusFailed
		rr.Failed = &RuleFailure{Index: -1, Message: err.Error()}
	}
	return rr
}

func ruleError(stage Stage, item string, err error) *Error {
	e := &Error{Stage: stage, Item: item, Err: &ruleErr{err: err}}
	f, ok := errors.AsType[*apply.Failure](err)
	switch {
	case ok && len(f.Misses) > 0:
		e.Hint = "an artifact differs from what an earlier step recorded: it was changed or replaced in between; do not use it until you know why"
	case ok && errors.Is(f, apply.ErrDisallowed):
		e.Hint = "the link records artifacts the layout does not allow here; if they are expected, the layout's rules must say so"
	case ok && errors.Is(f, apply.ErrRequiredMissing):
		e.Hint = "a required artifact is missing from what the step recorded"
	}
	return e
}

// ruleErr wraps an apply error so that it matches both ErrRule and the
// apply sentinels, with one message.
type ruleErr struct{ err error }

func (r *ruleErr) Error() string {
	return ErrRule.Error() + ": " + strings.TrimPrefix(r.err.Error(), apply.ErrRuleFailed.Error()+": ")
}

func (r *ruleErr) Unwrap() []error { return []error{ErrRule, r.err} }
