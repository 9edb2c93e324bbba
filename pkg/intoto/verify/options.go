package verify

import (
	"context"
	"fmt"
	"io/fs"
	"time"

	"github.com/signet-dev/signet/pkg/gpg"
	"github.com/signet-dev/signet/pkg/intoto"
	"github.com/signet-dev/signet/pkg/keys"
)

// Defaults of Options.
const (
	// DefaultInspectionTimeout is the reference's LINK_CMD_EXEC_TIMEOUT.
	DefaultInspectionTimeout = 10 * time.Second
	// DefaultMaxDepth bounds sublayout nesting (the root layout is depth 0).
	DefaultMaxDepth = 8
	// DefaultMaxLinkBytes bounds each link file read from Options.Links.
	DefaultMaxLinkBytes = intoto.MaxDocumentSize
)

// Options say what a layout is verified with. Now, Links and at least one
// owner key (Keys or GPGKeys) are required.
type Options struct {
	// Now is the time the layout's expiry (and GPG key expiry) is checked
	// at. There is no default: pass time.Now() explicitly.
	Now time.Time
	// Keys are the owner public keys (--layout-keys, --verification-keys).
	Keys []keys.Key
	// GPGKeys are owner OpenPGP keys (--gpg), exported from a keyring.
	GPGKeys []*gpg.PublicKey
	// LayoutThreshold, when above zero, accepts the layout when at least
	// that many distinct owner public keys signed it. Zero is the
	// reference's rule: every given key must have signed.
	LayoutThreshold int
	// Links holds the link files: "<step>.<keyid[:8]>.link" at its root,
	// sublayout links in "<step>.<keyid[:8]>/" (os.DirFS(--link-dir), or a
	// fstest.MapFS for links held in memory).
	Links fs.FS
	// MaxLinkBytes bounds each link file; 0 means DefaultMaxLinkBytes.
	MaxLinkBytes int64
	// Params, when not nil, are substituted into the layout's rules,
	// expected commands and inspection commands ("{name}"). nil leaves the
	// layout as it is, as the reference's command line does.
	Params map[string]string
	// Inspector runs inspections; nil refuses to run them, so a layout
	// with inspections fails with ErrInspectionsRefused (what an admission
	// controller wants). cmd/ passes a *CommandInspector.
	Inspector Inspector
	// MaxDepth bounds sublayout nesting; 0 means DefaultMaxDepth.
	MaxDepth int
}

// Validate checks the options; errors wrap ErrInvalidOptions.
func (o *Options) Validate() error {
	switch {
	case o.Now.IsZero():
		return fmt.Errorf("%w: Now is not set; pass the time to check expiry at (time.Now())", ErrInvalidOptions)
	case len(o.Keys)+len(o.GPGKeys) == 0:
		return fmt.Errorf("%w: no owner key given; the layout's signatures must be checked with at least one key", ErrInvalidOptions)
	case o.Links == nil:
		return fmt.Errorf("%w: Links is nil; use os.DirFS(linkDir)", ErrInvalidOptions)
	case o.LayoutThreshold < 0:
		return fmt.Errorf("%w: LayoutThreshold %d is negative", ErrInvalidOptions, o.LayoutThreshold)
	case o.LayoutThreshold > len(o.Keys)+len(o.GPGKeys):
		return fmt.Errorf("%w: LayoutThreshold %d is more than the %d owner key(s) given; give more keys or lower the threshold",
			ErrInvalidOptions, o.LayoutThreshold, len(o.Keys)+len(o.GPGKeys))
	case o.MaxDepth < 0, o.MaxLinkBytes < 0:
		return fmt.Errorf("%w: MaxDepth and MaxLinkBytes must not be negative", ErrInvalidOptions)
	}
	for i, k := range o.Keys {
		if err := k.Validate(); err != nil {
			return fmt.Errorf("%w: key %d (%s): %w", ErrInvalidOptions, i, k.ShortID(), err)
		}
	}
	for i, k := range o.GPGKeys {
		if k == nil {
			return fmt.Errorf("%w: GPG key %d is nil", ErrInvalidOptions, i)
		}
	}
	return nil
}

func (o *Options) maxDepth() int {
	if o.MaxDepth == 0 {
		return DefaultMaxDepth
	}
	return o.MaxDepth
}

func (o *Options) maxLinkBytes() int64 {
	if o.MaxLinkBytes == 0 {
		return DefaultMaxLinkBytes
	}
	return o.MaxLinkBytes
}

// Inspector runs one inspection and returns the link that records it (the
// reference records "." before and after, with the default excludes) and
// what the command printed, for explanations. A failing command (non-zero
// exit) is not an error: Verify checks the link's return-value. Errors mean
// the command could not be run or was killed (timeout).
type Inspector interface {
	Inspect(ctx context.Context, insp intoto.Inspection) (*InspectionRun, error)
}

// InspectionRun is what an Inspector reports.
type InspectionRun struct {
	Link *intoto.Link
	// ExitCode is the command's exit status.
	ExitCode int
	// Output is the tail of what the command wrote to stderr and stdout,
	// for explanations only (the link records empty streams, as the
	// reference does).
	Output string
	// Duration is how long the command ran.
	Duration time.Duration
}
