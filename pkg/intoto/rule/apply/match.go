package apply

import (
	"maps"
	"slices"
	"strings"

	"github.com/signet-dev/signet/pkg/intoto"
	"github.com/signet-dev/signet/pkg/intoto/rule"
	"github.com/signet-dev/signet/pkg/intoto/rule/fnmatch"
)

// match applies MATCH rule i. It consumes nothing when the destination step
// has no link.
func (a *applier) match(i int, r rule.Rule) ([]int, error) {
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
	// Walk the queue in order, so that a failure always names the same
	// path; the prefix and pattern are looked up once, not per path.
	sel := a.selector(r)
	var consumed []int
	for j, p := range a.paths {
		if !a.alive[j] {
			continue
		}
		rel, ok := sel.selects(p)
		if !ok {
			continue
		}
		// As the reference does, the source path is the prefix joined
		// to rel again, which is not always p (backslashes, "//").
		src := p
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
		if d, ok := dest[dst]; ok && sameDigests(srcDigest, d) {
			k, found := j, true
			if src != p {
				k, found = slices.BinarySearch(a.paths, src)
			}
			if found {
				consumed = append(consumed, k)
			}
		}
	}
	slices.Sort(consumed)
	return consumed, nil
}

// selector is a MATCH rule's source side, prepared once per rule.
type selector struct {
	prefix string // the source prefix with its "/", or ""
	pat    *fnmatch.Pattern
}

func (a *applier) selector(r rule.Rule) selector {
	s := selector{pat: a.pattern(r.Pattern)}
	if r.SourcePrefix != "" {
		s.prefix = pyJoin(r.SourcePrefix, "")
	}
	return s
}

// selects reports whether the rule selects path p: p is under the rule's
// source prefix and the rest matches the pattern; rel is that rest.
func (s selector) selects(p string) (rel string, ok bool) {
	rel = p
	if s.prefix != "" {
		if rel, ok = strings.CutPrefix(p, s.prefix); !ok {
			return "", false
		}
	}
	return rel, s.pat.Match(rel)
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

// sameDigests is maps.Equal with a fast path for the usual single hash.
func sameDigests(a, b intoto.DigestSet) bool {
	if len(a) != len(b) {
		return false
	}
	if len(a) == 1 {
		for alg, h := range a {
			g, ok := b[alg]
			return ok && g == h
		}
	}
	return maps.Equal(a, b)
}
