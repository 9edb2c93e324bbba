package apply

import (
	"fmt"
	"maps"
	"slices"
	"strings"

	"github.com/signet-dev/signet/pkg/intoto"
	"github.com/signet-dev/signet/pkg/intoto/rule"
	"github.com/signet-dev/signet/pkg/intoto/rule/fnmatch"
)

// LinkLookup finds the link metadata of another step or inspection, for
// MATCH rules.
type LinkLookup interface {
	// StepArtifacts returns the materials and products recorded by the link
	// of step, and false when there is no such link.
	StepArtifacts(step string) (materials, products intoto.ArtifactMap, ok bool)
}

// Links is a LinkLookup over links keyed by step or inspection name. A nil
// entry counts as missing.
type Links map[string]*intoto.Link

// StepArtifacts implements LinkLookup.
func (l Links) StepArtifacts(step string) (materials, products intoto.ArtifactMap, ok bool) {
	link := l[step]
	if link == nil {
		return nil, nil, false
	}
	return link.Materials, link.Products, true
}

// Context is what the rules of one item are applied to.
type Context struct {
	// Item names the step or inspection whose rules are applied; it is used
	// in the Result and in error messages.
	Item string
	// Materials and Products are the item's own recorded artifacts.
	Materials intoto.ArtifactMap
	Products  intoto.ArtifactMap
	// Links finds other steps' links for MATCH rules; nil means that no
	// link is known (every MATCH consumes nothing). It should also know the
	// item itself, as the reference's lookup always does.
	Links LinkLookup
	// SortedMaterials and SortedProducts, when not nil, are the keys of
	// Materials and Products in sorted order, which callers that decoded
	// them in order pass to save sorting them again. They are not copied
	// and must not be modified.
	SortedMaterials, SortedProducts []string
}

// applier holds the state of one Rules call.
type applier struct {
	c        Context
	source   rule.Destination
	artifact intoto.ArtifactMap // the item's artifacts the queue came from
	// The queue: the artifact paths in sorted order, and which of them are
	// still queued. Iterating in order keeps every list sorted without
	// sorting again.
	paths    []string
	alive    []bool
	patterns map[string]*fnmatch.Pattern // compiled patterns, this call only
	res      *Result
}

// Rules applies rules in order to the item's materials (source ==
// rule.Materials, for expected_materials) or products (source ==
// rule.Products, for expected_products).
//
// On success the error is nil. When a rule fails, Rules returns the Result
// up to the failing rule together with a *Failure (errors.Is(err,
// ErrRuleFailed)). Invalid input (an unknown source or rule kind) returns a
// nil Result and an error matching ErrInvalidInput.
func Rules(rules []rule.Rule, source rule.Destination, c Context) (*Result, error) {
	if err := validate(rules); err != nil {
		return nil, err
	}
	a, err := newApplier(source, c)
	if err != nil {
		return nil, err
	}
	for i, r := range rules {
		consumed, err := a.apply(i, r)
		if f, ok := err.(*Failure); ok && f.Err == ErrDisallowed {
			a.explainMisses(rules[:i], f)
		}
		if err != nil {
			a.res.Remaining = a.remaining()
			return a.res, err
		}
		removed := make([]string, 0, len(consumed))
		for _, j := range consumed {
			if a.alive[j] {
				a.alive[j] = false
				removed = append(removed, a.paths[j])
			}
		}
		a.res.Trace = append(a.res.Trace, TraceEntry{Index: i, Rule: r.Strings(), Consumed: removed})
	}
	a.res.Remaining = a.remaining()
	return a.res, nil
}

// remaining returns the queued paths, sorted.
func (a *applier) remaining() []string {
	out := make([]string, 0, len(a.paths))
	for j, p := range a.paths {
		if a.alive[j] {
			out = append(out, p)
		}
	}
	return out
}

// queued reports whether path p is still in the queue.
func (a *applier) queued(p string) bool {
	j, ok := slices.BinarySearch(a.paths, p)
	return ok && a.alive[j]
}

// validate rejects rules that Parse cannot produce, before any is applied.
func validate(rules []rule.Rule) error {
	for i, r := range rules {
		if r.Kind < rule.Create || r.Kind > rule.Match {
			return fmt.Errorf("%w: rule %d has unknown kind %v", ErrInvalidInput, i, r.Kind)
		}
		if r.Kind == rule.Match && r.Destination != rule.Materials && r.Destination != rule.Products {
			return fmt.Errorf("%w: MATCH rule %d has destination %v; want MATERIALS or PRODUCTS", ErrInvalidInput, i, r.Destination)
		}
	}
	return nil
}

func newApplier(source rule.Destination, c Context) (*applier, error) {
	a := &applier{c: c, source: source, patterns: map[string]*fnmatch.Pattern{}}
	switch source {
	case rule.Materials:
		a.artifact = c.Materials
	case rule.Products:
		a.artifact = c.Products
	default:
		return nil, fmt.Errorf("%w: the artifact source must be rule.Materials or rule.Products, got %v", ErrInvalidInput, source)
	}
	a.paths = c.SortedMaterials
	if source == rule.Products {
		a.paths = c.SortedProducts
	}
	if a.paths == nil || len(a.paths) != len(a.artifact) {
		a.paths = sortedKeys(a.artifact)
	}
	a.alive = make([]bool, len(a.paths))
	for j := range a.alive {
		a.alive[j] = true
	}
	a.res = &Result{
		Item:       c.Item,
		Source:     source,
		SourceType: strings.ToLower(source.String()),
		Initial:    a.paths,
		Trace:      []TraceEntry{},
	}
	return a, nil
}

// apply runs rule i and returns the queue positions it consumes, in
// ascending order.
func (a *applier) apply(i int, r rule.Rule) ([]int, error) {
	switch r.Kind {
	case rule.Match:
		return a.match(i, r)
	case rule.Create:
		return a.filter(r.Pattern, func(p string) bool { return a.isProduct(p) && !a.isMaterial(p) }), nil
	case rule.Delete:
		return a.filter(r.Pattern, func(p string) bool { return a.isMaterial(p) && !a.isProduct(p) }), nil
	case rule.Modify:
		return a.filter(r.Pattern, a.modified), nil
	case rule.Allow:
		return a.filter(r.Pattern, nil), nil
	case rule.Disallow:
		if hit := a.filter(r.Pattern, nil); len(hit) > 0 {
			return nil, a.failure(i, r, ErrDisallowed, a.pathsAt(hit))
		}
		return nil, nil
	case rule.Require:
		if !a.queued(r.Pattern) {
			return nil, a.failure(i, r, ErrRequiredMissing, []string{r.Pattern})
		}
		return nil, nil
	}
	return nil, fmt.Errorf("%w: rule %d has unknown kind %v", ErrInvalidInput, i, r.Kind)
}

func (a *applier) isMaterial(p string) bool { _, ok := a.c.Materials[p]; return ok }
func (a *applier) isProduct(p string) bool  { _, ok := a.c.Products[p]; return ok }

// modified reports whether p is both a material and a product with
// different digest sets.
func (a *applier) modified(p string) bool {
	m, okM := a.c.Materials[p]
	pr, okP := a.c.Products[p]
	return okM && okP && !maps.Equal(m, pr)
}

// pattern returns pat compiled, compiling each distinct pattern once per
// Rules call.
func (a *applier) pattern(pat string) *fnmatch.Pattern {
	p, ok := a.patterns[pat]
	if !ok {
		p = fnmatch.Compile(pat)
		a.patterns[pat] = p
	}
	return p
}

// filter returns the queue positions of the queued paths matching pat for
// which keep (if not nil) is true.
func (a *applier) filter(pat string, keep func(string) bool) []int {
	m := a.pattern(pat)
	var out []int
	for j, p := range a.paths {
		if a.alive[j] && m.Match(p) && (keep == nil || keep(p)) {
			out = append(out, j)
		}
	}
	return out
}

func (a *applier) pathsAt(idx []int) []string {
	out := make([]string, len(idx))
	for k, j := range idx {
		out[k] = a.paths[j]
	}
	return out
}

func sortedKeys[V any](m map[string]V) []string {
	out := make([]string, 0, len(m))
	for k := range m {
		out = append(out, k)
	}
	slices.Sort(out)
	return out
}
