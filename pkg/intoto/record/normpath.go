package record

import "strings"

// pyNormpath normalises a path exactly like Python's posixpath.normpath:
// "" becomes ".", "." components and repeated slashes go, ".." removes the
// component before it (a leading ".." of a relative path stays; one after
// the root goes), exactly two leading slashes are kept (POSIX leaves their
// meaning open), three or more become one.
func pyNormpath(p string) string {
	if p == "" {
		return "."
	}
	slashes := 0
	if strings.HasPrefix(p, "/") {
		slashes = 1
		if strings.HasPrefix(p, "//") && !strings.HasPrefix(p, "///") {
			slashes = 2
		}
	}
	var comps []string
	for _, c := range strings.Split(p, "/") {
		switch {
		case c == "" || c == ".":
		case c != ".." || (slashes == 0 && len(comps) == 0) || (len(comps) > 0 && comps[len(comps)-1] == ".."):
			comps = append(comps, c)
		case len(comps) > 0:
			comps = comps[:len(comps)-1]
		}
	}
	out := strings.Repeat("/", slashes) + strings.Join(comps, "/")
	if out == "" {
		return "."
	}
	return out
}
