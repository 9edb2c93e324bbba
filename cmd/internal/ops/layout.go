package ops

import (
	"bytes"
	"encoding/json"
	"fmt"
	"io"
	"os"
	"sort"
	"time"

	"github.com/signet-dev/signet/pkg/atomicfile"
	"github.com/signet-dev/signet/pkg/intoto"
	"github.com/signet-dev/signet/pkg/keys"
)

// maxTemplateSize bounds a layout template file.
const maxTemplateSize = 4 << 20

// LayoutTemplate is the file `signet layout new` reads: a layout whose
// steps name their functionaries by the names given with --key instead of
// key ids, and whose keys and expiry are filled in by the tool. Missing
// fields get the reference's defaults (threshold 1, empty lists).
type LayoutTemplate struct {
	Expires string         `json:"expires,omitempty"`
	Readme  string         `json:"readme,omitempty"`
	Steps   []templateStep `json:"steps"`
	Inspect []templateInsp `json:"inspect,omitempty"`
}

type templateStep struct {
	Name              string     `json:"name"`
	ExpectedMaterials [][]string `json:"expected_materials,omitempty"`
	ExpectedProducts  [][]string `json:"expected_products,omitempty"`
	PubKeys           []string   `json:"pubkeys"`
	ExpectedCommand   []string   `json:"expected_command,omitempty"`
	Threshold         int        `json:"threshold,omitempty"`
}

type templateInsp struct {
	Name              string     `json:"name"`
	ExpectedMaterials [][]string `json:"expected_materials,omitempty"`
	ExpectedProducts  [][]string `json:"expected_products,omitempty"`
	Run               []string   `json:"run"`
}

// LayoutRequest builds an unsigned layout from a template.
type LayoutRequest struct {
	Template string
	// Keys maps the names used in the template's pubkeys to public keys.
	Keys map[string]keys.Key
	// Expires, when non-zero, overrides the template's expiry.
	Expires time.Time
	// Output is the unsigned layout file (a metablock with no signatures).
	Output string
}

// NewLayout writes the unsigned layout and returns it.
func NewLayout(req LayoutRequest) (*intoto.Layout, error) {
	t, err := readTemplate(req.Template)
	if err != nil {
		return nil, err
	}
	l, err := t.build(req.Keys)
	if err != nil {
		return nil, fmt.Errorf("layout template %s: %w", req.Template, err)
	}
	if !req.Expires.IsZero() {
		l.SetExpires(req.Expires)
	}
	if err := l.Validate(); err != nil {
		return nil, fmt.Errorf("layout template %s: %w", req.Template, err)
	}
	mb, err := intoto.NewMetablock(l)
	if err != nil {
		return nil, err
	}
	data, err := mb.MarshalIndent()
	if err != nil {
		return nil, err
	}
	return l, atomicfile.WriteFile(req.Output, data, 0o644)
}

func readTemplate(path string) (*LayoutTemplate, error) {
	f, err := os.Open(path)
	if err != nil {
		return nil, fmt.Errorf("cannot read layout template: %w", err)
	}
	defer f.Close()
	data, err := io.ReadAll(io.LimitReader(f, maxTemplateSize+1))
	if err != nil {
		return nil, fmt.Errorf("cannot read layout template %s: %w", path, err)
	}
	if len(data) > maxTemplateSize {
		return nil, fmt.Errorf("layout template %s is larger than %d bytes", path, maxTemplateSize)
	}
	dec := json.NewDecoder(bytes.NewReader(data))
	dec.DisallowUnknownFields()
	var t LayoutTemplate
	if err := dec.Decode(&t); err != nil {
		return nil, fmt.Errorf("layout template %s: %w", path, err)
	}
	return &t, nil
}

func (t *LayoutTemplate) build(named map[string]keys.Key) (*intoto.Layout, error) {
	l := intoto.NewLayout(time.Now().AddDate(1, 0, 0))
	if t.Expires != "" {
		l.Expires = t.Expires
	}
	l.Readme = t.Readme
	for _, ts := range t.Steps {
		s := intoto.Step{Type: intoto.TypeStep, Name: ts.Name, ExpectedMaterials: orEmptyRules(ts.ExpectedMaterials),
			ExpectedProducts: orEmptyRules(ts.ExpectedProducts), ExpectedCommand: orEmpty(ts.ExpectedCommand),
			Threshold: max(ts.Threshold, 1), PubKeys: []string{}}
		for _, name := range ts.PubKeys {
			k, ok := named[name]
			if !ok {
				return nil, fmt.Errorf("step %q names key %q, which was not given (known: %v); add --key %s=PUBKEYFILE",
					ts.Name, name, sortedNames(named), name)
			}
			l.Keys[k.KeyID] = k
			s.PubKeys = append(s.PubKeys, k.KeyID)
		}
		l.Steps = append(l.Steps, s)
	}
	for _, ti := range t.Inspect {
		l.Inspect = append(l.Inspect, intoto.Inspection{Type: intoto.TypeInspection, Name: ti.Name,
			ExpectedMaterials: orEmptyRules(ti.ExpectedMaterials), ExpectedProducts: orEmptyRules(ti.ExpectedProducts),
			Run: orEmpty(ti.Run)})
	}
	return l, nil
}

func orEmpty(s []string) []string {
	if s == nil {
		return []string{}
	}
	return s
}

func orEmptyRules(r [][]string) [][]string {
	if r == nil {
		return [][]string{}
	}
	return r
}

func sortedNames(m map[string]keys.Key) []string {
	names := make([]string, 0, len(m))
	for n := range m {
		names = append(names, n)
	}
	sort.Strings(names)
	return names
}
