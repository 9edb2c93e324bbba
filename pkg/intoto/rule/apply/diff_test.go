package apply

import (
	"errors"
	"fmt"
	"math/rand/v2"
	"slices"
	"testing"

	"github.com/signet-dev/signet/internal/reftest"
	"github.com/signet-dev/signet/pkg/intoto"
	"github.com/signet-dev/signet/pkg/intoto/rule"
)

// refArtifacts is the materials and products of one link, as sent to
// testdata/apply_ref.py.
type refArtifacts struct {
	Materials intoto.ArtifactMap `json:"materials"`
	Products  intoto.ArtifactMap `json:"products"`
}

type refCase struct {
	Item       string                  `json:"item"`
	SourceType string                  `json:"source_type"`
	Rules      [][]string              `json:"rules"`
	Links      map[string]refArtifacts `json:"links"`

	rules  []rule.Rule
	source rule.Destination
}

type refResult struct {
	Outcome string     `json:"outcome"`
	Queues  [][]string `json:"queues"`
}

// The pools random cases draw from. They include the awkward paths ("//",
// "\", a leading "/") that make the reference's MATCH join misbehave.
var (
	poolPaths    = []string{"x", "y", "a/", "x.txt", "a/x", "a/y.txt", "a/b/x", "b/x", "b/y", "a//x", `a/b\x`, "/x", "a/b/x"}
	poolPatterns = []string{"*", "x", "*.txt", "a/*", "?", "[xy]", "b/*", "*x*", "[!x]*", "a/?", "/*", "*/x", ""}
	poolPrefixes = []string{"", "", "a", "a/", "b", `a\`, "a/b", "/"}
	poolSteps    = []string{"item", "s1", "s2", "unknown"}
	poolDigests  = []intoto.DigestSet{
		{"sha256": "aa"}, {"sha256": "bb"}, {"sha256": "aa", "sha512": "cc"}, {"sha512": "cc"},
	}
)

func randArtifacts(rng *rand.Rand) intoto.ArtifactMap {
	m := intoto.ArtifactMap{}
	for range rng.IntN(6) {
		m[poolPaths[rng.IntN(len(poolPaths))]] = poolDigests[rng.IntN(len(poolDigests))]
	}
	return m
}

// derive copies m with a few paths dropped, added or re-hashed, so that
// CREATE, DELETE, MODIFY and MATCH find something to do.
func derive(rng *rand.Rand, m intoto.ArtifactMap) intoto.ArtifactMap {
	out := intoto.ArtifactMap{}
	for _, p := range sortedKeys(m) {
		d := m[p]
		switch rng.IntN(6) {
		case 0: // deleted
		case 1:
			out[p] = poolDigests[rng.IntN(len(poolDigests))]
		default:
			out[p] = d
		}
	}
	for range rng.IntN(3) {
		out[poolPaths[rng.IntN(len(poolPaths))]] = poolDigests[rng.IntN(len(poolDigests))]
	}
	return out
}

func randRule(rng *rand.Rand) rule.Rule {
	pick := func(s []string) string { return s[rng.IntN(len(s))] }
	kind := rule.Kind(1 + rng.IntN(int(rule.Match)))
	if rng.IntN(3) == 0 {
		kind = rule.Match // MATCH has the most behaviour; draw it more often
	}
	switch kind {
	case rule.Require:
		return rule.Rule{Kind: kind, Pattern: pick(poolPaths)}
	case rule.Match:
		return rule.Rule{
			Kind: kind, Pattern: pick(poolPatterns), SourcePrefix: pick(poolPrefixes),
			Destination: rule.Destination(1 + rng.IntN(2)), DestPrefix: pick(poolPrefixes), DestStep: pick(poolSteps),
		}
	}
	return rule.Rule{Kind: kind, Pattern: pick(poolPatterns)}
}

func randCase(rng *rand.Rand) refCase {
	mats := randArtifacts(rng)
	c := refCase{
		Item:   "item",
		source: rule.Destination(1 + rng.IntN(2)),
		Links: map[string]refArtifacts{
			"item": {Materials: mats, Products: derive(rng, mats)},
			"s1":   {Materials: randArtifacts(rng), Products: derive(rng, mats)},
			"s2":   {Materials: derive(rng, mats), Products: randArtifacts(rng)},
		},
	}
	c.SourceType = map[rule.Destination]string{rule.Materials: "materials", rule.Products: "products"}[c.source]
	for range 1 + rng.IntN(5) {
		r := randRule(rng)
		c.rules = append(c.rules, r)
		c.Rules = append(c.Rules, r.Strings())
	}
	return c
}

// outcomeOf maps Rules' error to the reference's outcome names.
func outcomeOf(err error) string {
	switch {
	case err == nil:
		return "ok"
	case errors.Is(err, ErrSourceNotArtifact):
		return "key_error"
	case errors.Is(err, ErrDisallowed), errors.Is(err, ErrRequiredMissing):
		return "rule_failed"
	}
	return fmt.Sprintf("unexpected error %v", err)
}

// TestRulesAgainstReference runs thousands of random cases through both
// Rules and the reference's verify_item_rules and requires the same verdict
// and the same queue after every rule that completed.
func TestRulesAgainstReference(t *testing.T) {
	rng := rand.New(rand.NewPCG(7, 11))
	cases := make([]refCase, 4000)
	for i := range cases {
		cases[i] = randCase(rng)
	}
	var want []refResult
	reftest.RunJSON(t, "testdata/apply_ref.py", cases, &want)
	if len(want) != len(cases) {
		t.Fatalf("reference returned %d results for %d cases", len(want), len(cases))
	}
	seen := map[string]int{}
	consumedBy := map[rule.Kind]int{}
	matchIn := 0 // MATCH rules with both IN prefixes that consumed something
	for i, c := range cases {
		res := checkCase(t, i, c, want[i])
		seen[want[i].Outcome]++
		for _, e := range res.Trace {
			if r := c.rules[e.Index]; len(e.Consumed) > 0 {
				consumedBy[r.Kind]++
				if r.Kind == rule.Match && r.SourcePrefix != "" && r.DestPrefix != "" {
					matchIn++
				}
			}
		}
	}
	for _, k := range []rule.Kind{rule.Match, rule.Create, rule.Delete, rule.Modify, rule.Allow} {
		if consumedBy[k] < 20 {
			t.Errorf("only %d random %v rules consumed anything; the generator needs tuning", consumedBy[k], k)
		}
	}
	for _, o := range []string{"ok", "rule_failed", "key_error"} {
		if seen[o] == 0 {
			t.Errorf("no random case had outcome %q (outcomes: %v); the generator needs tuning", o, seen)
		}
	}
	if matchIn < 5 {
		t.Errorf("only %d MATCH rules with IN prefixes consumed anything; the generator needs tuning", matchIn)
	}
	t.Logf("outcomes: %v; rules that consumed something, by kind: %v", seen, consumedBy)
}

func checkCase(t *testing.T, i int, c refCase, want refResult) *Result {
	t.Helper()
	links := Links{}
	for name, a := range c.Links {
		links[name] = &intoto.Link{Name: name, Materials: a.Materials, Products: a.Products}
	}
	item := c.Links[c.Item]
	res, err := Rules(c.rules, c.source, Context{Item: c.Item, Materials: item.Materials, Products: item.Products, Links: links})
	if res == nil {
		t.Errorf("case %d: nil Result (err %v)", i, err)
		return &Result{}
	}
	if got := outcomeOf(err); got != want.Outcome {
		t.Errorf("case %d %+v: outcome %q (err %v), reference %q", i, c, got, err, want.Outcome)
		return res
	}
	if len(res.Trace) != len(want.Queues) {
		t.Errorf("case %d %+v: %d rules completed, reference %d", i, c, len(res.Trace), len(want.Queues))
		return res
	}
	for n, q := range want.Queues {
		if got := res.QueueAfter(n + 1); !slices.Equal(got, q) {
			t.Errorf("case %d %+v: queue after rule %d = %q, reference %q", i, c, n, got, q)
		}
	}
	return res
}
