#!/usr/bin/env bash
# make demo: the in-toto demo supply chain, end to end, with Signet's tools.
#
#   owner alice   creates the layout from policies/demo and signs it (signet layout new, signet sign)
#   bob           clones the project and updates its version (in-toto-run, in-toto-record)
#   carl          packages it (in-toto-run)
#   the verifier  checks the final product with the in-toto reference's in-toto-verify
#
# Everything happens in a temporary directory that is removed at the end (DEMO_KEEP=1 keeps it).
set -euo pipefail
top=$(cd "$(dirname "$0")/.." && pwd)
bin=${SIGNET_BIN:-$top/bin}
export PATH="$bin:$PATH"
work=$(mktemp -d "${TMPDIR:-/tmp}/signet-demo.XXXXXX")
cleanup() { if [ "${DEMO_KEEP:-}" = 1 ]; then echo "kept $work"; else rm -rf "$work"; fi; }
trap cleanup EXIT

declare -a rows=()
step() { # step LABEL COMMAND...: runs a command and records its wall time for the summary
	local label=$1 t0 t1
	shift
	t0=$(date +%s%N)
	"$@"
	t1=$(date +%s%N)
	rows+=("$(printf '%-42s %8.1f ms' "$label" "$(((t1 - t0) / 1000))e-3")")
}

cd "$work"
mkdir owner_alice functionary_bob functionary_carl final_product

echo "== keys"
step "alice: signet keygen (ed25519)" signet keygen --no-passphrase -t ed25519 --format securesystemslib owner_alice/alice
step "bob: in-toto-keygen (rsa 3072)" in-toto-keygen -t rsa functionary_bob/bob >/dev/null
step "carl: in-toto-keygen (ecdsa)" in-toto-keygen -t ecdsa functionary_carl/carl >/dev/null

echo "== layout"
step "alice: signet layout new" signet layout new "$top/policies/demo/root.layout.template.json" \
	--key bob=functionary_bob/bob.pub --key carl=functionary_carl/carl.pub --expires 720h -o owner_alice/root.layout
step "alice: signet sign root.layout" signet sign owner_alice/root.layout -k owner_alice/alice

echo "== supply chain"
git init -q --bare demo-project.git
(
	cd "$(mktemp -d)" && git init -q && printf 'VERSION = "foo-v0"\n\nprint("Hello in-toto")\n' >foo.py &&
		git add foo.py && git -c user.name=demo -c user.email=demo@example.invalid commit -qm init &&
		git push -q "$work/demo-project.git" HEAD:master 2>/dev/null && rm -rf "$PWD"
)
cd functionary_bob
step "bob: in-toto-run clone" in-toto-run -n clone -p demo-project/foo.py -k bob -- \
	git clone ../demo-project.git demo-project
step "bob: in-toto-record start update-version" in-toto-record start -n update-version -k bob -m demo-project/foo.py
sed -i 's/foo-v0/foo-v1/' demo-project/foo.py
step "bob: in-toto-record stop update-version" in-toto-record stop -n update-version -k bob -p demo-project/foo.py
cp -r demo-project ../functionary_carl/
cd ../functionary_carl
step "carl: in-toto-run package" in-toto-run -n package -m demo-project -p demo-project.tar.gz -k carl -t ecdsa -- \
	tar --exclude .git -zcvf demo-project.tar.gz demo-project
cd ..

cp owner_alice/root.layout owner_alice/alice.pub functionary_bob/*.link functionary_carl/*.link \
	functionary_carl/demo-project.tar.gz final_product/

echo "== verification (reference in-toto-verify)"
cd final_product
if ! [ -x /usr/bin/in-toto-verify ]; then
	echo "the reference in-toto-verify is missing: run 'make test-deps' (apt-get install in-toto)" >&2
	exit 1
fi
echo "layout and links:"; ls -1 *.link root.layout | sed 's/^/  /'
step "verifier: in-toto-verify (reference)" /usr/bin/in-toto-verify --layout root.layout --layout-keys alice.pub --key-types ed25519
echo "verification passed (reference in-toto-verify 1.3.1)"
step "verifier: in-toto-verify (Signet)" in-toto-verify --layout root.layout --layout-keys alice.pub --key-types ed25519
echo "verification passed (Signet in-toto-verify)"
step "verifier: signet verify" signet verify --layout root.layout --key alice.pub --output json >../verify-report.json
echo "verification passed (signet verify; report in verify-report.json)"

echo "== a tampered package is refused"
cp -r ../final_product ../tampered && cd ../tampered
sed -i 's/foo-v1/foo-v6/' ../functionary_carl/demo-project/foo.py
tar --exclude .git -zcf demo-project.tar.gz -C ../functionary_carl demo-project
if out=$(/usr/bin/in-toto-verify --layout root.layout --layout-keys alice.pub --key-types ed25519 2>&1); then
	echo "the tampered package passed verification: something is badly wrong" >&2
	exit 1
fi
echo "refused as expected: $(printf '%s\n' "$out" | grep -m1 'in-toto-verify')"
if out=$(signet verify --layout root.layout --key alice.pub 2>&1); then
	echo "signet verify accepted the tampered package: something is badly wrong" >&2
	exit 1
fi
echo "signet verify explains:"
printf '%s\n' "$out" | grep -E '^(FAILED|what to do)' | sed 's/^/  /'
echo
echo "Summary"
printf '%s\n' "${rows[@]}" | sed 's/^/  /'
