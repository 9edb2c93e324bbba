package main

import "strings"

// scenarios lists every recipe of the corpus.
func scenarios() []scenario {
	var all []scenario
	for _, group := range [][]scenario{
		demoScenarios(), keyScenarios(), chainScenarios(), layoutScenarios(),
		malformedScenarios(), inspectionScenarios(), thresholdScenarios(),
		sublayoutScenarios(), ruleScenarios(), patternScenarios(), extraScenarios(),
	} {
		all = append(all, group...)
	}
	return all
}

// rules splits each rule at spaces: rules("MATCH * WITH PRODUCTS FROM a").
func rules(rs ...string) [][]string {
	out := [][]string{}
	for _, r := range rs {
		out = append(out, strings.Fields(r))
	}
	return out
}

// verifierFiles are ALLOW rules for what sits in the verifier's working
// directory besides the final product (inspections record ".").
func verifierFiles() []string {
	return []string{"ALLOW root.layout", "ALLOW *.pub", "ALLOW *.pem", "ALLOW gnupg/*"}
}

func withVerifierFiles(head []string, tail ...string) []string {
	out := append(append([]string{}, head...), verifierFiles()...)
	return append(out, tail...)
}

// layoutDoc is a layout's signed part.
func layoutDoc(expires string, steps, inspect []any) map[string]any {
	if steps == nil {
		steps = []any{}
	}
	if inspect == nil {
		inspect = []any{}
	}
	return map[string]any{
		"_type": "layout", "expires": expires, "readme": "verification corpus",
		"keys": map[string]any{}, "steps": steps, "inspect": inspect,
	}
}

// step is a layout step; pubkeys are key names (or literal key ids).
func step(name string, pubkeys []string, threshold int, mats, prods [][]string, cmd ...string) map[string]any {
	if cmd == nil {
		cmd = []string{}
	}
	return map[string]any{
		"_type": "step", "name": name, "pubkeys": pubkeys, "threshold": threshold,
		"expected_command": cmd, "expected_materials": mats, "expected_products": prods,
	}
}

// inspection is a layout inspection.
func inspection(name string, run []string, mats, prods [][]string) map[string]any {
	return map[string]any{
		"_type": "inspection", "name": name, "run": run,
		"expected_materials": mats, "expected_products": prods,
	}
}
