#!/usr/bin/python3
"""Regenerate unsigned.layout (run after gen_keys.py) with the reference
implementation: a one-step layout whose functionary is keys/ed25519.pub,
written without signatures as in-toto 1.3.1 dumps it.

    cd cmd/internal/dropin/testdata && /usr/bin/python3 gen_layout.py
"""
from in_toto.models.layout import Layout, Step
from in_toto.models.metadata import Metablock
from securesystemslib import interface

key = interface.import_ed25519_publickey_from_file("keys/ed25519.pub")
layout = Layout()
layout.set_relative_expiration(years=100)
layout.add_functionary_key(key)
step = Step(name="write")
step.pubkeys = [key["keyid"]]
step.expected_products = [["CREATE", "foo.txt"], ["DISALLOW", "*"]]
step.expected_command = ["touch", "foo.txt"]
layout.steps = [step]
Metablock(signed=layout).dump("unsigned.layout")
