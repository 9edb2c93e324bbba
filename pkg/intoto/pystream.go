package intoto

import (
	"fmt"
)

// appendPyCanonical writes canonical JSON (as pkg/cjson makes it: sorted
// keys, no whitespace, strings escaping only '\\' and '"', integers) in
// Python style st, streaming over the text instead of building a value
// tree. It is the file writer for metablocks whose Signed is already
// canonical and free of control characters (see newLinkMetablock), where
// it replaces a parse of a possibly large link.
func appendPyCanonical(dst, canon []byte, st pyStyle, level int) ([]byte, error) {
	w := pyStreamer{in: canon, st: st}
	out, err := w.value(dst, level)
	if err == nil && w.pos != len(w.in) {
		err = fmt.Errorf("canonical JSON has trailing data at byte %d", w.pos)
	}
	return out, err
}

type pyStreamer struct {
	in      []byte
	pos     int
	st      pyStyle
	scratch []byte
}

func (w *pyStreamer) value(dst []byte, level int) ([]byte, error) {
	if w.pos >= len(w.in) {
		return dst, fmt.Errorf("canonical JSON ends early")
	}
	switch w.in[w.pos] {
	case '{':
		return w.container(dst, level, '}', true)
	case '[':
		return w.container(dst, level, ']', false)
	case '"':
		return w.str(dst)
	}
	start := w.pos
	for w.pos < len(w.in) && w.in[w.pos] != ',' && w.in[w.pos] != '}' && w.in[w.pos] != ']' {
		w.pos++
	}
	return append(dst, w.in[start:w.pos]...), nil // a number or a literal, already canonical
}

func (w *pyStreamer) container(dst []byte, level int, closer byte, object bool) ([]byte, error) {
	w.pos++
	if w.pos < len(w.in) && w.in[w.pos] == closer {
		w.pos++
		return append(dst, w.in[w.pos-2:w.pos]...), nil
	}
	dst = append(dst, w.in[w.pos-1])
	var err error
	for first := true; ; first = false {
		if !first {
			dst = append(dst, w.st.itemSep...)
		}
		dst = w.st.newline(dst, level+1)
		if object {
			if dst, err = w.str(dst); err != nil {
				return dst, err
			}
			w.pos++ // ':'
			dst = append(dst, w.st.keySep...)
		}
		if dst, err = w.value(dst, level+1); err != nil {
			return dst, err
		}
		if w.pos >= len(w.in) {
			return dst, fmt.Errorf("canonical JSON ends inside a container")
		}
		if c := w.in[w.pos]; c == closer {
			w.pos++
			return append(w.st.newline(dst, level), closer), nil
		}
		w.pos++ // ','
	}
}

// str decodes a canonical string (only \\ and \" escapes) and writes it
// the way Python does.
func (w *pyStreamer) str(dst []byte) ([]byte, error) {
	w.pos++ // opening quote
	// Fast path: printable ASCII without escapes (paths, digests) is
	// written by Python exactly as it is.
	for i := w.pos; i < len(w.in); i++ {
		c := w.in[i]
		if c == '"' {
			dst = append(append(append(dst, '"'), w.in[w.pos:i]...), '"')
			w.pos = i + 1
			return dst, nil
		}
		if c < 0x20 || c > 0x7e || c == '\\' {
			break
		}
	}
	w.scratch = w.scratch[:0]
	for w.pos < len(w.in) {
		switch c := w.in[w.pos]; c {
		case '"':
			w.pos++
			return appendPyString(dst, string(w.scratch)), nil
		case '\\':
			if w.pos+1 >= len(w.in) {
				return dst, fmt.Errorf("canonical JSON ends inside an escape")
			}
			w.scratch = append(w.scratch, w.in[w.pos+1])
			w.pos += 2
		default:
			w.scratch = append(w.scratch, c)
			w.pos++
		}
	}
	return dst, fmt.Errorf("canonical JSON ends inside a string")
}
