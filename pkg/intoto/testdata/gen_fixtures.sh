#!/bin/sh
# Regenerates the reference-made fixtures in this directory with the in-toto
# reference implementation (Debian package in-toto 1.3.1). Fresh keys are
# made each time; only public keys and signed metadata are kept.
#   sh pkg/intoto/testdata/gen_fixtures.sh
set -eu
here=$(cd "$(dirname "$0")" && pwd)
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
cd "$work"
in-toto-keygen -t ed25519 alice >/dev/null
in-toto-keygen -t rsa bob >/dev/null
in-toto-keygen -t ecdsa carol >/dev/null
printf 'hello\n' > foo.txt
printf 'crlf\r\n' > 'naïve ☃ 😀.txt'
in-toto-run -n build -k alice -t ed25519 -m foo.txt -p foo.txt -- echo hi >/dev/null
in-toto-run -n package -k bob -s -m foo.txt 'naïve ☃ 😀.txt' -p 'naïve ☃ 😀.txt' -- sh -c 'printf "out \342\230\203\n"; printf "err\n" >&2' >/dev/null
in-toto-run -n package -k carol -t ecdsa -x -m foo.txt -- true >/dev/null
/usr/bin/python3 "$here/ref.py" layout "$work" root.layout
rm -f "$here"/*.link "$here"/*.layout "$here"/*.pub
cp ./*.link root.layout "$here/"
for k in alice bob carol; do cp "$k.pub" "$here/$k.pub"; done
ls "$here"
