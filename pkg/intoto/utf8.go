package intoto

import (
	"fmt"
	"unicode/utf8"
)

// Models built in Go may hold strings that are not valid UTF-8 (file names
// on Linux can be any bytes). encoding/json would silently replace the bad
// bytes with U+FFFD, so what is signed would differ from the model;
// Validate refuses such strings instead.

func badUTF8(path string) error {
	return &ValidationError{Path: path, Msg: "is not valid UTF-8; in-toto metadata holds only Unicode text"}
}

func checkStrings(path string, ss []string) error {
	for i, s := range ss {
		if !utf8.ValidString(s) {
			return badUTF8(fmt.Sprintf("%s[%d]", path, i))
		}
	}
	return nil
}

func checkArtifactsUTF8(path string, m ArtifactMap) error {
	for name, ds := range m {
		if !utf8.ValidString(name) {
			return badUTF8(path + " key " + fmt.Sprintf("%q", name))
		}
		for alg := range ds {
			if !utf8.ValidString(alg) {
				return badUTF8(mapPath(path, name))
			}
		}
	}
	return nil
}

// checkOpaqueUTF8 walks a generic value.
func checkOpaqueUTF8(path string, v any) error {
	switch x := v.(type) {
	case string:
		if !utf8.ValidString(x) {
			return badUTF8(path)
		}
	case map[string]any:
		for k, e := range x {
			if !utf8.ValidString(k) {
				return badUTF8(path + " key " + fmt.Sprintf("%q", k))
			}
			if err := checkOpaqueUTF8(mapPath(path, k), e); err != nil {
				return err
			}
		}
	case []any:
		for i, e := range x {
			if err := checkOpaqueUTF8(fmt.Sprintf("%s[%d]", path, i), e); err != nil {
				return err
			}
		}
	}
	return nil
}

func (l *Link) checkUTF8() error {
	if !utf8.ValidString(l.Name) {
		return badUTF8("name")
	}
	for _, err := range []error{
		checkArtifactsUTF8("materials", l.Materials),
		checkArtifactsUTF8("products", l.Products),
		checkStrings("command", l.Command),
		checkOpaqueUTF8("byproducts", map[string]any(l.Byproducts)),
		checkOpaqueUTF8("environment", map[string]any(l.Environment)),
	} {
		if err != nil {
			return err
		}
	}
	return nil
}

func checkRulesUTF8(path string, rules [][]string) error {
	for i, r := range rules {
		if err := checkStrings(fmt.Sprintf("%s[%d]", path, i), r); err != nil {
			return err
		}
	}
	return nil
}

func (s *Step) checkUTF8() error {
	if !utf8.ValidString(s.Name) {
		return badUTF8("name")
	}
	for _, err := range []error{
		checkRulesUTF8("expected_materials", s.ExpectedMaterials),
		checkRulesUTF8("expected_products", s.ExpectedProducts),
		checkStrings("expected_command", s.ExpectedCommand),
	} {
		if err != nil {
			return err
		}
	}
	return nil
}

func (i *Inspection) checkUTF8() error {
	if !utf8.ValidString(i.Name) {
		return badUTF8("name")
	}
	for _, err := range []error{
		checkRulesUTF8("expected_materials", i.ExpectedMaterials),
		checkRulesUTF8("expected_products", i.ExpectedProducts),
		checkStrings("run", i.Run),
	} {
		if err != nil {
			return err
		}
	}
	return nil
}
