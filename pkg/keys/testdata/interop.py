#!/usr/bin/python3
"""Interop helper for keys tests: runs one reference operation.

Reads a JSON request on stdin and prints a JSON answer. Operations:
  gen      {type, path, password}      generate_and_write_* (rsa: 2048 bits)
  load     {type, path, password}      import_privatekey_from_file
  loadpub  {type, path}                import_publickeys_from_file
  sign     {type, path, password, data_hex}  create_signature with a key file
  verify   {key, sig, data_hex}        verify_signature with a key dict
  pkcs8    {path, password}            pyca/cryptography load_pem_private_key,
                                       answer: modern key (SSlibKey.from_crypto)
"""
import hashlib
import json
import sys

from cryptography.hazmat.primitives import serialization as ser
from cryptography.hazmat.primitives.asymmetric import ec, ed25519, rsa
from securesystemslib import formats, interface, keys


def key_answer(k):
    return {"keyid": k["keyid"], "keytype": k["keytype"], "scheme": k["scheme"],
            "public": k["keyval"]["public"]}


def pw(req):
    return req.get("password") or None


def gen(req):
    t, path, p = req["type"], req["path"], pw(req)
    if t == "rsa":
        interface._generate_and_write_rsa_keypair(filepath=path, bits=2048, password=p)
    elif t == "ed25519":
        interface._generate_and_write_ed25519_keypair(filepath=path, password=p)
    else:
        interface._generate_and_write_ecdsa_keypair(filepath=path, password=p)
    return load(req)


def load(req):
    return key_answer(interface.import_privatekey_from_file(req["path"], key_type=req["type"], password=pw(req)))


def loadpub(req):
    (k,) = interface.import_publickeys_from_file([req["path"]], [req["type"]]).values()
    return key_answer(k)


def sign(req):
    k = interface.import_privatekey_from_file(req["path"], key_type=req["type"], password=pw(req))
    return keys.create_signature(k, bytes.fromhex(req["data_hex"]))


def verify(req):
    sig = {"keyid": req["key"]["keyid"], "sig": req["sig"]}
    return {"ok": keys.verify_signature(req["key"], sig, bytes.fromhex(req["data_hex"]))}


def pkcs8(req):
    with open(req["path"], "rb") as f:
        priv = ser.load_pem_private_key(f.read(), (req.get("password") or "").encode() or None)
    pub = priv.public_key()
    if isinstance(pub, ed25519.Ed25519PublicKey):
        keytype, scheme = "ed25519", "ed25519"
        public = pub.public_bytes(ser.Encoding.Raw, ser.PublicFormat.Raw).hex()
    else:
        keytype, scheme = ("rsa", "rsassa-pss-sha256") if isinstance(pub, rsa.RSAPublicKey) else \
            ("ecdsa", "ecdsa-sha2-nistp%d" % pub.curve.key_size)
        public = pub.public_bytes(ser.Encoding.PEM, ser.PublicFormat.SubjectPublicKeyInfo).decode()
    data = formats.encode_canonical({"keytype": keytype, "scheme": scheme, "keyval": {"public": public}})
    return {"keyid": hashlib.sha256(data.encode()).hexdigest(), "keytype": keytype,
            "scheme": scheme, "public": public}


OPS = {"gen": gen, "load": load, "loadpub": loadpub, "sign": sign, "verify": verify, "pkcs8": pkcs8}

if __name__ == "__main__":
    request = json.load(sys.stdin)
    json.dump(OPS[request["op"]](request), sys.stdout)
