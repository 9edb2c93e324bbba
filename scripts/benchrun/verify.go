package main

import (
	"context"
	"encoding/json"
	"fmt"
	"os"
	"path/filepath"
	"time"

	"github.com/signet-dev/signet/pkg/intoto"
	"github.com/signet-dev/signet/pkg/keys"
)

// verifyBench times in-toto-verify, Signet's and the reference's, on a
// layout of two steps that each record the many-files tree (so each link
// holds c.files artifacts) with five rules per rule list, and, when
// demoDir is set, on the demo supply chain left there by
// `DEMO_KEEP=1 scripts/demo.sh`.
func verifyBench(ctx context.Context, c config, bin, key, demoDir string) error {
	dir := filepath.Join(c.dir, "verify")
	if err := os.MkdirAll(dir, 0o755); err != nil {
		return err
	}
	if err := os.Rename(filepath.Join(c.dir, "many"), filepath.Join(dir, "many")); err != nil {
		return err
	}
	defer os.Rename(filepath.Join(dir, "many"), filepath.Join(c.dir, "many"))
	for _, st := range []string{"build", "package"} {
		if err := execQuiet(ctx, dir, filepath.Join(bin, "in-toto-run"), "--step-name", st, "--materials", "many",
			"--products", "many", "--key", key, "--key-type", "ed25519", "--no-command"); err != nil {
			return fmt.Errorf("record step %s: %w", st, err)
		}
	}
	if err := writeBenchLayout(filepath.Join(dir, "root.layout"), key+".pub"); err != nil {
		return err
	}
	if err := execQuiet(ctx, dir, filepath.Join(bin, "in-toto-sign"), "-f", "root.layout", "-k", key, "-t", "ed25519"); err != nil {
		return fmt.Errorf("sign the layout: %w", err)
	}
	args := []string{"--layout", "root.layout", "--layout-keys", key + ".pub", "--key-types", "ed25519"}
	cases := []struct{ title, dir string }{
		{fmt.Sprintf("(c) verify: 2 steps x %d artifacts, 5 rules per list", c.files), dir},
	}
	if demoDir != "" {
		cases = append(cases, struct{ title, dir string }{"(d) verify: the demo supply chain (3 steps, 1 inspection)", demoDir})
	}
	for _, cs := range cases {
		a := args
		if cs.dir == demoDir {
			a = []string{"--layout", "root.layout", "--layout-keys", "alice.pub", "--key-types", "ed25519"}
		}
		contenders := []contender{
			{"signet in-toto-verify", append([]string{filepath.Join(bin, "in-toto-verify")}, a...), cs.dir},
			{"reference in-toto-verify 1.3.1", append([]string{"/usr/bin/in-toto-verify"}, a...), cs.dir},
		}
		if err := report(ctx, cs.title, contenders, c.rounds); err != nil {
			return err
		}
	}
	return nil
}

// writeBenchLayout writes the unsigned benchmark layout: steps build and
// package by the benchmark key, with five rules per list mixing MATCH,
// ALLOW and DISALLOW over every artifact.
func writeBenchLayout(path, pubPath string) error {
	data, err := os.ReadFile(pubPath)
	if err != nil {
		return err
	}
	k, err := keys.ParsePublicKey(data)
	if err != nil {
		return err
	}
	lay := intoto.NewLayout(time.Now().Add(365 * 24 * time.Hour))
	lay.Keys[k.KeyID] = k
	step := func(name string, mats, prods [][]string) intoto.Step {
		return intoto.Step{Type: intoto.TypeStep, Name: name, Threshold: 1, PubKeys: []string{k.KeyID},
			ExpectedMaterials: mats, ExpectedProducts: prods, ExpectedCommand: []string{}}
	}
	lay.Steps = []intoto.Step{
		step("build",
			[][]string{{"ALLOW", "many/*.tmp"}, {"ALLOW", "many/f0*"}, {"DISALLOW", "many/*.bak"}, {"ALLOW", "many/*"}, {"DISALLOW", "*"}},
			[][]string{{"MATCH", "many/*", "WITH", "MATERIALS", "FROM", "build"}, {"ALLOW", "many/*.tmp"}, {"DISALLOW", "many/*.bak"}, {"ALLOW", "*.txt"}, {"DISALLOW", "*"}}),
		step("package",
			[][]string{{"MATCH", "many/*", "WITH", "PRODUCTS", "FROM", "build"}, {"ALLOW", "many/*.tmp"}, {"DISALLOW", "many/*.bak"}, {"ALLOW", "*.txt"}, {"DISALLOW", "*"}},
			[][]string{{"MATCH", "many/f0*", "WITH", "MATERIALS", "FROM", "package"}, {"MATCH", "many/*", "WITH", "PRODUCTS", "FROM", "build"}, {"DISALLOW", "many/*.bak"}, {"ALLOW", "*.txt"}, {"DISALLOW", "*"}}),
	}
	doc, err := intoto.NewDocument(intoto.FormatMetablock, lay)
	if err != nil {
		return err
	}
	out, err := doc.Marshal()
	if err != nil {
		return err
	}
	var check map[string]any
	if err := json.Unmarshal(out, &check); err != nil {
		return err
	}
	return os.WriteFile(path, out, 0o644)
}
