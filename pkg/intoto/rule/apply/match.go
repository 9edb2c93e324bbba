package apply

import (
	"maps"
	"slices"
	"strings"

	"github.com/signet-dev/signet/pkg/intoto"
	"github.com/signet-dev/signet/pkg/intoto/rule"
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
	var consumed []int
	for _, c := range a.matchCandidates(r) {
		rel := c.rel
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
		if d, ok := dest[dst]; ok && sameDigests(srcDigest, d) {
			j, found := c.index, true
			if src != a.paths[j] {
				j, found = slices.BinarySearch(a.paths, src)
			}
			if found {
				consumed = append(consumed, j)
			}
		}
	}
	slices.Sort(consumed)
	return consumed, nil
}

// candidate is a queued path a MATCH rule selects: its queue position and
// the path without the source prefix.
type candidate struct {
	index int    // position in the queue
	rel   string // the path with the source prefix cut off
}

// matchCandidates returns the queued paths under the rule's source prefix
// that match the pattern once the prefix is cut, in queue order so that a
// failure always names the same path.
func (a *applier) matchCandidates(r rule.Rule) []candidate {
	var out []candidate
	for j, p := range a.paths {
		if !a.alive[j] {
			continue
		}
		if rel, ok := a.selects(r, p); ok {
			out = append(out, candidate{index: j, rel: rel})
		}
	}
	return out
}

// selects reports whether MATCH rule r selects path p: p is under the
// rule's source prefix and the rest matches the pattern; rel is that rest.
func (a *applier) selects(r rule.Rule, p string) (rel string, ok bool) {
	rel = p
	if r.SourcePrefix != "" {
		if rel, ok = strings.CutPrefix(p, pyJoin(r.SourcePrefix, "")); !ok {
			return "", false
		}
	}
	return rel, a.pattern(r.Pattern).Match(rel)
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
