package verify

import (
	"time"

	"github.com/signet-dev/signet/pkg/intoto/rule/apply"
)

// Status words used in reports.
const (
	StatusValid     = "valid"     // a signature that verified
	StatusMissing   = "missing"   // no signature (or no link file) for a key
	StatusInvalid   = "invalid"   // a signature that does not verify
	StatusDuplicate = "duplicate" // a key given twice (same public key)
	StatusAccepted  = "accepted"  // a link that counts toward the threshold
	StatusRejected  = "rejected"  // a link that does not count
	StatusPassed    = "passed"    // rules or inspection passed
	StatusFailed    = "failed"    // rules or inspection failed
	StatusFound     = "found"     // a link file read but not yet checked
)

// Report is everything Verify checked. It is complete up to the stage that
// failed; later fields are empty.
type Report struct {
	// Passed is true when the supply chain verified.
	Passed bool `json:"passed"`
	// Failure says what failed, nil when Passed.
	Failure *Failure `json:"failure,omitempty"`
	// Expires is the layout's expiry date.
	Expires string `json:"expires,omitempty"`
	// LayoutThreshold is the number of owner signatures required.
	LayoutThreshold int `json:"layout_threshold"`
	// Signatures are the owner keys' checks, in the order given.
	Signatures []SignatureCheck `json:"layout_signatures"`
	// Params are the parameters substituted, nil when none.
	Params map[string]string `json:"params,omitempty"`
	Steps  []StepReport      `json:"steps"`
	// Inspections run, in layout order.
	Inspections []InspectionReport `json:"inspections"`
	// Warnings are facts worth a look that do not fail verification
	// (expected_command mismatches, links signed by unknown keys).
	Warnings []string `json:"warnings"`
}

// Failure is the first check that failed.
type Failure struct {
	Stage Stage `json:"stage"`
	// Item is the step or inspection ("" for the layout), with sublayout
	// steps written "step/substep".
	Item    string `json:"item,omitempty"`
	Message string `json:"message"`
	Hint    string `json:"hint,omitempty"`
}

// SignatureCheck is one owner key's signature on the layout.
type SignatureCheck struct {
	KeyID  string `json:"keyid"`
	Status string `json:"status"`
	Detail string `json:"detail,omitempty"`
}

// StepReport is what was found for one step.
type StepReport struct {
	Name      string `json:"name"`
	Threshold int    `json:"threshold"`
	// Links are the link files considered, in the order of the step's
	// authorized keys.
	Links []LinkCheck `json:"links"`
	// Accepted is the number of distinct authorized public keys whose
	// links count.
	Accepted int `json:"accepted"`
	// Sublayout is the report of the step's sublayout, if it has one.
	Sublayout *Report `json:"sublayout,omitempty"`
	// Materials and Products are the rule checks.
	Materials *RuleReport `json:"expected_materials,omitempty"`
	Products  *RuleReport `json:"expected_products,omitempty"`
}

// LinkCheck says why one link file was accepted or rejected.
type LinkCheck struct {
	// File is the file name, relative to the link directory.
	File string `json:"file"`
	// KeyID is the authorized key the file is named after.
	KeyID  string `json:"keyid"`
	Status string `json:"status"`
	// Reason says why a link was rejected or is missing.
	Reason string `json:"reason,omitempty"`
	// Format is "metablock" or "dsse".
	Format string `json:"format,omitempty"`
}

// RuleReport is the outcome of one rule list.
type RuleReport struct {
	Status string `json:"status"`
	// Artifacts is the number of artifacts the queue started with.
	Artifacts int `json:"artifacts"`
	// Rules are the rules applied, with what each consumed.
	Rules []RuleTrace `json:"rules"`
	// Remaining are the artifacts no rule consumed (allowed by the
	// implicit final ALLOW *), at most MaxListed of them.
	Remaining []string `json:"remaining,omitempty"`
	// Failed is the failing rule, nil when the rules passed.
	Failed *RuleFailure `json:"failed,omitempty"`
}

// RuleTrace is one rule applied.
type RuleTrace struct {
	Index    int      `json:"index"`
	Rule     []string `json:"rule"`
	Consumed int      `json:"consumed"`
	// Paths are the consumed paths, at most MaxListed of them.
	Paths []string `json:"paths,omitempty"`
}

// RuleFailure is the rule that failed and the artifacts involved.
type RuleFailure struct {
	Index     int      `json:"index"`
	Rule      []string `json:"rule"`
	Artifacts []string `json:"artifacts"`
	Message   string   `json:"message"`
	// Misses say why earlier MATCH rules did not consume the artifacts.
	Misses []apply.Miss `json:"misses,omitempty"`
}

// InspectionReport is one inspection run.
type InspectionReport struct {
	Name     string        `json:"name"`
	Command  []string      `json:"command"`
	Status   string        `json:"status"`
	ExitCode int           `json:"exit_code"`
	Duration time.Duration `json:"duration_ns"`
	// Output is the tail of the command's output.
	Output    string      `json:"output,omitempty"`
	Materials *RuleReport `json:"expected_materials,omitempty"`
	Products  *RuleReport `json:"expected_products,omitempty"`
}

// MaxListed bounds the paths listed per rule in a report.
const MaxListed = 20

func clipList(paths []string) []string {
	if len(paths) > MaxListed {
		return paths[:MaxListed:MaxListed]
	}
	return paths
}
