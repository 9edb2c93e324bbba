package record

import (
	"context"
	"crypto/sha256"
	"crypto/sha512"
	"encoding/hex"
	"encoding/json"
	"errors"
	"os"
	"path"
	"path/filepath"
	"strings"
	"sync/atomic"
	"testing"
)

func sum256(s string) string {
	h := sha256.Sum256([]byte(s))
	return hex.EncodeToString(h[:])
}

func TestPyNormpath(t *testing.T) {
	raw, err := os.ReadFile("testdata/normpath.json") // made with posixpath.normpath
	if err != nil {
		t.Fatal(err)
	}
	var cases map[string]string
	if err := json.Unmarshal(raw, &cases); err != nil {
		t.Fatal(err)
	}
	if len(cases) < 20 {
		t.Fatalf("only %d cases in testdata/normpath.json", len(cases))
	}
	for in, want := range cases {
		if got := pyNormpath(in); got != want {
			t.Errorf("pyNormpath(%q) = %q, Python says %q", in, got, want)
		}
	}
}

// FuzzNormpath: Python's normpath is Go's path.Clean except that exactly
// two leading slashes are kept; it is idempotent; joinNorm agrees with
// normpath(os.path.join(root, name)).
func FuzzNormpath(f *testing.F) {
	for _, s := range []string{"", ".", "//a/..", "../a/./b/", "a//b", "///x"} {
		f.Add(s, "name")
	}
	f.Fuzz(func(t *testing.T, p, name string) {
		got := pyNormpath(p)
		want := path.Clean(p)
		if strings.HasPrefix(p, "//") && !strings.HasPrefix(p, "///") {
			want = "/" + path.Clean(p)
			if want == "//" && got == "//" {
				want = got
			}
		}
		if got != want {
			t.Fatalf("pyNormpath(%q) = %q, want %q", p, got, want)
		}
		if again := pyNormpath(got); again != got {
			t.Fatalf("pyNormpath not idempotent: %q -> %q -> %q", p, got, again)
		}
		if name == "" || name == "." || name == ".." || strings.Contains(name, "/") {
			return
		}
		joined := got + "/" + name // os.path.join adds a '/' unless there is one
		if strings.HasSuffix(got, "/") {
			joined = got + name
		}
		if j, n := joinNorm(got, name), pyNormpath(joined); j != n {
			t.Fatalf("joinNorm(%q, %q) = %q, normpath gives %q", got, name, j, n)
		}
	})
}

func TestRecordErrors(t *testing.T) {
	t.Parallel()
	dir := t.TempDir()
	tree(t, dir, map[string]string{"a/x": "1", "b/x": "2", "f": "file"})
	tests := []struct {
		name    string
		paths   []string
		opts    Options
		wantErr error
	}{
		{"missing base path", []string{"."}, Options{BasePath: dir + "/nope"}, ErrBasePath},
		{"base path is a file", []string{"."}, Options{BasePath: dir + "/f"}, ErrBasePath},
		{"no paths: nothing is checked", nil, Options{BasePath: dir + "/nope", Excludes: []string{"!"}}, nil},
		{"lone bang", []string{"."}, Options{BasePath: dir, Excludes: []string{"!"}}, ErrInvalidExclude},
		{"trailing backslash", []string{"."}, Options{BasePath: dir, Excludes: []string{"a\\"}}, ErrInvalidExclude},
		{"reversed range", []string{"."}, Options{BasePath: dir, Excludes: []string{"[z-a]"}}, ErrInvalidExclude},
		{"base path checked before patterns", []string{"."}, Options{BasePath: dir + "/nope", Excludes: []string{"!"}}, ErrBasePath},
		{"patterns checked before prefixes", []string{"."}, Options{BasePath: dir, Excludes: []string{"!"}, LStripPaths: []string{"a", "a"}}, ErrInvalidExclude},
		{"overlapping prefixes", []string{"."}, Options{BasePath: dir, LStripPaths: []string{"a/", "a/b"}}, ErrPrefixOverlap},
		{"empty prefix overlaps all", []string{"."}, Options{BasePath: dir, LStripPaths: []string{"", "a/"}}, ErrPrefixOverlap},
		{"collision", []string{"a", "b"}, Options{BasePath: dir, LStripPaths: []string{"a/", "b/"}}, ErrPrefixCollision},
		{"same file twice with lstrip", []string{".", "f"}, Options{BasePath: dir, LStripPaths: []string{"zz"}}, ErrPrefixCollision},
		{"same file twice without lstrip", []string{".", "f"}, Options{BasePath: dir}, nil},
		{"unsupported hash", []string{"."}, Options{BasePath: dir, HashAlgorithms: []string{"md5"}}, ErrUnsupportedHash},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			_, err := Record(t.Context(), tt.paths, tt.opts)
			if !errors.Is(err, tt.wantErr) || (tt.wantErr == nil) != (err == nil) {
				t.Fatalf("Record error = %v, want %v", err, tt.wantErr)
			}
		})
	}
}

func TestRecordMessagesNameTheProblem(t *testing.T) {
	t.Parallel()
	dir := t.TempDir()
	tree(t, dir, map[string]string{"a/x": "1", "b/x": "2"})
	_, err := Record(t.Context(), []string{"a", "b"}, Options{BasePath: dir, LStripPaths: []string{"a/", "b/"}})
	for _, want := range []string{`"a/x"`, `"b/x"`, `"x"`} {
		if err == nil || !strings.Contains(err.Error(), want) {
			t.Errorf("collision error %v does not mention %s", err, want)
		}
	}
	_, err = Record(t.Context(), []string{"."}, Options{BasePath: dir + "/missing"})
	if err == nil || !strings.Contains(err.Error(), dir+"/missing") {
		t.Errorf("base path error %v does not name the directory", err)
	}
}

func TestRecordContentAndWorkers(t *testing.T) {
	t.Parallel()
	dir := t.TempDir()
	files := map[string]string{"empty": "", "crlf": "a\r\nb\r\n", "sub/big": strings.Repeat("x", 3*bufSize+17)}
	for i := range 50 {
		files[filepath.Join("many", strings.Repeat("n", i%7+1)+string(rune('a'+i%26))+strings.Repeat("z", i/26))] = strings.Repeat("y", i)
	}
	tree(t, dir, files)
	var first map[string]string
	for _, workers := range []int{1, 2, 7, 64} {
		got, err := Record(t.Context(), []string{"."}, Options{BasePath: dir, Workers: workers})
		if err != nil {
			t.Fatal(err)
		}
		if len(got) != len(files) {
			t.Fatalf("workers=%d: %d artifacts, want %d", workers, len(got), len(files))
		}
		flat := map[string]string{}
		for k, v := range got {
			flat[k] = v["sha256"]
			if want := sum256(files[k]); v["sha256"] != want || len(v) != 1 {
				t.Errorf("workers=%d %q: %v, want sha256 %s", workers, k, v, want)
			}
		}
		if first == nil {
			first = flat
		}
	}
}

func TestRecordHashAlgorithms(t *testing.T) {
	t.Parallel()
	dir := t.TempDir()
	tree(t, dir, map[string]string{"f": "content"})
	got, err := Record(t.Context(), []string{"f"}, Options{BasePath: dir, HashAlgorithms: []string{"sha512", "sha256"}})
	if err != nil {
		t.Fatal(err)
	}
	s512 := sha512.Sum512([]byte("content"))
	if got["f"]["sha512"] != hex.EncodeToString(s512[:]) || got["f"]["sha256"] != sum256("content") {
		t.Fatalf("got %v", got["f"])
	}
}

func TestRecordProgress(t *testing.T) {
	t.Parallel()
	dir := t.TempDir()
	tree(t, dir, map[string]string{"a": "12345", "b/c": strings.Repeat("z", 1000), "link": "@a"})
	var returned atomic.Bool
	var calls []Progress
	_, err := Record(t.Context(), []string{".", "a"}, Options{
		BasePath: dir,
		Progress: func(p Progress) {
			if returned.Load() {
				t.Error("Progress called after Record returned")
			}
			calls = append(calls, p)
		},
	})
	returned.Store(true)
	if err != nil {
		t.Fatal(err)
	}
	if len(calls) < 2 {
		t.Fatalf("Progress called %d times, want at least a first and a last call", len(calls))
	}
	last := calls[len(calls)-1]
	// "a" is reached twice (in "." and by name) and so hashed twice.
	want := Progress{FilesDone: 4, FilesTotal: 4, BytesDone: 1015, BytesTotal: 1015}
	if last != want {
		t.Fatalf("last progress %+v, want %+v", last, want)
	}
	if !calls[0].Scanning {
		t.Errorf("first progress %+v should be scanning", calls[0])
	}
}

func TestRecordCancelled(t *testing.T) {
	t.Parallel()
	dir := t.TempDir()
	tree(t, dir, map[string]string{"a": "1"})
	ctx, cancel := context.WithCancel(t.Context())
	cancel()
	_, err := Record(ctx, []string{"."}, Options{BasePath: dir})
	if !errors.Is(err, context.Canceled) {
		t.Fatalf("error = %v, want context.Canceled", err)
	}
}

// A file that stats as regular but cannot be read fails the whole record,
// naming the file, as in the reference.
func TestRecordReadError(t *testing.T) {
	t.Parallel()
	if _, err := os.Stat("/proc/self/mem"); err != nil {
		t.Skip("no /proc/self/mem here")
	}
	dir := t.TempDir()
	tree(t, dir, map[string]string{"ok": "fine", "sub/mem": "@/proc/self/mem"})
	_, err := Record(t.Context(), []string{"."}, Options{BasePath: dir})
	if err == nil || !strings.Contains(err.Error(), `"sub/mem"`) {
		t.Fatalf("error = %v, want a read error naming sub/mem", err)
	}
}

func TestDefaultsAreFresh(t *testing.T) {
	t.Parallel()
	a := DefaultExcludes()
	a[0] = "changed"
	if b := DefaultExcludes(); b[0] != "*.link*" || len(b) != 4 {
		t.Fatalf("DefaultExcludes() = %q after changing a returned slice", b)
	}
}
