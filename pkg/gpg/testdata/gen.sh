#!/usr/bin/env bash
# Regenerates the fixtures of pkg/gpg: throw-away keys in a temporary
# keyring, exported (binary, <name>.pub), and a detached signature of
# content.txt by each (<name>.sig). fingerprints.txt lists
# "<name> <primary key fingerprint> <signing key fingerprint>" (the signing
# key is a subkey where there is one).
# Run from this directory: ./gen.sh
set -euo pipefail
H=$(mktemp -d /tmp/g.XXXX)
trap 'gpgconf --homedir "$H" --kill gpg-agent; rm -rf "$H"' EXIT
g() { gpg --homedir "$H" --batch --quiet --passphrase '' --pinentry-mode loopback "$@"; }
fprs() { g --with-colons --list-keys "$1" | awk -F: '/^fpr/ {print $10}'; }
: >fingerprints.txt
key() { # name uid algo usage expire [subkey-algo]
	local name=$1
	g --quick-gen-key "$2" "$3" "$4" "$5"
	local primary
	primary=$(fprs "$2" | head -1)
	if [ $# -ge 6 ]; then g --quick-add-key "$primary" "$6" sign never; fi
	g --export "$primary" >"$name.pub"
	g --detach-sign --digest-algo SHA256 --local-user "$primary" <content.txt >"$name.sig"
	echo "$name $primary $(fprs "$2" | tail -1)" >>fingerprints.txt
}
key rsa 'RSA <rsa@example.invalid>' rsa3072 sign never
key ed25519 'Ed <ed@example.invalid>' ed25519 sign never
key dsa 'DSA <dsa@example.invalid>' dsa2048 sign never
key expiring 'Exp <exp@example.invalid>' ed25519 sign 1y
key rsa-sub 'RSA Sub <rsasub@example.invalid>' rsa3072 cert never ed25519
key ed25519-sub 'Ed Sub <edsub@example.invalid>' ed25519 cert never rsa2048
key revoked 'Rev <rev@example.invalid>' ed25519 sign never
rev=$(awk '$1 == "revoked" {print $2}' fingerprints.txt)
sed 's/^:-----/-----/' "$H/openpgp-revocs.d/${rev^^}.rev" | g --import
g --export "$rev" >revoked.pub
