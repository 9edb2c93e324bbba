#!/usr/bin/env bash
# Installs the Debian packages Signet's tests, demo and benchmarks use:
#   in-toto (the Python reference, the interop peer), openssl (hashing reference), etcd-server (the
#   replicated-write anchor of make bench),
#   softhsm2 (PKCS#11), git, tar, gnupg (gpg for the -g/--gpg tests).
# Idempotent: packages already present are not touched, and apt-get update runs only when
# something is missing.
set -euo pipefail
pkgs=(in-toto openssl softhsm2 git tar gnupg etcd-server)
missing=()
for p in "${pkgs[@]}"; do
	dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed" || missing+=("$p")
done
if ((${#missing[@]})); then
	if [ "$(id -u)" != 0 ]; then
		echo "install-test-deps: missing Debian packages: ${missing[*]}; run as root or: sudo apt-get install -y ${missing[*]}" >&2
		exit 1
	fi
	echo "install-test-deps: installing ${missing[*]}"
	export DEBIAN_FRONTEND=noninteractive
	apt-get update -qq
	apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null
fi
