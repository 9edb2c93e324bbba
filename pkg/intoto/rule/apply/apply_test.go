package apply

import (
	"encoding/json"
	"errors"
	"fmt"
	"slices"
	"strings"
	"testing"

	"github.com/signet-dev/signet/pkg/intoto"
	"github.com/signet-dev/signet/pkg/intoto/rule"
)

func mustParse(t testing.TB, rules ...string) []rule.Rule {
	t.Helper()
	var lists [][]string
	for _, r := range rules {
		lists = append(lists, strings.Fields(r))
	}
	out, err := rule.ParseAll(lists)
	if err != nil {
		t.Fatal(err)
	}
	return out
}

var (
	dA = intoto.DigestSet{"sha256": "aa"}
	dB = intoto.DigestSet{"sha256": "bb"}
)

// testContext is an item "build" that turned src/{a.c,b.c,old.c} into
// src/{a.c (unchanged), b.c (changed)}, out/app, plus a "fetch" step whose
// products are the sources, under a "vendor/" prefix for one of them.
func testContext() Context {
	mats := intoto.ArtifactMap{"src/a.c": dA, "src/b.c": dA, "src/old.c": dA}
	prods := intoto.ArtifactMap{"src/a.c": dA, "src/b.c": dB, "out/app": dB}
	return Context{
		Item: "build", Materials: mats, Products: prods,
		Links: Links{
			"build": {Materials: mats, Products: prods},
			"fetch": {Products: intoto.ArtifactMap{"src/a.c": dA, "src/b.c": dA, "vendor/old.c": dA}},
			"gone":  nil,
		},
	}
}

func TestRules(t *testing.T) {
	tests := []struct {
		name      string
		source    rule.Destination
		rules     []string
		consumed  [][]string // per completed rule
		remaining []string
		wantErr   error
		failAt    int
	}{
		{
			name: "match consumes equal hashes only", source: rule.Materials,
			rules:     []string{"MATCH src/* WITH PRODUCTS FROM fetch", "DISALLOW *"},
			consumed:  [][]string{{"src/a.c", "src/b.c"}},
			remaining: []string{"src/old.c"}, wantErr: ErrDisallowed, failAt: 1,
		},
		{
			name: "match with both prefixes", source: rule.Materials,
			rules:     []string{"MATCH old.c IN src WITH PRODUCTS IN vendor FROM fetch", "MATCH * WITH PRODUCTS FROM fetch", "DISALLOW *"},
			consumed:  [][]string{{"src/old.c"}, {"src/a.c", "src/b.c"}, {}},
			remaining: []string{},
		},
		{
			name: "prefix is not globbed", source: rule.Materials,
			rules:    []string{"MATCH old.c IN s* WITH PRODUCTS IN vendor FROM fetch"},
			consumed: [][]string{{}}, remaining: []string{"src/a.c", "src/b.c", "src/old.c"},
		},
		{
			name: "match against unknown or nil step consumes nothing", source: rule.Materials,
			rules:    []string{"MATCH * WITH PRODUCTS FROM nowhere", "MATCH * WITH PRODUCTS FROM gone"},
			consumed: [][]string{{}, {}}, remaining: []string{"src/a.c", "src/b.c", "src/old.c"},
		},
		{
			name: "create modify on products, delete finds nothing there", source: rule.Products,
			rules:     []string{"DELETE *", "CREATE *", "MODIFY *", "ALLOW src/a.c", "DISALLOW *"},
			consumed:  [][]string{{}, {"out/app"}, {"src/b.c"}, {"src/a.c"}, {}},
			remaining: []string{},
		},
		{
			name: "delete on materials", source: rule.Materials,
			rules:    []string{"DELETE *.c"},
			consumed: [][]string{{"src/old.c"}}, remaining: []string{"src/a.c", "src/b.c"},
		},
		{
			name: "require before consumption", source: rule.Products,
			rules:    []string{"REQUIRE out/app", "ALLOW *"},
			consumed: [][]string{{}, {"out/app", "src/a.c", "src/b.c"}}, remaining: []string{},
		},
		{
			name: "require after consumption fails", source: rule.Products,
			rules:    []string{"ALLOW out/*", "REQUIRE out/app"},
			consumed: [][]string{{"out/app"}}, remaining: []string{"src/a.c", "src/b.c"},
			wantErr: ErrRequiredMissing, failAt: 1,
		},
		{
			name: "require is literal, not a pattern", source: rule.Products,
			rules: []string{"REQUIRE out/*"}, consumed: [][]string{},
			remaining: []string{"out/app", "src/a.c", "src/b.c"}, wantErr: ErrRequiredMissing,
		},
		{
			name: "star crosses directories", source: rule.Products,
			rules:    []string{"ALLOW *.c", "DISALLOW *"},
			consumed: [][]string{{"src/a.c", "src/b.c"}}, remaining: []string{"out/app"},
			wantErr: ErrDisallowed, failAt: 1,
		},
		{
			name: "no rules", source: rule.Materials,
			consumed: [][]string{}, remaining: []string{"src/a.c", "src/b.c", "src/old.c"},
		},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			res, err := Rules(mustParse(t, tc.rules...), tc.source, testContext())
			if !errors.Is(err, tc.wantErr) || (err != nil) != (tc.wantErr != nil) {
				t.Fatalf("err = %v, want %v", err, tc.wantErr)
			}
			if err != nil && !errors.Is(err, ErrRuleFailed) {
				t.Errorf("err %v does not match ErrRuleFailed", err)
			}
			var f *Failure
			if errors.As(err, &f) && f.Index != tc.failAt {
				t.Errorf("failed at rule %d, want %d", f.Index, tc.failAt)
			}
			var got [][]string
			for _, e := range res.Trace {
				got = append(got, e.Consumed)
			}
			if fmt.Sprint(got) != fmt.Sprint(tc.consumed) {
				t.Errorf("consumed = %q, want %q", got, tc.consumed)
			}
			if !slices.Equal(res.Remaining, tc.remaining) {
				t.Errorf("remaining = %q, want %q", res.Remaining, tc.remaining)
			}
		})
	}
}

func TestRulesInvalidInput(t *testing.T) {
	tests := []struct {
		name   string
		rules  []rule.Rule
		source rule.Destination
	}{
		{"zero source", nil, 0},
		{"bad source", nil, 9},
		{"zero rule", []rule.Rule{{}}, rule.Materials},
		{"late bad rule", []rule.Rule{{Kind: rule.Allow, Pattern: "*"}, {Kind: 99}}, rule.Materials},
		{"match without destination", []rule.Rule{{Kind: rule.Match, Pattern: "*", DestStep: "build"}}, rule.Products},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			res, err := Rules(tc.rules, tc.source, testContext())
			if !errors.Is(err, ErrInvalidInput) || errors.Is(err, ErrRuleFailed) {
				t.Fatalf("err = %v, want ErrInvalidInput", err)
			}
			if res != nil {
				t.Errorf("Result = %+v, want nil", res)
			}
		})
	}
}

func TestFailureMessages(t *testing.T) {
	tests := []struct {
		name   string
		source rule.Destination
		rules  []string
		want   []string
	}{
		{"disallow", rule.Products, []string{"DISALLOW src/*"},
			[]string{`expected_products of "build"`, `rule 0 DISALLOW 'src/*'`, `"src/a.c", "src/b.c"`, "consume them"}},
		{"require never there", rule.Materials, []string{"REQUIRE out/app"},
			[]string{`rule 0 REQUIRE out/app`, `"out/app" is not in the queue`, "does not record it among its materials"}},
		{"require consumed", rule.Products, []string{"ALLOW *", "REQUIRE out/app"},
			[]string{`rule 1 REQUIRE`, "rule 0 consumed it earlier"}},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			_, err := Rules(mustParse(t, tc.rules...), tc.source, testContext())
			if err == nil {
				t.Fatal("no error")
			}
			for _, w := range tc.want {
				if !strings.Contains(err.Error(), w) {
					t.Errorf("message %q lacks %q", err, w)
				}
			}
		})
	}
}

func TestSourceNotArtifact(t *testing.T) {
	mats := intoto.ArtifactMap{`a/b\c`: dA, "a//x": dA}
	c := Context{Item: "i", Materials: mats, Links: Links{"i": {Materials: mats}}}
	for _, pat := range []string{`b\c`, "/x"} {
		_, err := Rules([]rule.Rule{{Kind: rule.Match, Pattern: pat, SourcePrefix: "a",
			Destination: rule.Materials, DestStep: "i"}}, rule.Materials, c)
		var f *Failure
		if !errors.Is(err, ErrSourceNotArtifact) || !errors.As(err, &f) || len(f.Artifacts) != 1 {
			t.Errorf("pattern %q: err = %v, want ErrSourceNotArtifact naming one path", pat, err)
		}
	}
}

func TestResultJSON(t *testing.T) {
	res, err := Rules(mustParse(t, "CREATE out/*", "REQUIRE src/a.c"), rule.Products, testContext())
	if err != nil {
		t.Fatal(err)
	}
	got, err := json.Marshal(res)
	if err != nil {
		t.Fatal(err)
	}
	want := `{"item":"build","source_type":"products","initial":["out/app","src/a.c","src/b.c"],` +
		`"trace":[{"index":0,"rule":["CREATE","out/*"],"consumed":["out/app"]},` +
		`{"index":1,"rule":["REQUIRE","src/a.c"],"consumed":[]}],"remaining":["src/a.c","src/b.c"]}`
	if string(got) != want {
		t.Errorf("JSON =\n%s\nwant\n%s", got, want)
	}
	if q := res.QueueAfter(1); !slices.Equal(q, []string{"src/a.c", "src/b.c"}) {
		t.Errorf("QueueAfter(1) = %q", q)
	}
	wantText := "expected_products of \"build\": queue of 3 products: \"out/app\", \"src/a.c\", \"src/b.c\"\n" +
		"rule 0 CREATE 'out/*': consumed \"out/app\"\n" +
		"rule 1 REQUIRE src/a.c: consumed nothing\n" +
		"remaining: \"src/a.c\", \"src/b.c\"\n"
	if got := res.Text(); got != wantText {
		t.Errorf("Text() =\n%s\nwant\n%s", got, wantText)
	}
	if q := res.QueueAfter(0); !slices.Equal(q, res.Initial) {
		t.Errorf("QueueAfter(0) = %q, want Initial", q)
	}
}

// FuzzRules applies one rule built from fuzzed strings and checks that
// Rules never panics and that the trace is consistent with the queue.
func FuzzRules(f *testing.F) {
	f.Add("*", "a", "b", "src/a.c", uint8(6))
	f.Add(`b\c`, "a", "", `a/b\c`, uint8(6))
	f.Fuzz(func(t *testing.T, pattern, srcPrefix, dstPrefix, path string, kind uint8) {
		mats := intoto.ArtifactMap{path: dA, "x": dB}
		r := rule.Rule{Kind: rule.Kind(kind % 8), Pattern: pattern}
		if r.Kind == rule.Match {
			r = rule.Rule{Kind: rule.Match, Pattern: pattern, SourcePrefix: srcPrefix,
				Destination: rule.Materials, DestPrefix: dstPrefix, DestStep: "i"}
		}
		res, err := Rules([]rule.Rule{r}, rule.Materials, Context{Item: "i", Materials: mats, Links: Links{"i": {Materials: mats}}})
		if res == nil {
			if !errors.Is(err, ErrInvalidInput) {
				t.Fatalf("nil Result with %v", err)
			}
			return
		}
		if len(res.Remaining)+len(slices.Concat(traceConsumed(res)...)) != len(res.Initial) {
			t.Fatalf("trace and queue disagree: %+v", res)
		}
	})
}

func traceConsumed(res *Result) [][]string {
	var out [][]string
	for _, e := range res.Trace {
		out = append(out, e.Consumed)
	}
	return out
}

// BenchmarkRules applies 5 rules to 10,000 artifacts.
func BenchmarkRules(b *testing.B) {
	mats, prods, fetched := intoto.ArtifactMap{}, intoto.ArtifactMap{}, intoto.ArtifactMap{}
	for i := range 10000 {
		p := fmt.Sprintf("src/dir%02d/file%05d.go", i%50, i)
		mats[p] = dA
		prods[p] = dA
		fetched["vendor/"+strings.TrimPrefix(p, "src/")] = dA
		if i%10 == 0 {
			prods[p] = dB
		}
	}
	c := Context{Item: "build", Materials: mats, Products: prods, Links: Links{"fetch": {Products: fetched}}}
	rules := mustParse(b, "REQUIRE src/dir01/file00001.go", "MODIFY src/dir[0-4]*/*",
		"MATCH * IN src WITH PRODUCTS IN vendor FROM fetch", "CREATE *", "DISALLOW *")
	for b.Loop() {
		if _, err := Rules(rules, rule.Products, c); err != nil {
			b.Fatal(err)
		}
	}
}
