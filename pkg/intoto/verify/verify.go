package verify

import (
	"context"
	"errors"
	"fmt"
	"io/fs"

	"github.com/signet-dev/signet/pkg/intoto"
	"github.com/signet-dev/signet/pkg/intoto/rule/apply"
)

// Verify verifies the supply chain described by the signed layout (a
// metablock or a DSSE envelope). It returns a Report in every case and an
// error (a *Error) when verification failed. See the package comment for
// the stages.
func Verify(ctx context.Context, layout *intoto.Document, opts Options) (*Report, error) {
	rep := newReport()
	if err := opts.Validate(); err != nil {
		return rep, rep.fail(&Error{Stage: StageOptions, Err: err})
	}
	if layout == nil {
		return rep, rep.fail(fail(StageLayout, "", ErrInvalidLayout, "no layout given"))
	}
	v := &verifier{opts: &opts}
	owners := owners{keys: opts.Keys, gpg: opts.GPGKeys, threshold: opts.LayoutThreshold}
	_, err := v.layout(ctx, layout, owners, opts.Links, opts.Params, 0, "", rep)
	return rep, err
}

func newReport() *Report {
	return &Report{Signatures: []SignatureCheck{}, Steps: []StepReport{}, Inspections: []InspectionReport{}, Warnings: []string{}}
}

// fail records err as the report's failure and returns it.
func (r *Report) fail(err *Error) error {
	r.Passed = false
	msg := err.Err.Error()
	r.Failure = &Failure{Stage: err.Stage, Item: err.Item, Message: msg, Hint: err.Hint}
	return err
}

func (r *Report) warn(format string, args ...any) {
	r.Warnings = append(r.Warnings, fmt.Sprintf(format, args...))
}

// verifier holds what every layout of a verification shares.
type verifier struct {
	opts *Options
}

// layout verifies one layout (the root, or a sublayout at depth > 0 whose
// items are reported as prefix+name) and returns its summary link.
func (v *verifier) layout(ctx context.Context, doc *intoto.Document, o owners, links fs.FS,
	params map[string]string, depth int, prefix string, rep *Report) (*intoto.Link, error) {
	lay, err := doc.Layout()
	if err != nil {
		return nil, rep.fail(&Error{Stage: StageLayout, Err: fmt.Errorf("%w: %w", ErrInvalidLayout, err),
			Hint: "the layout file must hold a valid in-toto layout"})
	}
	rep.Expires = lay.Expires
	if err := v.signatures(doc, o, rep); err != nil {
		return nil, rep.fail(err)
	}
	if err := v.expiry(lay); err != nil {
		return nil, rep.fail(err)
	}
	if params != nil {
		rep.Params = params
		if lay, err = substitute(lay, params); err != nil {
			return nil, rep.fail(asError(err))
		}
	}
	items, err := parseItems(lay, prefix)
	if err != nil {
		return nil, rep.fail(asError(err))
	}
	sc := &chain{v: v, lay: lay, links: links, prefix: prefix, depth: depth, rep: rep}
	if err := sc.run(ctx, items); err != nil {
		return nil, rep.fail(asError(err))
	}
	rep.Passed = true
	return summary(lay, sc.reduced), nil
}

func asError(err error) *Error {
	if e, ok := errors.AsType[*Error](err); ok {
		return e
	}
	return &Error{Stage: StageLinks, Err: err}
}

// summary is the reference's summary link of a verified layout: the
// materials of the first step, the products, byproducts and command of the
// last.
func summary(lay *intoto.Layout, reduced apply.Links) *intoto.Link {
	l := intoto.NewLink("")
	if len(lay.Steps) == 0 {
		return l
	}
	first, last := reduced[lay.Steps[0].Name], reduced[lay.Steps[len(lay.Steps)-1].Name]
	l.Materials = first.Materials
	l.Products = last.Products
	l.Byproducts = last.Byproducts
	l.Command = last.Command
	return l
}

// expiry fails when the layout expired before Now.
func (v *verifier) expiry(lay *intoto.Layout) *Error {
	expired, err := lay.Expired(v.opts.Now)
	if err != nil {
		return fail(StageExpiry, "", ErrInvalidLayout, "expires %q: %v", lay.Expires, err)
	}
	if expired {
		e := fail(StageExpiry, "", ErrLayoutExpired, "the layout expired at %s (checked at %s)",
			lay.Expires, v.opts.Now.UTC().Format(intoto.ExpiresFormat))
		e.Hint = "the project owners must issue and sign a new layout"
		return e
	}
	return nil
}
