// Package gitwild matches paths against gitignore-style ("gitwildmatch")
// patterns exactly the way the Python library pathspec 0.11
// (GitWildMatchPattern, registered as "gitwildmatch") does, because the
// in-toto reference implementation 1.3.1 uses it for its exclude patterns.
//
// A pattern line is compiled the way pathspec compiles it: surrounding
// Unicode whitespace is stripped (Python's str.strip), a line starting with
// '#' is a comment, a single "/" or an empty line matches nothing, a leading
// '!' negates the line, runs of "**" segments collapse into one, a pattern
// without a slash (other than a trailing one) matches at any depth, a
// pattern with a leading or inner slash is anchored at the start of the
// path, a trailing slash matches only paths below a directory of that name,
// and a plain name also matches everything below it. Inside a segment '*'
// and '?' never match '/', '[...]' is a bracket expression ('!' negates it;
// a negated expression can match '/'), and '\' escapes the next character.
//
// Each line becomes a Go regular expression equivalent to the Python one.
// Where Python's regex dialect differs from Go's (the end anchor '$' also
// matches before a final newline; bracket expressions such as "[[:alpha:]]"
// are plain character sets in Python), the translation spells the Python
// meaning out explicitly.
//
// A Spec is an ordered list of lines; a path matches the Spec when the last
// non-null line that matches it is not negated. Paths are normalised like
// pathspec's normalize_file on POSIX: one leading "/" or "./" is removed.
//
// File names that are not valid UTF-8 are matched with every invalid byte
// read as U+FFFD (Python would see a surrogate escape instead); patterns and
// names in valid UTF-8 match exactly as in the reference.
package gitwild
