// Package policy is a signer agent's local signing policy: the rules, in a
// YAML file under policies/, that decide whether the agent may sign a
// request with one of its keys — whatever the coordinator says.
//
// A policy is a list of rules. A rule names the request kinds (layout,
// link, statement, step-collect) and the key ids (or "*") it covers, a mode
// (auto: sign when allowed; manual: a person approves with `signet agent
// approve`), and an `allow` expression in CEL over the request:
//
//	version: 1
//	rules:
//	  - name: build-step
//	    kinds: [link]
//	    keys: ["*"]
//	    mode: auto
//	    allow: request.step == "build" && request.command == request.expected_command
//
// Evaluate takes the first rule that covers the request's kind and key and
// whose expression is true; when none is, the request is denied and the
// decision says why each rule did not allow it. Expressions are compiled
// and type-checked when the policy is loaded (errors name the rule and the
// position), must be boolean, and run with a cost limit, so a policy can
// neither fail at signing time nor loop. The variables an expression sees
// are documented on Input; they are computed by the agent from the payload
// it checked itself, never taken from the coordinator's description.
package policy
