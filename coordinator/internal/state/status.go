package state

import (
	"fmt"
	"slices"
)

// ThresholdStatus is where a request stands against its threshold, in the
// manner of TUF's threshold status: which allowed keys signed (and count),
// which are missing, which rejected, which were revoked.
type ThresholdStatus struct {
	Threshold int      `json:"threshold"`
	Signed    []string `json:"signed"`
	Missing   []string `json:"missing"`
	Rejected  []string `json:"rejected"`
	Revoked   []string `json:"revoked"`
	// Disagreeing lists, for step-collect requests, the keys whose links
	// differ from the largest agreeing group.
	Disagreeing []string `json:"disagreeing,omitempty"`
	// Met: at least Threshold distinct public keys signed (for
	// step-collect: submitted agreeing links).
	Met bool `json:"met"`
	// Reachable: the signatures still possible could meet the threshold.
	Reachable bool `json:"reachable"`
	// Disagreements lists, for step-collect requests, the artifacts in
	// which submitted links differ from the largest agreeing group.
	Disagreements []ArtifactDiff `json:"disagreements,omitempty"`
}

// Status evaluates request id against its threshold.
func (s *State) Status(id string) (ThresholdStatus, error) {
	r, ok := s.Requests[id]
	if !ok {
		return ThresholdStatus{}, fmt.Errorf("%w: %q", ErrUnknownRequest, id)
	}
	return s.evaluate(r), nil
}

func (s *State) active(keyID string) bool {
	k, ok := s.Keys[keyID]
	return ok && k.Status == KeyActive
}

// evaluate counts distinct fingerprints of active keys.
func (s *State) evaluate(r *Request) ThresholdStatus {
	ts := ThresholdStatus{Threshold: r.Policy.Threshold, Signed: []string{}, Missing: []string{}, Rejected: []string{}, Revoked: []string{}}
	counted := map[string]bool{} // fingerprints that count
	done := map[string]bool{}    // fingerprints that signed, submitted or rejected
	signedIDs := map[string]bool{}
	if r.Kind == KindStepCollect {
		best, diffs := s.bestGroup(r)
		ts.Disagreements = diffs
		for _, sub := range r.Submissions {
			done[sub.Fingerprint] = true
			if sub.Group == best && s.active(sub.KeyID) {
				counted[sub.Fingerprint], signedIDs[sub.KeyID] = true, true
			}
		}
	} else {
		for _, a := range r.Approvals {
			done[a.Fingerprint] = true
			if s.active(a.KeyID) {
				counted[a.Fingerprint], signedIDs[a.KeyID] = true, true
			}
		}
	}
	for _, x := range r.Rejections {
		done[x.Fingerprint] = true
	}
	possible := map[string]bool{}
	for _, id := range r.Policy.Keys {
		s.classify(r, id, &ts, signedIDs, done, possible)
	}
	ts.Met = len(counted) >= ts.Threshold
	ts.Reachable = ts.Met || len(counted)+len(possible) >= ts.Threshold
	return ts
}

// classify files policy key id under signed, rejected, revoked or missing,
// and adds it to possible if it could still sign.
func (s *State) classify(r *Request, id string, ts *ThresholdStatus, signed, done, possible map[string]bool) {
	k, ok := s.Keys[id]
	switch {
	case !ok || k.Status == KeyRevoked:
		ts.Revoked = append(ts.Revoked, id)
	case signed[id]:
		ts.Signed = append(ts.Signed, id)
	case slices.ContainsFunc(r.Rejections, func(x Rejection) bool { return x.KeyID == id }):
		ts.Rejected = append(ts.Rejected, id)
	case done[k.Fingerprint]:
		// submitted a link that disagrees with the largest group: neither
		// counted nor still possible.
		ts.Disagreeing = append(ts.Disagreeing, id)
	default:
		ts.Missing = append(ts.Missing, id)
		if k.Identity != r.Requester {
			possible[k.Fingerprint] = true
		}
	}
}
