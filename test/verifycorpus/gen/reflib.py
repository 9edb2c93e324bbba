"""Reference-side helper for the verification corpus generator.

Run by gen/main.go under Debian's /usr/bin/python3 (the interpreter the
in-toto 1.3.1 and securesystemslib 0.26 modules import under). It reads one
JSON request on standard input and writes one JSON answer on standard output.
Everything that builds or signs metadata goes through the reference's own
library, so the corpus is the reference's view of the world:

  keyids   {"keys": [{"path", "type"}]}             -> {"keyids": [...]}
  layout   {"out", "signed", "keys", "raw", "sign", "sign_over", "aliases"}
           builds a layout from "signed", whose step "pubkeys" name entries
           of "keys" ({"path", "type"} files or {"gpg", "home"} keyring
           keys); "aliases" lists {"of": name, "keyid": id} entries that
           put a copy of a key under a second (made-up) key id. Without
           "raw" the layout is validated by in_toto.models.layout and written
           unsigned (gen signs it with in-toto-sign). With "raw" the dict is
           written as it is and signed here with "sign" keys over the raw
           dict ("sign_over": "raw") or over the reference's model of it
           ("sign_over": "model", i.e. after defaults are filled in and
           unknown fields are dropped).
  patch    {"file", "set": [[path, value]], "delete": [path]}
           edits a metadata file without re-signing it (paths are lists of
           keys and indices).
  flipsig  {"file", "index"}  changes one hex digit of a signature.
  pemkey   {"type", "priv", "pub"}  a fresh PKCS#8 / SPKI PEM key pair.
  signmodern {"file", "priv", "type"}  appends a signature made with a
           PKCS#8 key under its in-toto 2.x key id (no
           keyid_hash_algorithms in the preimage; PEM values end with a
           newline), as in-toto-sign 2.x --signing-key would.
"""

import copy
import hashlib
import json
import sys

from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric import ec, ed25519, padding, rsa

import securesystemslib.formats
import securesystemslib.gpg.functions as gpg
import securesystemslib.interface as interface
import securesystemslib.keys as sslkeys
from in_toto.models.layout import Layout
from in_toto.models.metadata import Metablock

SCHEMES = {
    "ed25519": "ed25519",
    "rsa": "rsassa-pss-sha256",
    "ecdsa": "ecdsa-sha2-nistp256",
}


def canonical(obj):
    return securesystemslib.formats.encode_canonical(obj).encode("utf-8")


def dump(path, doc):
    with open(path, "w") as f:
        f.write(json.dumps(doc, indent=1, separators=(",", ": "), sort_keys=True))


def load(path):
    with open(path) as f:
        return json.load(f)


def load_key(entry):
    if "gpg" in entry:
        return gpg.export_pubkey(entry["gpg"], homedir=entry.get("home"))
    return interface.import_publickeys_from_file(
        [entry["path"]], [entry["type"]]).popitem()[1]


def op_keyids(req):
    return {"keyids": [load_key(k)["keyid"] for k in req["keys"]]}


def resolve_keys(req):
    names = {name: load_key(entry) for name, entry in (req.get("keys") or {}).items()}
    table = {}
    for key in names.values():
        table[key["keyid"]] = key
    ids = {name: key["keyid"] for name, key in names.items()}
    for alias in (req.get("aliases") or []):
        twin = copy.deepcopy(names[alias["of"]])
        twin["keyid"] = alias["keyid"]
        table[alias["keyid"]] = twin
        ids[alias["keyid"]] = alias["keyid"]
    return table, ids


def op_layout(req):
    signed = req["signed"]
    table, ids = resolve_keys(req)
    signed.setdefault("keys", {}).update(table)
    for step in signed.get("steps", []):
        if isinstance(step, dict) and isinstance(step.get("pubkeys"), list):
            step["pubkeys"] = [ids.get(p, p) for p in step["pubkeys"]]
    if not req.get("raw"):
        layout = Layout.read(copy.deepcopy(signed))
        Metablock(signed=layout).dump(req["out"])
        return {}
    body = canonical(signed)
    if req.get("sign_over") == "model":
        body = Layout.read(copy.deepcopy(signed)).signable_bytes
    sigs = []
    for s in (req.get("sign") or []):
        priv = interface.import_privatekey_from_file(
            s["path"], s["type"], s.get("password"))
        sigs.append(sslkeys.create_signature(priv, body))
    dump(req["out"], {"signatures": sigs, "signed": signed})
    return {}


def walk(doc, path):
    for p in path[:-1]:
        doc = doc[p]
    return doc, path[-1]


def op_patch(req):
    doc = load(req["file"])
    for path, value in (req.get("set") or []):
        parent, last = walk(doc, path)
        parent[last] = value
    for path in (req.get("delete") or []):
        parent, last = walk(doc, path)
        del parent[last]
    dump(req["file"], doc)
    return {}


def op_flipsig(req):
    doc = load(req["file"])
    sig = doc["signatures"][req.get("index", 0)]
    first = "0" if sig["sig"][0] != "0" else "1"
    sig["sig"] = first + sig["sig"][1:]
    dump(req["file"], doc)
    return {}


def op_pemkey(req):
    kind = req["type"]
    if kind == "ed25519":
        key = ed25519.Ed25519PrivateKey.generate()
    elif kind == "ecdsa":
        key = ec.generate_private_key(ec.SECP256R1())
    else:
        key = rsa.generate_private_key(public_exponent=65537, key_size=2048)
    with open(req["priv"], "wb") as f:
        f.write(key.private_bytes(serialization.Encoding.PEM,
            serialization.PrivateFormat.PKCS8, serialization.NoEncryption()))
    with open(req["pub"], "wb") as f:
        f.write(key.public_key().public_bytes(serialization.Encoding.PEM,
            serialization.PublicFormat.SubjectPublicKeyInfo))
    return {}


def modern_keyid(kind, pub):
    if kind == "ed25519":
        public = pub.public_bytes(serialization.Encoding.Raw,
            serialization.PublicFormat.Raw).hex()
    else:
        public = pub.public_bytes(serialization.Encoding.PEM,
            serialization.PublicFormat.SubjectPublicKeyInfo).decode()
    doc = {"keytype": kind, "keyval": {"public": public},
           "scheme": SCHEMES[kind]}
    return hashlib.sha256(canonical(doc)).hexdigest()


def op_signmodern(req):
    kind = req["type"]
    with open(req["priv"], "rb") as f:
        key = serialization.load_pem_private_key(f.read(), password=None)
    doc = load(req["file"])
    body = canonical(doc["signed"])
    if kind == "ed25519":
        sig = key.sign(body)
    elif kind == "ecdsa":
        sig = key.sign(body, ec.ECDSA(hashes.SHA256()))
    else:
        sig = key.sign(body, padding.PSS(mgf=padding.MGF1(hashes.SHA256()),
            salt_length=32), hashes.SHA256())
    keyid = modern_keyid(kind, key.public_key())
    doc["signatures"].append({"keyid": keyid, "sig": sig.hex()})
    dump(req["file"], doc)
    return {"keyid": keyid}


OPS = {
    "keyids": op_keyids,
    "layout": op_layout,
    "patch": op_patch,
    "flipsig": op_flipsig,
    "pemkey": op_pemkey,
    "signmodern": op_signmodern,
}


def main():
    req = json.load(sys.stdin)
    json.dump(OPS[req["op"]](req), sys.stdout)


if __name__ == "__main__":
    main()
