// Package verify checks a software supply chain against its in-toto layout,
// in the order and with the verdicts of the reference implementation
// (in-toto 1.3.1 verifylib.in_toto_verify), and says why it failed in terms
// a person can act on.
//
// # The algorithm
//
// Verify runs these stages, stopping at the first failure:
//
//  1. layout signatures: every owner key given must have signed the layout
//     (the reference rule), or, with Options.LayoutThreshold M, at least M
//     distinct owner public keys;
//  2. expiry, against Options.Now (there is no hidden clock);
//  3. parameter substitution, when Options.Params is not nil: Python
//     str.format "{name}" fields in rules, expected_command and inspection
//     run lines (the reference offers this only in its library API);
//  4. links: for each step, the files "<step>.<keyid[:8]>.link" of its
//     authorized keys from Options.Links, as metablocks or DSSE envelopes;
//     too few files for the step's threshold fail here;
//  5. link signatures: a link counts only when the authorized key it is
//     named after signed it and its "name" is the step's name (the
//     reference does not check the name; see docs/compatibility.md);
//  6. sublayouts: a step whose link is a layout signed by the functionary
//     is verified recursively (links in "<step>.<keyid[:8]>/", depth
//     bounded by Options.MaxDepth) and replaced by its summary link;
//  7. expected_command: a mismatch is a warning, never a failure;
//  8. thresholds: at least threshold links from distinct authorized
//     public keys (not key ids: one key listed under two ids counts once),
//     and, for thresholds above one, identical materials and products;
//  9. step artifact rules, with package rule/apply's queue semantics;
//  10. inspections, run by Options.Inspector in Options.WorkDir with a
//     timeout, recorded like the reference (materials and products ".");
//  11. inspection artifact rules.
//
// # Reports
//
// Verify always returns a *Report, also on failure: the checks made, each
// link considered and why it was accepted or rejected, the rule traces, the
// inspections run, warnings, and on failure a Failure naming the stage, the
// step or inspection and what to do. The Report marshals to JSON for
// machines (`signet verify --output json`) and Report.Explain renders it for
// people. The error, when not nil, is a *Error that wraps one of the
// sentinel errors of this package, so callers can test it with errors.Is.
//
// The package prints nothing, reads no clock and keeps no global state: an
// admission controller can call Verify with links held in memory
// (fstest.MapFS) and Options.Inspector set to RefuseInspections.
package verify
