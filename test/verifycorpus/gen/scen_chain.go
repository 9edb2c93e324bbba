package main

import (
	"crypto/sha256"
	"encoding/hex"
	"os"
	"path/filepath"
)

func sha256Hex(s string) string {
	sum := sha256.Sum256([]byte(s))
	return hex.EncodeToString(sum[:])
}

func chainScenarios() []scenario {
	fail := func(name, why string, after func(b *builder)) scenario {
		return scenario{name, func(b *builder) {
			mini(b, "alice", "bob")
			after(b)
			b.expect(b.verifyArgs("alice"), 1, 1, why)
		}}
	}
	return []scenario{
		fail("link-missing", "the only link of step build is missing", func(b *builder) {
			b.remove(b.linkName("build", "bob"))
		}),
		fail("link-unauthorized-signer", "build's link is signed by mallory, who is not among the step's pubkeys (file named after mallory's key id: never loaded)", func(b *builder) {
			b.remove(b.linkName("build", "bob"))
			b.run("build", "mallory", ".", []string{"src.c"}, []string{"src.c", "app"}, "sh", "-c", "cat src.c > app")
		}),
		fail("link-unauthorized-renamed", "mallory's link is stored under bob's file name: no signature by bob, the link is skipped, the threshold is not met", func(b *builder) {
			b.remove(b.linkName("build", "bob"))
			b.run("build", "mallory", ".", []string{"src.c"}, []string{"src.c", "app"}, "sh", "-c", "cat src.c > app")
			b.rename(b.linkName("build", "mallory"), b.linkName("build", "bob"))
		}),
		fail("link-bad-signature", "the link's signature is corrupted (one hex digit changed)", func(b *builder) {
			b.flipSig(b.linkName("build", "bob"))
		}),
		fail("link-tampered-products", "a product hash in the link was changed after signing", func(b *builder) {
			b.patch(b.linkName("build", "bob"), [][2]any{{[]any{"signed", "products", "app", "sha256"}, sha256Hex("evil")}})
		}),
		fail("link-not-json", "the link file is not JSON", func(b *builder) {
			b.write(b.out, b.linkName("build", "bob"), "{\"signed\": ")
		}),
		{"link-name-mismatch", func(b *builder) {
			mini(b, "alice", "bob")
			b.remove(b.linkName("build", "bob"))
			b.run("compile", "bob", ".", []string{"src.c"}, []string{"src.c", "app"}, "sh", "-c", "cat src.c > app")
			b.rename(b.linkName("compile", "bob"), b.linkName("build", "bob"))
			b.expect(b.verifyArgs("alice"), 0, 0,
				"a link whose name field is \"compile\" is stored as build's link: the reference finds links by file name only")
			b.deviate(1, "the spec requires a link's name to be its step's name; a link recorded for another step must not count (reference laxer than the spec)")
		}},
		{"link-unknown-field", func(b *builder) {
			mini(b, "alice", "bob")
			b.patch(b.linkName("build", "bob"), [][2]any{{[]any{"signed", "note"}, "not covered by the signature"}})
			b.expect(b.verifyArgs("alice"), 0, 0,
				"a field added to the link's signed object after signing: the reference drops unknown fields before checking the signature")
			b.deviate(1, "a field inside signed that the signature does not cover must not look signed (ADR 0001)")
		}},
		{"link-expected-command-differs", func(b *builder) {
			mini(b, "alice", "bob")
			st := miniStep("bob")
			st["expected_command"] = []string{"make", "app"}
			b.layout("root.layout", layoutDoc(future, []any{st}, nil), "alice")
			b.expect(b.verifyArgs("alice"), 0, 0, "expected_command differs from the recorded command: only a warning")
		}},
		{"link-extra-files-ignored", func(b *builder) {
			mini(b, "alice", "bob")
			data, err := os.ReadFile(filepath.Join(b.out, b.linkName("build", "bob")))
			b.fail(err)
			b.write(b.out, b.linkName("other", "bob"), string(data))
			b.write(b.out, "build.link", string(data))
			b.expect(b.verifyArgs("alice"), 0, 0, "link files of unknown steps or with other names are ignored")
		}},
		{"link-mock-then-signed", func(b *builder) {
			b.write(b.work, "src.c", "int main(void) { return 0; }\n")
			b.tool(b.work, "", "in-toto-mock", "-n", "build", "--", "sh", "-c", "cat src.c > app")
			b.tool(b.work, "", "in-toto-sign", append([]string{"-f", "build.link", "-o", filepath.Join(b.out, b.linkName("build", "bob"))}, b.signArgs("bob")...)...)
			b.copyOut("app", "app")
			st := step("build", []string{"bob"}, 1, rules("ALLOW src.c", "DISALLOW *"),
				rules("CREATE app", "ALLOW src.c", "DISALLOW *"), "sh", "-c", "cat src.c > app")
			b.layout("root.layout", layoutDoc(future, []any{st}, nil), "alice")
			b.pub("alice")
			b.expect(b.verifyArgs("alice"), 0, 0, "an unsigned in-toto-mock link signed afterwards with in-toto-sign verifies")
		}},
	}
}

func layoutScenarios() []scenario {
	return []scenario{
		{"layout-unsigned", func(b *builder) {
			mini(b, "", "bob")
			b.pub("alice")
			b.expect(b.verifyArgs("alice"), 1, 1, "the layout carries no signature")
		}},
		{"layout-bad-signature", func(b *builder) {
			mini(b, "alice", "bob")
			b.flipSig("root.layout")
			b.expect(b.verifyArgs("alice"), 1, 1, "the layout's signature is corrupted")
		}},
		{"layout-tampered-after-signing", func(b *builder) {
			mini(b, "alice", "bob")
			b.patch("root.layout", [][2]any{{[]any{"signed", "readme"}, "changed after signing"}})
			b.expect(b.verifyArgs("alice"), 1, 1, "the layout's readme was changed after signing")
		}},
		{"layout-signed-by-other-key", func(b *builder) {
			mini(b, "bob", "bob")
			b.pub("alice")
			b.expect(b.verifyArgs("alice"), 1, 1, "the layout is signed by bob, the verifier trusts alice")
		}},
		{"layout-two-owners", func(b *builder) {
			mini(b, "alice", "bob")
			b.layout("root.layout", miniLayout("bob"), "alice", "dan")
			b.pub("dan")
			b.expect(b.verifyArgs("alice", "dan"), 0, 0, "signed by both owners, both keys given: verifies")
		}},
		{"layout-two-owners-one-missing", func(b *builder) {
			mini(b, "alice", "bob")
			b.pub("dan")
			b.expect(b.verifyArgs("alice", "dan"), 1, 1, "two owner keys given, only alice signed: every given key must have signed")
		}},
		{"layout-extra-signature-ignored", func(b *builder) {
			mini(b, "alice", "bob")
			b.layout("root.layout", miniLayout("bob"), "alice", "dan")
			b.expect(b.verifyArgs("alice"), 0, 0, "a signature by a key that was not given (dan) is ignored")
		}},
		{"layout-expired", func(b *builder) {
			mini(b, "alice", "bob")
			b.layout("root.layout", layoutDoc(past, []any{miniStep("bob")}, nil), "alice")
			b.expect(b.verifyArgs("alice"), 1, 1, "the layout expired in 2020")
		}},
		{"layout-threshold-one-of-two", func(b *builder) {
			mini(b, "alice", "bob")
			b.pub("dan")
			b.expect(append(b.verifyArgs("alice", "dan"), "--layout-threshold", "1"), 2, 0,
				"Signet's --layout-threshold 1 accepts a layout signed by one of the two given owner keys")
			b.c.SignetOnly = true
			b.c.Deviation = "--layout-threshold is a Signet extra: in-toto 1.3.1 exits 2 (usage error)"
		}},
		{"layout-threshold-same-key-twice", func(b *builder) {
			mini(b, "alice", "bob")
			data, err := os.ReadFile(b.env.pubPath("alice"))
			b.fail(err)
			b.write(b.out, "alice-copy.pub", string(data))
			b.expect([]string{"--layout", "root.layout", "--layout-keys", "alice.pub", "alice-copy.pub",
				"--key-types", "ed25519", "ed25519", "--layout-threshold", "2"}, 2, 1,
				"--layout-threshold 2 with the same public key given twice: one distinct key, threshold not met")
			b.c.SignetOnly = true
			b.c.Deviation = "--layout-threshold is a Signet extra: in-toto 1.3.1 exits 2 (usage error)"
		}},
	}
}

func malformedScenarios() []scenario {
	raw := func(name string, ref, signet int, why string, edit func(doc map[string]any), signOver, deviation string) scenario {
		return scenario{name, func(b *builder) {
			mini(b, "alice", "bob")
			doc := miniLayout("bob")
			edit(doc)
			b.rawLayout("root.layout", doc, signOver, "alice")
			b.expect(b.verifyArgs("alice"), ref, ref, why)
			if signet != ref {
				b.deviate(signet, deviation)
			}
		}}
	}
	firstStep := func(doc map[string]any) map[string]any { return doc["steps"].([]any)[0].(map[string]any) }
	return []scenario{
		{"layout-bad-json", func(b *builder) {
			mini(b, "alice", "bob")
			b.write(b.out, "root.layout", "{\"signatures\": [], \"signed\": {\"_type\": \"layout\",")
			b.expect(b.verifyArgs("alice"), 1, 1, "the layout file is truncated JSON")
		}},
		raw("layout-bad-rule", 1, 1, "a MATCH rule without FROM <step> (signed as written)", func(doc map[string]any) {
			firstStep(doc)["expected_materials"] = [][]string{{"MATCH", "src.c", "WITH", "PRODUCTS"}}
		}, "raw", ""),
		raw("layout-unknown-rule-keyword", 1, 1, "a rule with the unknown keyword COPY", func(doc map[string]any) {
			firstStep(doc)["expected_products"] = [][]string{{"COPY", "app"}}
		}, "raw", ""),
		raw("layout-missing-type", 1, 1, "the layout's signed object has no _type", func(doc map[string]any) {
			delete(doc, "_type")
		}, "raw", ""),
		raw("layout-missing-steps", 1, 1, "the layout has no steps field", func(doc map[string]any) {
			delete(doc, "steps")
		}, "raw", ""),
		raw("layout-bad-expires", 1, 1, "expires is a date without a time", func(doc map[string]any) {
			doc["expires"] = "2099-01-01"
		}, "raw", ""),
		raw("layout-missing-readme", 0, 1, "readme is missing; the signature covers the reference's model with readme \"\" filled in", func(doc map[string]any) {
			delete(doc, "readme")
		}, "model", "a missing field is refused rather than defaulted: what Signet verifies stays what was signed (reference fills in defaults, then checks the signature against them)"),
		raw("layout-unknown-field", 0, 1, "the layout has a field (note) the signature does not cover; the reference drops it", func(doc map[string]any) {
			doc["note"] = "not covered by the signature"
		}, "model", "a field inside signed that the signature does not cover must not look signed (ADR 0001)"),
		raw("layout-step-threshold-zero", 0, 1, "step build has threshold 0 (its link is present and valid)", func(doc map[string]any) {
			firstStep(doc)["threshold"] = 0
		}, "raw", "a step threshold below 1 means no evidence is needed; Signet refuses such a layout"),
	}
}

func inspectionScenarios() []scenario {
	withInspections := func(name string, ref int, why string, shipped string, insps ...any) scenario {
		return scenario{name, func(b *builder) {
			mini(b, "alice", "bob", insps...)
			if shipped != "" {
				b.write(b.out, "app", shipped)
			}
			b.expect(b.verifyArgs("alice"), ref, ref, why)
		}}
	}
	matchApp := rules(withVerifierFiles([]string{"MATCH app WITH PRODUCTS FROM build"}, "DISALLOW *")...)
	return []scenario{
		withInspections("inspection-pass", 0, "an inspection (sha256sum app) whose rules MATCH the shipped app with build's product", "",
			inspection("check", []string{"sha256sum", "app"}, matchApp, matchApp)),
		withInspections("inspection-nonzero-exit", 1, "an inspection command that exits 1 fails verification", "",
			inspection("check", []string{"false"}, matchApp, matchApp)),
		withInspections("inspection-command-missing", 1, "an inspection command that does not exist fails verification", "",
			inspection("check", []string{"signet-corpus-no-such-command"}, matchApp, matchApp)),
		withInspections("inspection-tampered-product", 1, "the shipped app differs from build's product: the inspection's MATCH fails, DISALLOW * fires", "evil\n",
			inspection("check", []string{"sha256sum", "app"}, matchApp, matchApp)),
		withInspections("inspection-stray-product", 1, "the inspection creates stray.txt, which its DISALLOW * refuses", "",
			inspection("check", []string{"touch", "stray.txt"}, matchApp, matchApp)),
		withInspections("inspection-create", 0, "CREATE made.txt in an inspection's products consumes the file it made", "",
			inspection("make", []string{"touch", "made.txt"}, matchApp,
				rules(withVerifierFiles([]string{"CREATE made.txt", "MATCH app WITH PRODUCTS FROM build"}, "DISALLOW *")...))),
		withInspections("inspection-match-inspection", 0, "a later inspection MATCHes the products of an earlier one", "",
			inspection("make", []string{"touch", "made.txt"}, matchApp,
				rules(withVerifierFiles([]string{"CREATE made.txt", "MATCH app WITH PRODUCTS FROM build"}, "DISALLOW *")...)),
			inspection("use", []string{"true"},
				rules(withVerifierFiles([]string{"MATCH made.txt WITH PRODUCTS FROM make", "MATCH app WITH PRODUCTS FROM build"}, "DISALLOW *")...),
				rules("ALLOW *"))),
	}
}
