package record

import (
	"os"
	"path/filepath"
	"strings"
	"testing"
)

// mainTree has the awkward things the reference has to cope with.
func mainTree(t *testing.T) string {
	dir := t.TempDir()
	tree(t, dir, map[string]string{
		"a.txt":               "hello\n",
		"empty.txt":           "",
		"crlf.txt":            "line1\r\nline2\r\n",
		"with space.txt":      "space",
		"\u00e9.txt":          "nfc",
		"e\u0301.txt":         "nfd",
		"back\\slash.txt":     "backslash",
		"日本語/ファイル.txt":        "unicode dir",
		"step.link":           "link",
		"step.link.sig":       "sig",
		"x.pyc":               "bytecode",
		"backup~":             "backup",
		".git/config":         "git",
		".git/objects/ab":     "obj",
		"sub/.git/HEAD":       "nested git",
		"sub/b.txt":           "b",
		"sub/deeper/c.txt":    "c",
		"sub/deeper/d.pyc":    "d",
		"build/out.bin":       "\x00\x01\xff\xfe binary",
		"build/keep.txt":      "keep",
		"build/sub/keep.txt":  "keep deeper",
		"links/tofile":        "@../a.txt",
		"links/todir":         "@../sub",
		"links/broken":        "@../nonexistent",
		"links/abs":           "@" + filepath.Join(dir, "sub/b.txt"),
		"links/chain":         "@todir",
		"fifo":                "|fifo",
		"emptydir/":           "",
		"dot.dir/.hidden":     "hidden",
		"weird/#hash":         "hash",
		"weird/!bang":         "bang",
		"weird/[brackets]":    "brackets",
		"weird/star*":         "star",
		"weird/trailing ":     "trailing space",
		"weird/new\nline.txt": "newline",
	})
	return dir
}

func TestInteropWithReference(t *testing.T) {
	requireReference(t)
	dir := mainTree(t)
	wd, err := os.Getwd()
	if err != nil {
		t.Fatal(err)
	}
	rel, err := filepath.Rel(wd, filepath.Join(dir, "sub"))
	if err != nil {
		t.Fatal(err)
	}
	type tc struct {
		name string
		c    refCase
	}
	all := []string{"."}
	cases := []tc{
		{"dot", refCase{Artifacts: all}},
		{"empty-string-is-dot", refCase{Artifacts: []string{""}}},
		{"normalised-paths", refCase{Artifacts: []string{"./a.txt", "sub/../a.txt", "sub/", "sub//deeper",
			"missing", "links/todir", "links/broken", "links/tofile", "./sub/./deeper/", "sub/deeper/../b.txt", "fifo"}}},
		{"negations", refCase{Artifacts: all, Excludes: []string{"*.txt", "!keep.txt", "build/", "!build/keep.txt"}}},
		{"pruned-dir-blocks-negation", refCase{Artifacts: all, Excludes: []string{"sub", "!sub/b.txt", "build", "!build/keep.txt"}}},
		{"anchored-and-doublestar", refCase{Artifacts: all, Excludes: []string{"/sub/deeper/", "**/*.bin", "links/*", "/*.txt"}}},
		{"comments-and-blanks", refCase{Artifacts: all, Excludes: []string{"# a comment", "", "   ", "weird/"}}},
		{"escapes", refCase{Artifacts: all, Excludes: []string{`\#hash`, `\!bang`, `weird/\[brackets]`, `star\*`, "[!a-z]*"}}},
		{"star-excludes-dot", refCase{Artifacts: all, Excludes: []string{"*"}}},
		{"explicit-paths-filtered", refCase{Artifacts: []string{"step.link", "x.pyc", "a.txt", ".git", "sub"}}},
		{"no-excludes", refCase{Artifacts: all, Nothing: true}},
		{"lstrip-with-slash", refCase{Artifacts: all, LStrip: []string{"sub/"}}},
		{"lstrip-without-slash", refCase{Artifacts: []string{"sub"}, LStrip: []string{"sub"}}},
		{"lstrip-first-match", refCase{Artifacts: []string{"sub", "build"}, LStrip: []string{"build/", "sub/"}}},
		{"lstrip-collision", refCase{Artifacts: []string{"sub", "links/todir"}, LStrip: []string{"sub/", "links/todir/"}}},
		{"lstrip-overlap", refCase{Artifacts: all, LStrip: []string{"sub/", "sub/deeper/"}}},
		{"lstrip-duplicate-prefix", refCase{Artifacts: all, LStrip: []string{"x", "x"}}},
		{"lstrip-same-file-twice", refCase{Artifacts: []string{".", "a.txt"}, LStrip: []string{"zzz/"}}},
		{"same-file-twice-no-lstrip", refCase{Artifacts: []string{".", "a.txt", "./a.txt"}}},
		{"base-path", refCase{Artifacts: all, BasePath: "sub"}},
		{"base-path-dotdot", refCase{Artifacts: []string{"../a.txt", "deeper", "../links/todir"}, BasePath: "sub"}},
		{"base-path-through-symlink", refCase{Artifacts: []string{"../a.txt", "."}, BasePath: "links/todir"}},
		{"base-path-missing", refCase{Artifacts: all, BasePath: "nonexistent"}},
		{"base-path-file", refCase{Artifacts: all, BasePath: "a.txt"}},
		{"absolute", refCase{Artifacts: []string{dir + "/sub", dir + "/a.txt", dir + "//build/", dir + "/links/abs"}}},
		{"absolute-two-leading-slashes", refCase{Artifacts: []string{"/" + dir + "/sub", "/" + dir + "/a.txt"}}},
		{"absolute-three-leading-slashes", refCase{Artifacts: []string{"//" + dir + "/sub"}}},
		{"absolute-lstrip", refCase{Artifacts: []string{dir + "/sub", dir + "/a.txt"}, LStrip: []string{dir + "/"}}},
		{"absolute-anchored-exclude", refCase{Artifacts: []string{dir + "/sub"}, Excludes: []string{"/sub", "deeper/"}}},
		{"relative-to-process-cwd", refCase{Artifacts: []string{rel, rel + "/../a.txt"}}},
		{"invalid-pattern-bang", refCase{Artifacts: all, Excludes: []string{"!"}}},
		{"invalid-pattern-range", refCase{Artifacts: all, Excludes: []string{"[z-a]"}}},
		{"backslash-top-level-missing", refCase{Artifacts: []string{"back\\slash.txt"}}},
		{"unicode-names", refCase{Artifacts: []string{"\u00e9.txt", "e\u0301.txt", "日本語"}, Excludes: []string{"e\u0301*"}}},
	}
	names := make([]string, len(cases))
	refs := make([]refCase, len(cases))
	for i, c := range cases {
		names[i] = c.name
		refs[i] = c.c
		if refs[i].Cwd == "" {
			refs[i].Cwd = dir
		}
		if strings.HasPrefix(c.name, "relative-to-process-cwd") {
			refs[i].Cwd = wd
		}
	}
	compareWithReference(t, names, refs)
}

// A backslash in a name is recorded as '/': a file "a\b" and a file "b" in
// directory "a" collide, and the later one in walk order wins. Named on the
// command line, "a\b" is opened as "a/b".
func TestInteropBackslashCollision(t *testing.T) {
	requireReference(t)
	dir := t.TempDir()
	tree(t, dir, map[string]string{"a\\b": "first", "a/b": "second", "c\\d": "only"})
	compareWithReference(t,
		[]string{"walk", "top-level", "top-level-missing-twin", "lstrip"},
		[]refCase{
			{Cwd: dir, Artifacts: []string{"."}},
			{Cwd: dir, Artifacts: []string{"a\\b"}},
			{Cwd: dir, Artifacts: []string{"c\\d"}},
			{Cwd: dir, Artifacts: []string{"."}, LStrip: []string{"q"}},
		})
}

// With a symlink back to an ancestor the reference records the loop's files
// once per level until the kernel reports ELOOP; Record records each once.
// Everything outside the loop must still be identical. (Two loop links in
// one directory would keep the reference busy for 2^40 directories.)
func TestInteropSymlinkLoop(t *testing.T) {
	requireReference(t)
	dir := t.TempDir()
	tree(t, dir, map[string]string{"d/f": "f", "d/loop": "@..", "g": "g"})
	c := refCase{Cwd: dir, Artifacts: []string{"."}}
	want := runReference(t, []refCase{c})[0]
	if want.Error != "" {
		t.Fatalf("reference: %s %s", want.Error, want.Message)
	}
	got, err := Record(t.Context(), c.Artifacts, goOptions(c))
	if err != nil {
		t.Fatal(err)
	}
	for k := range want.Result {
		if strings.Contains(k, "loop/") {
			delete(want.Result, k)
		}
	}
	diffMaps(t, got, want.Result)
	if len(got) != 2 {
		t.Errorf("Record found %d files, want d/f and g once each: %v", len(got), got)
	}
}
