"""Checks Vault-made signatures with the reference's securesystemslib.

stdin: {"items": [{"key": KEYDICT, "sig": HEX, "data": HEX}, ...]}
stdout: {"results": [{"ok": bool, "keyid": STR}, ...]}
keyid is what securesystemslib computes for the key (sha256 of its metadata).
"""
import json
import sys

from securesystemslib import keys

req = json.load(sys.stdin)
results = []
for item in req["items"]:
    key = item["key"]
    keyid = keys._get_keyid(key["keytype"], key["scheme"], key["keyval"], "sha256")
    sig = {"keyid": key["keyid"], "sig": item["sig"]}
    try:
        ok = keys.verify_signature(key, sig, bytes.fromhex(item["data"]))
    except Exception as e:  # a rejected signature may also raise
        sys.stderr.write("verify: %r\n" % (e,))
        ok = False
    results.append({"ok": bool(ok), "keyid": keyid})
json.dump({"results": results}, sys.stdout)
