package verify

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"io"
	"io/fs"
	"path"
	"runtime"
	"slices"
	"strings"
	"sync"

	"github.com/signet-dev/signet/pkg/gpg"
	"github.com/signet-dev/signet/pkg/intoto"
	"github.com/signet-dev/signet/pkg/intoto/rule"
	"github.com/signet-dev/signet/pkg/intoto/rule/apply"
	"github.com/signet-dev/signet/pkg/keys"
)

// item is a step or inspection with its parsed rules.
type item struct {
	name                string // display name (with the sublayout prefix)
	materials, products []rule.Rule
}

// parseItems parses the rules of every step and inspection (after
// parameter substitution, which can change them).
func parseItems(lay *intoto.Layout, prefix string) ([]item, error) {
	items := make([]item, 0, len(lay.Steps)+len(lay.Inspect))
	add := func(name string, mat, prod [][]string) error {
		it := item{name: prefix + name}
		var err error
		if it.materials, err = rule.ParseAll(mat); err != nil {
			return fail(StageLayout, it.name, ErrInvalidLayout, "expected_materials: %v", err)
		}
		if it.products, err = rule.ParseAll(prod); err != nil {
			return fail(StageLayout, it.name, ErrInvalidLayout, "expected_products: %v", err)
		}
		items = append(items, it)
		return nil
	}
	for _, s := range lay.Steps {
		if err := add(s.Name, s.ExpectedMaterials, s.ExpectedProducts); err != nil {
			return nil, err
		}
	}
	for _, in := range lay.Inspect {
		if err := add(in.Name, in.ExpectedMaterials, in.ExpectedProducts); err != nil {
			return nil, err
		}
	}
	return items, nil
}

// chain verifies the links, thresholds, rules and inspections of one
// layout.
type chain struct {
	v      *verifier
	lay    *intoto.Layout
	links  fs.FS
	prefix string
	depth  int
	rep    *Report
	// found holds, per step, the links that were read, in the order of
	// the step's authorized keys.
	found [][]*candidate
	// reduced is the first accepted link of each step, by step name, and
	// sorted its paths when known.
	reduced apply.Links
	sorted  map[string][2][]string
}

// candidate is one link file of a step.
type candidate struct {
	keyID string
	key   keys.Key
	gpg   *gpg.PublicKey // set instead of key for a GPG key (the main key)
	file  string
	doc   *intoto.Document
	link  *intoto.Link // the link, or a sublayout's summary link
	// sorted are the link's material and product paths in order, when the
	// decoder had them (nil otherwise).
	sorted [2][]string
	fp     string // the signer's public key fingerprint
	check  *LinkCheck
}

func (c *chain) run(ctx context.Context, items []item) error {
	steps := items[:len(c.lay.Steps)]
	for _, f := range []func(context.Context) error{c.load, c.verifyLinks, c.sublayouts, c.commands, c.thresholds} {
		if err := f(ctx); err != nil {
			return err
		}
	}
	if err := c.rules(steps, c.reduced, StageStepRules, c.stepRuleReports()); err != nil {
		return err
	}
	return c.inspections(ctx, items[len(c.lay.Steps):])
}

func (c *chain) item(name string) string { return c.prefix + name }

// load reads the link files of every step: "<step>.<keyid[:8]>.link" for
// each authorized key id, as the reference's load_links_for_layout does.
func (c *chain) load(ctx context.Context) error {
	c.found = make([][]*candidate, len(c.lay.Steps))
	pre := c.prefetch(ctx)
	for i, s := range c.lay.Steps {
		sr := StepReport{Name: s.Name, Threshold: s.Threshold, Links: []LinkCheck{}}
		c.rep.Steps = append(c.rep.Steps, sr)
		rep := &c.rep.Steps[len(c.rep.Steps)-1]
		var looked []string
		for _, id := range c.fileKeyIDs(s.PubKeys) {
			if err := ctx.Err(); err != nil {
				return err
			}
			file := fmt.Sprintf("%s.%s.link", s.Name, shortID(id))
			r := pre[file]
			doc, err := r.doc, r.err
			if errors.Is(err, fs.ErrNotExist) {
				rep.Links = append(rep.Links, LinkCheck{File: file, KeyID: id, Status: StatusMissing, Reason: "no such file"})
				looked = append(looked, file)
				continue
			}
			if err != nil {
				return fail(StageLinks, c.item(s.Name), ErrBadLink, "%s: %v", file, err)
			}
			rep.Links = append(rep.Links, LinkCheck{File: file, KeyID: id, Status: StatusFound, Format: doc.Format().String()})
			cand := &candidate{keyID: id, key: c.lay.Keys[id], file: file, doc: doc}
			if d, ok := c.lay.GPGKey(id); ok {
				if cand.gpg, err = d.PublicKey(); err != nil {
					return fail(StageLinks, c.item(s.Name), ErrInvalidLayout, "GPG key %s: %v", shortID(id), err)
				}
			}
			c.found[i] = append(c.found[i], cand)
		}
		if len(c.found[i]) < s.Threshold {
			e := fail(StageLinks, c.item(s.Name), ErrLinkNotFound, "step %q requires %d link file(s), found %d; missing: %s",
				s.Name, s.Threshold, len(c.found[i]), strings.Join(looked, ", "))
			e.Hint = "run the step with in-toto-run/signet run as an authorized functionary, and pass the directory holding the links with --link-dir"
			return e
		}
	}
	return nil
}

type readResult struct {
	doc *intoto.Document
	err error
}

// prefetch reads and decodes every link file of the layout at once, on as
// many goroutines as there are CPUs: decoding large links is most of the
// work of a verification.
func (c *chain) prefetch(ctx context.Context) map[string]readResult {
	var files []string
	seen := map[string]bool{}
	for _, s := range c.lay.Steps {
		for _, id := range c.fileKeyIDs(s.PubKeys) {
			if f := fmt.Sprintf("%s.%s.link", s.Name, shortID(id)); !seen[f] {
				seen[f] = true
				files = append(files, f)
			}
		}
	}
	results := make([]readResult, len(files))
	var wg sync.WaitGroup
	sem := make(chan struct{}, runtime.GOMAXPROCS(0))
	for i, f := range files {
		if ctx.Err() != nil {
			results[i].err = ctx.Err()
			continue
		}
		sem <- struct{}{}
		wg.Go(func() {
			defer func() { <-sem }()
			doc, err := c.readLink(f)
			results[i] = readResult{doc, err}
		})
	}
	wg.Wait()
	out := make(map[string]readResult, len(files))
	for i, f := range files {
		out[f] = results[i]
	}
	return out
}

// readLink reads and decodes one link file, within the size limit.
func (c *chain) readLink(name string) (*intoto.Document, error) {
	f, err := c.links.Open(name)
	if err != nil {
		return nil, err
	}
	defer f.Close()
	max := c.v.opts.maxLinkBytes()
	buf := bytes.NewBuffer(nil)
	if fi, err := f.Stat(); err == nil && fi.Size() > 0 && fi.Size() <= max {
		buf.Grow(int(fi.Size()) + bytes.MinRead)
	}
	if _, err := buf.ReadFrom(io.LimitReader(f, max+1)); err != nil {
		return nil, err
	}
	data := buf.Bytes()
	if int64(len(data)) > max {
		return nil, fmt.Errorf("the file is larger than the limit of %d bytes", max)
	}
	return intoto.ReadDocumentNoCopy(data) // data is ours: never modified
}

// verifyLinks checks each link's signature by the key it is named after,
// its type and its name, and the number of distinct signers.
func (c *chain) verifyLinks(ctx context.Context) error {
	reasons := c.checkAll(ctx)
	for i, s := range c.lay.Steps {
		rep := &c.rep.Steps[i]
		for j, cand := range c.found[i] {
			cand.check = findCheck(rep, cand.file)
			if reason := reasons[i][j]; reason != "" {
				cand.check.Status, cand.check.Reason = StatusRejected, reason
				continue
			}
			cand.check.Status = StatusAccepted
		}
		rep.Accepted = len(c.signers(i))
		if rep.Accepted < s.Threshold {
			return c.thresholdError(&s, rep)
		}
	}
	return nil
}

// checkAll checks every candidate link (signature, type, name) on as many
// goroutines as there are CPUs: verifying signatures over large links
// hashes all of their bytes. It returns the reasons by step and
// candidate, "" for links that count.
func (c *chain) checkAll(ctx context.Context) [][]string {
	reasons := make([][]string, len(c.found))
	var wg sync.WaitGroup
	sem := make(chan struct{}, runtime.GOMAXPROCS(0))
	for i := range c.found {
		reasons[i] = make([]string, len(c.found[i]))
		for j, cand := range c.found[i] {
			if ctx.Err() != nil {
				reasons[i][j] = ctx.Err().Error()
				continue
			}
			sem <- struct{}{}
			wg.Go(func() {
				defer func() { <-sem }()
				reasons[i][j] = c.checkLink(&c.lay.Steps[i], cand)
			})
		}
	}
	wg.Wait()
	return reasons
}

func findCheck(rep *StepReport, file string) *LinkCheck {
	for j := range rep.Links {
		if rep.Links[j].File == file && rep.Links[j].Status == StatusFound {
			return &rep.Links[j]
		}
	}
	return &LinkCheck{File: file}
}

// checkLink returns why cand does not count for step s ("" if it does).
func (c *chain) checkLink(s *intoto.Step, cand *candidate) string {
	if reason := c.checkSignature(cand); reason != "" {
		return reason
	}
	switch cand.doc.Type() {
	case intoto.TypeLink:
		l, err := cand.doc.DecodedLink()
		if err != nil {
			return fmt.Sprintf("not a valid link: %v", err)
		}
		if l.Name != s.Name {
			return fmt.Sprintf("the link is for step %q, not %q (the link's name must equal the step's; "+
				"the reference implementation does not check this, Signet does)", l.Name, s.Name)
		}
		cand.link = l
		if m, p, ok := cand.doc.SortedPaths(); ok {
			cand.sorted = [2][]string{m, p}
		}
	case intoto.TypeLayout:
		// A sublayout; verified by sublayouts.
	default:
		return fmt.Sprintf("a %q document, not a link or a sublayout", cand.doc.Type())
	}
	return ""
}

// checkSignature checks that the key cand is named after signed it, and
// sets cand.fp, the public key identity thresholds count.
func (c *chain) checkSignature(cand *candidate) string {
	if cand.gpg != nil {
		cand.fp = "gpg:" + cand.gpg.Fingerprint
		if err := cand.doc.VerifyGPGSignature(cand.gpg, c.v.opts.Now); err != nil {
			return fmt.Sprintf("the GPG signature by key %s (or its subkeys) does not verify: %v", shortID(cand.gpg.Fingerprint), err)
		}
		return ""
	}
	fp, err := cand.key.Fingerprint()
	if err != nil {
		return fmt.Sprintf("the layout's key %s is unusable: %v", shortID(cand.keyID), err)
	}
	cand.fp = fp
	if err := cand.doc.VerifySignature(cand.key); err != nil {
		if errors.Is(err, intoto.ErrNoSignature) {
			return fmt.Sprintf("not signed by the authorized key %s it is named after (signed by: %s)",
				shortID(cand.keyID), strings.Join(shortIDs(cand.doc.KeyIDs()), ", "))
		}
		return fmt.Sprintf("the signature by key %s does not verify: %v; the link was changed after signing or signed by another key",
			shortID(cand.keyID), err)
	}
	return ""
}

// fileKeyIDs returns the key ids whose link files a step's links are read
// from: each authorized key id, followed, for a GPG main key, by its
// subkeys' ids (as the reference does).
func (c *chain) fileKeyIDs(pubkeys []string) []string {
	var out []string
	for _, id := range pubkeys {
		out = append(out, id)
		if d, ok := c.lay.GPGKeys[id]; ok {
			subs := make([]string, 0, len(d.Subkeys))
			for sub := range d.Subkeys {
				subs = append(subs, sub)
			}
			slices.Sort(subs)
			out = append(out, subs...)
		}
	}
	return out
}

// signers returns the accepted candidates of step i with distinct public
// keys (the first link of each key).
func (c *chain) signers(i int) []*candidate {
	seen := map[string]bool{}
	var out []*candidate
	for _, cand := range c.found[i] {
		if cand.check.Status != StatusAccepted || seen[cand.fp] {
			continue
		}
		seen[cand.fp] = true
		out = append(out, cand)
	}
	return out
}

func (c *chain) accepted(i int) []*candidate {
	var out []*candidate
	for _, cand := range c.found[i] {
		if cand.check.Status == StatusAccepted {
			out = append(out, cand)
		}
	}
	return out
}

func (c *chain) thresholdError(s *intoto.Step, rep *StepReport) error {
	var why []string
	for _, l := range rep.Links {
		r := l.Status
		if l.Reason != "" {
			r += ": " + l.Reason
		}
		why = append(why, fmt.Sprintf("%s: %s", l.File, r))
	}
	dup := ""
	if n := len(c.accepted(c.stepIndex(s.Name))); n > rep.Accepted {
		dup = fmt.Sprintf(" (%d accepted links, but signed by only %d distinct public key(s): one key listed under several key ids counts once)", n, rep.Accepted)
	}
	e := fail(StageLinkSignatures, c.item(s.Name), ErrThreshold,
		"step %q requires %d link(s) validly signed by distinct authorized functionaries, found %d%s; links considered: %s",
		s.Name, s.Threshold, rep.Accepted, dup, strings.Join(why, "; "))
	e.Hint = "each functionary must sign its own link with a key listed in the step's pubkeys"
	return e
}

func (c *chain) stepIndex(name string) int {
	for i := range c.lay.Steps {
		if c.lay.Steps[i].Name == name {
			return i
		}
	}
	return -1
}

// sublayouts verifies every accepted sublayout with the key that signed it
// and replaces it by its summary link.
func (c *chain) sublayouts(ctx context.Context) error {
	for i, s := range c.lay.Steps {
		for _, cand := range c.accepted(i) {
			if cand.doc.Type() != intoto.TypeLayout {
				continue
			}
			if c.depth+1 > c.v.opts.maxDepth() {
				return fail(StageSublayouts, c.item(s.Name), ErrSublayout, "sublayouts nest deeper than %d levels", c.v.opts.maxDepth())
			}
			dir := fmt.Sprintf("%s.%s", s.Name, shortID(cand.keyID))
			sub, err := fs.Sub(c.links, dir)
			if err != nil {
				return fail(StageSublayouts, c.item(s.Name), ErrSublayout, "link directory %s: %v", dir, err)
			}
			subRep := newReport()
			c.rep.Steps[i].Sublayout = subRep
			o := owners{keys: []keys.Key{cand.key}}
			if cand.gpg != nil {
				o = owners{gpg: []*gpg.PublicKey{cand.gpg}}
			}
			l, err := c.v.layout(ctx, cand.doc, o, sub, nil, c.depth+1, c.item(s.Name)+"/", subRep)
			if err != nil {
				e := asError(err)
				return &Error{Stage: StageSublayouts, Item: e.Item, Hint: e.Hint,
					Err: fmt.Errorf("%w: sublayout %s (links in %s/): %w", ErrSublayout, cand.file, path.Join(".", dir), e.Err)}
			}
			l.Name = s.Name
			cand.link, cand.sorted = l, [2][]string{}
		}
	}
	return nil
}

// commands warns when a link's command differs from the step's expected
// command (the spec says this must not fail verification).
func (c *chain) commands(context.Context) error {
	for i, s := range c.lay.Steps {
		for _, cand := range c.accepted(i) {
			if !equalStrings(cand.link.Command, s.ExpectedCommand) {
				c.rep.warn("%s: %s ran %q, the layout expects %q", c.item(s.Name), cand.file, cand.link.Command, s.ExpectedCommand)
			}
		}
	}
	return nil
}

func equalStrings(a, b []string) bool {
	if len(a) != len(b) {
		return false
	}
	for i := range a {
		if a[i] != b[i] {
			return false
		}
	}
	return true
}
