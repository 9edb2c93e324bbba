package verifycorpus

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"sort"
	"strings"
)

// CaseFile is the name of the file that describes a scenario.
const CaseFile = "case.json"

// maxCaseSize bounds a case.json; real ones are a few hundred bytes.
const maxCaseSize = 64 << 10

// Errors returned by DecodeCase and Case.Validate.
var (
	// ErrMalformedCase: case.json is not a single JSON object of the Case
	// shape (unknown fields, wrong types, trailing data, too large).
	ErrMalformedCase = errors.New("malformed case.json")
	// ErrInvalidCase: the fields are well-formed but inconsistent, e.g. no
	// arguments, an exit code outside 0..2, or a difference between the
	// reference and Signet without a deviation note.
	ErrInvalidCase = errors.New("invalid case.json")
)

// Case is the content of a scenario's case.json.
type Case struct {
	// Args are the in-toto-verify arguments; paths are relative to the
	// scenario directory, which is the working directory of both runs.
	Args []string `json:"args"`
	// ReferenceExit is the exit code of the reference 1.3.1.
	ReferenceExit int `json:"reference_exit"`
	// SignetExit is the exit code Signet's drop-in must give.
	SignetExit int `json:"signet_exit"`
	// SignetOnly marks scenarios that use flags the reference 1.3.1 does
	// not have (ReferenceExit is then its usage error, 2).
	SignetOnly bool `json:"signet_only,omitempty"`
	// ReferenceError is the exception name in the reference's error line,
	// "(in-toto-verify) <ReferenceError>: ...", recorded by the generator
	// so that a failing scenario keeps failing for the same reason.
	ReferenceError string `json:"reference_error,omitempty"`
	// Why says what the scenario proves.
	Why string `json:"why"`
	// Deviation explains, for docs/compatibility.md, why Signet's verdict
	// differs from the reference's; required exactly when they differ.
	Deviation string `json:"deviation,omitempty"`
}

// DecodeCase reads a case.json strictly: one object, known fields only,
// then checks it with Validate.
func DecodeCase(data []byte) (Case, error) {
	var c Case
	if len(data) > maxCaseSize {
		return c, fmt.Errorf("%w: %d bytes, at most %d", ErrMalformedCase, len(data), maxCaseSize)
	}
	dec := json.NewDecoder(bytes.NewReader(data))
	dec.DisallowUnknownFields()
	if err := dec.Decode(&c); err != nil {
		return Case{}, fmt.Errorf("%w: %w", ErrMalformedCase, err)
	}
	if _, err := dec.Token(); !errors.Is(err, io.EOF) {
		return Case{}, fmt.Errorf("%w: data after the object", ErrMalformedCase)
	}
	if err := c.Validate(); err != nil {
		return Case{}, err
	}
	return c, nil
}

// Validate checks that the case is complete and consistent.
func (c Case) Validate() error {
	switch {
	case len(c.Args) == 0:
		return fmt.Errorf("%w: \"args\" is empty; give the in-toto-verify arguments", ErrInvalidCase)
	case c.ReferenceExit < 0 || c.ReferenceExit > 2:
		return fmt.Errorf("%w: \"reference_exit\" is %d; in-toto-verify exits 0, 1 or 2", ErrInvalidCase, c.ReferenceExit)
	case c.SignetExit < 0 || c.SignetExit > 2:
		return fmt.Errorf("%w: \"signet_exit\" is %d; in-toto-verify exits 0, 1 or 2", ErrInvalidCase, c.SignetExit)
	case strings.TrimSpace(c.Why) == "":
		return fmt.Errorf("%w: \"why\" is empty; say what the scenario proves", ErrInvalidCase)
	case c.ReferenceError != "" && c.ReferenceExit != 1:
		return fmt.Errorf("%w: \"reference_error\" is only for cases where the reference fails verification (exit 1)", ErrInvalidCase)
	case c.SignetOnly && c.ReferenceExit != 2:
		return fmt.Errorf("%w: a signet_only case must expect the reference's usage error (reference_exit 2)", ErrInvalidCase)
	case (c.ReferenceExit != c.SignetExit) != (c.Deviation != ""):
		return fmt.Errorf("%w: \"deviation\" must be given exactly when reference_exit and signet_exit differ", ErrInvalidCase)
	}
	for i, a := range c.Args {
		if filepath.IsAbs(a) {
			return fmt.Errorf("%w: args[%d] %q is absolute; paths must be relative to the scenario", ErrInvalidCase, i, a)
		}
	}
	return nil
}

// ReferenceErrorLine is how the reference's in-toto-verify reports a
// failure with the exception name kind.
func ReferenceErrorLine(kind string) string { return "(in-toto-verify) " + kind + ": " }

// Encode returns the case as indented JSON with a final newline.
func (c Case) Encode() ([]byte, error) {
	if err := c.Validate(); err != nil {
		return nil, err
	}
	data, err := json.MarshalIndent(c, "", "  ")
	if err != nil {
		return nil, fmt.Errorf("encode case: %w", err)
	}
	return append(data, '\n'), nil
}

// Scenario is one directory of the corpus.
type Scenario struct {
	Name string // the directory name
	Dir  string // its path
	Case Case
}

// Load reads every scenario under root (one directory each, except the
// fuzz corpus directory fuzz/), sorted by name; a directory without a
// valid case.json is an error naming it.
func Load(root string) ([]Scenario, error) {
	entries, err := os.ReadDir(root)
	if err != nil {
		return nil, fmt.Errorf("read the corpus: %w", err)
	}
	var out []Scenario
	for _, e := range entries {
		if !e.IsDir() || e.Name() == "fuzz" { // testdata/fuzz holds go test's fuzz corpus
			continue
		}
		dir := filepath.Join(root, e.Name())
		data, err := os.ReadFile(filepath.Join(dir, CaseFile))
		if err != nil {
			return nil, fmt.Errorf("scenario %s: %w", e.Name(), err)
		}
		c, err := DecodeCase(data)
		if err != nil {
			return nil, fmt.Errorf("scenario %s: %s: %w", e.Name(), CaseFile, err)
		}
		out = append(out, Scenario{Name: e.Name(), Dir: dir, Case: c})
	}
	sort.Slice(out, func(i, j int) bool { return out[i].Name < out[j].Name })
	return out, nil
}
