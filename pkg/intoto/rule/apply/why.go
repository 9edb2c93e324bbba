package apply

import (
	"fmt"
	"maps"
	"slices"

	"github.com/signet-dev/signet/pkg/intoto"
	"github.com/signet-dev/signet/pkg/intoto/rule"
)

// Miss says why an earlier MATCH rule did not consume an artifact that a
// DISALLOW rule then found: the explanation people need most often (a
// product changed between two steps).
type Miss struct {
	Path string `json:"path"`
	// Index is the MATCH rule's position in the list.
	Index  int    `json:"rule"`
	Reason string `json:"reason"`
}

// maxMisses bounds the misses explained per failure.
const maxMisses = 10

// explainMisses fills f.Misses for a DISALLOW failure: for each disallowed
// path, each earlier MATCH rule whose pattern selects it, and why it did
// not match the destination.
func (a *applier) explainMisses(rules []rule.Rule, f *Failure) {
	for _, p := range f.Artifacts {
		for i, r := range rules {
			if r.Kind != rule.Match || len(f.Misses) >= maxMisses {
				continue
			}
			if reason, ok := a.whyNot(r, p); ok {
				f.Misses = append(f.Misses, Miss{Path: p, Index: i, Reason: reason})
			}
		}
	}
}

// whyNot explains why MATCH rule r did not consume path p; ok is false
// when r does not select p at all.
func (a *applier) whyNot(r rule.Rule, p string) (string, bool) {
	rel, ok := a.selector(r).selects(p)
	if !ok {
		return "", false
	}
	if a.c.Links == nil {
		return fmt.Sprintf("step %q has no link, so the rule matches nothing", r.DestStep), true
	}
	mats, prods, ok := a.c.Links.StepArtifacts(r.DestStep)
	if !ok {
		return fmt.Sprintf("there is no step or inspection %q with a link, so the rule matches nothing", r.DestStep), true
	}
	dest, side := mats, "materials"
	if r.Destination == rule.Products {
		dest, side = prods, "products"
	}
	dst := rel
	if r.DestPrefix != "" {
		dst = pyJoin(r.DestPrefix, rel)
	}
	d, ok := dest[dst]
	if !ok {
		return fmt.Sprintf("%q is not among the %s of %q", dst, side, r.DestStep), true
	}
	if !maps.Equal(a.artifact[p], d) {
		return fmt.Sprintf("it differs from %q in the %s of %q (%s): the artifact changed in between", dst, side, r.DestStep, digestDiff(a.artifact[p], d)), true
	}
	return "the rule consumed it", true
}

// digestDiff shows the first differing hash of two digest sets, shortened.
func digestDiff(x, y intoto.DigestSet) string {
	algs := slices.Sorted(maps.Keys(x))
	for _, alg := range algs {
		if y[alg] != x[alg] {
			return fmt.Sprintf("%s %s vs %s", alg, short(x[alg]), short(y[alg]))
		}
	}
	return "different hash algorithms"
}

func short(h string) string {
	if h == "" {
		return "(none)"
	}
	if len(h) > 12 {
		return h[:12] + "..."
	}
	return h
}
