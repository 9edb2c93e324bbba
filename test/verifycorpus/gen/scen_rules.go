package main

import (
	"os"
	"path/filepath"
)

// files is a small file tree: path -> content.
type files = map[string]string

func thresholdScenarios() []scenario {
	src := files{"src.c": "int main(void) { return 0; }\n"}
	built := files{"src.c": src["src.c"], "app": "binary\n"}
	layout := func(b *builder, pubkeys []string, threshold int) {
		st := step("build", pubkeys, threshold, rules("ALLOW src.c", "DISALLOW *"), rules("CREATE app", "ALLOW src.c", "DISALLOW *"))
		b.layout("root.layout", layoutDoc(future, []any{st}, nil), "alice")
		b.pub("alice")
	}
	return []scenario{
		{"threshold-agree", func(b *builder) {
			b.record("build", "bob", ".", src, built)
			b.record("build", "carl", ".", src, built)
			layout(b, []string{"bob", "carl"}, 2)
			b.expect(b.verifyArgs("alice"), 0, 0, "threshold 2: bob and carl report identical materials and products")
		}},
		{"threshold-disagree", func(b *builder) {
			b.record("build", "bob", ".", src, built)
			b.record("build", "carl", ".", src, files{"src.c": src["src.c"], "app": "other binary\n"})
			layout(b, []string{"bob", "carl"}, 2)
			b.expect(b.verifyArgs("alice"), 1, 1, "threshold 2: bob and carl report different products")
		}},
		{"threshold-too-few", func(b *builder) {
			b.record("build", "bob", ".", src, built)
			layout(b, []string{"bob", "carl"}, 2)
			b.expect(b.verifyArgs("alice"), 1, 1, "threshold 2 but only bob's link exists")
		}},
		{"threshold-one-bad-of-three", func(b *builder) {
			b.record("build", "bob", ".", src, built)
			b.record("build", "carl", ".", src, built)
			b.record("build", "dan", ".", src, built)
			b.flipSig(b.linkName("build", "dan"))
			layout(b, []string{"bob", "carl", "dan"}, 2)
			b.expect(b.verifyArgs("alice"), 0, 0, "threshold 2 of 3: dan's link has a bad signature and is skipped, two valid links remain")
		}},
		{"threshold-link-copied", func(b *builder) {
			b.record("build", "bob", ".", src, built)
			layout(b, []string{"bob", "carl"}, 2)
			data, err := os.ReadFile(filepath.Join(b.out, b.linkName("build", "bob")))
			b.fail(err)
			b.write(b.out, b.linkName("build", "carl"), string(data))
			b.expect(b.verifyArgs("alice"), 1, 1, "threshold 2: bob's link copied under carl's file name carries no signature by carl")
		}},
		{"threshold-same-key-two-ids", func(b *builder) {
			alias := sha256Hex("bob under a second key id")
			b.record("build", "bob", ".", src, built)
			data, err := os.ReadFile(filepath.Join(b.out, b.linkName("build", "bob")))
			b.fail(err)
			twin := "build." + alias[:8] + ".link"
			b.write(b.out, twin, string(data))
			b.patch(twin, [][2]any{{[]any{"signatures", 0, "keyid"}, alias}})
			b.aliases = []map[string]string{{"of": "bob", "keyid": alias}}
			layout(b, []string{"bob", alias}, 2)
			b.expect(b.verifyArgs("alice"), 0, 0,
				"threshold 2 met by one key: the layout lists bob's key twice (its own id and a made-up one) and the link is stored and signed under both ids")
			b.deviate(1, "thresholds count distinct public keys, not key ids; a layout key stored under an id that is not its own is refused")
		}},
	}
}

func sublayoutScenarios() []scenario {
	type opts struct {
		expires      string
		signer       string // who signs the sublayout (carl is authorized)
		dropInner    bool
		parentRefuse bool
	}
	build := func(b *builder, o opts) {
		dir := "sub." + b.keyid("carl")[:8]
		src := files{"src.c": "int main(void) { return 0; }\n"}
		b.record("fetch", "bob", ".", nil, src)
		b.record("compile", "erin", dir, src, files{"src.c": src["src.c"], "app": "binary\n"})
		if o.dropInner {
			b.remove(filepath.Join(dir, b.linkName("compile", "erin")))
		}
		inner := step("compile", []string{"erin"}, 1, rules("ALLOW src.c", "DISALLOW *"), rules("CREATE app", "ALLOW src.c", "DISALLOW *"))
		b.layout(dir+".link", layoutDoc(o.expires, []any{inner}, nil), o.signer)
		prods := rules("MATCH src.c WITH PRODUCTS FROM fetch", "CREATE app", "DISALLOW *")
		if o.parentRefuse {
			prods = rules("MATCH src.c WITH PRODUCTS FROM fetch", "DISALLOW app")
		}
		b.layout("root.layout", layoutDoc(future, []any{
			step("fetch", []string{"bob"}, 1, rules(), rules("CREATE src.c", "DISALLOW *")),
			step("sub", []string{"carl"}, 1, rules("MATCH src.c WITH PRODUCTS FROM fetch", "DISALLOW *"), prods),
		}, nil), "alice")
		b.pub("alice")
	}
	sc := func(name string, o opts, ref int, why string) scenario {
		return scenario{name, func(b *builder) {
			build(b, o)
			b.expect(b.verifyArgs("alice"), ref, ref, why)
		}}
	}
	return []scenario{
		sc("sublayout-pass", opts{expires: future, signer: "carl"}, 0,
			"step sub is delegated: its link is a sublayout signed by carl, whose own link lives in sub.<carl8>/; the parent's rules see the summary link"),
		sc("sublayout-missing-inner-link", opts{expires: future, signer: "carl", dropInner: true}, 1,
			"the sublayout's step compile has no link in sub.<carl8>/"),
		sc("sublayout-expired", opts{expires: past, signer: "carl"}, 1, "the sublayout expired"),
		sc("sublayout-wrong-signer", opts{expires: future, signer: "erin"}, 1,
			"the sublayout stored as carl's link is signed by erin"),
		sc("sublayout-parent-rule-fails", opts{expires: future, signer: "carl", parentRefuse: true}, 1,
			"the parent's DISALLOW app refuses the product the sublayout's summary link reports"),
	}
}

// ruleCase: step fetch (bob) produces fetch files; step build (carl) has
// mats/prods and the rules under test. nil fetch: no fetch step.
type ruleCase struct {
	name              string
	fetch, mats, prod files
	matRules, prodRul [][]string
	ref               int
	why               string
}

func (rc ruleCase) scenario() scenario {
	return scenario{rc.name, func(b *builder) {
		var steps []any
		if rc.fetch != nil {
			b.record("fetch", "bob", ".", nil, rc.fetch)
			steps = append(steps, step("fetch", []string{"bob"}, 1, rules(), rules("ALLOW *")))
		}
		b.record("build", "carl", ".", rc.mats, rc.prod)
		mr, pr := rc.matRules, rc.prodRul
		if mr == nil {
			mr = rules()
		}
		if pr == nil {
			pr = rules()
		}
		steps = append(steps, step("build", []string{"carl"}, 1, mr, pr))
		b.layout("root.layout", layoutDoc(future, steps, nil), "alice")
		b.pub("alice")
		b.expect(b.verifyArgs("alice"), rc.ref, rc.ref, rc.why)
	}}
}

func ruleScenarios() []scenario {
	ab := files{"src/a.c": "A\n", "src/b.c": "B\n"}
	var out []scenario
	for _, rc := range []ruleCase{
		{name: "rule-match-in-prefixes", fetch: ab, mats: files{"build/src/a.c": "A\n", "build/src/b.c": "B\n"},
			matRules: rules("MATCH * IN build/src WITH PRODUCTS IN src FROM fetch", "DISALLOW *"), ref: 0,
			why: "MATCH * IN build/src WITH PRODUCTS IN src FROM fetch pairs build/src/x with src/x"},
		{name: "rule-match-in-prefixes-mismatch", fetch: ab, mats: files{"build/src/a.c": "A\n", "build/src/b.c": "changed\n"},
			matRules: rules("MATCH * IN build/src WITH PRODUCTS IN src FROM fetch", "DISALLOW *"), ref: 1,
			why: "build/src/b.c differs from fetch's src/b.c: not consumed, DISALLOW * fires"},
		{name: "rule-match-in-prefix-trailing-slash", fetch: ab, mats: files{"build/src/a.c": "A\n", "build/src/b.c": "B\n"},
			matRules: rules("MATCH * IN build/src/ WITH PRODUCTS IN src/ FROM fetch", "DISALLOW *"), ref: 0,
			why: "prefixes with a trailing slash behave like those without"},
		{name: "rule-match-source-prefix-only", fetch: files{"a.c": "A\n"}, mats: files{"vendor/a.c": "A\n"},
			matRules: rules("MATCH * IN vendor WITH PRODUCTS FROM fetch", "DISALLOW *"), ref: 0,
			why: "IN on the source side only: vendor/a.c pairs with fetch's a.c"},
		{name: "rule-match-wrong-prefix", fetch: ab, mats: files{"build/src/a.c": "A\n"},
			matRules: rules("MATCH * WITH PRODUCTS IN src FROM fetch", "DISALLOW *"), ref: 1,
			why: "without IN build/src the source path build/src/a.c looks for src/build/src/a.c: nothing consumed"},
		{name: "rule-match-materials", fetch: nil, mats: files{"a.c": "A\n"}, prod: files{"a.c": "A\n"},
			prodRul: rules("MATCH a.c WITH MATERIALS FROM build", "DISALLOW *"), ref: 0,
			why: "MATCH ... WITH MATERIALS FROM the step itself"},
		{name: "rule-match-unknown-step-disallow", fetch: ab, mats: ab,
			matRules: rules("MATCH * WITH PRODUCTS FROM nosuchstep", "DISALLOW *"), ref: 1,
			why: "MATCH against a step the layout does not have consumes nothing, so DISALLOW * fires"},
		{name: "rule-match-unknown-step-allow", fetch: ab, mats: ab,
			matRules: rules("MATCH * WITH PRODUCTS FROM nosuchstep"), ref: 0,
			why: "MATCH against an unknown step consumes nothing and does not fail; the implicit ALLOW * ends the list"},
		{name: "rule-require-present", mats: files{"a": "1\n"}, matRules: rules("REQUIRE a"), ref: 0,
			why: "REQUIRE a with a among the materials"},
		{name: "rule-require-absent", mats: files{"a": "1\n"}, matRules: rules("REQUIRE b"), ref: 1,
			why: "REQUIRE b with no b"},
		{name: "rule-require-after-consumed", mats: files{"a": "1\n"}, matRules: rules("ALLOW a", "REQUIRE a"), ref: 1,
			why: "REQUIRE looks only at the artifacts not yet consumed: ALLOW a took a"},
		{name: "rule-require-is-literal", mats: files{"a1": "1\n"}, matRules: rules("REQUIRE a*"), ref: 1,
			why: "REQUIRE takes a literal path, not a pattern: a* is not a1"},
		{name: "rule-disallow-hit", prod: files{"a": "1\n", "b": "2\n"}, prodRul: rules("ALLOW a", "DISALLOW *"), ref: 1,
			why: "b is left for DISALLOW *"},
		{name: "rule-allow-all-then-disallow", prod: files{"a": "1\n", "b": "2\n"}, prodRul: rules("ALLOW *", "DISALLOW *"), ref: 0,
			why: "ALLOW * consumed everything; DISALLOW * sees an empty queue"},
		{name: "rule-create", mats: files{}, prod: files{"new": "1\n"}, prodRul: rules("CREATE new", "DISALLOW *"), ref: 0,
			why: "CREATE consumes a product that is not a material"},
		{name: "rule-create-existing", mats: files{"x": "1\n"}, prod: files{"x": "1\n"}, prodRul: rules("CREATE x", "DISALLOW *"), ref: 1,
			why: "CREATE does not consume x, which was already a material; DISALLOW * fires"},
		{name: "rule-delete", mats: files{"old": "1\n", "keep": "2\n"}, prod: files{"keep": "2\n"},
			matRules: rules("DELETE old", "ALLOW keep", "DISALLOW *"), ref: 0, why: "DELETE consumes a material that is not a product"},
		{name: "rule-delete-not-deleted", mats: files{"old": "1\n"}, prod: files{"old": "1\n"},
			matRules: rules("DELETE old", "DISALLOW *"), ref: 1, why: "DELETE does not consume old, which is still a product"},
		{name: "rule-modify", mats: files{"f": "v1\n"}, prod: files{"f": "v2\n"},
			prodRul: rules("MODIFY f", "DISALLOW *"), ref: 0, why: "MODIFY consumes a file whose hash changed"},
		{name: "rule-modify-unchanged", mats: files{"f": "v1\n"}, prod: files{"f": "v1\n"},
			prodRul: rules("MODIFY f", "DISALLOW *"), ref: 1, why: "MODIFY does not consume an unchanged file; DISALLOW * fires"},
		{name: "rule-keywords-lowercase", fetch: files{"a.c": "A\n"}, mats: files{"a.c": "A\n"},
			matRules: rules("match a.c with products from fetch", "disallow *"), ref: 0,
			why: "rule keywords are case-insensitive"},
	} {
		out = append(out, rc.scenario())
	}
	return out
}

func patternScenarios() []scenario {
	const nfc, nfd = "caf\u00e9.txt", "cafe\u0301.txt"
	var out []scenario
	for _, rc := range []ruleCase{
		{name: "pattern-star-crosses-slash", prod: files{"src/deep/x.c": "1\n"}, prodRul: rules("ALLOW src*.c", "DISALLOW *"), ref: 0,
			why: "fnmatch's * matches / too: src*.c matches src/deep/x.c"},
		{name: "pattern-question-matches-slash", prod: files{"a/b": "1\n"}, prodRul: rules("ALLOW a?b", "DISALLOW *"), ref: 0,
			why: "? matches / too"},
		{name: "pattern-brackets", prod: files{"file1.txt": "1\n"}, prodRul: rules("ALLOW file[0-9].txt", "DISALLOW *"), ref: 0,
			why: "[0-9] is a character class"},
		{name: "pattern-brackets-miss", prod: files{"fileA.txt": "1\n"}, prodRul: rules("ALLOW file[0-9].txt", "DISALLOW *"), ref: 1,
			why: "fileA.txt is not in [0-9]"},
		{name: "pattern-brackets-negated", prod: files{"fileA.txt": "1\n"}, prodRul: rules("ALLOW file[!0-9].txt", "DISALLOW *"), ref: 0,
			why: "[!0-9] is a negated class"},
		{name: "pattern-unclosed-bracket", prod: files{"a[b": "1\n"}, prodRul: rules("ALLOW a[b", "DISALLOW *"), ref: 0,
			why: "an unclosed [ matches itself literally"},
		{name: "pattern-case-sensitive", prod: files{"Foo.py": "1\n"}, prodRul: rules("ALLOW foo.py", "DISALLOW *"), ref: 1,
			why: "patterns are case-sensitive: foo.py does not match Foo.py"},
		{name: "pattern-unicode-nfc-nfd", fetch: files{nfc: "1\n"}, mats: files{nfd: "1\n"},
			matRules: rules("MATCH "+nfc+" WITH PRODUCTS FROM fetch", "DISALLOW *"), ref: 1,
			why: "no Unicode normalisation: the NFC pattern does not match the NFD material name"},
		{name: "pattern-unicode-nfc-same", fetch: files{nfc: "1\n"}, mats: files{nfc: "1\n"},
			matRules: rules("MATCH "+nfc+" WITH PRODUCTS FROM fetch", "DISALLOW *"), ref: 0,
			why: "the same NFC name on both sides matches"},
		{name: "pattern-unicode-question", prod: files{nfd: "1\n"}, prodRul: rules("ALLOW caf?.txt", "DISALLOW *"), ref: 1,
			why: "? is one code point: caf?.txt does not match the NFD name (e + combining accent)"},
	} {
		out = append(out, rc.scenario())
	}
	return out
}
