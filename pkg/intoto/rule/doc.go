// Package rule parses and prints in-toto artifact rules, the
// expected_materials and expected_products entries of a layout's steps and
// inspections.
//
// A rule is stored in a layout as a JSON list of strings. Parse accepts
// exactly the lists that the reference implementation (in_toto.rulelib
// unpack_rule, in-toto 1.3.1) accepts:
//
//	CREATE <pattern>
//	DELETE <pattern>
//	MODIFY <pattern>
//	ALLOW <pattern>
//	DISALLOW <pattern>
//	REQUIRE <path>
//	MATCH <pattern> [IN <source-prefix>] WITH (MATERIALS|PRODUCTS) [IN <destination-prefix>] FROM <step>
//
// Keywords are case-insensitive (only ASCII letters are folded, which is
// equivalent to Python's str.lower for these keywords); patterns, prefixes
// and step names keep their case and may be any string, including the empty
// string.
//
// A parsed Rule prints in canonical form: keywords in upper case and the
// optional "IN <prefix>" parts left out when the prefix is empty. Strings
// returns that form as a list (what a layout stores); String joins it with
// spaces, quoting elements the way Python's shlex.quote does, so that the
// reference's add_material_rule_from_string reads it back unchanged.
//
// Applying rules to artifacts (the verifier's artifact queue) lives in
// package rule/apply; patterns are matched by rule/fnmatch.
package rule
