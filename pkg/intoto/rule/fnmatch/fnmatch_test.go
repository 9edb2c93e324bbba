package fnmatch

import (
	"encoding/json"
	"math/rand/v2"
	"os"
	"slices"
	"strings"
	"testing"

	"github.com/signet-dev/signet/internal/reftest"
)

// tableCase is one entry of testdata/cases.json, whose expectations were
// produced by Python's fnmatch.filter (TestCasesAgainstReference re-checks
// them).
type tableCase struct {
	Pattern string `json:"pattern"`
	Name    string `json:"name"`
	Match   bool   `json:"match"`
	Why     string `json:"why"`
}

func loadCases(t *testing.T) []tableCase {
	t.Helper()
	data, err := os.ReadFile("testdata/cases.json")
	if err != nil {
		t.Fatal(err)
	}
	var cases []tableCase
	if err := json.Unmarshal(data, &cases); err != nil {
		t.Fatalf("testdata/cases.json: %v", err)
	}
	if len(cases) < 50 {
		t.Fatalf("testdata/cases.json has only %d cases", len(cases))
	}
	return cases
}

func TestMatchTable(t *testing.T) {
	for _, tc := range loadCases(t) {
		t.Run(tc.Why, func(t *testing.T) {
			if got := Match(tc.Name, tc.Pattern); got != tc.Match {
				t.Errorf("Match(%q, %q) = %v, want %v", tc.Name, tc.Pattern, got, tc.Match)
			}
		})
	}
}

func TestCasesAgainstReference(t *testing.T) {
	cases := loadCases(t)
	pairs := make([][2]string, len(cases))
	for i, tc := range cases {
		pairs[i] = [2]string{tc.Pattern, tc.Name}
	}
	var want []bool
	reftest.RunJSON(t, "testdata/fnmatch_ref.py", pairs, &want)
	for i, tc := range cases {
		if want[i] != tc.Match {
			t.Errorf("testdata/cases.json %q: file says %v, Python says %v", tc.Why, tc.Match, want[i])
		}
	}
}

// TestRandomAgainstReference compares Match with Python's fnmatch on
// thousands of random patterns over an alphabet rich in special characters.
func TestRandomAgainstReference(t *testing.T) {
	rng := rand.New(rand.NewPCG(1, 2))
	const patAlpha = "ab-!]^[\\/*?é"
	const nameAlpha = "ab-!]^[\\/é"
	pairs := make([][2]string, 20000)
	for i := range pairs {
		pairs[i] = [2]string{randString(rng, patAlpha, 7), randString(rng, nameAlpha, 5)}
	}
	var want []bool
	reftest.RunJSON(t, "testdata/fnmatch_ref.py", pairs, &want)
	matched := 0
	for i, p := range pairs {
		if got := Match(p[1], p[0]); got != want[i] {
			t.Errorf("Match(%q, %q) = %v, Python says %v", p[1], p[0], got, want[i])
		}
		if want[i] {
			matched++
		}
	}
	if matched == 0 || matched == len(pairs) {
		t.Fatalf("degenerate random cases: %d of %d match", matched, len(pairs))
	}
}

func randString(rng *rand.Rand, alphabet string, maxLen int) string {
	runes := []rune(alphabet)
	var b strings.Builder
	for range rng.IntN(maxLen + 1) {
		b.WriteRune(runes[rng.IntN(len(runes))])
	}
	return b.String()
}

func TestFilterKeepsOrder(t *testing.T) {
	names := []string{"b.txt", "a.go", "a.txt", "c/d.txt"}
	got := Filter(names, "*.txt")
	want := []string{"b.txt", "a.txt", "c/d.txt"}
	if !slices.Equal(got, want) {
		t.Errorf("Filter = %q, want %q", got, want)
	}
	if got := Filter(names, "zzz"); len(got) != 0 {
		t.Errorf("Filter(no match) = %q, want none", got)
	}
}

func TestInvalidUTF8(t *testing.T) {
	tests := []struct {
		name, pattern string
		want          bool
	}{
		{"\xff", "?", true},
		{"\xff", "\xff", true},
		{"\xff", "\xfe", false},
		{"\xff", "\uFFFD", false},
		{"a\xffb", "a*b", true},
		{"\xed\xa0\x80", "???", true}, // an encoded surrogate is three bytes
	}
	for _, tc := range tests {
		if got := Match(tc.name, tc.pattern); got != tc.want {
			t.Errorf("Match(%q, %q) = %v, want %v", tc.name, tc.pattern, got, tc.want)
		}
	}
}

func TestString(t *testing.T) {
	if got := Compile("a[b-c]*").String(); got != "a[b-c]*" {
		t.Errorf("String() = %q", got)
	}
	var zero Pattern
	if !zero.Match("") || zero.Match("a") {
		t.Error("the zero Pattern must match only the empty name")
	}
}

// FuzzMatch checks invariants that hold for every pattern and name: no
// panics, a literal (special-free) pattern matches exactly itself, "*"
// matches everything, and prefixing both with the same literal text does not
// change the answer.
func FuzzMatch(f *testing.F) {
	for _, s := range []string{"", "*", "?", "[a-c]", "[!a]", "[]]", "[", "[b-a]", "[!b-a-z]", "a\\*", "é", "\xff"} {
		f.Add(s, "abc")
	}
	f.Add("src/*", "src/\xe2\x82")
	f.Add("*€", "\xe2\xe2\x82\xac")
	f.Fuzz(func(t *testing.T, pattern, name string) {
		got := Match(name, pattern)
		if p := Compile(pattern); p.match(name) != got {
			t.Fatalf("fast path disagrees with the general matcher for %q, %q: %v", pattern, name, got)
		}
		if !strings.ContainsAny(pattern, "*?[") && got != (name == pattern) {
			t.Fatalf("literal pattern %q vs %q: got %v", pattern, name, got)
		}
		if !Match(name, "*") || !Match(name, "*"+pattern+"*") && got {
			t.Fatalf("star invariants broken for %q, %q", pattern, name)
		}
		if Match("x/"+name, "x/"+pattern) != got {
			t.Fatalf("literal prefix changed the answer for %q, %q", pattern, name)
		}
		if got && Match(name+"\x00", pattern) && !strings.ContainsAny(pattern, "*?[") {
			t.Fatalf("literal %q matched a longer name", pattern)
		}
	})
}

func BenchmarkMatch(b *testing.B) {
	p := Compile("src/*/[a-m]*.go")
	for b.Loop() {
		p.Match("src/pkg/intoto/rule/fnmatch/match_test.go")
	}
}
