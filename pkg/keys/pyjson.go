package keys

import (
	"github.com/signet-dev/signet/pkg/internal/pyjson"
)

// pyObject is a JSON object whose members keep their order, so that key
// files come out byte for byte as Python's json.dumps writes the
// reference's dicts (insertion order, ", " and ": " separators, ASCII only).
type pyObject []pyMember

type pyMember struct {
	name  string
	value any // string, []string or pyObject
}

// pyDumps encodes v like json.dumps(v) with default arguments.
func pyDumps(v any) []byte { return appendPy(nil, v) }

func appendPy(dst []byte, v any) []byte {
	switch x := v.(type) {
	case string:
		return appendPyString(dst, x)
	case []string:
		dst = append(dst, '[')
		for i, s := range x {
			if i > 0 {
				dst = append(dst, ", "...)
			}
			dst = appendPyString(dst, s)
		}
		return append(dst, ']')
	case pyObject:
		dst = append(dst, '{')
		for i, m := range x {
			if i > 0 {
				dst = append(dst, ", "...)
			}
			dst = appendPyString(dst, m.name)
			dst = append(dst, ": "...)
			dst = appendPy(dst, m.value)
		}
		return append(dst, '}')
	}
	// Only the types above are ever built by this package.
	return append(dst, "null"...)
}

// appendPyString writes s as json.dumps does with ensure_ascii=True.
func appendPyString(dst []byte, s string) []byte { return pyjson.AppendString(dst, s) }
