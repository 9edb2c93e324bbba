package verify

import (
	"fmt"
	"strings"

	"github.com/signet-dev/signet/pkg/intoto"
)

// substitute returns a copy of lay with params substituted, as the
// reference's substitute_parameters does with Python's str.format, into
// every element of the steps' and inspections' artifact rules, the steps'
// expected_command and the inspections' run.
func substitute(lay *intoto.Layout, params map[string]string) (*intoto.Layout, error) {
	out := *lay
	out.Steps = make([]intoto.Step, len(lay.Steps))
	out.Inspect = make([]intoto.Inspection, len(lay.Inspect))
	var err error
	sub := func(item, field string, in []string) []string {
		if err != nil {
			return nil
		}
		res := make([]string, len(in))
		for i, s := range in {
			if res[i], err = pyFormat(s, params); err != nil {
				e := fail(StageParameters, item, ErrParameter, "%s[%d] %q: %v", field, i, clipText(s), err)
				e.Hint = "give the parameter with --param NAME=VALUE (or a parameters file), or write literal braces as {{ and }}"
				err = e
				return nil
			}
		}
		return res
	}
	rules := func(item, field string, in [][]string) [][]string {
		res := make([][]string, len(in))
		for i, r := range in {
			res[i] = sub(item, fmt.Sprintf("%s[%d]", field, i), r)
		}
		return res
	}
	for i, s := range lay.Steps {
		s.ExpectedMaterials = rules(s.Name, "expected_materials", s.ExpectedMaterials)
		s.ExpectedProducts = rules(s.Name, "expected_products", s.ExpectedProducts)
		s.ExpectedCommand = sub(s.Name, "expected_command", s.ExpectedCommand)
		out.Steps[i] = s
	}
	for i, in := range lay.Inspect {
		in.ExpectedMaterials = rules(in.Name, "expected_materials", in.ExpectedMaterials)
		in.ExpectedProducts = rules(in.Name, "expected_products", in.ExpectedProducts)
		in.Run = sub(in.Name, "run", in.Run)
		out.Inspect[i] = in
	}
	if err != nil {
		return nil, err
	}
	return &out, nil
}

// pyFormat is Python's str.format(**params) for the fields layouts use:
// "{name}" is replaced by params[name], "{{" and "}}" are literal braces.
// A missing parameter is an error, as is what str.format would treat
// differently from plain substitution (positional "{}" or "{0}",
// attributes, indexes, conversions and format specs), so that Signet never
// silently substitutes something other than what the reference would.
func pyFormat(s string, params map[string]string) (string, error) {
	if !strings.ContainsAny(s, "{}") {
		return s, nil
	}
	var b strings.Builder
	for i := 0; i < len(s); i++ {
		c := s[i]
		switch {
		case c == '{' && i+1 < len(s) && s[i+1] == '{':
			b.WriteByte('{')
			i++
		case c == '}' && i+1 < len(s) && s[i+1] == '}':
			b.WriteByte('}')
			i++
		case c == '}':
			return "", fmt.Errorf("single '}' at offset %d", i)
		case c == '{':
			end := strings.IndexByte(s[i+1:], '}')
			if end < 0 {
				return "", fmt.Errorf("'{' at offset %d is not closed", i)
			}
			name := s[i+1 : i+1+end]
			v, err := lookupParam(name, params)
			if err != nil {
				return "", err
			}
			b.WriteString(v)
			i += end + 1
		default:
			b.WriteByte(c)
		}
	}
	return b.String(), nil
}

func lookupParam(name string, params map[string]string) (string, error) {
	switch {
	case name == "" || isDigits(name):
		return "", fmt.Errorf("positional field {%s}: layouts can only use named parameters", name)
	case strings.ContainsAny(name, ".[!:{"):
		return "", fmt.Errorf("field {%s}: attributes, indexes, conversions and format specs are not supported", clipText(name))
	}
	v, ok := params[name]
	if !ok {
		return "", fmt.Errorf("parameter %q is not given", name)
	}
	return v, nil
}

func isDigits(s string) bool {
	for _, r := range s {
		if r < '0' || r > '9' {
			return false
		}
	}
	return s != ""
}

func clipText(s string) string {
	const max = 80
	if len(s) > max {
		return s[:max] + "..."
	}
	return s
}
