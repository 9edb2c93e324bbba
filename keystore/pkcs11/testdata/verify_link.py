# Verifies links with the in-toto 1.3.1 reference: stdin is a JSON list of
# {"link": PATH, "key": securesystemslib key dict}; stdout is a JSON list
# of "ok" or the error each verification raised.
import json
import sys

from in_toto.models.metadata import Metablock

results = []
for job in json.load(sys.stdin):
    try:
        Metablock.load(job["link"]).verify_signature(job["key"])
        results.append("ok")
    except Exception as e:  # report, do not stop
        results.append("%s: %s" % (type(e).__name__, e))
json.dump(results, sys.stdout)
