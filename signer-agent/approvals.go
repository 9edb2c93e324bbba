package signeragent

import (
	"encoding/json"
	"errors"
	"fmt"
	"io/fs"
	"os"
	"path/filepath"
	"regexp"
	"slices"
	"strings"
	"time"

	"github.com/signet-dev/signet/pkg/atomicfile"
)

// Manual approval works through files in the agent's state directory, so
// that `signet agent pending|show|approve|reject` (other processes, run by
// a person) and the running agent need no other channel:
//
//	pending/<request>.<keyid8>.json    written by the agent: what waits for a person
//	decided/<request>.<keyid8>.json    written by approve/reject: the decision
//
// A decision names the digest the person saw; the agent signs only if it
// is still the digest of the request's payload.

// ErrNoSuchPending: no pending approval has that id.
var ErrNoSuchPending = errors.New("no such pending request")

// Pending is a request waiting for a person.
type Pending struct {
	RequestID string    `json:"request_id"`
	KeyID     string    `json:"key_id"`
	Kind      string    `json:"kind"`
	Digest    string    `json:"digest"`
	Rule      string    `json:"rule"`
	Since     time.Time `json:"since"`
	// Description is what Describe wrote, shown by `signet agent show`.
	Description string `json:"description"`
}

// Verdict is a person's decision on a pending request.
type Verdict struct {
	RequestID string    `json:"request_id"`
	KeyID     string    `json:"key_id"`
	Digest    string    `json:"digest"`
	Approve   bool      `json:"approve"`
	Reason    string    `json:"reason,omitempty"`
	By        string    `json:"by"`
	At        time.Time `json:"at"`
}

// Approvals is the approval area of a state directory.
type Approvals struct{ dir string }

// NewApprovals uses dir (the agent's state directory).
func NewApprovals(dir string) (*Approvals, error) {
	for _, sub := range []string{"pending", "decided"} {
		if err := os.MkdirAll(filepath.Join(dir, sub), 0o700); err != nil {
			return nil, fmt.Errorf("approvals: %w", err)
		}
	}
	return &Approvals{dir: dir}, nil
}

var idPattern = regexp.MustCompile(`^[A-Za-z0-9._:@-]{1,128}$`)

// PendingID names a pending approval: "<request>.<keyid8>".
func PendingID(requestID, keyID string) string { return requestID + "." + short(keyID) }

func (a *Approvals) path(sub, id string) (string, error) {
	if !idPattern.MatchString(id) || strings.Contains(id, "..") {
		return "", fmt.Errorf("%w: %q is not a pending request id", ErrNoSuchPending, id)
	}
	return filepath.Join(a.dir, sub, id+".json"), nil
}

// Add records a request waiting for a person (idempotent).
func (a *Approvals) Add(p Pending) error {
	path, err := a.path("pending", PendingID(p.RequestID, p.KeyID))
	if err != nil {
		return err
	}
	data, err := json.MarshalIndent(p, "", "  ")
	if err != nil {
		return err
	}
	return atomicfile.WriteFile(path, data, 0o600)
}

// List returns the pending requests, oldest first.
func (a *Approvals) List() ([]Pending, error) {
	entries, err := os.ReadDir(filepath.Join(a.dir, "pending"))
	if err != nil {
		return nil, fmt.Errorf("approvals: %w", err)
	}
	var out []Pending
	for _, e := range entries {
		if p, err := a.Get(strings.TrimSuffix(e.Name(), ".json")); err == nil {
			out = append(out, p)
		}
	}
	slices.SortFunc(out, func(x, y Pending) int { return x.Since.Compare(y.Since) })
	return out, nil
}

// Get returns one pending request by id.
func (a *Approvals) Get(id string) (Pending, error) {
	var p Pending
	path, err := a.path("pending", id)
	if err != nil {
		return p, err
	}
	data, err := readSmall(path)
	if errors.Is(err, fs.ErrNotExist) {
		return p, fmt.Errorf("%w: %s (see signet agent pending)", ErrNoSuchPending, id)
	}
	if err != nil {
		return p, err
	}
	if err := json.Unmarshal(data, &p); err != nil {
		return p, fmt.Errorf("approvals: %s: %w", path, err)
	}
	return p, nil
}

// Decide records a person's verdict on a pending request; digest must be
// the digest the person was shown.
func (a *Approvals) Decide(id string, v Verdict) error {
	p, err := a.Get(id)
	if err != nil {
		return err
	}
	if v.Digest != p.Digest {
		return fmt.Errorf("the request's digest is %s, not %s: look at it again with signet agent show %s", short(p.Digest), short(v.Digest), id)
	}
	v.RequestID, v.KeyID = p.RequestID, p.KeyID
	path, _ := a.path("decided", id)
	data, err := json.MarshalIndent(v, "", "  ")
	if err != nil {
		return err
	}
	return atomicfile.WriteFile(path, data, 0o600)
}

// Verdict returns the decision on a pending request, if a person made one.
func (a *Approvals) Verdict(requestID, keyID string) (Verdict, bool, error) {
	var v Verdict
	path, err := a.path("decided", PendingID(requestID, keyID))
	if err != nil {
		return v, false, err
	}
	data, err := readSmall(path)
	if errors.Is(err, fs.ErrNotExist) {
		return v, false, nil
	}
	if err != nil {
		return v, false, err
	}
	if err := json.Unmarshal(data, &v); err != nil {
		return v, false, fmt.Errorf("approvals: %s: %w", path, err)
	}
	return v, true, nil
}

// Done removes a request from the pending area once it was handled.
func (a *Approvals) Done(requestID, keyID string) {
	id := PendingID(requestID, keyID)
	for _, sub := range []string{"pending", "decided"} {
		if path, err := a.path(sub, id); err == nil {
			_ = os.Remove(path)
		}
	}
}

func readSmall(path string) ([]byte, error) {
	fi, err := os.Stat(path)
	if err != nil {
		return nil, err
	}
	if fi.Size() > 1<<20 {
		return nil, fmt.Errorf("approvals: %s is larger than 1 MiB", path)
	}
	return os.ReadFile(path)
}
