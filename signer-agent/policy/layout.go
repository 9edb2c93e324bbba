package policy

import (
	"slices"
	"time"

	"github.com/signet-dev/signet/pkg/intoto"
)

// LayoutFacts describe a layout to be signed and how it differs from the
// last released one.
type LayoutFacts struct {
	Expires                  time.Time
	Steps, Keys              []string
	Previous                 bool
	AddedSteps, RemovedSteps []string
	AddedKeys, RemovedKeys   []string
}

// DescribeLayout computes the facts of lay compared with prev (nil when no
// layout was released before).
func DescribeLayout(lay, prev *intoto.Layout) (*LayoutFacts, error) {
	exp, err := lay.ExpiresAt()
	if err != nil {
		return nil, err
	}
	f := &LayoutFacts{Expires: exp, Steps: stepNames(lay), Keys: keyIDs(lay), Previous: prev != nil}
	if prev != nil {
		f.AddedSteps, f.RemovedSteps = diff(f.Steps, stepNames(prev))
		f.AddedKeys, f.RemovedKeys = diff(f.Keys, keyIDs(prev))
	}
	return f, nil
}

func stepNames(l *intoto.Layout) []string {
	out := make([]string, 0, len(l.Steps))
	for _, s := range l.Steps {
		out = append(out, s.Name)
	}
	return out
}

func keyIDs(l *intoto.Layout) []string {
	out := make([]string, 0, len(l.Keys)+len(l.GPGKeys))
	for id := range l.Keys {
		out = append(out, id)
	}
	for id := range l.GPGKeys {
		out = append(out, id)
	}
	slices.Sort(out)
	return out
}

// diff returns what is in now and not in before, and the reverse.
func diff(now, before []string) (added, removed []string) {
	for _, s := range now {
		if !slices.Contains(before, s) {
			added = append(added, s)
		}
	}
	for _, s := range before {
		if !slices.Contains(now, s) {
			removed = append(removed, s)
		}
	}
	return added, removed
}
