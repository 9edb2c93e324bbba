# Reads a JSON list of [pattern, name] pairs on stdin and prints a JSON list
# of booleans: whether Python's fnmatch.filter (what in-toto's verifylib
# uses) keeps name for pattern.
import fnmatch
import json
import sys

cases = json.load(sys.stdin)
json.dump([bool(fnmatch.filter([name], pat)) for pat, name in cases], sys.stdout)
