"""Helpers that drive the in-toto reference implementation (in-toto 1.3.1,
securesystemslib 0.26) for Signet's interop tests and fixtures.
Run with /usr/bin/python3 (Debian's interpreter, where the modules live).

  ref.py layout KEYDIR OUT       build the fixture layout from KEYDIR/{alice,bob,carol}.pub,
                                 sign it with KEYDIR/alice and write OUT
  ref.py model FILE              print the canonical bytes the reference signs for the
                                 signed object in FILE (a bare link or layout JSON)
  ref.py verify FILE KEYFILE     load the metablock FILE, verify the signature of the key
                                 in KEYFILE (securesystemslib JSON), print the file as the
                                 reference would write it
  ref.py fixed-layout PUBHEX     print the canonical bytes of a fixed layout built with the
                                 models' constructors (see TestCanonicalMatchesReference)
"""
import json
import sys

from securesystemslib.interface import (
    import_ed25519_privatekey_from_file,
    import_publickeys_from_file,
)
from in_toto.models.layout import Inspection, Layout, Step
from in_toto.models.link import Link
from in_toto.models.metadata import Metablock


def build_layout(keydir, out):
    keys = import_publickeys_from_file(
        [keydir + "/alice.pub", keydir + "/bob.pub", keydir + "/carol.pub"],
        ["ed25519", "rsa", "ecdsa"],
    )
    ids = list(keys)
    layout = Layout(expires="2030-01-01T00:00:00Z",
                    readme="Signet fixture \u2603 \"quoted\"\n\ttabbed \U0001F600")
    for key in keys.values():
        layout.add_functionary_key(key)
    layout.steps.append(Step(
        name="build", pubkeys=[ids[0]], threshold=1,
        expected_command=["echo", "hi"],
        expected_materials=[["ALLOW", "*"]],
        expected_products=[["CREATE", "foo.txt"], ["DISALLOW", "*"]]))
    layout.steps.append(Step(
        name="package", pubkeys=[ids[1], ids[2]], threshold=2,
        expected_materials=[["MATCH", "*", "WITH", "PRODUCTS", "FROM", "build"]],
        expected_products=[["match", "*", "in", "src", "with", "materials", "in", "dst", "from", "build"]]))
    layout.inspect.append(Inspection(
        name="check", run=["true"],
        expected_materials=[["MATCH", "foo.txt", "WITH", "PRODUCTS", "FROM", "build"]]))
    metablock = Metablock(signed=layout)
    metablock.sign(import_ed25519_privatekey_from_file(keydir + "/alice"))
    metablock.dump(out)


def model(path):
    with open(path, encoding="utf-8") as f:
        data = json.load(f)
    obj = Link.read(data) if data.get("_type") == "link" else Layout.read(data)
    sys.stdout.buffer.write(obj.signable_bytes)


def verify(path, keyfile):
    with open(keyfile, encoding="utf-8") as f:
        key = json.load(f)
    metablock = Metablock.load(path)
    metablock.verify_signature(key)
    sys.stdout.write(repr(metablock))


def fixed_layout(pubhex):
    from securesystemslib.keys import format_keyval_to_metadata
    from securesystemslib.formats import encode_canonical
    from securesystemslib.hash import digest
    key = format_keyval_to_metadata("ed25519", "ed25519", {"public": pubhex, "private": ""})
    keyid = digest("sha256")
    keyid.update(encode_canonical(key).encode("utf-8"))
    key["keyid"] = keyid.hexdigest()
    layout = Layout(expires="2031-02-03T04:05:06Z", readme="caf\u00e9 \u00ff \U00010000")
    layout.add_functionary_key(key)
    layout.steps.append(Step(name="s\u00e9", pubkeys=[key["keyid"]], threshold=1,
                             expected_command=["make", "\u2603"],
                             expected_materials=[["ALLOW", "\u00e9*"], ["DISALLOW", "*"]]))
    layout.inspect.append(Inspection(name="i", run=["sh", "-c", "echo \"x\\y\""]))
    sys.stdout.buffer.write(layout.signable_bytes)


if __name__ == "__main__":
    cmd, args = sys.argv[1], sys.argv[2:]
    {"layout": build_layout, "model": model, "verify": verify,
     "fixed-layout": fixed_layout}[cmd](*args)
