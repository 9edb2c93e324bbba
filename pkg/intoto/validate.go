package intoto

import (
	"fmt"
	"strings"
	"time"
	"unicode/utf8"

	"github.com/signet-dev/signet/pkg/cjson"
	"github.com/signet-dev/signet/pkg/intoto/rule"
	"github.com/signet-dev/signet/pkg/keys"
)

// Validate checks the layout against the in-toto model, with the path of
// the first problem: _type "layout"; expires in ExpiresFormat and a real
// date; every key well-formed and filed under its own key id; every step
// and inspection valid; names unique across steps and inspections; every
// step key id present in Keys.
func (l *Layout) Validate() error {
	if l.Type != TypeLayout {
		return &ValidationError{Path: "_type", Msg: fmt.Sprintf("must be %q, got %q", TypeLayout, l.Type)}
	}
	if _, err := parseExpires(l.Expires); err != nil {
		return &ValidationError{Path: "expires", Msg: err.Error()}
	}
	if !utf8.ValidString(l.Readme) {
		return badUTF8("readme")
	}
	for id, k := range l.Keys {
		if err := validateKey(id, k); err != nil {
			return prefixPath(mapPath("keys", id), err)
		}
	}
	for id, k := range l.GPGKeys {
		if _, dup := l.Keys[id]; dup || k.KeyID != id {
			return &ValidationError{Path: mapPath("keys", id), Msg: "a GPG key must be filed under its own fingerprint, once"}
		}
		if _, err := k.PublicKey(); err != nil {
			return &ValidationError{Path: mapPath("keys", id), Msg: err.Error(), Err: err}
		}
	}
	names := map[string]string{}
	for i := range l.Steps {
		path := fmt.Sprintf("steps[%d]", i)
		if err := l.Steps[i].Validate(); err != nil {
			return prefixPath(path, err)
		}
		if err := l.checkStepKeys(&l.Steps[i], path); err != nil {
			return err
		}
		if err := uniqueName(names, l.Steps[i].Name, path); err != nil {
			return err
		}
	}
	for i := range l.Inspect {
		path := fmt.Sprintf("inspect[%d]", i)
		if err := l.Inspect[i].Validate(); err != nil {
			return prefixPath(path, err)
		}
		if err := uniqueName(names, l.Inspect[i].Name, path); err != nil {
			return err
		}
	}
	return nil
}

func uniqueName(seen map[string]string, name, path string) error {
	if prev, dup := seen[name]; dup {
		return &ValidationError{Path: path + ".name", Msg: fmt.Sprintf("%q is already the name of %s; step and inspection names must be unique", name, prev)}
	}
	seen[name] = path
	return nil
}

func (l *Layout) checkStepKeys(s *Step, path string) error {
	for j, id := range s.PubKeys {
		if !l.HasKey(id) {
			return &ValidationError{Path: fmt.Sprintf("%s.pubkeys[%d]", path, j), Msg: fmt.Sprintf("key %s is not in the layout's keys; add the functionary's public key to keys", clip(id))}
		}
	}
	return nil
}

// Validate checks one step on its own: _type "step", a usable name, key
// ids in hex, 1 <= threshold <= number of distinct pubkeys, and artifact
// rules that parse.
func (s *Step) Validate() error {
	if s.Type != TypeStep {
		return &ValidationError{Path: "_type", Msg: fmt.Sprintf("must be %q, got %q", TypeStep, s.Type)}
	}
	if err := ValidateName(s.Name); err != nil {
		return err
	}
	if err := s.checkUTF8(); err != nil {
		return err
	}
	distinct := map[string]bool{}
	for j, id := range s.PubKeys {
		if !isHex(id) {
			return &ValidationError{Path: fmt.Sprintf("pubkeys[%d]", j), Msg: fmt.Sprintf("%q is not a hex key id", clip(id))}
		}
		distinct[id] = true
	}
	if s.Threshold < 1 {
		return &ValidationError{Path: "threshold", Msg: fmt.Sprintf("must be at least 1, got %d", s.Threshold)}
	}
	if s.Threshold > len(distinct) {
		return &ValidationError{Path: "threshold", Msg: fmt.Sprintf("%d is more than the %d distinct keys in pubkeys; the step could never be verified", s.Threshold, len(distinct))}
	}
	return validateRuleSets(s.ExpectedMaterials, s.ExpectedProducts)
}

// Validate checks one inspection on its own: _type "inspection", a usable
// name and artifact rules that parse.
func (i *Inspection) Validate() error {
	if i.Type != TypeInspection {
		return &ValidationError{Path: "_type", Msg: fmt.Sprintf("must be %q, got %q", TypeInspection, i.Type)}
	}
	if err := ValidateName(i.Name); err != nil {
		return err
	}
	if err := i.checkUTF8(); err != nil {
		return err
	}
	return validateRuleSets(i.ExpectedMaterials, i.ExpectedProducts)
}

// ValidateName rejects step, inspection and link names that cannot
// safely become part of a link file name (<name>.<keyid8>.link): empty,
// ".", "..", or containing a path separator or NUL.
func ValidateName(name string) error {
	if name == "" || name == "." || name == ".." || strings.ContainsAny(name, "/\\\x00") {
		return &ValidationError{Path: "name", Msg: fmt.Sprintf("%q is not a usable name; names must be non-empty, not . or .., and contain no / \\ or NUL (they become link file names)", clip(name))}
	}
	return nil
}

func validateRuleSets(materials, products [][]string) error {
	for _, set := range []struct {
		path  string
		rules [][]string
	}{{"expected_materials", materials}, {"expected_products", products}} {
		for j, r := range set.rules {
			if _, err := rule.Parse(r); err != nil {
				return &ValidationError{Path: fmt.Sprintf("%s[%d]", set.path, j), Msg: err.Error(), Err: err}
			}
		}
	}
	return nil
}

// keyIDHashAlgorithms are the names securesystemslib allows in
// keyid_hash_algorithms.
var keyIDHashAlgorithms = []string{"md5", "sha1", "sha224", "sha256", "sha384", "sha512", "blake2s", "blake2b", "blake2b-256"}

func validateKey(id string, k keys.Key) error {
	switch {
	case !isHex(id):
		return &ValidationError{Msg: "the key id is not a hex string"}
	case k.KeyID != id:
		return &ValidationError{Path: "keyid", Msg: fmt.Sprintf("%q differs from the key id the key is filed under", clip(k.KeyID))}
	case k.KeyType == "":
		return &ValidationError{Path: "keytype", Msg: "must not be empty"}
	case k.Scheme == "":
		return &ValidationError{Path: "scheme", Msg: "must not be empty"}
	case k.KeyVal.Public == "":
		return &ValidationError{Path: "keyval.public", Msg: "must not be empty"}
	}
	for j, alg := range k.KeyIDHashAlgorithms {
		if !contains(keyIDHashAlgorithms, alg) {
			return &ValidationError{Path: fmt.Sprintf("keyid_hash_algorithms[%d]", j), Msg: fmt.Sprintf("unknown hash algorithm %q", clip(alg))}
		}
	}
	if err := k.Validate(); err != nil {
		return &ValidationError{Msg: err.Error(), Err: err}
	}
	return nil
}

// parseExpires accepts exactly YYYY-MM-DDTHH:MM:SSZ with ASCII digits and
// a real date and time.
func parseExpires(s string) (time.Time, error) {
	const shape = "dddd-dd-ddTdd:dd:ddZ"
	bad := len(s) != len(shape)
	for i := 0; !bad && i < len(s); i++ {
		if shape[i] == 'd' {
			bad = s[i] < '0' || s[i] > '9'
		} else {
			bad = s[i] != shape[i]
		}
	}
	if bad {
		return time.Time{}, fmt.Errorf("%q is not a date in the format YYYY-MM-DDTHH:MM:SSZ", clip(s))
	}
	t, err := time.Parse(ExpiresFormat, s)
	if err != nil {
		return time.Time{}, fmt.Errorf("%q is not a valid date: %w", s, err)
	}
	return t, nil
}

// canonical returns the canonical JSON of v.
func canonical(v any) ([]byte, error) {
	return cjson.Marshal(v)
}
