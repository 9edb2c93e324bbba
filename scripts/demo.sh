#!/usr/bin/env bash
# make demo: the in-toto demo supply chain signed through a Signet cluster.
#
# As separate processes on 127.0.0.1 it starts
#   - a 3-node coordinator cluster (raft, dev TLS): node1 bootstraps, node2 and node3 join;
#   - signer agents for three project owners under a 2-of-3 layout policy:
#       alice (file key, ed25519), olivia (SoftHSM token, ecdsa-p256), oscar (file key, ecdsa-p384;
#       with DEMO_VAULT=1 a Vault transit key, ed25519, on the local test Vault);
#   - signer agents for two functionaries: bob (file key, ed25519) and carl (SoftHSM, ecdsa-p256).
# Then, as CI would, it requests the layout signatures (two owners approve with `signet agent
# approve`), runs the supply chain steps with `signet run --no-sign`, requests each link's signature
# (the functionaries' agents sign by their own policy), fetches the released metadata, and verifies
# the final product with `signet verify --layout-threshold 2` and with the reference in-toto-verify.
# Negative runs: a tampered package and a forged signature must both be refused.
#
# Everything lives in a temporary directory, removed at the end with every process it started
# (DEMO_KEEP=1 keeps the directory). Needs bin/ built (make build), softhsm2 and the Debian in-toto
# package (make test-deps installs both); DEMO_VAULT=1 needs bin/vaultdev (make vaultdev).
set -euo pipefail
top=$(cd "$(dirname "$0")/.." && pwd)
bin=${SIGNET_BIN:-$top/bin}
export PATH="$bin:$PATH"
module=${SOFTHSM2_MODULE:-/usr/lib/softhsm/libsofthsm2.so}
work=$(mktemp -d "${TMPDIR:-/tmp}/signet-demo.XXXXXX")
declare -a pids=()
cleanup() {
	local rc=$?
	for p in "${pids[@]}"; do kill "$p" 2>/dev/null || true; done
	for p in "${pids[@]}"; do wait "$p" 2>/dev/null || true; done
	if [ $rc -ne 0 ]; then
		echo "demo FAILED (exit $rc); last log lines:" >&2
		for f in "$work"/logs/*.log; do [ -f "$f" ] && { echo "--- $f" >&2; tail -5 "$f" >&2; }; done
	fi
	if [ "${DEMO_KEEP:-}" = 1 ]; then echo "kept $work"; else rm -rf "$work"; fi
}
trap cleanup EXIT
trap 'exit 130' INT TERM

for tool in signet in-toto-verify hsminit; do
	[ -x "$bin/$tool" ] || { echo "demo: $bin/$tool is missing: run 'make build'" >&2; exit 1; }
done
[ -x /usr/bin/in-toto-verify ] || { echo "demo: the reference in-toto-verify is missing: run 'make test-deps'" >&2; exit 1; }
[ -f "$module" ] || { echo "demo: SoftHSM2 ($module) is missing: run 'make test-deps'" >&2; exit 1; }

declare -a rows=()
t_start=$(date +%s%N)
step() { # step LABEL COMMAND...: runs a command and records its wall time for the summary
	local label=$1 t0 t1
	shift
	t0=$(date +%s%N)
	"$@"
	t1=$(date +%s%N)
	rows+=("$(printf '%-58s %9.1f ms' "$label" "$(((t1 - t0) / 1000))e-3")")
}
# bg NAME COMMAND...: starts a background process logging to logs/NAME.log
bg() {
	local name=$1
	shift
	"$@" >"$work/logs/$name.out" 2>"$work/logs/$name.log" &
	pids+=($!)
}
# wait_for FILE PATTERN SECONDS: waits until FILE contains PATTERN
wait_for() {
	local i
	for ((i = 0; i < $3 * 10; i++)); do
		grep -q "$2" "$1" 2>/dev/null && return 0
		sleep 0.1
	done
	echo "demo: timed out waiting for '$2' in $1" >&2
	return 1
}

cd "$work"
mkdir -p logs ca keys agents hsm final_product
umask 077

echo "== coordinator cluster (3 nodes, dev TLS)"
port() { python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1])'; }
declare -a api=()
start_node() { # start_node N FLAGS...
	local n=$1 rp ap
	shift
	rp=$(port) ap=$(port)
	bg "node$n" signet coordinator --node-id "node$n" --data-dir "node$n" --dev-ca ca \
		--raft-addr "127.0.0.1:$rp" --api-addr "127.0.0.1:$ap" --log-level warn "$@"
	api[n]="https://127.0.0.1:$ap"
	wait_for "logs/node$n.out" "ready" 30
}
step "start node1 (bootstrap, admin token)" start_node 1 --bootstrap --admin-token-file admin.token
wait_for admin.token signet_ 30
step "start node2 (join)" start_node 2 --join "${api[1]}" --join-token-file admin.token
step "start node3 (join)" start_node 3 --join "${api[1]}" --join-token-file admin.token
export SIGNET_COORDINATORS="${api[1]},${api[2]},${api[3]}"
admin=(--ca-cert ca/ca.crt --token-file admin.token)
for i in $(seq 50); do
	[ "$(signet operator raft list-peers "${admin[@]}" -o json 2>/dev/null | grep -c '"voter": true')" = 3 ] && break
	sleep 0.2
done
signet operator raft list-peers "${admin[@]}" | sed 's/^/  /'

echo "== keys"
export SOFTHSM2_CONF="$work/hsm/softhsm2.conf"
printf 'directories.tokendir = %s\nobjectstore.backend = file\nlog.level = ERROR\n' "$work/hsm" >"$SOFTHSM2_CONF"
hsm_key() { # hsm_key NAME: a token NAME with key NAME, PIN in keys/NAME.pin; prints the key URI
	head -c 12 /dev/urandom | od -An -tx1 | tr -d ' \n' >"keys/$1.sopin"
	head -c 12 /dev/urandom | od -An -tx1 | tr -d ' \n' >"keys/$1.pin"
	hsminit -module "$module" -label "$1" -so-pin-file "keys/$1.sopin" -pin-file "keys/$1.pin" >/dev/null
	echo "pkcs11:token=$1;object=$1?module-path=$module&pin-source=$work/keys/$1.pin"
}
alice=$work/keys/alice bob=$work/keys/bob
step "alice: signet keygen (file, ed25519)" signet keygen --no-passphrase -t ed25519 --format securesystemslib "$alice" >/dev/null
step "bob: signet keygen (file, ed25519)" signet keygen --no-passphrase -t ed25519 --format securesystemslib "$bob" >/dev/null
olivia=$(hsm_key olivia)
step "olivia: signet key generate (SoftHSM, ecdsa-p256)" signet key generate "$olivia" --type ecdsa-p256 >/dev/null
carl=$(hsm_key carl)
step "carl: signet key generate (SoftHSM, ecdsa-p256)" signet key generate "$carl" --type ecdsa-p256 >/dev/null
if [ "${DEMO_VAULT:-}" = 1 ]; then
	[ -x "$bin/vaultdev" ] || { echo "demo: $bin/vaultdev is missing: run 'make vaultdev'" >&2; exit 1; }
	bg vault "$bin/vaultdev"
	wait_for logs/vault.out "vaultdev ready" 60
	VAULT_ADDR=$(grep -o 'addr=[^ ]*' logs/vault.out | cut -d= -f2)
	VAULT_TOKEN=$(grep -o 'token=[^ ]*' logs/vault.out | cut -d= -f2)
	export VAULT_ADDR VAULT_TOKEN
	oscar="hashivault://transit/oscar"
	step "oscar: signet key generate (Vault transit, ed25519)" signet key generate "$oscar" --type ed25519 >/dev/null
	oscar_type=ed25519
	approvers=(alice oscar)
else
	oscar=$work/keys/oscar
	step "oscar: signet keygen (file, ecdsa-p384)" signet keygen --no-passphrase -t ecdsa-p384 --format securesystemslib "$oscar" >/dev/null
	oscar_type=ecdsa
	approvers=(alice olivia)
fi
declare -A uri=([alice]=$alice [bob]=$bob [olivia]=$olivia [carl]=$carl [oscar]=$oscar)
declare -A keyid=()
for who in alice olivia oscar bob carl; do
	keyid[$who]=$(signet key public "${uri[$who]}" --format securesystemslib -o "keys/$who.pub" 2>&1 | grep -o '[0-9a-f]\{64\}' | head -1)
done
for who in alice olivia oscar; do
	signet key enroll "keys/$who.pub" --role owner --identity "$who" "${admin[@]}" >/dev/null
done
for who in bob carl; do
	signet key enroll "keys/$who.pub" --role functionary --identity "$who" "${admin[@]}" >/dev/null
done
signet key list "${admin[@]}" | sed 's/^/  /'

echo "== policies and tokens"
cat >policy-layout.yaml <<EOF
name: demo-layout
kinds: [layout]
keys: [${keyid[alice]}, ${keyid[olivia]}, ${keyid[oscar]}]
threshold: 2
requesters: [ci]
request_ttl: 1h
# CEL over the request: the layout must keep its three steps and live a week.
condition: >-
  request.layout.steps == ["clone", "update-version", "package"] &&
  request.layout.expires > request.now + duration("168h")
EOF
signet policy apply policy-layout.yaml "${admin[@]}" >/dev/null
for s in clone:bob update-version:bob package:carl; do
	cat >"policy-${s%%:*}.yaml" <<EOF
name: demo-${s%%:*}
kinds: [link]
keys: [${keyid[${s##*:}]}]
threshold: 1
step_name: ${s%%:*}
requesters: [ci]
request_ttl: 1h
EOF
	signet policy apply "policy-${s%%:*}.yaml" "${admin[@]}" >/dev/null
done
signet policy list "${admin[@]}" | sed 's/^/  /'
signet token create --name ci --identity ci --scope read --scope request:demo-layout --scope request:demo-clone \
	--scope request:demo-update-version --scope request:demo-package -o ci.token "${admin[@]}" >/dev/null
ci=(--ca-cert ca/ca.crt --token-file ci.token)

echo "== signer agents"
agent() { # agent NAME POLICY
	signet token create --name "agent-$1" --identity "agent-$1" --scope read --scope "sign:${keyid[$1]}" \
		-o "agents/$1.token" "${admin[@]}" >/dev/null
	cat >"agents/$1.yaml" <<EOF
coordinators: [${api[1]}, ${api[2]}, ${api[3]}]
token_source: $work/agents/$1.token
ca_cert: $work/ca/ca.crt
state_dir: $work/agents/$1.state
policy: $2
wait: 1s
keys:
  - uri: "${uri[$1]}"
EOF
	bg "agent-$1" signet agent run --config "agents/$1.yaml"
}
for who in alice olivia oscar; do agent "$who" "$top/policies/owner/policy.yaml"; done
for who in bob carl; do agent "$who" "$top/policies/demo/functionary.yaml"; done
echo "  owners alice, olivia, oscar (policies/owner: manual); functionaries bob, carl (policies/demo/functionary.yaml: auto)"

echo "== layout: 2 of 3 owners sign"
signet layout new "$top/policies/demo/root.layout.template.json" \
	--key bob=keys/bob.pub --key carl=keys/carl.pub --expires 720h -o root.layout
step "ci: signet request create (layout)" signet request create --id demo-layout --kind layout --policy demo-layout \
	--payload root.layout "${ci[@]}" >/dev/null
approve() { # approve OWNER: waits for the layout in OWNER's agent and approves it as a person would
	local state="agents/$1.state" line id digest i
	for ((i = 0; i < 300; i++)); do
		line=$(signet agent pending --state-dir "$state" 2>/dev/null | grep '^demo-layout' || true)
		[ -n "$line" ] && break
		sleep 0.1
	done
	[ -n "$line" ] || { echo "demo: the layout never reached $1's agent" >&2; return 1; }
	id=$(printf '%s' "$line" | cut -f1)
	digest=$(printf '%s' "$line" | cut -f3 | awk '{print $2}')
	signet agent show "$id" --state-dir "$state" | grep -E '^(layout|expires|steps|digest)' | sed "s/^/  $1 reviews: /" || true
	signet agent approve "$id" --digest "$digest" --state-dir "$state"
}
for who in "${approvers[@]}"; do step "$who: signet agent approve (layout)" approve "$who"; done
step "ci: signet request wait (layout released)" signet request wait demo-layout --timeout 2m "${ci[@]}"
signet request status demo-layout "${ci[@]}" | sed 's/^/  /'
signet request fetch demo-layout -d final_product "${ci[@]}" | sed 's/^/  /'

echo "== supply chain: signet run --no-sign, signatures through the coordinator"
git init -q --bare demo-project.git
(
	cd "$(mktemp -d)" && git init -q && printf 'VERSION = "foo-v0"\n\nprint("Hello in-toto")\n' >foo.py &&
		git add foo.py && git -c user.name=demo -c user.email=demo@example.invalid commit -qm init &&
		git push -q "$work/demo-project.git" HEAD:master 2>/dev/null && rm -rf "$PWD"
)
mkdir -p build && cd build
link() { # link STEP: asks the coordinator for the link's signature and fetches the signed link
	signet request create --id "demo-$1" --kind link --policy "demo-$1" --payload "$1.link" "${ci[@]/#ca\//$work/ca/}" >/dev/null
	signet request wait "demo-$1" --timeout 2m "${ci[@]/#ca\//$work/ca/}"
	signet request fetch "demo-$1" -d "$work/final_product" "${ci[@]/#ca\//$work/ca/}" | grep '\.link' | sed 's/^/  /'
}
ci=(--ca-cert "$work/ca/ca.crt" --token-file "$work/ci.token")
step "bob: signet run clone (--no-sign)" signet run --no-sign -n clone -p demo-project/foo.py -- \
	git clone ../demo-project.git demo-project
step "ci: link request clone, bob's agent signs" link clone
step "bob: signet run update-version (--no-sign)" signet run --no-sign -n update-version -m demo-project/foo.py \
	-p demo-project/foo.py -- sed -i 's/foo-v0/foo-v1/' demo-project/foo.py
step "ci: link request update-version, bob's agent signs" link update-version
step "carl: signet run package (--no-sign)" signet run --no-sign -n package -m demo-project -p demo-project.tar.gz -- \
	tar --exclude .git -zcvf demo-project.tar.gz demo-project
step "ci: link request package, carl's agent signs" link package
cp demo-project.tar.gz "$work/final_product/"
cd "$work"

echo "== verification"
cd final_product
cp "../keys/${approvers[0]}.pub" "../keys/${approvers[1]}.pub" .
rm -f ./*.dsse.json
echo "  final_product: $(ls | tr '\n' ' ')"
declare -A ktype=([alice]=ed25519 [olivia]=ecdsa [oscar]=$oscar_type)
owner_keys=("${approvers[0]}.pub" "${approvers[1]}.pub")
owner_types=("${ktype[${approvers[0]}]}" "${ktype[${approvers[1]}]}")
step "verifier: signet verify --layout-threshold 2" signet verify --layout root.layout --key "${owner_keys[0]}" \
	--key "${owner_keys[1]}" --layout-threshold 2 --output json >../verify-report.json
echo "verification passed (signet verify --layout-threshold 2; report in verify-report.json)"
step "verifier: in-toto-verify (reference 1.3.1)" /usr/bin/in-toto-verify --layout root.layout \
	--layout-keys "${owner_keys[@]}" --key-types "${owner_types[@]}"
echo "verification passed (reference in-toto-verify 1.3.1)"
cd "$work"

echo "== negative runs"
refuse() { # refuse LABEL DIR: both verifiers must refuse DIR
	local out
	cd "$work/$2"
	if out=$(/usr/bin/in-toto-verify --layout root.layout --layout-keys "${owner_keys[@]}" --key-types "${owner_types[@]}" 2>&1); then
		echo "demo: the reference accepted $1: something is badly wrong" >&2
		return 1
	fi
	echo "  $1: reference refuses: $(printf '%s\n' "$out" | grep -m1 -o '[A-Za-z]*Error.*' | cut -c1-150)"
	if out=$(signet verify --layout root.layout --key "${owner_keys[0]}" --key "${owner_keys[1]}" --layout-threshold 2 2>&1); then
		echo "demo: signet verify accepted $1: something is badly wrong" >&2
		return 1
	fi
	echo "  $1: signet verify explains:"
	printf '%s\n' "$out" | grep -E '^(FAILED|what to do)' | cut -c1-200 | sed 's/^/    /'
	cd "$work"
}
cp -r final_product tampered
mkdir -p tamper && tar -xzf final_product/demo-project.tar.gz -C tamper
sed -i 's/foo-v1/foo-v6/' tamper/demo-project/foo.py
tar -zcf tampered/demo-project.tar.gz -C tamper demo-project
refuse "a tampered package" tampered
cp -r final_product forged
python3 - forged/root.layout <<'EOF'
import json, sys
path = sys.argv[1]
doc = json.load(open(path))
sig = doc["signatures"][0]["sig"]
doc["signatures"][0]["sig"] = ("0" if sig[0] != "0" else "1") + sig[1:]
json.dump(doc, open(path, "w"))
EOF
refuse "a forged layout signature" forged

t_end=$(date +%s%N)
echo
echo "Summary"
printf '  %-20s %-7s %-32s %s\n' REQUEST KIND SIGNERS PHASE
for r in demo-layout demo-clone demo-update-version demo-package; do
	signet request status "$r" --output json "${ci[@]}" | python3 -c '
import json, sys
v = json.load(sys.stdin)
r, s = v["request"], v["status"]
names = {'"$(for w in alice olivia oscar bob carl; do printf '"%s":"%s",' "${keyid[$w]}" "$w"; done)"'}
signed = ",".join(names.get(k, k[:8]) for k in s.get("signed") or [])
print("  %-20s %-7s %-32s %s" % (r["id"], r["kind"], signed + " (%d signed, %d needed)" % (len(s.get("signed") or []), s["threshold"]), r["phase"]))
'
done
printf '%s\n' "${rows[@]}" | sed 's/^/  /'
printf '  %-58s %9.1f s\n' "total" "$(((t_end - t_start) / 1000000))e-3"
echo "verdicts: signet verify passed, reference in-toto-verify passed; tampered package and forged signature refused by both"
