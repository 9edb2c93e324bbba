#!/usr/bin/python3
"""Regenerates testdata/vectors.json with the reference encoder.

Run with Debian's python3 (python3-securesystemslib installed):
    /usr/bin/python3 pkg/cjson/testdata/gen_vectors.py > pkg/cjson/testdata/vectors.json
Each vector holds JSON text and the canonical bytes securesystemslib
produces for it (hex, so that control characters survive intact).
"""
import json
from securesystemslib.formats import encode_canonical

inputs = [
    '{}', '[]', '""', 'true', 'false', 'null', '0', '-0', '-12', '123456789012345678901234567890',
    '{"b":1,"a":2,"A":3,"_type":"link"}',
    '{"a":{"z":[1,2,{"y":null,"x":true}]}}',
    '"quote \\" and backslash \\\\ and slash \\/"',
    '"control \\u0000\\u0001\\n\\t\\r\\b\\f\\u001f end"',
    '"unicode é 日本 \\ud83d\\ude00 \\u00e9 e\\u0301"',
    '{"\\ud83d\\ude00":1,"\\uffff":2,"\\u00e9":3,"z":4,"é":5}',
    '{"e\\u0301":1,"\\u00e9":2}',
    '{"name":"foo.py","materials":{"foo.py":{"sha256":"aa"}},"byproducts":{"return-value":0,"stderr":"","stdout":"hi\\n"}}',
    '["<>&", "\\u2028\\u2029"]',
    '{"dup":1,"dup":2}',
    '  { "spaced" : [ 1 , 2 ] }  ',
    '"\\u0022quoted\\u0022 and \\u005c escaped"',
    '{"k\\u0022\\u005c":"\\u005c\\u0022"}',
]
out = []
for text in inputs:
    obj = json.loads(text)
    out.append({"json": text, "canonical_hex": encode_canonical(obj).encode("utf-8").hex()})
print(json.dumps(out, indent=1))
