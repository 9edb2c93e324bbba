package intoto

import (
	"fmt"
	"slices"
	"strings"

	"github.com/signet-dev/signet/pkg/internal/pyjson"
)

// This file writes JSON the way Python's json.dumps does with
// sort_keys=True and the default ensure_ascii=True, in three styles:
//
//   - pyFile: indent=1, separators=(",", ": ") — how the reference writes
//     metadata files, so Signet's files diff cleanly against them;
//   - pyCompact: separators=(",", ":") — the reference's compact_json;
//   - pyDefault: no indent, separators=(", ", ": ") — how in-toto 2.x and
//     later serialise a link or layout as a DSSE payload.
type pyStyle struct {
	indent  bool
	itemSep string
	keySep  string
}

var (
	pyFile    = pyStyle{indent: true, itemSep: ",", keySep: ": "}
	pyCompact = pyStyle{itemSep: ",", keySep: ":"}
	pyDefault = pyStyle{itemSep: ", ", keySep: ": "}
)

// pyDumps returns the JSON text data (which must parse) in style st.
func pyDumps(data []byte, st pyStyle) ([]byte, error) {
	n, err := parseJSON(data)
	if err != nil {
		return nil, err
	}
	return st.appendValue(nil, n, 0)
}

func (st pyStyle) appendValue(dst []byte, n *node, level int) ([]byte, error) {
	switch n.kind {
	case kindObject:
		return st.appendObject(dst, n, level)
	case kindArray:
		return st.appendArray(dst, n, level)
	case kindString:
		return appendPyString(dst, n.str), nil
	case kindNumber:
		if !isIntegerLiteral(n.str) {
			return nil, fmt.Errorf("number %s is not an integer", n.str)
		}
		if n.str == "-0" {
			return append(dst, '0'), nil
		}
		return append(dst, n.str...), nil
	case kindBool:
		if n.boolean {
			return append(dst, "true"...), nil
		}
		return append(dst, "false"...), nil
	}
	return append(dst, "null"...), nil
}

func (st pyStyle) newline(dst []byte, level int) []byte {
	if !st.indent {
		return dst
	}
	dst = append(dst, '\n')
	for range level {
		dst = append(dst, ' ')
	}
	return dst
}

func (st pyStyle) appendArray(dst []byte, n *node, level int) ([]byte, error) {
	if len(n.kids) == 0 {
		return append(dst, "[]"...), nil
	}
	dst = append(dst, '[')
	var err error
	for i := range n.kids {
		if i > 0 {
			dst = append(dst, st.itemSep...)
		}
		dst = st.newline(dst, level+1)
		if dst, err = st.appendValue(dst, &n.kids[i], level+1); err != nil {
			return nil, err
		}
	}
	return append(st.newline(dst, level), ']'), nil
}

func (st pyStyle) appendObject(dst []byte, n *node, level int) ([]byte, error) {
	if len(n.kids) == 0 {
		return append(dst, "{}"...), nil
	}
	// Sort member indexes by key; Go's byte order over UTF-8 is Python's
	// code point order.
	order := make([]int, 0, len(n.kids)/2)
	for i := 0; i+1 < len(n.kids); i += 2 {
		order = append(order, i)
	}
	slices.SortStableFunc(order, func(a, b int) int { return strings.Compare(n.kids[a].str, n.kids[b].str) })
	dst = append(dst, '{')
	var err error
	for j, i := range order {
		if j > 0 {
			dst = append(dst, st.itemSep...)
		}
		dst = st.newline(dst, level+1)
		dst = appendPyString(dst, n.kids[i].str)
		dst = append(dst, st.keySep...)
		if dst, err = st.appendValue(dst, &n.kids[i+1], level+1); err != nil {
			return nil, err
		}
	}
	return append(st.newline(dst, level), '}'), nil
}

// appendPyString writes s as json.dumps does with ensure_ascii=True.
func appendPyString(dst []byte, s string) []byte { return pyjson.AppendString(dst, s) }

// Helpers to build nodes for values that are not parsed from input.

func stringNode(s string) node { return node{kind: kindString, str: s} }

func objectNode(pairs ...node) node { return node{kind: kindObject, kids: pairs} }
