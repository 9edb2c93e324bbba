package intoto

import (
	"encoding/json"
	"fmt"
	"strconv"
	"strings"
)

// decoder turns parsed nodes into model values. It records the first
// error and turns later calls into no-ops, so decoding functions read as a
// list of fields.
type decoder struct {
	err error
	// slowArtifacts is set when an artifact map could not take the fast
	// path of artifactMap, whose maps are known to be valid.
	slowArtifacts bool
	// digests interns single-hash digest sets across a document's
	// artifact maps: an unchanged file is both a material and a product,
	// and one map is enough for both.
	digests *digestInterner
}

func (d *decoder) fail(path, format string, args ...any) {
	if d.err == nil {
		d.err = &DecodeError{Path: path, Msg: fmt.Sprintf(format, args...)}
	}
}

// expect checks the kind of n and reports a type error naming want.
func (d *decoder) expect(n *node, path string, want kind) bool {
	if d.err != nil || n == nil {
		return false
	}
	if n.kind != want {
		d.fail(path, "expected %v, got %v", want, n.kind)
		return false
	}
	return true
}

// fields is an object's members by name, for decoding a struct.
type fields struct {
	path  string
	byKey map[string]*node
}

// object checks that n is an object without duplicate keys whose keys are
// all among known, and returns its members. Required keys are checked by
// fields.get.
func (d *decoder) object(n *node, path string, known ...string) fields {
	f := fields{path: path, byKey: map[string]*node{}}
	if !d.expect(n, path, kindObject) {
		return f
	}
	for i := 0; i+1 < len(n.kids); i += 2 {
		key := n.kids[i].str
		if _, dup := f.byKey[key]; dup {
			d.fail(path, "duplicate field %q", key)
			return f
		}
		if !contains(known, key) {
			d.fail(path, "unknown field %q%s; the known fields are %s", key, didYouMean(key, known), strings.Join(known, ", "))
			return f
		}
		f.byKey[key] = &n.kids[i+1]
	}
	return f
}

// get returns the member named key, or nil (after recording an error when
// required) if it is absent.
func (d *decoder) get(f fields, key string, required bool) *node {
	n := f.byKey[key]
	if n == nil && required && d.err == nil {
		d.fail(f.path, "missing required field %q", key)
	}
	return n
}

// eachMember calls fn for every member of the object n, rejecting
// duplicate keys; used for maps (materials, keys, digests).
func (d *decoder) eachMember(n *node, path string, fn func(key string, val *node, path string)) {
	if !d.expect(n, path, kindObject) {
		return
	}
	seen := make(map[string]bool, len(n.kids)/2)
	for i := 0; i+1 < len(n.kids) && d.err == nil; i += 2 {
		key := n.kids[i].str
		if seen[key] {
			d.fail(path, "duplicate key %q", key)
			return
		}
		seen[key] = true
		fn(key, &n.kids[i+1], mapPath(path, key))
	}
}

// eachItem calls fn for every element of the array n.
func (d *decoder) eachItem(n *node, path string, fn func(item *node, path string)) {
	if !d.expect(n, path, kindArray) {
		return
	}
	for i := range n.kids {
		if d.err != nil {
			return
		}
		fn(&n.kids[i], fmt.Sprintf("%s[%d]", path, i))
	}
}

func (d *decoder) string(n *node, path string) string {
	if n == nil || !d.expect(n, path, kindString) {
		return ""
	}
	return n.str
}

func (d *decoder) stringList(n *node, path string) []string {
	if n == nil {
		return nil
	}
	out := []string{}
	d.eachItem(n, path, func(item *node, p string) { out = append(out, d.string(item, p)) })
	return out
}

func (d *decoder) ruleList(n *node, path string) [][]string {
	if n == nil {
		return nil
	}
	out := [][]string{}
	d.eachItem(n, path, func(item *node, p string) { out = append(out, d.stringList(item, p)) })
	return out
}

// int decodes an integer that fits in an int; JSON numbers with a fraction
// or exponent are refused, as canonical JSON has no floats.
func (d *decoder) int(n *node, path string) int {
	if n == nil || !d.expect(n, path, kindNumber) {
		return 0
	}
	v, err := strconv.Atoi(n.str)
	if err != nil {
		d.fail(path, "expected an integer, got %s", n.str)
	}
	return v
}

// generic decodes any JSON value into the shapes cjson.Marshal takes:
// map[string]any, []any, string, json.Number (integers only), bool, nil.
func (d *decoder) generic(n *node, path string) any {
	if d.err != nil {
		return nil
	}
	switch n.kind {
	case kindObject:
		m := make(map[string]any, len(n.kids)/2)
		d.eachMember(n, path, func(key string, val *node, p string) { m[key] = d.generic(val, p) })
		return m
	case kindArray:
		a := make([]any, 0, len(n.kids))
		d.eachItem(n, path, func(item *node, p string) { a = append(a, d.generic(item, p)) })
		return a
	case kindString:
		return n.str
	case kindNumber:
		if !isIntegerLiteral(n.str) {
			d.fail(path, "number %s is not an integer; signed in-toto metadata allows only integers", n.str)
		}
		return json.Number(n.str)
	case kindBool:
		return n.boolean
	}
	return nil
}

// genericObject decodes an object of arbitrary content (byproducts,
// environment).
func (d *decoder) genericObject(n *node, path string) map[string]any {
	if n == nil || !d.expect(n, path, kindObject) {
		return nil
	}
	m, _ := d.generic(n, path).(map[string]any)
	return m
}

func (d *decoder) digestSet(n *node, path string) DigestSet {
	ds := DigestSet{}
	d.eachMember(n, path, func(alg string, val *node, p string) { ds[alg] = d.string(val, p) })
	return ds
}

// artifactMap decodes an artifact map. Its fast path, taken when every
// digest set is a non-empty object of distinct, non-empty algorithm names
// with hex string values, builds no error paths and leaves the map valid
// (strings from the parser are valid UTF-8), so Link.Validate need not
// walk it again; anything else takes the general path, which finds the
// exact error.
func (d *decoder) artifactMap(n *node, path string) ArtifactMap {
	if n == nil {
		return nil
	}
	if d.digests == nil {
		d.digests = newDigestInterner(len(n.kids) / 2)
	}
	if am, ok := fastArtifactMap(n, d.digests); ok {
		return am
	}
	d.slowArtifacts = true
	am := ArtifactMap{}
	d.eachMember(n, path, func(name string, val *node, p string) { am[name] = d.digestSet(val, p) })
	return am
}

func fastArtifactMap(n *node, intern *digestInterner) (ArtifactMap, bool) {
	if n.kind != kindObject {
		return nil, false
	}
	am := make(ArtifactMap, len(n.kids)/2)
	for i := 0; i+1 < len(n.kids); i += 2 {
		name, val := n.kids[i].str, &n.kids[i+1]
		if _, dup := am[name]; dup || val.kind != kindObject || len(val.kids) == 0 {
			return nil, false
		}
		if len(val.kids) == 2 {
			alg, v := val.kids[0].str, &val.kids[1]
			if alg == "" || v.kind != kindString || !isHex(v.str) {
				return nil, false
			}
			ds := intern.get(alg, v.str)
			am[name] = ds
			continue
		}
		ds := make(DigestSet, len(val.kids)/2)
		for j := 0; j+1 < len(val.kids); j += 2 {
			alg, v := val.kids[j].str, &val.kids[j+1]
			if _, dup := ds[alg]; dup || alg == "" || v.kind != kindString || !isHex(v.str) {
				return nil, false
			}
			ds[alg] = v.str
		}
		am[name] = ds
	}
	return am, true
}

func isIntegerLiteral(s string) bool {
	return s != "" && !strings.ContainsAny(s, ".eE")
}

// mapPath appends a map key to a path, quoted in brackets:
// materials["src/a.c"].
func mapPath(path, key string) string {
	return fmt.Sprintf("%s[%s]", path, strconv.Quote(key))
}

func contains(list []string, s string) bool {
	for _, v := range list {
		if v == s {
			return true
		}
	}
	return false
}

// didYouMean suggests a known field close to an unknown one.
func didYouMean(key string, known []string) string {
	best, bestDist := "", 3
	for _, k := range known {
		if dist := editDistance(key, k, bestDist); dist < bestDist {
			best, bestDist = k, dist
		}
	}
	if best == "" {
		return ""
	}
	return fmt.Sprintf(" (did you mean %q?)", best)
}

// editDistance is the Levenshtein distance of a and b, or limit when it
// is at least limit (long inputs are cut off early).
func editDistance(a, b string, limit int) int {
	if len(a)-len(b) >= limit || len(b)-len(a) >= limit || len(a) > 64 {
		return limit
	}
	prev := make([]int, len(b)+1)
	cur := make([]int, len(b)+1)
	for j := range prev {
		prev[j] = j
	}
	for i := 1; i <= len(a); i++ {
		cur[0] = i
		for j := 1; j <= len(b); j++ {
			cost := 1
			if a[i-1] == b[j-1] {
				cost = 0
			}
			cur[j] = min(prev[j]+1, cur[j-1]+1, prev[j-1]+cost)
		}
		prev, cur = cur, prev
	}
	return min(prev[len(b)], limit)
}

// isHex reports whether s is a non-empty string of hex digits (either
// case), the reference's HEX_SCHEMA without its trailing-newline quirk.
func isHex(s string) bool {
	if s == "" {
		return false
	}
	for i := 0; i < len(s); i++ {
		if !hexDigit[s[i]] {
			return false
		}
	}
	return true
}

// hexDigit marks the bytes that are hex digits (either case).
var hexDigit = [256]bool{
	'0': true, '1': true, '2': true, '3': true, '4': true, '5': true, '6': true, '7': true, '8': true, '9': true,
	'a': true, 'b': true, 'c': true, 'd': true, 'e': true, 'f': true,
	'A': true, 'B': true, 'C': true, 'D': true, 'E': true, 'F': true,
}
