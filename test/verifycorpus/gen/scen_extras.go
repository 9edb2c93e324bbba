package main

// extraScenarios cover Signet's flags beyond 1.3.1 (--param,
// --inspection-timeout, --output json) and the reference's view of a
// layout that needs parameters nobody supplies.
func extraScenarios() []scenario {
	paramLayout := func(b *builder) {
		mini(b, "alice", "bob")
		st := step("build", []string{"bob"}, 1, rules("ALLOW src.c", "DISALLOW *"),
			rules("CREATE {APP}", "ALLOW src.c", "DISALLOW *"), "sh", "-c", "cat src.c > app")
		b.layout("root.layout", layoutDoc(future, []any{st}, nil), "alice")
	}
	signetOnly := func(b *builder, signet int, why, flag string) {
		b.expect(b.c.Args, 2, signet, why)
		b.c.SignetOnly = true
		b.c.Deviation = flag + " is not a flag of in-toto 1.3.1, which exits 2 (usage error)"
	}
	return []scenario{
		{"param-missing", func(b *builder) {
			paramLayout(b)
			b.expect(b.verifyArgs("alice"), 1, 1,
				"the rule CREATE {APP} needs a parameter nobody gives: the reference's CLI does not substitute, so {APP} is a literal pattern and DISALLOW * refuses app; Signet refuses the missing parameter")
		}},
		{"param-given", func(b *builder) {
			paramLayout(b)
			b.c.Args = append(b.verifyArgs("alice"), "--param", "APP=app")
			signetOnly(b, 0, "--param APP=app substitutes the rule CREATE {APP} into CREATE app (the reference has substitution only in its library API)", "--param")
		}},
		{"inspection-timeout", func(b *builder) {
			mini(b, "alice", "bob", inspection("slow", []string{"sleep", "5"}, rules("ALLOW *"), rules("ALLOW *")))
			b.c.Args = append(b.verifyArgs("alice"), "--inspection-timeout", "1")
			signetOnly(b, 1, "an inspection that outlives --inspection-timeout 1 is killed and fails verification", "--inspection-timeout")
		}},
		{"output-json-pass", func(b *builder) {
			mini(b, "alice", "bob")
			b.c.Args = append(b.verifyArgs("alice"), "--output", "json")
			signetOnly(b, 0, "--output json does not change a passing verdict", "--output")
		}},
		{"output-json-fail", func(b *builder) {
			mini(b, "alice", "bob")
			b.remove(b.linkName("build", "bob"))
			b.c.Args = append(b.verifyArgs("alice"), "--output", "json")
			signetOnly(b, 1, "--output json does not change a failing verdict (build's link is missing)", "--output")
		}},
	}
}
