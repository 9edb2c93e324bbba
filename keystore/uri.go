package keystore

import (
	"fmt"
	"net/url"
	"strings"
	"unicode/utf8"
)

// MaxURILength bounds the length of a key URI in bytes.
const MaxURILength = 4096

// maxAttributes bounds the number of attributes in one key URI.
const maxAttributes = 32

// Key URI schemes Signet knows the grammar of. Other schemes are parsed
// with the generic grammar (see ParseURI).
const (
	SchemeFile       = "file"
	SchemePKCS11     = "pkcs11"
	SchemeYubiKey    = "yubikey"
	SchemeHashiVault = "hashivault"
)

// Attr is one decoded key URI attribute.
type Attr struct {
	Name  string
	Value string
}

// URI is a parsed key URI. The fields hold decoded values; String and
// Redacted print the canonical, percent-encoded form.
//
// Which fields are used depends on the scheme:
//
//   - file: Path is the key file's path (absolute for file: URIs, as given
//     for plain paths); Query may hold passphrase-source.
//   - pkcs11, yubikey: PathAttrs (";"-separated, before "?") and Query
//     ("&"-separated, after "?"), RFC 7512 style.
//   - hashivault: Path is "MOUNT/KEYNAME" (the mount may contain "/";
//     the key name is the last segment); Query may hold version.
//   - other schemes: "scheme://PATH?QUERY" fills Path and Query,
//     "scheme:ATTRS?QUERY" fills PathAttrs and Query.
type URI struct {
	Scheme    string
	Path      string
	PathAttrs []Attr
	Query     []Attr
}

// Get returns the value of the named attribute, from PathAttrs or Query.
func (u *URI) Get(name string) (string, bool) {
	for _, list := range [][]Attr{u.PathAttrs, u.Query} {
		for _, a := range list {
			if a.Name == name {
				return a.Value, true
			}
		}
	}
	return "", false
}

// Value returns the value of the named attribute, or "".
func (u *URI) Value(name string) string {
	v, _ := u.Get(name)
	return v
}

// String returns the canonical form of the URI with the values of secret-
// looking attributes replaced (see Redacted). Parsing the result gives an
// equal URI.
func (u *URI) String() string { return u.Redacted() }

// Redacted returns the canonical form of the URI in which the value of
// every attribute that the scheme does not define and whose name looks
// like a secret (it contains pin, pass, secret or token) is replaced by
// "REDACTED". ParseURI refuses such attributes, so this only matters for
// URIs built by hand; it is safe to log the result.
func (u *URI) Redacted() string {
	var b strings.Builder
	switch {
	case u.Scheme == SchemeFile && !strings.HasPrefix(u.Path, "/") && len(u.Query) == 0:
		return u.Path // a relative plain path
	case u.Scheme == SchemeFile, u.Scheme == SchemeHashiVault, u.Path != "":
		b.WriteString(u.Scheme + "://")
		b.WriteString(escape(u.Path, isPathChar))
	default:
		b.WriteString(u.Scheme + ":")
		u.writeAttrs(&b, u.PathAttrs, ";", isAttrChar)
	}
	if len(u.Query) > 0 {
		b.WriteByte('?')
		u.writeAttrs(&b, u.Query, "&", isQueryChar)
	}
	return b.String()
}

func (u *URI) writeAttrs(b *strings.Builder, attrs []Attr, sep string, keep func(byte) bool) {
	for i, a := range attrs {
		if i > 0 {
			b.WriteString(sep)
		}
		v := a.Value
		if secretName(a.Name) && !knownAttr(u.Scheme, a.Name) {
			v = "REDACTED"
		}
		b.WriteString(escape(a.Name, isAttrChar) + "=" + escape(v, keep))
	}
}

// ParseURI parses a key URI or a plain file path. A string that does not
// begin with a URI scheme ("letters:") is a path to a key file: give a
// relative path that contains ":" as "./name". Grammar per scheme:
//
//	file:///ABS/PATH?passphrase-source=FILE   (also file://localhost/..., file:/...)
//	pkcs11:ATTR=V;ATTR=V?ATTR=V&ATTR=V        (RFC 7512)
//	yubikey:slot-id=9c;serial=N?pin-source=FILE
//	hashivault://MOUNT/KEYNAME?version=N
//
// Values are percent-decoded; attribute names must be lowercase, may
// appear once, and must be defined for the scheme (pkcs11 also allows
// "x-" vendor attributes). Secrets are never accepted in a URI
// (ErrSecretInURI): name a file with pin-source or passphrase-source. All
// errors wrap ErrBadURI and name the attribute at fault, never a value.
func ParseURI(s string) (*URI, error) {
	if err := checkRaw(s); err != nil {
		return nil, err
	}
	scheme, rest, ok := splitScheme(s)
	if !ok {
		return &URI{Scheme: SchemeFile, Path: s}, nil
	}
	if err := checkURIChars(rest); err != nil {
		if name := findSecretAttr(scheme, rest); name != "" {
			return nil, secretError(scheme, name)
		}
		return nil, badURI(scheme, "%s", err)
	}
	var u *URI
	var err error
	switch scheme {
	case SchemeFile:
		u, err = parseFileURI(rest)
	case SchemeHashiVault:
		u, err = parseVaultURI(rest)
	case SchemePKCS11, SchemeYubiKey:
		u, err = parseAttrURI(scheme, rest)
	default:
		u, err = parseGenericURI(scheme, rest)
	}
	if err != nil {
		return nil, err
	}
	u.Scheme = scheme
	return u, checkScheme(u)
}

func badURI(scheme, format string, args ...any) error {
	return fmt.Errorf("%w: %s URI: %s", ErrBadURI, scheme, fmt.Sprintf(format, args...))
}

// checkRaw applies the rules for every input: bounded, valid UTF-8, no
// control characters.
func checkRaw(s string) error {
	switch {
	case s == "":
		return fmt.Errorf("%w: empty key URI", ErrBadURI)
	case len(s) > MaxURILength:
		return fmt.Errorf("%w: %d bytes, the limit is %d", ErrBadURI, len(s), MaxURILength)
	case !utf8.ValidString(s):
		return fmt.Errorf("%w: not valid UTF-8", ErrBadURI)
	}
	for i := 0; i < len(s); i++ {
		if s[i] < 0x20 || s[i] == 0x7f {
			return fmt.Errorf("%w: control character at offset %d", ErrBadURI, i)
		}
	}
	return nil
}

// splitScheme splits "scheme:rest"; ok is false for plain paths.
func splitScheme(s string) (scheme, rest string, ok bool) {
	i := strings.IndexByte(s, ':')
	if i < 1 || !isAlpha(s[0]) {
		return "", "", false
	}
	for j := 1; j < i; j++ {
		c := s[j]
		if !isAlpha(c) && !isDigit(c) && c != '+' && c != '-' && c != '.' {
			return "", "", false
		}
	}
	return strings.ToLower(s[:i]), s[i+1:], true
}

// checkURIChars allows only RFC 3986 characters, without fragments.
func checkURIChars(s string) error {
	for i := 0; i < len(s); i++ {
		c := s[i]
		switch {
		case c == '#':
			return fmt.Errorf("fragments are not allowed (write '#' as %%23)")
		case c == '%':
			if i+2 >= len(s) || !isHex(s[i+1]) || !isHex(s[i+2]) {
				return fmt.Errorf("'%%' at offset %d does not start a %%XX escape", i)
			}
		case !isUnreserved(c) && !strings.ContainsRune(":/?[]@!$&'()*+,;=", rune(c)):
			return fmt.Errorf("character %q is not allowed; percent-encode it", c)
		}
	}
	return nil
}

// findSecretAttr returns the name of a secret-looking attribute in a raw
// URI that is otherwise malformed, so that the user learns first that the
// secret does not belong there.
func findSecretAttr(scheme, rest string) string {
	for _, part := range strings.FieldsFunc(rest, func(r rune) bool { return r == ';' || r == '?' || r == '&' }) {
		name, _, ok := strings.Cut(part, "=")
		if ok && validName(name) && secretName(name) && !knownAttr(scheme, name) {
			return name
		}
	}
	return ""
}

// parseAttrs splits s at sep into name=value attributes and decodes them.
func parseAttrs(scheme, s, sep string) ([]Attr, error) {
	if s == "" {
		return nil, nil
	}
	parts := strings.Split(s, sep)
	if len(parts) > maxAttributes {
		return nil, badURI(scheme, "more than %d attributes", maxAttributes)
	}
	attrs := make([]Attr, 0, len(parts))
	for _, p := range parts {
		name, raw, ok := strings.Cut(p, "=")
		if !ok || name == "" {
			return nil, badURI(scheme, "attribute %q is not NAME=VALUE", truncName(name))
		}
		if !validName(name) {
			return nil, badURI(scheme, "attribute name %q: use lowercase letters, digits, '-' and '_'", truncName(name))
		}
		v, err := url.PathUnescape(raw)
		if err != nil {
			return nil, badURI(scheme, "attribute %q: bad percent-encoding", name)
		}
		attrs = append(attrs, Attr{Name: name, Value: v})
	}
	return attrs, nil
}

// truncName keeps error messages short when a name is garbage.
func truncName(s string) string {
	if len(s) > 40 {
		return s[:40] + "..."
	}
	return s
}

func validName(s string) bool {
	if s == "" || !isLower(s[0]) {
		return false
	}
	for i := 1; i < len(s); i++ {
		if c := s[i]; !isLower(c) && !isDigit(c) && c != '-' && c != '_' {
			return false
		}
	}
	return true
}

// splitQuery splits rest at the first "?" and parses the query.
func splitQuery(scheme, rest string) (string, []Attr, error) {
	path, query, _ := strings.Cut(rest, "?")
	attrs, err := parseAttrs(scheme, query, "&")
	return path, attrs, err
}

func parseFileURI(rest string) (*URI, error) {
	p, query, err := splitQuery(SchemeFile, rest)
	if err != nil {
		return nil, err
	}
	if after, ok := strings.CutPrefix(p, "//"); ok {
		host, path, found := strings.Cut(after, "/")
		if host != "" && host != "localhost" {
			return nil, badURI(SchemeFile, "host %q: only local files (file:///PATH) can be opened", host)
		}
		if !found {
			return nil, badURI(SchemeFile, "no path (write file:///ABSOLUTE/PATH)")
		}
		p = "/" + path
	}
	if !strings.HasPrefix(p, "/") {
		return nil, badURI(SchemeFile, "the path must be absolute (file:///ABSOLUTE/PATH); give a relative path without \"file:\"")
	}
	path, err := url.PathUnescape(p)
	if err != nil {
		return nil, badURI(SchemeFile, "bad percent-encoding in the path")
	}
	return &URI{Path: path, Query: query}, nil
}

func parseVaultURI(rest string) (*URI, error) {
	p, query, err := splitQuery(SchemeHashiVault, rest)
	if err != nil {
		return nil, err
	}
	p, ok := strings.CutPrefix(p, "//")
	segs := strings.Split(p, "/")
	if !ok || len(segs) < 2 {
		return nil, badURI(SchemeHashiVault, "write hashivault://MOUNT/KEYNAME")
	}
	for _, seg := range segs {
		if !validVaultSegment(seg) {
			return nil, badURI(SchemeHashiVault, "path segment %q: mount and key names are non-empty and use letters, digits, '.', '_' and '-'", truncName(seg))
		}
	}
	return &URI{Path: p, Query: query}, nil
}

func validVaultSegment(s string) bool {
	if s == "" || s == "." || s == ".." {
		return false
	}
	for i := 0; i < len(s); i++ {
		if c := s[i]; !isAlpha(c) && !isDigit(c) && c != '.' && c != '_' && c != '-' {
			return false
		}
	}
	return true
}

func parseAttrURI(scheme, rest string) (*URI, error) {
	p, query, err := splitQuery(scheme, rest)
	if err != nil {
		return nil, err
	}
	if strings.HasPrefix(p, "//") {
		return nil, badURI(scheme, "write %s:ATTR=VALUE;...?ATTR=VALUE&..., without \"//\"", scheme)
	}
	attrs, err := parseAttrs(scheme, p, ";")
	if err != nil {
		return nil, err
	}
	return &URI{PathAttrs: attrs, Query: query}, nil
}

func parseGenericURI(scheme, rest string) (*URI, error) {
	p, query, err := splitQuery(scheme, rest)
	if err != nil {
		return nil, err
	}
	if after, ok := strings.CutPrefix(p, "//"); ok {
		path, err := url.PathUnescape(after)
		if err != nil {
			return nil, badURI(scheme, "bad percent-encoding in the path")
		}
		return &URI{Path: path, Query: query}, nil
	}
	attrs, err := parseAttrs(scheme, p, ";")
	if err != nil {
		return nil, err
	}
	return &URI{PathAttrs: attrs, Query: query}, nil
}

func isAlpha(c byte) bool { return isLower(c) || 'A' <= c && c <= 'Z' }
func isLower(c byte) bool { return 'a' <= c && c <= 'z' }
func isDigit(c byte) bool { return '0' <= c && c <= '9' }
func isHex(c byte) bool   { return isDigit(c) || 'a' <= c && c <= 'f' || 'A' <= c && c <= 'F' }

func isUnreserved(c byte) bool {
	return isAlpha(c) || isDigit(c) || c == '-' || c == '.' || c == '_' || c == '~'
}

func isSubDelimSafe(c byte) bool { return strings.IndexByte(":@!$'()*+,", c) >= 0 }

// isAttrChar: characters left unescaped in names and path attribute values.
func isAttrChar(c byte) bool { return isUnreserved(c) || isSubDelimSafe(c) }

// isQueryChar: characters left unescaped in query values.
func isQueryChar(c byte) bool { return isAttrChar(c) || c == '/' }

// isPathChar: characters left unescaped in paths.
func isPathChar(c byte) bool { return isQueryChar(c) }

// escape percent-encodes every byte of s for which keep is false.
func escape(s string, keep func(byte) bool) string {
	const hexDigits = "0123456789ABCDEF"
	var b strings.Builder
	for i := 0; i < len(s); i++ {
		c := s[i]
		if keep(c) {
			b.WriteByte(c)
			continue
		}
		b.WriteByte('%')
		b.WriteByte(hexDigits[c>>4])
		b.WriteByte(hexDigits[c&15])
	}
	return b.String()
}
