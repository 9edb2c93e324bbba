package signeragent

import (
	"fmt"
	"io"
	"maps"
	"slices"
	"strings"

	"github.com/signet-dev/signet/pkg/intoto"
)

// Describe writes what a person approving a request must see (`signet agent
// show`): the exact digest to be signed, and for a layout its steps,
// inspections, keys and expiry with the differences from the last released
// layout; for a link the step, the command next to the expected one, and
// the artifacts; for a statement its predicate type and subjects.
func Describe(w io.Writer, r Request, p *Prepared, released *intoto.Layout) error {
	var b strings.Builder
	fmt.Fprintf(&b, "request %s (%s) from %s\n", r.ID, r.Kind, orNone(r.Requester))
	fmt.Fprintf(&b, "signing digest (sha256 of DSSE PAE): %s\n", p.Digest)
	switch r.Kind {
	case "layout":
		lay, err := intoto.DecodeLayout(r.Payload)
		if err != nil {
			return err
		}
		describeLayout(&b, lay, released)
	case "link":
		in := p.Input
		fmt.Fprintf(&b, "step %q\n  command:  %q\n  expected: %q", in.Step, in.Command, in.ExpectedCommand)
		if !slices.Equal(in.Command, in.ExpectedCommand) {
			b.WriteString("   <- DIFFERENT")
		}
		fmt.Fprintf(&b, "\n  materials (%d): %s\n  products (%d): %s\n", len(in.Materials), list(in.Materials), len(in.Products), list(in.Products))
	case "statement":
		if s := p.Input.Statement; s != nil {
			fmt.Fprintf(&b, "predicate type %s\nsubjects (%d): %s\n", s.PredicateType, len(s.Subjects), list(s.Subjects))
		}
	}
	_, err := io.WriteString(w, b.String())
	return err
}

func describeLayout(b *strings.Builder, lay, prev *intoto.Layout) {
	fmt.Fprintf(b, "layout expires %s\n", lay.Expires)
	if prev == nil {
		b.WriteString("no layout was released before: everything below is new\n")
	}
	old := map[string]*intoto.Step{}
	if prev != nil {
		for i := range prev.Steps {
			old[prev.Steps[i].Name] = &prev.Steps[i]
		}
	}
	for _, s := range lay.Steps {
		mark := "  "
		o, had := old[s.Name]
		switch {
		case prev != nil && !had:
			mark = "+ "
		case had && !sameStep(o, &s):
			mark = "~ "
		}
		fmt.Fprintf(b, "%sstep %q: threshold %d of %s, expects %q\n", mark, s.Name, s.Threshold, shortIDs(s.PubKeys), s.ExpectedCommand)
		if had && !sameStep(o, &s) {
			describeStepChange(b, o, &s)
		}
		delete(old, s.Name)
	}
	for _, name := range sortedKeysOf(old) {
		fmt.Fprintf(b, "- step %q REMOVED\n", name)
	}
	for _, in := range lay.Inspect {
		fmt.Fprintf(b, "  inspection %q runs %q\n", in.Name, in.Run)
	}
	if prev != nil {
		describeKeys(b, lay, prev)
	}
}

func describeStepChange(b *strings.Builder, o, s *intoto.Step) {
	if o.Threshold != s.Threshold {
		fmt.Fprintf(b, "    threshold was %d\n", o.Threshold)
	}
	if !slices.Equal(o.ExpectedCommand, s.ExpectedCommand) {
		fmt.Fprintf(b, "    expected command was %q\n", o.ExpectedCommand)
	}
	if !slices.Equal(o.PubKeys, s.PubKeys) {
		fmt.Fprintf(b, "    keys were %s\n", shortIDs(o.PubKeys))
	}
	if fmt.Sprint(o.ExpectedMaterials, o.ExpectedProducts) != fmt.Sprint(s.ExpectedMaterials, s.ExpectedProducts) {
		fmt.Fprintf(b, "    artifact rules changed: materials %v -> %v, products %v -> %v\n",
			o.ExpectedMaterials, s.ExpectedMaterials, o.ExpectedProducts, s.ExpectedProducts)
	}
}

// describeKeys lists the keys added and removed since prev, in key id
// order so that the same change always reads the same.
func describeKeys(b *strings.Builder, lay, prev *intoto.Layout) {
	for _, id := range slices.Sorted(maps.Keys(lay.Keys)) {
		if _, ok := prev.Keys[id]; !ok {
			fmt.Fprintf(b, "+ key %s (%s)\n", short(id), lay.Keys[id].KeyType)
		}
	}
	for _, id := range slices.Sorted(maps.Keys(prev.Keys)) {
		if _, ok := lay.Keys[id]; !ok {
			fmt.Fprintf(b, "- key %s REMOVED\n", short(id))
		}
	}
}

func sameStep(a, b *intoto.Step) bool {
	return a.Threshold == b.Threshold && slices.Equal(a.ExpectedCommand, b.ExpectedCommand) &&
		slices.Equal(a.PubKeys, b.PubKeys) &&
		fmt.Sprint(a.ExpectedMaterials, a.ExpectedProducts) == fmt.Sprint(b.ExpectedMaterials, b.ExpectedProducts)
}

func sortedKeysOf(m map[string]*intoto.Step) []string {
	out := make([]string, 0, len(m))
	for k := range m {
		out = append(out, k)
	}
	slices.Sort(out)
	return out
}

func shortIDs(ids []string) string {
	out := make([]string, len(ids))
	for i, id := range ids {
		out[i] = short(id)
	}
	return "[" + strings.Join(out, " ") + "]"
}

func short(id string) string {
	if len(id) > 8 {
		return id[:8]
	}
	return id
}

func list(paths []string) string {
	const max = 20
	if len(paths) == 0 {
		return "(none)"
	}
	if len(paths) > max {
		return strings.Join(paths[:max], " ") + fmt.Sprintf(" ... and %d more", len(paths)-max)
	}
	return strings.Join(paths, " ")
}

func orNone(s string) string {
	if s == "" {
		return "(unknown)"
	}
	return s
}
