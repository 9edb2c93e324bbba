package keystore

import (
	"fmt"
	"path/filepath"
	"slices"
	"strconv"
	"strings"
	"unicode"
	"unicode/utf8"
)

// attrRule says where an attribute may appear and how its value is checked.
type attrRule struct {
	query bool                 // true: after "?", false: before it
	check func(v string) error // nil: printable text
}

// schemeRules returns the attributes a built-in scheme defines; ok is false
// for schemes parsed with the generic grammar.
func schemeRules(scheme string) (rules map[string]attrRule, vendor, ok bool) {
	path := attrRule{}
	source := attrRule{query: true, check: checkSource}
	switch scheme {
	case SchemeFile:
		return map[string]attrRule{"passphrase-source": source}, false, true
	case SchemeHashiVault:
		return map[string]attrRule{"version": {query: true, check: checkVersion}}, false, true
	case SchemeYubiKey:
		return map[string]attrRule{
			"slot-id":    {check: checkPIVSlot},
			"serial":     {check: checkUint32},
			"pin-source": source,
		}, false, true
	case SchemePKCS11:
		return map[string]attrRule{
			"token": path, "manufacturer": path, "serial": path, "model": path,
			"library-manufacturer": path, "library-description": path,
			"library-version": {check: checkLibraryVersion},
			"object":          path, "type": {check: checkObjectType},
			"id":               {check: func(string) error { return nil }},
			"slot-description": path, "slot-manufacturer": path,
			"slot-id":     {check: checkUint64},
			"pin-source":  source,
			"module-name": {query: true, check: checkModuleName},
			"module-path": {query: true, check: checkModulePath},
		}, true, true
	}
	return nil, false, false
}

// knownAttr reports whether scheme defines the attribute name.
func knownAttr(scheme, name string) bool {
	rules, _, _ := schemeRules(scheme)
	_, ok := rules[name]
	return ok
}

// secretName reports whether an attribute name looks like it carries a
// secret: a part (split at '-' and '_') is pin, pass, passphrase,
// password, secret, token, ... Names ending in "-source" are references.
func secretName(name string) bool {
	if strings.HasSuffix(name, "-source") {
		return false
	}
	for _, part := range strings.FieldsFunc(name, func(r rune) bool { return r == '-' || r == '_' }) {
		switch part {
		case "pin", "puk", "pass", "passphrase", "password", "passwd", "pwd", "pw", "secret", "token":
			return true
		}
	}
	return false
}

// checkScheme applies the scheme's attribute rules to a parsed URI.
func checkScheme(u *URI) error {
	rules, vendor, builtin := schemeRules(u.Scheme)
	seen := map[string]bool{}
	for _, list := range []struct {
		attrs []Attr
		query bool
	}{{u.PathAttrs, false}, {u.Query, true}} {
		for _, a := range list.attrs {
			if seen[a.Name] {
				return badURI(u.Scheme, "attribute %q appears more than once", a.Name)
			}
			seen[a.Name] = true
			if err := checkAttr(u.Scheme, a, list.query, rules, vendor, builtin); err != nil {
				return err
			}
		}
	}
	return checkRequired(u)
}

func checkAttr(scheme string, a Attr, query bool, rules map[string]attrRule, vendor, builtin bool) error {
	rule, known := rules[a.Name]
	switch {
	case !known && secretName(a.Name):
		return secretError(scheme, a.Name)
	case !known && builtin && !(vendor && strings.HasPrefix(a.Name, "x-")):
		return badURI(scheme, "unknown attribute %q (allowed: %s)", a.Name, allowedList(rules))
	case known && rule.query != query:
		where := "before the '?'"
		if rule.query {
			where = "after the '?'"
		}
		return badURI(scheme, "attribute %q belongs %s", a.Name, where)
	case a.Value == "":
		return badURI(scheme, "attribute %q has an empty value", a.Name)
	}
	check := rule.check
	if check == nil {
		check = checkText
	}
	if err := check(a.Value); err != nil {
		return badURI(scheme, "attribute %q: %s", a.Name, err)
	}
	return nil
}

func secretError(scheme, name string) error {
	hint := "give secrets through a *-source attribute that names a file readable only by you"
	switch {
	case strings.Contains(name, "pin"):
		hint = "write the PIN into a file readable only by you (chmod 600) and give pin-source=FILE instead"
	case strings.Contains(name, "pass"):
		hint = "write the passphrase into a file readable only by you (chmod 600) and give passphrase-source=FILE instead"
	}
	return fmt.Errorf("%w: %w: %s URI: attribute %q would put a secret where logs, shell history and "+
		"process lists can see it; %s", ErrBadURI, ErrSecretInURI, scheme, name, hint)
}

func allowedList(rules map[string]attrRule) string {
	names := make([]string, 0, len(rules))
	for n := range rules {
		names = append(names, n)
	}
	slices.Sort(names)
	return strings.Join(names, ", ")
}

func checkRequired(u *URI) error {
	switch u.Scheme {
	case SchemePKCS11:
		if u.Value("object") == "" && u.Value("id") == "" {
			return badURI(u.Scheme, "name the key with object=LABEL or id=%%XX (both may be given)")
		}
	case SchemeYubiKey:
		if u.Value("slot-id") == "" {
			return badURI(u.Scheme, "slot-id is required (9a, 9c, 9d, 9e or a retired slot 82..95)")
		}
	}
	return nil
}

// checkText accepts valid UTF-8 without control characters.
func checkText(v string) error {
	if !utf8.ValidString(v) {
		return fmt.Errorf("not valid UTF-8")
	}
	if strings.ContainsFunc(v, unicode.IsControl) {
		return fmt.Errorf("contains a control character")
	}
	return nil
}

// checkSource accepts a file path or file: URI naming a secret file.
func checkSource(v string) error {
	if err := checkText(v); err != nil {
		return err
	}
	_, err := sourcePath(v)
	return err
}

func checkVersion(v string) error {
	n, err := strconv.ParseUint(v, 10, 31)
	if err != nil || n == 0 || v[0] == '0' {
		return fmt.Errorf("%q is not a key version (a positive number)", v)
	}
	return nil
}

func checkUint32(v string) error {
	if _, err := strconv.ParseUint(v, 10, 32); err != nil || (v[0] == '0' && v != "0") {
		return fmt.Errorf("%q is not a decimal number", v)
	}
	return nil
}

func checkUint64(v string) error {
	if _, err := strconv.ParseUint(v, 10, 64); err != nil || (v[0] == '0' && v != "0") {
		return fmt.Errorf("%q is not a decimal number", v)
	}
	return nil
}

// checkPIVSlot accepts the PIV key slots in lowercase hex: 9a, 9c, 9d, 9e
// and the retired key management slots 82..95.
func checkPIVSlot(v string) error {
	n, err := strconv.ParseUint(v, 16, 8)
	ok := err == nil && len(v) == 2 && v == strings.ToLower(v) &&
		(n == 0x9a || n == 0x9c || n == 0x9d || n == 0x9e || (n >= 0x82 && n <= 0x95))
	if !ok {
		return fmt.Errorf("%q is not a PIV key slot (9a, 9c, 9d, 9e or 82..95, lowercase hex)", truncName(v))
	}
	return nil
}

func checkLibraryVersion(v string) error {
	major, minor, hasMinor := strings.Cut(v, ".")
	if checkUint32(major) != nil || (hasMinor && checkUint32(minor) != nil) {
		return fmt.Errorf("%q is not a version (M or M.N)", truncName(v))
	}
	return nil
}

func checkObjectType(v string) error {
	switch v {
	case "public", "private", "cert", "secret-key", "data":
		return nil
	}
	return fmt.Errorf("%q is not an object type (public, private, cert, secret-key, data)", truncName(v))
}

func checkModuleName(v string) error {
	if err := checkText(v); err != nil {
		return err
	}
	if strings.ContainsAny(v, `/\`) {
		return fmt.Errorf("a module name has no directory; use module-path for a path")
	}
	return nil
}

func checkModulePath(v string) error {
	if err := checkText(v); err != nil {
		return err
	}
	if !filepath.IsAbs(v) {
		return fmt.Errorf("the module path must be absolute")
	}
	return nil
}
