package argparse

// Descriptions and examples shown by the tools' --help.

const runDescription = `
in-toto-run carries out one supply chain step and writes signed evidence of
it. It records the paths and hashes of the materials (before the command),
runs the command, records the products (after it), and writes the command,
its exit status and (with -s) its output together with the artifacts to a
link file signed with the given key. It exits non-zero on failure.`

const runEpilog = `EXAMPLE USAGE

Clone a repository, recording the clone as product, signing with 'bob':

  in-toto-run --step-name clone --products demo-project/foo.py \
         --key bob -- git clone https://github.com/in-toto/demo-project.git

Package a directory, signing with a PKCS#8 PEM key:

  in-toto-run -n package -m project -p project.tar.gz \
         --signing-key key.pem -- tar czf project.tar.gz project

Sign off a review without running a command:

  in-toto-run -n review -k key_file -m document.pdf -x

Record a file outside the current directory under a relative name:

  in-toto-run -n review -k key_file -m /tmp/docs/document.pdf \
         --lstrip-paths /tmp/docs/ -x
`

const mockDescription = `
in-toto-mock runs a command like in-toto-run, with defaults and verbose
output, but without a key: it records every file in the current directory as
material and product and writes the unsigned link '<name>.link'. Use it to
try out link generation, then sign the link with in-toto-sign.
`

const mockEpilog = `EXAMPLE USAGE

  in-toto-mock --name foo -- touch bar
  in-toto-sign -k mykey -f foo.link
`

const recordDescription = `
in-toto-record writes a signed link in two steps, for supply chain steps that
are not a single command (use in-toto-run for those): 'start' records the
materials, 'stop' records the products and signs the finished link. It exits
non-zero on failure.`

const recordEpilog = `EXAMPLE USAGE

  in-toto-record start -n edit-files -k path/to/key_file -m .
  in-toto-record stop -n edit-files -k path/to/key_file -p .

  in-toto-record start -n edit-foo --gpg -m path/to/foo
  in-toto-record stop -n edit-foo --gpg -p path/to/foo

  in-toto-record start -n edit-files --signing-key key.pem -m .
  in-toto-record stop -d path/to/target/dir -n edit-files \
         --signing-key key.pem -p .
`

const signDescription = `
in-toto-sign signs in-toto link or layout metadata, or verifies its
signatures.

  * Signatures are replaced (default) or added ('--append', layouts only);
    a link can be signed by one key only.
  * Without '--output' a layout is written back to '--file' and a link to
    '<name>.<keyid prefix>.link'.

It exits 0 on success, 1 when verification fails and 2 on other errors.`

const signEpilog = `EXAMPLE USAGE

  in-toto-sign -f unsigned.layout -k priv_key1 priv_key2 -o root.layout
  in-toto-sign -f package.2f89b927.link -k priv_key
  in-toto-sign -f root.layout -k pub_key0 pub_key1 pub_key2 --verify
  in-toto-sign -f root.layout --gpg
  in-toto-sign -f root.layout --verify \
      --gpg 3BF8135765A07E21BD12BF89A5627F6BF439F3C2
`

const keygenDescription = `in-toto-keygen generates a key pair, optionally encrypts the private key, and writes both to disk for use with the other in-toto tools.`

const keygenEpilog = `EXAMPLE USAGE

  in-toto-keygen -p -t rsa -b 2048 alice
  in-toto-keygen -t ed25519 bob
`

const verifyDescription = `
in-toto-verify verifies that a product's supply chain was carried out as the
layout defines: the layout is signed by the given keys and not expired, each
step has a threshold of links ('<step name>.<keyid prefix>.link') signed by
authorized functionaries, and the recorded artifacts obey the steps' rules.
Then it runs the layout's inspections and applies their rules. Sublayouts are
verified with the links in '<step name>.<keyid prefix>/'.

It exits 2 when called with wrong arguments, 1 when verification fails and 0
when it passes.`

const verifyEpilog = `EXAMPLE USAGE

  in-toto-verify --layout root.layout --layout-keys alice.pub
  in-toto-verify --layout root.layout --verification-keys alice.pem \
      --link-dir links
  in-toto-verify --layout root.layout \
      --gpg 8465A1E2E0FB2B40ADB2478E18FB3F537E0C8A17 --gpg-home ~/.gnupg
`
