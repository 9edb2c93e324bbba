#!/usr/bin/python3
"""Regenerate the static key fixtures with the reference implementation.

Run with Debian's interpreter (securesystemslib 0.26,
in-toto 1.3.1, pyca/cryptography, openssl):

    /usr/bin/python3 gen_fixtures.py

Writes key files and fixtures.json, which lists for every file what the
reference says about it: key id (legacy, and modern as securesystemslib
>= 0.28 computes it), keytype, scheme, public value, and a signature over
MESSAGE made by the reference.
"""
import hashlib
import json
import os
import subprocess

from cryptography.hazmat.primitives import serialization as ser
from cryptography.hazmat.primitives.serialization import load_pem_private_key
from securesystemslib import formats, interface, keys

PASSWORD = "correct horse battery staple"
MESSAGE = b'{"_type":"link","name":"fixture"}\n\xe2\x9c\x93'


def modern_keyid(keytype, scheme, public):
    data = formats.encode_canonical(
        {"keytype": keytype, "scheme": scheme, "keyval": {"public": public}})
    return hashlib.sha256(data.encode("utf-8")).hexdigest()


def modern_public(key):
    """Public value as SSlibKey.from_crypto writes it."""
    if key["keytype"] == "ed25519":
        return key["keyval"]["public"]
    pub = ser.load_pem_public_key(key["keyval"]["public"].encode())
    return pub.public_bytes(ser.Encoding.PEM, ser.PublicFormat.SubjectPublicKeyInfo).decode()


def entry(key, kind, password, sign_key=None):
    e = {
        "kind": kind,
        "password": password or "",
        "keyid": key["keyid"],
        "keytype": key["keytype"],
        "scheme": key["scheme"],
        "public": key["keyval"]["public"],
        "modern_keyid": modern_keyid(key["keytype"], key["scheme"], modern_public(key)),
    }
    if sign_key is not None:
        e["sig"] = keys.create_signature(sign_key, MESSAGE)["sig"]
    return e


def sslib_pair(fixtures, name, keytype, password):
    gen = {
        "rsa": lambda p, f: interface._generate_and_write_rsa_keypair(filepath=f, bits=2048, password=p),
        "ed25519": lambda p, f: interface._generate_and_write_ed25519_keypair(filepath=f, password=p),
        "ecdsa": lambda p, f: interface._generate_and_write_ecdsa_keypair(filepath=f, password=p),
    }[keytype]
    gen(password, name)
    priv = interface.import_privatekey_from_file(name, key_type=keytype, password=password)
    pub = interface.import_publickeys_from_file([name + ".pub"], [keytype])
    (pubkey,) = pub.values()
    fixtures[name] = entry(priv, "private", password, priv)
    fixtures[name + ".pub"] = entry(pubkey, "public", None)
    return priv


def pkcs8(name, priv_pem, password):
    """PKCS#8 copies of a key, plain and encrypted with cryptography."""
    key = load_pem_private_key(priv_pem.encode(), None)
    enc = ser.BestAvailableEncryption(password.encode()) if password else ser.NoEncryption()
    data = key.private_bytes(ser.Encoding.PEM, ser.PrivateFormat.PKCS8, enc)
    with open(name, "wb") as f:
        f.write(data)
    return data


def openssl(args, data):
    return subprocess.run(["openssl"] + args, input=data, check=True, capture_output=True).stdout


def main():
    os.chdir(os.path.dirname(os.path.abspath(__file__)))
    for f in os.listdir("."):
        if f not in ("gen_fixtures.py", "interop.py") and not os.path.isdir(f):
            os.remove(f)
    fixtures = {}
    for keytype in ("rsa", "ed25519", "ecdsa"):
        sslib_pair(fixtures, keytype, keytype, None)
        sslib_pair(fixtures, keytype + "_enc", keytype, PASSWORD)

    # PKCS#8 (and other PEM shapes) of the same keys: legacy key ids of the
    # PEM forms equal those of the sslib files for rsa; for ecdsa the
    # reference only reads JSON, so only the modern id is checked.
    rsa_pem = open("rsa").read()
    rsa_key = interface.import_rsa_privatekey_from_file("rsa")
    for name, pw in (("rsa_pkcs8.pem", None), ("rsa_pkcs8_enc.pem", PASSWORD)):
        pkcs8(name, rsa_pem, pw)
        k = interface.import_rsa_privatekey_from_file(name, password=pw)
        fixtures[name] = entry(k, "private", pw)
    des3 = openssl(["pkey", "-traditional", "-des3", "-passout", "pass:" + PASSWORD], rsa_pem.encode())
    open("rsa_des3.pem", "wb").write(des3)
    fixtures["rsa_des3.pem"] = entry(
        interface.import_rsa_privatekey_from_file("rsa_des3.pem", password=PASSWORD), "private", PASSWORD)
    sha1 = openssl(["pkcs8", "-topk8", "-v2", "aes-128-cbc", "-v2prf", "hmacWithSHA1",
                    "-passout", "pass:" + PASSWORD], rsa_pem.encode())
    open("rsa_pkcs8_sha1_aes128.pem", "wb").write(sha1)
    fixtures["rsa_pkcs8_sha1_aes128.pem"] = entry(
        interface.import_rsa_privatekey_from_file("rsa_pkcs8_sha1_aes128.pem", password=PASSWORD),
        "private", PASSWORD)

    ec = interface.import_privatekey_from_file("ecdsa", key_type="ecdsa")
    open("ec_private.pem", "w").write(ec["keyval"]["private"])
    fixtures["ec_private.pem"] = entry(ec, "private", None)
    for name, pw in (("ecdsa_pkcs8.pem", None), ("ecdsa_pkcs8_enc.pem", PASSWORD)):
        pkcs8(name, ec["keyval"]["private"], pw)
        fixtures[name] = entry(ec, "private", pw)
    ed = interface.import_privatekey_from_file("ed25519", key_type="ed25519")
    ed_crypto = load_pem_private_key(
        openssl(["pkey"], _ed25519_pkcs8(ed["keyval"]["private"])), None)
    for name, pw in (("ed25519_pkcs8.pem", None), ("ed25519_pkcs8_enc.pem", PASSWORD)):
        enc = ser.BestAvailableEncryption(pw.encode()) if pw else ser.NoEncryption()
        open(name, "wb").write(ed_crypto.private_bytes(ser.Encoding.PEM, ser.PrivateFormat.PKCS8, enc))
        fixtures[name] = entry(ed, "private", pw)

    # SPKI PEM public keys as in-toto 2.x --verification-keys reads them.
    for src, name in (("ecdsa", "ecdsa_spki.pem"), ("ed25519", "ed25519_spki.pem")):
        k = interface.import_privatekey_from_file(src, key_type=src)
        pub = ser.load_pem_public_key(modern_public(k).encode()) if src != "ed25519" else \
            ed_crypto.public_key()
        open(name, "wb").write(pub.public_bytes(ser.Encoding.PEM, ser.PublicFormat.SubjectPublicKeyInfo))
        fixtures[name] = entry(k, "public", None)

    # securesystemslib before 0.16 wrote "keytype": "ecdsa-sha2-nistp256".
    old = dict(ec)
    old["keytype"] = "ecdsa-sha2-nistp256"
    old_pub = keys.format_keyval_to_metadata(old["keytype"], old["scheme"], old["keyval"])
    open("ecdsa_oldtype.pub", "w").write(json.dumps(old_pub))
    old["keyid"] = keys._get_keyid(old["keytype"], old["scheme"], old["keyval"])
    fixtures["ecdsa_oldtype.pub"] = entry(old, "public", None)
    fixtures["ecdsa_oldtype.pub"]["sig"] = keys.create_signature(old, MESSAGE)["sig"]

    with open("fixtures.json", "w") as f:
        json.dump({"message_hex": MESSAGE.hex(), "files": fixtures}, f, indent=1, sort_keys=True)


def _ed25519_pkcs8(seed_hex):
    """PKCS#8 DER->PEM for an ed25519 seed (RFC 8410 prefix + seed)."""
    import base64
    der = bytes.fromhex("302e020100300506032b657004220420") + bytes.fromhex(seed_hex)
    b64 = base64.encodebytes(der).decode().replace("\n", "")
    return ("-----BEGIN PRIVATE KEY-----\n" + b64 + "\n-----END PRIVATE KEY-----\n").encode()


if __name__ == "__main__":
    main()
