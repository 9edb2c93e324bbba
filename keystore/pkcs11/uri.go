package pkcs11

import (
	"errors"
	"fmt"
	"io/fs"
	"os"
	"path/filepath"
	"strings"

	"github.com/signet-dev/signet/keystore"
)

// DefaultModuleDirs returns the directories searched, in order, for a
// module-name when BackendOptions.ModuleDirs is empty.
func DefaultModuleDirs() []string {
	return []string{
		"/usr/lib/x86_64-linux-gnu/pkcs11", "/usr/lib/aarch64-linux-gnu/pkcs11", "/usr/lib/pkcs11",
		"/usr/lib/softhsm", "/usr/local/lib/pkcs11", "/usr/local/lib/softhsm", "/usr/local/lib",
	}
}

// tokenSelector picks a token by the RFC 7512 token attributes.
type tokenSelector struct {
	label, serial, manufacturer, model string
}

// selector is everything a key URI asks for.
type selector struct {
	module    string
	token     tokenSelector
	label     string // CKA_LABEL of the key ("" = any)
	id        []byte // CKA_ID of the key (nil = any)
	pinSource string
}

// unsupportedAttr says why Signet refuses an RFC 7512 attribute ("" if
// it does not).
func unsupportedAttr(name string) string {
	switch name {
	case "slot-id":
		return "slot numbers change when tokens are added or initialised; select the token with token=LABEL or serial=SERIAL"
	case "slot-description", "slot-manufacturer":
		return "select the token with token=LABEL or serial=SERIAL"
	case "library-manufacturer", "library-description", "library-version":
		return "name the module with module-path=FILE"
	}
	return ""
}

// parseSelector reads u into a selector, resolving the module path.
func (b *Backend) parseSelector(u *keystore.URI) (selector, error) {
	if u == nil || u.Scheme != Scheme {
		return selector{}, fmt.Errorf("%w: the pkcs11 backend needs a pkcs11: URI", keystore.ErrBadURI)
	}
	for _, list := range [][]keystore.Attr{u.PathAttrs, u.Query} {
		for _, a := range list {
			if err := checkSupported(a); err != nil {
				return selector{}, err
			}
		}
	}
	sel := selector{
		token: tokenSelector{
			label: u.Value("token"), serial: u.Value("serial"),
			manufacturer: u.Value("manufacturer"), model: u.Value("model"),
		},
		label:     u.Value("object"),
		pinSource: u.Value("pin-source"),
	}
	if id, ok := u.Get("id"); ok {
		sel.id = []byte(id)
	}
	if sel.label == "" && sel.id == nil {
		return selector{}, fmt.Errorf("%w: pkcs11 URI: name the key with object=LABEL and/or id=%%XX", keystore.ErrBadURI)
	}
	var err error
	sel.module, err = b.modulePath(u)
	return sel, err
}

func checkSupported(a keystore.Attr) error {
	if why := unsupportedAttr(a.Name); why != "" {
		return fmt.Errorf("%w: pkcs11 URI: attribute %q is not supported: %s", keystore.ErrBadURI, a.Name, why)
	}
	if strings.HasPrefix(a.Name, "x-") {
		return fmt.Errorf("%w: pkcs11 URI: vendor attribute %q is not supported", keystore.ErrBadURI, a.Name)
	}
	if a.Name == "type" && a.Value != "private" {
		return fmt.Errorf("%w: pkcs11 URI: type=%s: Signet signs with private keys; use type=private or leave it out",
			keystore.ErrBadURI, a.Value)
	}
	return nil
}

// modulePath resolves module-path, module-name or the backend's default.
func (b *Backend) modulePath(u *keystore.URI) (string, error) {
	if p := u.Value("module-path"); p != "" {
		return filepath.Clean(p), nil
	}
	if name := u.Value("module-name"); name != "" {
		return b.findModule(name)
	}
	if b.opts.DefaultModulePath != "" {
		return b.opts.DefaultModulePath, nil
	}
	return "", fmt.Errorf("%w: the URI names no module; add module-path=/path/to/module.so "+
		"(SoftHSM2 on Debian: module-path=%s)", ErrModule, SoftHSMModulePath)
}

// findModule looks for NAME, NAME.so and libNAME.so in the module dirs.
func (b *Backend) findModule(name string) (string, error) {
	dirs := b.opts.ModuleDirs
	if len(dirs) == 0 {
		dirs = DefaultModuleDirs()
	}
	for _, dir := range dirs {
		for _, file := range []string{name, name + ".so", "lib" + name + ".so"} {
			p := filepath.Join(dir, file)
			fi, err := os.Stat(p)
			if err == nil && fi.Mode().IsRegular() {
				return p, nil
			}
			if err != nil && !errors.Is(err, fs.ErrNotExist) {
				return "", fmt.Errorf("%w: module-name %q: %w", ErrModule, name, err)
			}
		}
	}
	return "", fmt.Errorf("%w: module-name %q: no %s, %s.so or lib%s.so in %s; give module-path=FILE instead",
		ErrModule, name, name, name, name, strings.Join(dirs, ", "))
}

// uriID formats a CKA_ID as a URI id value (%XX per byte).
func uriID(id []byte) string {
	var b strings.Builder
	for _, c := range id {
		fmt.Fprintf(&b, "%%%02X", c)
	}
	return b.String()
}
