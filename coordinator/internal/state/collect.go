package state

import (
	"bytes"
	"fmt"
	"slices"
	"sort"
	"strings"

	"github.com/signet-dev/signet/pkg/cjson"
	"github.com/signet-dev/signet/pkg/intoto"
)

// MaxDiffsPerLink bounds the artifact differences reported per link.
const MaxDiffsPerLink = 100

// ArtifactDiff is one artifact in which a submitted link differs from the
// largest agreeing group of a step-collect request. Want is the group's
// digest set and Got the link's, as "alg:hex" text; empty when absent.
type ArtifactDiff struct {
	KeyID string `json:"keyid"`
	Side  string `json:"side"` // "materials" or "products"
	Path  string `json:"path"`
	Want  string `json:"want"`
	Got   string `json:"got"`
}

func (s *State) submitLink(o *SubmitLink) (Result, error) {
	if len(o.Document) == 0 || len(o.Document) > MaxPayloadSize {
		return Result{}, fmt.Errorf("%w: document must be 1 to %d bytes", ErrInvalid, MaxPayloadSize)
	}
	if r, ok := s.Requests[o.RequestID]; ok && slices.ContainsFunc(r.Submissions, func(x Submission) bool { return bytes.Equal(x.Document, o.Document) }) {
		return Result{Phase: r.Phase, Subject: r.ID}, nil // a retry
	}
	r, err := s.pending(o.Stamp, o.RequestID)
	if err != nil {
		return Result{}, err
	}
	if r.Kind != KindStepCollect {
		return Result{}, fmt.Errorf("%w: request %s is a %s request; add a signature instead", ErrWrongKind, r.ID, r.Kind)
	}
	sub, err := s.checkSubmission(o, r)
	if err != nil {
		return Result{}, err
	}
	nr := *r
	nr.Submissions = append(slices.Clip(r.Submissions), sub)
	return s.commit(o.Stamp, &nr, "request.submit-link", "keyid="+sub.KeyID, sigDigests(o.Document))
}

// checkSubmission verifies a submitted link and returns its record.
func (s *State) checkSubmission(o *SubmitLink, r *Request) (Submission, error) {
	doc, err := intoto.ReadDocument(o.Document)
	if err != nil {
		return Submission{}, fmt.Errorf("%w: request %s: submitted document: %w", ErrInvalid, r.ID, err)
	}
	ids := doc.KeyIDs()
	if doc.Type() != intoto.TypeLink || len(ids) != 1 || ids[0] == "" {
		return Submission{}, fmt.Errorf("%w: request %s: submit a link signed by exactly one key, with its key id", ErrInvalid, r.ID)
	}
	k, err := s.signer(o.Stamp, r, ids[0])
	if err != nil {
		return Submission{}, err
	}
	if err := doc.VerifySignature(k.Key); err != nil {
		return Submission{}, fmt.Errorf("%w: key %s, request %s: %w", ErrBadSignature, k.Key.KeyID, r.ID, err)
	}
	l, err := doc.Link()
	if err != nil {
		return Submission{}, fmt.Errorf("%w: request %s: %w", ErrInvalid, r.ID, err)
	}
	if err := s.checkCollectedLink(r, l, k); err != nil {
		return Submission{}, err
	}
	if other, ok := s.UsedSigs[sigDigests(o.Document)[0]]; ok {
		return Submission{}, fmt.Errorf("%w: this link was submitted to request %s", ErrReplay, other)
	}
	group, err := groupOf(l)
	if err != nil {
		return Submission{}, fmt.Errorf("%w: request %s: %w", ErrInvalid, r.ID, err)
	}
	format := FormatMetablock
	if doc.Format() == intoto.FormatDSSE {
		format = FormatDSSE
	}
	return Submission{
		KeyID: k.Key.KeyID, Fingerprint: k.Fingerprint, Document: bytes.Clone(o.Document), Format: format,
		Group: group, Actor: o.Actor, At: o.At.UTC(),
	}, nil
}

func (s *State) checkCollectedLink(r *Request, l *intoto.Link, k *EnrolledKey) error {
	sc, err := decodeStepCollect(r.Payload)
	if err != nil {
		return err
	}
	if l.Name != sc.Step {
		return fmt.Errorf("%w: link name %q: request %s collects step %q", ErrConstraint, l.Name, r.ID, sc.Step)
	}
	if err := checkLinkConstraints(l, &r.Policy); err != nil {
		return err
	}
	for _, x := range r.Submissions {
		if x.Fingerprint == k.Fingerprint {
			return fmt.Errorf("%w: key %s already submitted a different link to request %s", ErrConflict, k.Key.KeyID, r.ID)
		}
	}
	for _, x := range r.Rejections {
		if x.Fingerprint == k.Fingerprint {
			return fmt.Errorf("%w: key %s already rejected request %s", ErrConflict, k.Key.KeyID, r.ID)
		}
	}
	return nil
}

// groupOf is the digest of a link's materials and products: links agree
// when their groups are equal.
func groupOf(l *intoto.Link) (string, error) {
	b, err := cjson.Marshal(map[string]any{"materials": l.Materials, "products": l.Products})
	if err != nil {
		return "", err
	}
	return digestOf(b), nil
}

// bestGroup returns the largest agreeing group of r's submissions (counting
// active keys; ties go to the group submitted first) and the differences of
// every other submission from it.
func (s *State) bestGroup(r *Request) (string, []ArtifactDiff) {
	size := map[string]int{}
	best := ""
	for _, sub := range r.Submissions {
		if s.active(sub.KeyID) {
			size[sub.Group]++
			if best == "" || size[sub.Group] > size[best] {
				best = sub.Group
			}
		}
	}
	var ref *intoto.Link
	var diffs []ArtifactDiff
	for _, sub := range r.Submissions {
		if sub.Group == best && ref == nil {
			ref = decodeSubmitted(sub)
		}
	}
	for _, sub := range r.Submissions {
		if sub.Group != best && ref != nil {
			if l := decodeSubmitted(sub); l != nil {
				diffs = append(diffs, diffLinks(sub.KeyID, ref, l)...)
			}
		}
	}
	return best, diffs
}

func decodeSubmitted(sub Submission) *intoto.Link {
	doc, err := intoto.ReadDocument(sub.Document)
	if err != nil {
		return nil
	}
	l, err := doc.Link()
	if err != nil {
		return nil
	}
	return l
}

func diffLinks(keyID string, want, got *intoto.Link) []ArtifactDiff {
	out := diffArtifacts(keyID, "materials", want.Materials, got.Materials)
	out = append(out, diffArtifacts(keyID, "products", want.Products, got.Products)...)
	if len(out) > MaxDiffsPerLink {
		out = out[:MaxDiffsPerLink]
	}
	return out
}

func diffArtifacts(keyID, side string, want, got intoto.ArtifactMap) []ArtifactDiff {
	paths := map[string]bool{}
	for p := range want {
		paths[p] = true
	}
	for p := range got {
		paths[p] = true
	}
	var out []ArtifactDiff
	for _, p := range sortedKeys(paths) {
		w, g := digestText(want[p]), digestText(got[p])
		if w != g {
			out = append(out, ArtifactDiff{KeyID: keyID, Side: side, Path: p, Want: w, Got: g})
		}
	}
	return out
}

func digestText(d intoto.DigestSet) string {
	parts := make([]string, 0, len(d))
	for alg, hex := range d {
		parts = append(parts, alg+":"+hex)
	}
	sort.Strings(parts)
	return strings.Join(parts, ",")
}

func sortedKeys(m map[string]bool) []string {
	out := make([]string, 0, len(m))
	for k := range m {
		out = append(out, k)
	}
	sort.Strings(out)
	return out
}

// assembleCollect releases the links of the agreeing group, each as
// submitted, under its "<step>.<keyid8>.link" name.
func (s *State) assembleCollect(r *Request) ([]File, error) {
	sc, err := decodeStepCollect(r.Payload)
	if err != nil {
		return nil, err
	}
	best, _ := s.bestGroup(r)
	var files []File
	for _, sub := range r.Submissions {
		if sub.Group == best && s.active(sub.KeyID) {
			files = append(files, File{LinkFileName(sc.Step, sub.KeyID), sub.Format, bytes.Clone(sub.Document)})
		}
	}
	return files, nil
}
