//go:build !cgo || signet_nopkcs11

package keyuri

import (
	"errors"

	"github.com/signet-dev/signet/keystore"
)

// pkcs11Backend reports that this binary was built without PKCS#11.
func pkcs11Backend(Config, *keystore.Registry) (func() error, Generator, error) {
	return nil, nil, errors.New("this signet was built without PKCS#11 support (cgo disabled or the signet_nopkcs11 tag); rebuild with cgo")
}
