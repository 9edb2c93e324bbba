package keys

import (
	"fmt"
	"unicode/utf16"
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
func appendPyString(dst []byte, s string) []byte {
	dst = append(dst, '"')
	for _, r := range s {
		switch {
		case r == '"':
			dst = append(dst, `\"`...)
		case r == '\\':
			dst = append(dst, `\\`...)
		case r == '\n':
			dst = append(dst, `\n`...)
		case r == '\r':
			dst = append(dst, `\r`...)
		case r == '\t':
			dst = append(dst, `\t`...)
		case r == '\b':
			dst = append(dst, `\b`...)
		case r == '\f':
			dst = append(dst, `\f`...)
		case r < 0x20 || (r > 0x7e && r < 0x10000):
			dst = fmt.Appendf(dst, `\u%04x`, r)
		case r >= 0x10000:
			hi, lo := utf16.EncodeRune(r)
			dst = fmt.Appendf(dst, `\u%04x\u%04x`, hi, lo)
		default:
			dst = append(dst, byte(r))
		}
	}
	return append(dst, '"')
}
