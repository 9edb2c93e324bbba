#!/usr/bin/python3
"""Regenerates cases.json from Python pathspec (the library in-toto 1.3.1 uses).

Run: /usr/bin/python3 gen_cases.py > cases.json
Every pattern is matched against every path; "error" marks lines that
pathspec refuses to compile.
"""
import json
import re

import pathspec

PATTERNS = [
    "*.link*", ".git", "*.pyc", "*~", "foo", "/foo", "foo/", "/foo/", "foo/bar",
    "foo/**", "**/foo", "**/foo/bar", "a/**/b", "**", "**/", "*", "/*", "*/",
    "a/*", "a/*/b", "?", "a?c", "[abc]", "[!abc]", "[]]", "[!]]", "[^a]",
    "[a-c]", "[a-]", "[]-a]", "[[:alpha:]]", "\\#x", "#comment", "!foo",
    "\\!foo", " foo ", "foo\\ ", "a[", "[", "a\\*b", "a**b", "***", "/", "//",
    "!", "foo\\", "[z-a]", "a/", "**/**", "a/**/**/b", "**/a/**", ".", "./a",
    "../a", "a/./b", "*.py[co]", "a[/]b", "a[!x]b", "\u00e9", "e\u0301",
    "foo\t", "\u3000foo", "\x1cfoo", "dir/sub/", "sub", "[!", "[!]", "[]",
    "a[]b", "[\\]]", "[\\]", "a\\", "\\\\", "[+-0]", "a[!b]c", "!/", "!**",
    "**/*", "*/*", "/a/b/", "a/b/**/", "x\ny", "[^]a]", "[^-a]", "[a-c-e]",
    "[--]", "*.link", "**/.git/**", "!.git", "a b", "\\ a", "\u00e9*",
    "[\u00e0-\u00ff]", "\\[", "[!/]", "*\\", "#", "\\#", " # not comment",
]

PATHS = [
    "foo", "foo/bar", "a/foo", "a/foo/bar", "foo.link", "x.link.sig",
    "a/b.link", ".git", ".git/config", "sub/.git", "x.pyc", "x~", "a/b",
    "a/x/b", "a/x/y/b", "abc", "a", "b", "c", "d", "]", "^", "-", "!", "/",
    "a/b/c", "./foo", "/foo", "/abs/foo", "//foo", "x/", "foo/", "a\\b",
    "\u00e9", "e\u0301", "foo\n", "foo\nbar", "a/b\n", "#x", "!foo", " foo ",
    "foo ", "a[", "[", "a*b", "axb", "a/.b", ".", "..", "../a", "a/../b",
    "dir/sub/f", "x/dir/sub/f", "sub/f", "x/sub", "a:b", "x.pyo", "a/c",
    "ac", "abc/def", "a/xyz/b/c", "a/b/c/d", "a]b", "a/c/b", "a+c", "a0c",
    "x\ny", "\u00e9t\u00e9", "a b", " a", "\\", "a\\", "#", "+", "0", ",",
    "\u00e8", "foo/\n", "\n", "", "a.link/x",
]

SPECS = [
    ["*.link*", ".git", "*.pyc", "*~"],
    ["*", "!foo"],
    ["a/", "!a/b"],
    ["**/b", "!a/b"],
    ["foo", "!foo/bar"],
    ["!foo", "foo"],
    ["*.link", "!x.link*"],
    ["# c", "", "  ", "foo"],
    ["sub", "!sub/f"],
    ["*", "!*/", "a/b"],
]


def compile_one(p):
    try:
        return pathspec.PathSpec.from_lines("gitwildmatch", [p]), False
    except (ValueError, re.error):
        return None, True


def main():
    out = {"paths": PATHS, "patterns": [], "specs": []}
    for p in PATTERNS:
        spec, err = compile_one(p)
        entry = {"pattern": p, "error": err, "matches": []}
        if spec is not None:
            entry["matches"] = [x for x in PATHS if spec.match_file(x)]
        out["patterns"].append(entry)
    for lines in SPECS:
        spec = pathspec.PathSpec.from_lines("gitwildmatch", lines)
        out["specs"].append({"lines": lines,
                             "matches": [x for x in PATHS if spec.match_file(x)]})
    print(json.dumps(out, indent=1, ensure_ascii=True))


main()
