package verify

import (
	"errors"
	"fmt"
)

// Errors returned by Verify. Every verification failure is a *Error that
// wraps exactly one of them; errors.Is tells them apart.
var (
	// ErrInvalidOptions: the Options are unusable (no owner key, no Now,
	// a bad threshold); nothing was verified.
	ErrInvalidOptions = errors.New("invalid verification options")
	// ErrInvalidLayout: the layout is not a layout or breaks a model rule
	// (a bad artifact rule, a step without keys).
	ErrInvalidLayout = errors.New("invalid layout")
	// ErrLayoutSignature: the owner keys' signatures do not meet the
	// requirement (every key, or LayoutThreshold distinct keys).
	ErrLayoutSignature = errors.New("layout signature verification failed")
	// ErrLayoutExpired: the layout's expiry date is before Options.Now.
	ErrLayoutExpired = errors.New("layout has expired")
	// ErrParameter: parameter substitution failed (a missing parameter, a
	// field Signet does not substitute).
	ErrParameter = errors.New("parameter substitution failed")
	// ErrLinkNotFound: fewer link files than a step's threshold exist.
	ErrLinkNotFound = errors.New("link metadata not found")
	// ErrBadLink: a link file could not be read or decoded.
	ErrBadLink = errors.New("link metadata unreadable")
	// ErrThreshold: fewer than threshold links are validly signed by
	// distinct authorized functionaries.
	ErrThreshold = errors.New("step threshold not met")
	// ErrLinksDisagree: links of a step with a threshold above one report
	// different materials or products.
	ErrLinksDisagree = errors.New("links of a step disagree")
	// ErrSublayout: a sublayout failed verification or nests too deep.
	ErrSublayout = errors.New("sublayout verification failed")
	// ErrRule: an artifact rule of a step or inspection failed; the
	// wrapped chain also holds the *apply.Failure.
	ErrRule = errors.New("artifact rule verification failed")
	// ErrInspection: an inspection could not be run, timed out or exited
	// non-zero.
	ErrInspection = errors.New("inspection failed")
	// ErrInspectionsRefused: the layout has inspections and
	// Options.Inspector refuses to run them.
	ErrInspectionsRefused = errors.New("inspections refused")
)

// Stage names a step of the verification algorithm, in the order run.
type Stage string

// The stages of Verify.
const (
	StageOptions         Stage = "options"
	StageLayout          Stage = "layout"
	StageSignatures      Stage = "layout-signatures"
	StageExpiry          Stage = "expiry"
	StageParameters      Stage = "parameters"
	StageLinks           Stage = "links"
	StageLinkSignatures  Stage = "link-signatures"
	StageSublayouts      Stage = "sublayouts"
	StageThresholds      Stage = "thresholds"
	StageStepRules       Stage = "step-rules"
	StageInspections     Stage = "inspections"
	StageInspectionRules Stage = "inspection-rules"
)

// Error is a verification failure: the stage, the step or inspection (""
// when the whole layout), what was wrong and what to do.
type Error struct {
	Stage Stage
	// Item is the step or inspection name, "" for the layout itself. In a
	// sublayout it is the path "step/substep".
	Item string
	// Err wraps one of the package's sentinel errors.
	Err error
	// Hint says what to do, "" when the message says it already.
	Hint string
}

// Error implements error.
func (e *Error) Error() string {
	msg := e.Err.Error()
	if e.Item != "" {
		msg = fmt.Sprintf("%s: %s", e.Item, msg)
	}
	if e.Hint != "" {
		msg += " (" + e.Hint + ")"
	}
	return msg
}

// Unwrap returns Err.
func (e *Error) Unwrap() error { return e.Err }

func fail(stage Stage, item string, sentinel error, format string, args ...any) *Error {
	return &Error{Stage: stage, Item: item, Err: fmt.Errorf("%w: "+format, append([]any{sentinel}, args...)...)}
}
