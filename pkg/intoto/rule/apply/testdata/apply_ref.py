"""Reads a JSON list of cases on stdin, runs the reference's
in_toto.verifylib.verify_item_rules on each, and prints a JSON list of
results. Used by diff_test.go; run with /usr/bin/python3.

A case is {"item", "source_type", "rules", "links"}, where links maps a step
name to {"materials", "products"} (the item's own link included). A result
is {"outcome", "queues"}: outcome is "ok", "rule_failed"
(RuleVerificationError), "key_error" (the MATCH KeyError crash) or
"error: ..." for anything else; queues are the sorted queues after each
rule that completed (the reference's RULE_TRACE)."""
import json
import logging
import sys

from in_toto import verifylib
from in_toto.exceptions import RuleVerificationError
from in_toto.models.link import Link
from in_toto.models.metadata import Metablock

logging.disable(logging.CRITICAL)


def run(case):
  links = {}
  for name, arts in case["links"].items():
    link = Link(name=name, materials=arts["materials"], products=arts["products"])
    links[name] = Metablock(signed=link)
  outcome = "ok"
  try:
    verifylib.verify_item_rules(case["item"], case["source_type"], case["rules"], links)
  except RuleVerificationError:
    outcome = "rule_failed"
  except KeyError:
    outcome = "key_error"
  except Exception as e:  # pylint: disable=broad-except
    outcome = "error: {}: {}".format(type(e).__name__, e)
  queues = [sorted(entry["queue"]) for entry in verifylib.RULE_TRACE.get("trace", [])]
  return {"outcome": outcome, "queues": queues}


json.dump([run(c) for c in json.load(sys.stdin)], sys.stdout)
