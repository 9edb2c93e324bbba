package apply

import (
	"maps"
	"slices"
	"strings"

	"github.com/signet-dev/signet/pkg/intoto/rule"
)

// match applies MATCH rule i. It consumes nothing when the destination step
// has no link.
func (a *applier) match(i int, r rule.Rule) ([]string, error) {
	if a.c.Links == nil {
		return nil, nil
	}
	mats, prods, ok := a.c.Links.StepArtifacts(r.DestStep)
	if !ok {
		return nil, nil
	}
	dest := mats
	if r.Destination == rule.Products {
		dest = prods
	}
	var consumed []string
	for _, rel := range a.matchCandidates(r) {
		src := rel
		if r.SourcePrefix != "" {
			src = pyJoin(r.SourcePrefix, rel)
		}
		dst := rel
		if r.DestPrefix != "" {
			dst = pyJoin(r.DestPrefix, rel)
		}
		srcDigest, ok := a.artifact[src]
		if !ok {
			return nil, a.failure(i, r, ErrSourceNotArtifact, []string{src})
		}
		if d, ok := dest[dst]; ok && maps.Equal(srcDigest, d) {
			consumed = append(consumed, src)
		}
	}
	return consumed, nil
}

// matchCandidates returns the queued paths under the rule's source prefix,
// with the prefix removed, that match the pattern. They are sorted so that
// a failure always names the same path.
func (a *applier) matchCandidates(r rule.Rule) []string {
	prefix := ""
	if r.SourcePrefix != "" {
		prefix = pyJoin(r.SourcePrefix, "")
	}
	m := a.pattern(r.Pattern)
	var out []string
	for p := range a.queue {
		rel, ok := strings.CutPrefix(p, prefix)
		if ok && m.Match(rel) {
			out = append(out, rel)
		}
	}
	slices.Sort(out)
	return out
}

// pyJoin is the reference's os.path.join(dir, name).replace("\\", "/") on
// POSIX: name replaces dir when it starts with "/", and a "/" is put
// between them unless dir is empty or already ends with one.
func pyJoin(dir, name string) string {
	var joined string
	switch {
	case strings.HasPrefix(name, "/"):
		joined = name
	case dir == "" || strings.HasSuffix(dir, "/"):
		joined = dir + name
	default:
		joined = dir + "/" + name
	}
	return strings.ReplaceAll(joined, `\`, "/")
}
