#!/usr/bin/env python3
"""Test oracle: runs Python argparse (and the in-toto 1.3.1 tool parsers) on
the command lines listed in a JSON case file and prints what argparse did:
exit status, stdout, stderr and the resulting namespace.

usage: oracle.py CASEFILE    (writes JSON to stdout)

A case file is a list of suites. A suite either declares a parser
({"parser": {...}, "cases": [...]}) with the same fields the Go tests use,
or names a reference tool ({"tool": "run", "cases": [...]}) whose parser is
built by in_toto.in_toto_<tool>.create_parser(). Each case is
{"name": ..., "args": [...]}.
"""
import argparse
import contextlib
import importlib
import io
import json
import os
import sys

NARGS = {None: None, "?": "?", "*": "*", "+": "+"}


def build(spec, parser=None):
    if parser is None:
        parser = argparse.ArgumentParser(
            prog=spec["prog"],
            usage=spec.get("usage"),
            description=spec.get("description"),
            epilog=spec.get("epilog"),
            add_help=not spec.get("no_help", False),
            formatter_class=(argparse.RawDescriptionHelpFormatter
                             if spec.get("raw") else argparse.HelpFormatter))
    groups = {title: parser.add_argument_group(title)
              for title in spec.get("groups", [])}
    mutexes = [parser.add_mutually_exclusive_group(required=m.get("required", False))
               for m in spec.get("mutex", [])]
    for a in spec.get("args", []):
        add_arg(parser, groups, mutexes, a, spec)
    sub = spec.get("subcommands")
    if sub:
        sp = parser.add_subparsers(dest=sub["dest"])
        sp.required = sub.get("required", False)
        for c in sub["commands"]:
            kw = {"help": c["help"]} if c.get("help") else {}
            cspec = dict(c["parser"])
            child = sp.add_parser(
                c["name"], description=cspec.get("description"),
                epilog=cspec.get("epilog"), add_help=not cspec.get("no_help", False),
                formatter_class=(argparse.RawDescriptionHelpFormatter
                                 if cspec.get("raw") else argparse.HelpFormatter),
                **kw)
            build(cspec, child)
    for g in parser._action_groups:
        g.title = g.title.title()
    order = spec.get("order")
    if order:
        named = [g for t in order for g in parser._action_groups if g.title == t]
        rest = [g for g in parser._action_groups if g not in named]
        parser._action_groups = named + rest
    return parser


def add_arg(parser, groups, mutexes, a, spec):
    target = parser
    if a.get("mutex") is not None:
        target = mutexes[a["mutex"]]
    elif a.get("group"):
        target = groups[a["group"]]
    kw = {}
    kind = a.get("kind", "store")
    if kind == "flag":
        kw["action"] = "store_true"
    elif kind == "version":
        kw["action"] = "version"
        kw["version"] = spec.get("version", "")
    elif kind == "help":
        kw["action"] = "help"
    else:
        kw["nargs"] = NARGS[a.get("nargs")]
        if a.get("nargs") == "?" and a.get("names"):
            kw["const"] = True
        if a.get("type") == "int":
            kw["type"] = int
        if a.get("choices"):
            kw["choices"] = a["choices"]
        if a.get("metavar"):
            kw["metavar"] = a["metavar"]
        if a.get("default") is not None:
            kw["default"] = a["default"]
    if a.get("help"):
        kw["help"] = a["help"]
    if a.get("hidden"):
        kw["help"] = argparse.SUPPRESS
    names = a.get("names") or []
    if names:
        if a.get("dest"):
            kw["dest"] = a["dest"]
        if a.get("required"):
            kw["required"] = True
        target.add_argument(*names, **kw)
    else:
        target.add_argument(a["dest"], **kw)


def tool_parser(tool):
    sys.argv[0] = "in-toto-" + tool
    return importlib.import_module("in_toto.in_toto_" + tool).create_parser()


def run(parser, args):
    out, err = io.StringIO(), io.StringIO()
    status, ns = 0, None
    with contextlib.redirect_stdout(out), contextlib.redirect_stderr(err):
        try:
            ns = vars(parser.parse_args(args))
        except SystemExit as e:
            status = e.code if isinstance(e.code, int) else 1
    return {"exit": status, "stdout": out.getvalue(), "stderr": err.getvalue(), "ns": ns}


def main():
    os.environ["COLUMNS"] = "80"
    with open(sys.argv[1], encoding="utf-8") as f:
        suites = json.load(f)
    results = []
    for suite in suites:
        got = []
        for case in suite["cases"]:
            parser = (tool_parser(suite["tool"]) if "tool" in suite
                      else build(suite["parser"]))
            got.append(run(parser, case["args"]))
        results.append(got)
    json.dump(results, sys.stdout, indent=1, sort_keys=True, ensure_ascii=False)
    sys.stdout.write("\n")


if __name__ == "__main__":
    main()
