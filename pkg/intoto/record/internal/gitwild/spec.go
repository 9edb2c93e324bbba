package gitwild

import "strings"

// Spec is an ordered list of compiled pattern lines, like a pathspec
// PathSpec built with PathSpec.from_lines("gitwildmatch", lines).
type Spec struct {
	patterns []Pattern // null lines already dropped
}

// NewSpec compiles lines in order. Empty strings are skipped, as
// from_lines does; any invalid line makes the whole Spec invalid.
func NewSpec(lines []string) (*Spec, error) {
	s := &Spec{}
	for _, line := range lines {
		if line == "" {
			continue
		}
		p, err := Compile(line)
		if err != nil {
			return nil, err
		}
		if !p.null {
			s.patterns = append(s.patterns, p)
		}
	}
	return s, nil
}

// Len returns the number of non-null lines.
func (s *Spec) Len() int { return len(s.patterns) }

// Match reports whether path is matched: the last line that matches the
// normalised path decides, and a negated line un-matches it.
func (s *Spec) Match(path string) bool {
	norm := Normalize(path)
	matched := false
	for i := range s.patterns {
		p := &s.patterns[i]
		if matched != p.negated {
			continue // this line cannot change the outcome
		}
		if p.MatchNormalized(norm) {
			matched = !p.negated
		}
	}
	return matched
}

// Normalize prepares a path for matching like pathspec's normalize_file on
// POSIX: one leading "/" is removed, or else one leading "./". Backslashes
// are not separators on POSIX and are left alone.
func Normalize(path string) string {
	if strings.HasPrefix(path, "/") {
		return path[1:]
	}
	return strings.TrimPrefix(path, "./")
}
