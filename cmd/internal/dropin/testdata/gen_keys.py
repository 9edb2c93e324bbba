#!/usr/bin/python3
"""Regenerate the key fixtures of the drop-in tool tests with the reference
implementation (in-toto 1.3.1, securesystemslib 0.26, pyca/cryptography).

    cd cmd/internal/dropin/testdata && /usr/bin/python3 gen_keys.py

Writes keys/: legacy key pairs as in-toto-keygen writes them (rsa, ed25519,
ecdsa; *_enc encrypted with the password "pw"), and PKCS#8/SPKI PEM copies
of the ed25519 and ecdsa keys for --signing-key (*_pkcs8_enc.pem encrypted
with "pw"). The tests only read these files.
"""
import os

from cryptography.hazmat.primitives import serialization as ser
from securesystemslib import interface

PASSWORD = "pw"
os.makedirs("keys", exist_ok=True)
os.chdir("keys")

for name, gen in [
    ("rsa", lambda f, p: interface._generate_and_write_rsa_keypair(filepath=f, bits=3072, password=p)),
    ("ed25519", lambda f, p: interface._generate_and_write_ed25519_keypair(filepath=f, password=p)),
    ("ecdsa", lambda f, p: interface._generate_and_write_ecdsa_keypair(filepath=f, password=p)),
]:
    gen(name, None)
    gen(name + "_enc", PASSWORD)


def pem_copies(name, key):
    for suffix, enc in [("", ser.NoEncryption()), ("_enc", ser.BestAvailableEncryption(PASSWORD.encode()))]:
        with open(name + "_pkcs8" + suffix + ".pem", "wb") as f:
            f.write(key.private_bytes(ser.Encoding.PEM, ser.PrivateFormat.PKCS8, enc))
    with open(name + "_spki.pem", "wb") as f:
        f.write(key.public_key().public_bytes(ser.Encoding.PEM, ser.PublicFormat.SubjectPublicKeyInfo))


from cryptography.hazmat.primitives.asymmetric import ec, ed25519
pem_copies("ed25519", ed25519.Ed25519PrivateKey.generate())
pem_copies("ecdsa", ec.generate_private_key(ec.SECP256R1()))
