package rule

import (
	"bytes"
	"encoding/json"
	"errors"
	"math/rand/v2"
	"os"
	"os/exec"
	"reflect"
	"strings"
	"testing"

	"github.com/signet-dev/signet/internal/reftest"
)

func TestParse(t *testing.T) {
	tests := []struct {
		name      string
		in        []string
		want      Rule
		wantErr   error
		wantIndex int
	}{
		{"create", []string{"CREATE", "foo"}, Rule{Kind: Create, Pattern: "foo"}, nil, 0},
		{"lower case keyword", []string{"create", "Foo"}, Rule{Kind: Create, Pattern: "Foo"}, nil, 0},
		{"mixed case keyword", []string{"DiSaLlOw", "*"}, Rule{Kind: Disallow, Pattern: "*"}, nil, 0},
		{"delete", []string{"DELETE", "a/b"}, Rule{Kind: Delete, Pattern: "a/b"}, nil, 0},
		{"modify", []string{"MODIFY", "x"}, Rule{Kind: Modify, Pattern: "x"}, nil, 0},
		{"allow", []string{"ALLOW", "*"}, Rule{Kind: Allow, Pattern: "*"}, nil, 0},
		{"require", []string{"REQUIRE", "setup.py"}, Rule{Kind: Require, Pattern: "setup.py"}, nil, 0},
		{"empty pattern", []string{"ALLOW", ""}, Rule{Kind: Allow, Pattern: ""}, nil, 0},
		{"keyword as pattern", []string{"ALLOW", "MATCH"}, Rule{Kind: Allow, Pattern: "MATCH"}, nil, 0},
		{"match short", []string{"MATCH", "*", "WITH", "PRODUCTS", "FROM", "build"},
			Rule{Kind: Match, Pattern: "*", Destination: Products, DestStep: "build"}, nil, 0},
		{"match source prefix", []string{"match", "*", "in", "src", "with", "materials", "from", "fetch"},
			Rule{Kind: Match, Pattern: "*", SourcePrefix: "src", Destination: Materials, DestStep: "fetch"}, nil, 0},
		{"match dest prefix", []string{"MATCH", "*", "WITH", "Products", "IN", "out", "FROM", "b"},
			Rule{Kind: Match, Pattern: "*", Destination: Products, DestPrefix: "out", DestStep: "b"}, nil, 0},
		{"match both prefixes", []string{"MATCH", "p", "IN", "s", "WITH", "PRODUCTS", "IN", "d", "FROM", "b"},
			Rule{Kind: Match, Pattern: "p", SourcePrefix: "s", Destination: Products, DestPrefix: "d", DestStep: "b"}, nil, 0},
		{"keywords as values", []string{"MATCH", "WITH", "IN", "WITH", "WITH", "PRODUCTS", "IN", "FROM", "FROM", "FROM"},
			Rule{Kind: Match, Pattern: "WITH", SourcePrefix: "WITH", Destination: Products, DestPrefix: "FROM", DestStep: "FROM"}, nil, 0},
		{"empty step name", []string{"MATCH", "*", "WITH", "PRODUCTS", "FROM", ""},
			Rule{Kind: Match, Pattern: "*", Destination: Products}, nil, 0},

		{"nil", nil, Rule{}, ErrInvalidRule, 0},
		{"unknown keyword", []string{"COPY", "x"}, Rule{}, ErrInvalidRule, 0},
		{"non-ASCII keyword", []string{"CREATİ", "x"}, Rule{}, ErrInvalidRule, 0},
		{"keyword only", []string{"CREATE"}, Rule{}, ErrInvalidRule, 1},
		{"generic too long", []string{"CREATE", "a", "b"}, Rule{}, ErrInvalidRule, 2},
		{"match missing with", []string{"MATCH", "*", "FROM", "b"}, Rule{}, ErrInvalidRule, 2},
		{"match bad destination", []string{"MATCH", "*", "WITH", "ARTIFACTS", "FROM", "b"}, Rule{}, ErrInvalidRule, 3},
		{"match singular destination", []string{"MATCH", "*", "WITH", "PRODUCT", "FROM", "b"}, Rule{}, ErrInvalidRule, 3},
		{"match missing from", []string{"MATCH", "*", "WITH", "PRODUCTS", "b"}, Rule{}, ErrInvalidRule, 4},
		{"match missing step", []string{"MATCH", "*", "WITH", "PRODUCTS", "FROM"}, Rule{}, ErrInvalidRule, 5},
		{"match trailing", []string{"MATCH", "*", "WITH", "PRODUCTS", "FROM", "b", "x"}, Rule{}, ErrInvalidRule, 6},
		{"match dangling in", []string{"MATCH", "*", "IN"}, Rule{}, ErrInvalidRule, 3},
		{"match no pattern", []string{"MATCH"}, Rule{}, ErrInvalidRule, 1},
		{"match dest in without from", []string{"MATCH", "*", "WITH", "PRODUCTS", "IN", "d", "b"}, Rule{}, ErrInvalidRule, 6},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got, err := Parse(tt.in)
			if !errors.Is(err, tt.wantErr) {
				t.Fatalf("Parse(%q) error = %v, want %v", tt.in, err, tt.wantErr)
			}
			if err != nil {
				var re *Error
				if !errors.As(err, &re) {
					t.Fatalf("error %T is not *Error", err)
				}
				if re.Index != tt.wantIndex {
					t.Errorf("Index = %d, want %d (%v)", re.Index, tt.wantIndex, err)
				}
				return
			}
			if got != tt.want {
				t.Errorf("Parse(%q) = %+v, want %+v", tt.in, got, tt.want)
			}
		})
	}
}

func TestStrings(t *testing.T) {
	tests := []struct {
		in       []string
		want     []string
		wantLine string
	}{
		{[]string{"create", "foo"}, []string{"CREATE", "foo"}, "CREATE foo"},
		{[]string{"allow", "*"}, []string{"ALLOW", "*"}, "ALLOW '*'"},
		{[]string{"require", ""}, []string{"REQUIRE", ""}, "REQUIRE ''"},
		{[]string{"match", "a b", "in", "", "with", "products", "in", "d/", "from", "it's"},
			[]string{"MATCH", "a b", "WITH", "PRODUCTS", "IN", "d/", "FROM", "it's"},
			`MATCH 'a b' WITH PRODUCTS IN d/ FROM 'it'"'"'s'`},
		{[]string{"MATCH", "x", "IN", "src", "WITH", "materials", "FROM", "fetch"},
			[]string{"MATCH", "x", "IN", "src", "WITH", "MATERIALS", "FROM", "fetch"},
			"MATCH x IN src WITH MATERIALS FROM fetch"},
	}
	for _, tt := range tests {
		r, err := Parse(tt.in)
		if err != nil {
			t.Fatalf("Parse(%q): %v", tt.in, err)
		}
		if got := r.Strings(); !reflect.DeepEqual(got, tt.want) {
			t.Errorf("Strings() = %q, want %q", got, tt.want)
		}
		if got := r.String(); got != tt.wantLine {
			t.Errorf("String() = %s, want %s", got, tt.wantLine)
		}
	}
}

func TestParseAll(t *testing.T) {
	rules, err := ParseAll([][]string{{"ALLOW", "*"}, {"DISALLOW", "*"}})
	if err != nil || len(rules) != 2 || rules[1].Kind != Disallow {
		t.Fatalf("ParseAll = %v, %v", rules, err)
	}
	_, err = ParseAll([][]string{{"ALLOW", "*"}, {"FOO"}})
	if !errors.Is(err, ErrInvalidRule) || !strings.HasPrefix(err.Error(), "rule 1: ") {
		t.Fatalf("ParseAll error = %v", err)
	}
}

func TestErrorMessage(t *testing.T) {
	_, err := Parse([]string{"MATCH", "*", "WITH", "ARTIFACTS", "FROM", "b"})
	want := `invalid artifact rule ["MATCH" "*" "WITH" "ARTIFACTS" "FROM" "b"] at element 3 "ARTIFACTS": expected MATERIALS or PRODUCTS after WITH`
	if err == nil || err.Error() != want {
		t.Fatalf("error = %v\nwant    %s", err, want)
	}
}

// checkRoundTrip asserts the canonical form of an accepted rule parses back
// to the same rule and is a fixed point.
func checkRoundTrip(t *testing.T, in []string) {
	t.Helper()
	r, err := Parse(in)
	if err != nil {
		return
	}
	again, err := Parse(r.Strings())
	if err != nil {
		t.Fatalf("Parse(%q).Strings() = %q does not parse: %v", in, r.Strings(), err)
	}
	if again != r {
		t.Fatalf("round trip of %q: %+v != %+v", in, again, r)
	}
	if !reflect.DeepEqual(again.Strings(), r.Strings()) {
		t.Fatalf("Strings not a fixed point for %q", in)
	}
}

// vocabulary for generated rules: keywords in several cases, values that
// look like keywords, and plain values.
var vocabulary = []string{
	"MATCH", "match", "Match", "CREATE", "delete", "Modify", "ALLOW", "disallow", "REQUIRE",
	"IN", "in", "WITH", "with", "FROM", "from", "MATERIALS", "materials", "PRODUCTS", "Products",
	"product", "x", "", "*", "a b", "foo/*.py", "İn", "ＩＮ",
}

// generateRules returns a deterministic mix of random and nearly valid rules.
func generateRules(n int) [][]string {
	rng := rand.New(rand.NewPCG(1, 2))
	templates := [][]string{
		{"MATCH", "p", "WITH", "PRODUCTS", "FROM", "s"},
		{"MATCH", "p", "IN", "a", "WITH", "MATERIALS", "FROM", "s"},
		{"MATCH", "p", "WITH", "PRODUCTS", "IN", "b", "FROM", "s"},
		{"MATCH", "p", "IN", "a", "WITH", "MATERIALS", "IN", "b", "FROM", "s"},
		{"CREATE", "p"},
	}
	out := make([][]string, 0, n)
	for len(out) < n {
		var r []string
		if rng.IntN(2) == 0 {
			r = make([]string, rng.IntN(12))
			for i := range r {
				r[i] = vocabulary[rng.IntN(len(vocabulary))]
			}
		} else {
			r = append([]string(nil), templates[rng.IntN(len(templates))]...)
			for range rng.IntN(3) {
				switch i := rng.IntN(len(r) + 1); {
				case i == len(r):
					r = append(r, vocabulary[rng.IntN(len(vocabulary))])
				case rng.IntN(2) == 0:
					r = append(r[:i], r[i+1:]...)
				default:
					r[i] = vocabulary[rng.IntN(len(vocabulary))]
				}
			}
		}
		out = append(out, r)
	}
	return out
}

func TestRoundTripGenerated(t *testing.T) {
	for _, r := range generateRules(5000) {
		checkRoundTrip(t, r)
	}
}

// requireReference skips (or, with CI set, fails) when the Python reference
// implementation is not installed.
func requireReference(t *testing.T) {
	t.Helper()
	reftest.Require(t)
}

// TestParseMatchesReference runs the reference's unpack_rule over thousands
// of generated rules and checks that Parse accepts exactly the same ones
// with the same fields.
func TestParseMatchesReference(t *testing.T) {
	requireReference(t)
	rules := generateRules(4000)
	in, err := json.Marshal(rules)
	if err != nil {
		t.Fatal(err)
	}
	cmd := exec.Command("/usr/bin/python3", "testdata/unpack_rules.py")
	cmd.Stdin = bytes.NewReader(in)
	cmd.Stderr = os.Stderr
	out, err := cmd.Output()
	if err != nil {
		t.Fatalf("reference: %v", err)
	}
	var ref []map[string]string
	if err := json.Unmarshal(out, &ref); err != nil {
		t.Fatal(err)
	}
	if len(ref) != len(rules) {
		t.Fatalf("reference answered %d rules, want %d", len(ref), len(rules))
	}
	accepted := 0
	for i, elems := range rules {
		got, err := Parse(elems)
		if (err == nil) != (ref[i] != nil) {
			t.Fatalf("rule %q: Parse error = %v, reference result = %v", elems, err, ref[i])
		}
		if err != nil {
			continue
		}
		accepted++
		if want := fromReference(ref[i]); got != want {
			t.Errorf("rule %q: Parse = %+v, reference = %+v", elems, got, want)
		}
	}
	if accepted < 500 {
		t.Fatalf("only %d generated rules were valid; the generator is too weak", accepted)
	}
}

func fromReference(m map[string]string) Rule {
	r := Rule{Kind: kindOf(m["rule_type"]), Pattern: m["pattern"]}
	if r.Kind == Match {
		r.SourcePrefix, r.DestPrefix, r.DestStep = m["source_prefix"], m["dest_prefix"], m["dest_name"]
		r.Destination = Materials
		if m["dest_type"] == "products" {
			r.Destination = Products
		}
	}
	return r
}

func FuzzParse(f *testing.F) {
	f.Add("MATCH\x00*\x00IN\x00src\x00WITH\x00PRODUCTS\x00IN\x00dst\x00FROM\x00build")
	f.Add("create\x00foo")
	f.Add("MATCH\x00*\x00WITH")
	f.Fuzz(func(t *testing.T, joined string) {
		elems := strings.Split(joined, "\x00")
		r, err := Parse(elems)
		if err != nil {
			var re *Error
			if !errors.As(err, &re) || re.Index < 0 || re.Index > len(elems) {
				t.Fatalf("bad error %#v", err)
			}
			_ = err.Error()
			return
		}
		_ = r.String()
		checkRoundTrip(t, elems)
	})
}
