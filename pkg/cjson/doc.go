// Package cjson produces canonical JSON in the flavour used by
// securesystemslib and the in-toto reference implementation, so that the
// bytes Signet signs and verifies are identical to the reference's.
//
// The rules, taken from securesystemslib.formats.encode_canonical:
//
//   - object keys are sorted by Unicode code point (Go's byte-wise string
//     order over UTF-8 gives the same order, including outside the BMP);
//   - there is no insignificant whitespace;
//   - strings escape only the backslash and the double quote; every other
//     character, control characters and non-ASCII included, is written as
//     raw UTF-8;
//   - numbers must be integers; floats (and numbers written with a
//     fraction or exponent) are refused with ErrFloat;
//   - true, false and null are written as such.
//
// Marshal accepts any value encoding/json can marshal. Values already in the
// generic shape (map[string]any, []any, string, bool, nil, json.Number and
// Go integers) are encoded directly; anything else goes through
// encoding/json first, so struct tags such as omitempty are honoured.
//
// Canonicalize turns arbitrary JSON text into its canonical form; it is what
// verifiers use to recompute the signed bytes of a metadata file, whose
// on-disk form (indented, \u-escaped) must never be hashed or signed.
package cjson
