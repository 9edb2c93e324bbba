//go:build !cgo || signet_nopkcs11

package backends

import (
	"errors"

	"github.com/signet-dev/signet/cmd/internal/keyuri"
	"github.com/signet-dev/signet/keystore"
)

// PKCS11 reports that this binary was built without PKCS#11.
func PKCS11(keyuri.Config, *keystore.Registry) (func() error, keyuri.Generator, error) {
	return nil, nil, errors.New("this signet was built without PKCS#11 support (cgo disabled or the signet_nopkcs11 tag); rebuild with cgo")
}
