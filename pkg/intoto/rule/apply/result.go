package apply

import (
	"errors"
	"fmt"
	"strings"
	"unicode/utf8"

	"github.com/signet-dev/signet/pkg/intoto/rule"
)

// Errors returned by Rules. A *Failure matches ErrRuleFailed and exactly one
// of ErrDisallowed, ErrRequiredMissing and ErrSourceNotArtifact.
var (
	// ErrRuleFailed is matched by every *Failure: the artifacts do not
	// satisfy the rules.
	ErrRuleFailed = errors.New("artifact rule failed")
	// ErrDisallowed: a DISALLOW rule matched artifacts still in the queue.
	ErrDisallowed = errors.New("DISALLOW rule matched artifacts")
	// ErrRequiredMissing: a REQUIRE rule's path was not in the queue.
	ErrRequiredMissing = errors.New("REQUIRE rule did not find its artifact")
	// ErrSourceNotArtifact: a MATCH rule's source prefix joined with a
	// matched path names a path that is not one of the item's artifacts
	// (possible only with "//" or "\" in paths; the reference crashes with
	// a KeyError there).
	ErrSourceNotArtifact = errors.New("MATCH rule source path is not an artifact")
	// ErrInvalidInput: Rules was called with an unknown artifact source or
	// rule kind (a programming error, not a verification failure).
	ErrInvalidInput = errors.New("invalid input to artifact rule application")
)

// Result records how the rules consumed the queue.
type Result struct {
	// Item is Context.Item.
	Item string `json:"item"`
	// Source says whether the queue was built from the materials or the
	// products; SourceType is the same as "materials" or "products".
	Source     rule.Destination `json:"-"`
	SourceType string           `json:"source_type"`
	// Initial is the queue before the first rule, sorted.
	Initial []string `json:"initial"`
	// Trace has one entry per rule applied successfully, in order.
	Trace []TraceEntry `json:"trace"`
	// Remaining is the queue after the last rule applied, sorted.
	Remaining []string `json:"remaining"`
}

// TraceEntry says what one rule consumed.
type TraceEntry struct {
	// Index is the rule's position (0-based) in the list given to Rules.
	Index int `json:"index"`
	// Rule is the rule in canonical list form.
	Rule []string `json:"rule"`
	// Consumed are the paths the rule removed from the queue, sorted; empty
	// (never nil) for DISALLOW, REQUIRE and rules that matched nothing.
	Consumed []string `json:"consumed"`
}

// QueueAfter returns the sorted queue after the first n trace entries
// (QueueAfter(0) is Initial), like the queues the reference prints in its
// rule traceback.
func (r *Result) QueueAfter(n int) []string {
	gone := map[string]bool{}
	for _, e := range r.Trace[:min(max(n, 0), len(r.Trace))] {
		for _, p := range e.Consumed {
			gone[p] = true
		}
	}
	out := make([]string, 0, len(r.Initial))
	for _, p := range r.Initial {
		if !gone[p] {
			out = append(out, p)
		}
	}
	return out
}

// ConsumedBy returns the index of the rule that consumed path, or -1.
func (r *Result) ConsumedBy(path string) int {
	for _, e := range r.Trace {
		for _, p := range e.Consumed {
			if p == path {
				return e.Index
			}
		}
	}
	return -1
}

// Failure says which rule failed and on which artifacts.
type Failure struct {
	Item   string
	Source rule.Destination
	// Index is the failing rule's position (0-based) in the list.
	Index int
	Rule  rule.Rule
	// Artifacts are the paths involved, sorted: for DISALLOW the queued
	// paths it matched; for REQUIRE its path; for MATCH the joined source
	// path that is not an artifact.
	Artifacts []string
	// ConsumedBy is, for a REQUIRE failure, the index of the earlier rule
	// that consumed the required path, or -1 when the item never had it.
	ConsumedBy int
	// Err is ErrDisallowed, ErrRequiredMissing or ErrSourceNotArtifact.
	Err error
	// Misses explain, for a DISALLOW failure, why earlier MATCH rules did
	// not consume the artifacts (at most 10).
	Misses []Miss
}

// Unwrap returns the specific sentinel error.
func (f *Failure) Unwrap() error { return f.Err }

// Is makes errors.Is(err, ErrRuleFailed) true.
func (f *Failure) Is(target error) bool { return target == ErrRuleFailed }

// Error implements error with a message that says what to do.
func (f *Failure) Error() string {
	where := fmt.Sprintf("expected_%s of %q, rule %d %s", strings.ToLower(f.Source.String()), f.Item, f.Index, clip(f.Rule.String()))
	switch f.Err {
	case ErrDisallowed:
		if len(f.Misses) > 0 {
			return fmt.Sprintf("%v: %s matched %d artifact(s) that no earlier rule consumed: %s; %s",
				ErrRuleFailed, where, len(f.Artifacts), listPaths(f.Artifacts), f.missText())
		}
		return fmt.Sprintf("%v: %s matched %d artifact(s) that no earlier rule consumed: %s; "+
			"consume them with an earlier rule (MATCH, CREATE, MODIFY, DELETE or ALLOW) if they are expected, "+
			"otherwise find out why the link records them", ErrRuleFailed, where, len(f.Artifacts), listPaths(f.Artifacts))
	case ErrRequiredMissing:
		why := fmt.Sprintf("the link does not record it among its %s", strings.ToLower(f.Source.String()))
		if f.ConsumedBy >= 0 {
			why = fmt.Sprintf("rule %d consumed it earlier; move the REQUIRE rule before that rule", f.ConsumedBy)
		}
		return fmt.Sprintf("%v: %s: %s is not in the queue: %s", ErrRuleFailed, where, listPaths(f.Artifacts), why)
	case ErrSourceNotArtifact:
		return fmt.Sprintf("%v: %s: joining the source prefix with a matched path gives %s, which is not one of the item's artifacts "+
			"(the reference implementation fails with a KeyError here); avoid \"//\" and \"\\\" in artifact paths under IN prefixes",
			ErrRuleFailed, where, listPaths(f.Artifacts))
	}
	return fmt.Sprintf("%v: %s: %v", ErrRuleFailed, where, f.Err)
}

func (a *applier) failure(i int, r rule.Rule, sentinel error, paths []string) *Failure {
	f := &Failure{Item: a.c.Item, Source: a.source, Index: i, Rule: r, Artifacts: paths, ConsumedBy: -1, Err: sentinel}
	if sentinel == ErrRequiredMissing {
		f.ConsumedBy = a.res.ConsumedBy(r.Pattern)
	}
	return f
}

// maxListed bounds how many paths an error message lists.
const maxListed = 10

func listPaths(paths []string) string {
	quoted := make([]string, 0, min(len(paths), maxListed))
	for _, p := range paths[:min(len(paths), maxListed)] {
		quoted = append(quoted, clip(fmt.Sprintf("%q", p)))
	}
	s := strings.Join(quoted, ", ")
	if extra := len(paths) - maxListed; extra > 0 {
		s += fmt.Sprintf(" and %d more", extra)
	}
	return s
}

// clip shortens s for an error message.
func clip(s string) string {
	const limit = 200
	if len(s) <= limit {
		return s
	}
	cut := limit
	for cut > 0 && !utf8.RuneStart(s[cut]) {
		cut--
	}
	return s[:cut] + "..."
}

// Text renders the trace for people, one line per rule, in the spirit of
// the reference's rule traceback: what each rule consumed and what was
// left. Every path is listed.
func (r *Result) Text() string {
	var b strings.Builder
	fmt.Fprintf(&b, "expected_%s of %q: queue of %d %s: %s\n", r.SourceType, r.Item, len(r.Initial), r.SourceType, quoteAll(r.Initial))
	for _, e := range r.Trace {
		fmt.Fprintf(&b, "rule %d %s: consumed %s\n", e.Index, ruleText(e.Rule), quoteAll(e.Consumed))
	}
	fmt.Fprintf(&b, "remaining: %s\n", quoteAll(r.Remaining))
	return b.String()
}

func quoteAll(paths []string) string {
	if len(paths) == 0 {
		return "nothing"
	}
	q := make([]string, len(paths))
	for i, p := range paths {
		q[i] = fmt.Sprintf("%q", p)
	}
	return strings.Join(q, ", ")
}

// ruleText prints a rule in list form as one shell-quoted line.
func ruleText(elems []string) string {
	r, err := rule.Parse(elems)
	if err != nil {
		return strings.Join(elems, " ")
	}
	return r.String()
}

func (f *Failure) missText() string {
	parts := make([]string, len(f.Misses))
	for i, m := range f.Misses {
		parts[i] = fmt.Sprintf("rule %d did not consume %q: %s", m.Index, m.Path, m.Reason)
	}
	return strings.Join(parts, "; ")
}
