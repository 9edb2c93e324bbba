// Package pyjson holds what Signet's packages share to write JSON the way
// Python's json module does (the in-toto reference writes its files with
// json.dumps), so that files diff cleanly against the reference's.
package pyjson

import "unicode/utf8"

// AppendString writes s as json.dumps does with ensure_ascii=True:
// printable ASCII stays, \" \\ \b \f \n \r \t use short escapes, everything
// else is \u00XX (lowercase hex), characters beyond the BMP as surrogate
// pairs, and invalid UTF-8 as \ufffd.
func AppendString(dst []byte, s string) []byte {
	dst = append(dst, '"')
	for _, r := range s {
		switch {
		case r == '"' || r == '\\':
			dst = append(dst, '\\', byte(r))
		case r == '\b':
			dst = append(dst, `\b`...)
		case r == '\f':
			dst = append(dst, `\f`...)
		case r == '\n':
			dst = append(dst, `\n`...)
		case r == '\r':
			dst = append(dst, `\r`...)
		case r == '\t':
			dst = append(dst, `\t`...)
		case r >= ' ' && r <= '~':
			dst = append(dst, byte(r))
		case r > 0xFFFF:
			r -= 0x10000
			dst = appendUnit(appendUnit(dst, 0xD800+(r>>10)), 0xDC00+(r&0x3FF))
		case r == utf8.RuneError:
			dst = appendUnit(dst, 0xFFFD)
		default:
			dst = appendUnit(dst, r)
		}
	}
	return append(dst, '"')
}

func appendUnit(dst []byte, u rune) []byte {
	const hexDigits = "0123456789abcdef"
	return append(dst, '\\', 'u', hexDigits[u>>12&0xF], hexDigits[u>>8&0xF], hexDigits[u>>4&0xF], hexDigits[u&0xF])
}
