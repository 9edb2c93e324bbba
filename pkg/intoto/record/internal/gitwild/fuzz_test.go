package gitwild

import "testing"

// FuzzPattern checks that compiling and matching never panic, that the
// literal pre-filter never changes an answer, and that "!x" undoes "x".
func FuzzPattern(f *testing.F) {
	for _, s := range []string{"*.link*", ".git", "a/**/b", "[!]]", "[a-]", "\\#x", "**/", "!foo", "x\ny", "[[:alpha:]]"} {
		f.Add(s, "a/b/c.link")
	}
	f.Fuzz(func(t *testing.T, line, path string) {
		p, err := Compile(line)
		if err != nil {
			return
		}
		norm := Normalize(path)
		got := p.MatchNormalized(norm)
		if p.re != nil && got != p.re.MatchString(norm) {
			t.Fatalf("pre-filter %q changed the answer for line %q path %q", p.literal, line, path)
		}
		spec, err := NewSpec([]string{line})
		if err != nil {
			t.Fatalf("Compile accepted %q but NewSpec did not: %v", line, err)
		}
		if want := got && !p.Negated() && line != ""; spec.Match(path) != want {
			t.Fatalf("Spec.Match(%q) with line %q = %v, want %v", path, line, !want, want)
		}
		if p.Null() || p.Negated() || pyStrip(line) != line {
			return
		}
		both, err := NewSpec([]string{line, "!" + line})
		if err != nil {
			t.Fatalf("%q compiles but its negation does not: %v", line, err)
		}
		if both.Match(path) {
			t.Fatalf("lines %q then %q still match %q", line, "!"+line, path)
		}
	})
}
