"""Reads a JSON list of rules on stdin and prints, for each, the reference's
in_toto.rulelib.unpack_rule result (or null when it raises FormatError).
Used by rule_test.go TestParseMatchesReference; run with /usr/bin/python3."""
import json
import sys

import securesystemslib.exceptions
from in_toto.rulelib import unpack_rule

out = []
for rule in json.load(sys.stdin):
    try:
        out.append(unpack_rule(rule))
    except securesystemslib.exceptions.FormatError:
        out.append(None)
json.dump(out, sys.stdout)
