// Package fnmatch matches artifact paths against shell-style patterns
// exactly like Python's fnmatch module does on POSIX systems (Python 3.11,
// the version behind the in-toto 1.3.1 reference), which is what in-toto
// artifact rules use.
//
// The semantics, which differ from Go's path.Match and filepath.Match:
//
//   - "*" matches any sequence of characters, including "/" and the empty
//     sequence; "?" matches exactly one character, including "/".
//   - "[...]" is a character class; "[!...]" negates it; a "]" right after
//     "[" or "[!" is a literal member; "a-z" is a range of code points and a
//     range whose start is greater than its end is dropped (Python's rule for
//     "empty ranges"); a "-" first or last in the class is literal.
//   - A "[" with no closing "]" is a literal "[".
//   - There is no escaping: a backslash is an ordinary character.
//   - Matching is case-sensitive (os.path.normcase is the identity on POSIX)
//     and compares Unicode code points without normalisation, so an NFC and
//     an NFD spelling of the same text do not match each other.
//   - The whole name must match.
//
// Strings are compared as sequences of code points. A byte that is not part
// of valid UTF-8 counts as one character, distinct from every valid one (as
// Python's surrogateescape decoding would make it).
//
// Compile never fails: every string is a valid pattern. The matcher is a
// token list evaluated with the classic single-backtrack-point glob
// algorithm, so matching is O(len(pattern)*len(name)) in the worst case and
// never blows up like a backtracking regular expression can.
package fnmatch
