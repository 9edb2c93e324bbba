// Package apply applies in-toto artifact rules to the materials or products
// of a step or inspection, exactly as the reference implementation's
// verify_item_rules does (in_toto.verifylib, in-toto 1.3.1).
//
// It lives beside package rule rather than in it because package intoto
// imports package rule (to validate layouts), so rule cannot import intoto's
// artifact types.
//
// # The artifact queue
//
// Rules work like a firewall. The queue starts as the paths of the item's
// materials (for expected_materials) or products (for expected_products).
// The rules run in order; each consuming rule removes the queued paths it
// accepts, and later rules only see what is left:
//
//   - MATCH <pattern> [IN <src>] WITH (MATERIALS|PRODUCTS) [IN <dst>] FROM <step>
//     takes the queued paths under "<src>/" (all paths when there is no
//     source prefix), strips the prefix, keeps those matching the pattern,
//     and consumes each one whose "<dst>/"-prefixed path is among the named
//     step's materials or products with an equal digest set. When no link
//     for the step exists, it consumes nothing.
//   - CREATE consumes matching paths that are products but not materials.
//   - DELETE consumes matching paths that are materials but not products.
//   - MODIFY consumes matching paths that are both, with different digest
//     sets.
//   - ALLOW consumes every matching path.
//   - DISALLOW consumes nothing and fails when any queued path matches.
//   - REQUIRE consumes nothing and fails when its path (a literal, not a
//     pattern) is not in the queue.
//
// CREATE, DELETE and MODIFY always compare the item's own materials and
// products, whichever of the two the queue was built from. Patterns use
// Python fnmatch semantics (package fnmatch): "*" and "?" match "/".
//
// Prefixes are joined the way the reference does it with os.path.join and a
// backslash-to-slash replacement, quirks included: a stripped path that
// starts with "/" replaces the prefix, and backslashes become slashes. When
// such a join names a path that is not one of the item's artifacts the
// reference crashes with a KeyError; Rules reports ErrSourceNotArtifact.
//
// # Results
//
// Rules returns a Result with a per-rule trace (which paths each rule
// consumed, in the order applied) and the paths left in the queue. When a
// DISALLOW or REQUIRE rule fails, it returns the Result so far (up to the
// rule before the failing one, like the reference's RULE_TRACE) together
// with a *Failure that names the item, the rule, its index and the
// artifacts involved. All failures match ErrRuleFailed with errors.Is.
//
// The links of other steps are reached through a LinkLookup; Links adapts a
// map of *intoto.Link. The reference always includes the item's own link in
// that lookup, so a MATCH rule may name the item itself; callers should do
// the same.
package apply
