package ops

import (
	"bufio"
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"io"
	"os"
	"strings"
	"time"

	"github.com/signet-dev/signet/cmd/internal/keyuri"
	"github.com/signet-dev/signet/keystore"
	"github.com/signet-dev/signet/pkg/intoto"
	"github.com/signet-dev/signet/pkg/intoto/verify"
	"github.com/signet-dev/signet/pkg/keys"
)

// PublicKeyFile is a public key file named on the command line, with the
// type the user said it has ("" to read it from the file).
type PublicKeyFile struct {
	Path string
	Type string
}

// VerifyLayoutRequest is in-toto-verify / signet verify.
type VerifyLayoutRequest struct {
	Layout  string
	Keys    []PublicKeyFile
	GPGKeys []GPGKey
	// LinkDir holds the links; WorkDir is where inspections run.
	LinkDir, WorkDir  string
	LayoutThreshold   int
	Params            map[string]string
	InspectionTimeout time.Duration
	// NoInspections refuses to run the layout's inspections.
	NoInspections bool
	Now           time.Time
	// Notice receives remarks about the inputs (a key file whose type is
	// not the one given); nil drops them.
	Notice func(string)
	// Stores opens owner keys given as key URIs (their public half is
	// used); nil refuses URIs.
	Stores *keyuri.Stores
}

// VerifyLayout loads the layout and keys and verifies the supply chain.
// Errors loading inputs wrap ErrUsage or the loader's error; a failed
// verification returns the report and a *verify.Error.
func VerifyLayout(ctx context.Context, req VerifyLayoutRequest) (*verify.Report, error) {
	doc, err := ReadDocumentFile(req.Layout)
	if err != nil {
		return nil, err
	}
	if doc.Type() != intoto.TypeLayout {
		return nil, fmt.Errorf("%w: %s is a %s, not a layout; pass the root layout with --layout", ErrUsage, req.Layout, doc.Type())
	}
	ks := make([]keys.Key, 0, len(req.Keys))
	for _, f := range req.Keys {
		if keyuri.IsURI(f.Path) {
			k, err := publicKeyOfURI(ctx, req.Stores, f.Path)
			if err != nil {
				return nil, err
			}
			ks = append(ks, k)
			continue
		}
		k, err := loadVerificationKey(f, req.Notice)
		if err != nil {
			return nil, err
		}
		ks = append(ks, k)
	}
	gks, err := ExportGPGKeys(ctx, req.GPGKeys)
	if err != nil {
		return nil, err
	}
	opts := verify.Options{
		Now: nowOr(req.Now), Keys: ks, GPGKeys: gks, LayoutThreshold: req.LayoutThreshold,
		Links: os.DirFS(orDot(req.LinkDir)), Params: req.Params,
	}
	if !req.NoInspections {
		opts.Inspector = &verify.CommandInspector{Dir: req.WorkDir, Timeout: req.InspectionTimeout, PersistLinks: true}
	}
	return verify.Verify(ctx, doc, opts)
}

func orDot(dir string) string {
	if dir == "" {
		return "."
	}
	return dir
}

// loadVerificationKey loads a public key file, reading its type from the
// file; a type given that the file contradicts is reported, not fatal.
func loadVerificationKey(f PublicKeyFile, notice func(string)) (keys.Key, error) {
	k, err := LoadPublicKey(f.Path, "", keys.DialectLegacy)
	if err != nil {
		return k, err
	}
	if f.Type != "" && f.Type != k.KeyType && notice != nil {
		notice(fmt.Sprintf("key file %s holds a %s key, not %s as --key-types says; using it as %s", f.Path, k.KeyType, f.Type, k.KeyType))
	}
	return k, nil
}

// MaxParamsFile bounds a parameters file.
const MaxParamsFile = 1 << 20

// ParseParams merges the parameters of a file (a JSON object of strings,
// or KEY=VALUE lines with # comments) and of KEY=VALUE arguments, which
// win. It returns nil when neither gives any, so that no substitution
// happens (as with the reference's command line).
func ParseParams(file string, args []string) (map[string]string, error) {
	if file == "" && len(args) == 0 {
		return nil, nil
	}
	params := map[string]string{}
	if file != "" {
		if err := readParamsFile(file, params); err != nil {
			return nil, err
		}
	}
	for _, a := range args {
		k, v, ok := strings.Cut(a, "=")
		if !ok || k == "" {
			return nil, fmt.Errorf("%w: --param %q: write NAME=VALUE", ErrUsage, clipArg(a))
		}
		params[k] = v
	}
	return params, nil
}

func readParamsFile(path string, params map[string]string) error {
	data, err := ReadLimited(path, MaxParamsFile)
	if err != nil {
		return fmt.Errorf("%w: parameters file: %w", ErrUsage, err)
	}
	if t := bytes.TrimSpace(data); len(t) > 0 && t[0] == '{' {
		var m map[string]string
		if err := json.Unmarshal(t, &m); err != nil {
			return fmt.Errorf("%w: parameters file %s: a JSON parameters file must be an object of strings: %w", ErrUsage, path, err)
		}
		for k, v := range m {
			params[k] = v
		}
		return nil
	}
	sc := bufio.NewScanner(bytes.NewReader(data))
	sc.Buffer(make([]byte, 0, 64<<10), MaxParamsFile)
	for n := 1; sc.Scan(); n++ {
		line := strings.TrimSpace(sc.Text())
		if line == "" || strings.HasPrefix(line, "#") {
			continue
		}
		k, v, ok := strings.Cut(line, "=")
		if !ok || strings.TrimSpace(k) == "" {
			return fmt.Errorf("%w: parameters file %s line %d: write NAME=VALUE", ErrUsage, path, n)
		}
		params[strings.TrimSpace(k)] = v
	}
	return sc.Err()
}

// ReadLimited reads a whole file of at most max bytes; a larger file is an
// error that names it.
func ReadLimited(path string, max int64) ([]byte, error) {
	f, err := os.Open(path)
	if err != nil {
		return nil, err
	}
	defer f.Close()
	data, err := io.ReadAll(io.LimitReader(f, max+1))
	if err != nil {
		return nil, err
	}
	if int64(len(data)) > max {
		return nil, fmt.Errorf("%s is larger than %d bytes", path, max)
	}
	return data, nil
}

func clipArg(s string) string {
	if len(s) > 60 {
		return s[:60] + "..."
	}
	return s
}

// publicKeyOfURI returns the public key of a key held in a key store.
func publicKeyOfURI(ctx context.Context, stores *keyuri.Stores, uri string) (keys.Key, error) {
	if stores == nil {
		return keys.Key{}, fmt.Errorf("%w: key URIs are not supported here; give a public key file", ErrUsage)
	}
	s, err := stores.Open(ctx, uri, keystore.Options{})
	if err != nil {
		return keys.Key{}, fmt.Errorf("owner key %s: %w", uri, err)
	}
	defer s.Close()
	return s.Key(), nil
}
