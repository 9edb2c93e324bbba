package devca

import (
	"bytes"
	"crypto/ecdsa"
	"crypto/tls"
	"crypto/x509"
	"encoding/pem"
	"errors"
	"fmt"
	"io"
	"io/fs"
	"os"
	"path/filepath"

	"github.com/signet-dev/signet/pkg/atomicfile"
)

// maxFile bounds the key and certificate files this package reads.
const maxFile = 64 << 10

func mkdirs(dir string) error {
	for _, d := range []string{dir, filepath.Join(dir, "nodes"), filepath.Join(dir, "clients")} {
		if err := os.MkdirAll(d, 0o700); err != nil {
			return fmt.Errorf("creating the CA directory: %w", err)
		}
	}
	return nil
}

// ensure loads the key+certificate file keyFile, creating it with create
// when it does not exist, and makes sure certFile holds the certificate.
func (ca *CA) ensure(keyFile, certFile string, create func() (*x509.Certificate, *ecdsa.PrivateKey, error)) (*tls.Certificate, error) {
	tc, err := ca.load(keyFile)
	if errors.Is(err, fs.ErrNotExist) {
		cert, key, cerr := create()
		if cerr != nil {
			return nil, cerr
		}
		der, merr := x509.MarshalPKCS8PrivateKey(key)
		if merr != nil {
			return nil, fmt.Errorf("encoding the key for %s: %w", keyFile, merr)
		}
		data := append(pem.EncodeToMemory(&pem.Block{Type: "PRIVATE KEY", Bytes: der}), certPEM(cert)...)
		if werr := writeNew(keyFile, data, 0o600); werr != nil && !errors.Is(werr, fs.ErrExist) {
			return nil, werr
		}
		// Created, or another process created it first: load what is there.
		tc, err = ca.load(keyFile)
	}
	if err != nil {
		return nil, err
	}
	if err := ensureCertCopy(certFile, tc.Leaf); err != nil {
		return nil, err
	}
	return tc, nil
}

func certPEM(c *x509.Certificate) []byte {
	return pem.EncodeToMemory(&pem.Block{Type: "CERTIFICATE", Bytes: c.Raw})
}

// load reads a key+certificate file and checks that a leaf was signed by
// this CA.
func (ca *CA) load(keyFile string) (*tls.Certificate, error) {
	data, err := readBounded(keyFile)
	if err != nil {
		return nil, err
	}
	tc, err := tls.X509KeyPair(data, data)
	if err != nil {
		return nil, fmt.Errorf("%w: %s: %v; move it away to issue a new one", ErrCorrupt, keyFile, err)
	}
	if ca.cert != nil {
		if err := tc.Leaf.CheckSignatureFrom(ca.cert); err != nil {
			return nil, fmt.Errorf("%w: %s was not issued by the CA in %s: %v", ErrCorrupt, keyFile, ca.dir, err)
		}
	}
	return &tc, nil
}

func readBounded(path string) ([]byte, error) {
	f, err := os.Open(path)
	if err != nil {
		return nil, err
	}
	defer f.Close()
	data, err := io.ReadAll(io.LimitReader(f, maxFile+1))
	if err != nil {
		return nil, fmt.Errorf("reading %s: %w", path, err)
	}
	if len(data) > maxFile {
		return nil, fmt.Errorf("%w: %s is larger than %d bytes", ErrCorrupt, path, maxFile)
	}
	return data, nil
}

// ensureCertCopy writes the public certificate file when it is missing and
// checks it when it exists.
func ensureCertCopy(certFile string, cert *x509.Certificate) error {
	want := certPEM(cert)
	err := writeNew(certFile, want, 0o644)
	if err == nil {
		return nil
	}
	if !errors.Is(err, fs.ErrExist) {
		return err
	}
	got, err := readBounded(certFile)
	if err != nil {
		return err
	}
	if !bytes.Equal(got, want) {
		return fmt.Errorf("%w: %s does not match the certificate in its .key file; delete %s to have it written again",
			ErrCorrupt, certFile, certFile)
	}
	return nil
}

// writeNew creates path with data atomically and never replaces an
// existing file: the data goes to a synced temporary file that is then
// hard-linked to path. It returns an error wrapping fs.ErrExist when path
// exists.
func writeNew(path string, data []byte, perm os.FileMode) error {
	dir := filepath.Dir(path)
	tmp, err := os.CreateTemp(dir, ".tmp-*")
	if err != nil {
		return fmt.Errorf("creating a file in %s: %w", dir, err)
	}
	defer os.Remove(tmp.Name())
	err = errors.Join(tmp.Chmod(perm), write(tmp, data), tmp.Sync(), tmp.Close())
	if err != nil {
		return fmt.Errorf("writing %s: %w", path, err)
	}
	if err := os.Link(tmp.Name(), path); err != nil {
		return fmt.Errorf("creating %s: %w", path, err)
	}
	return atomicfile.SyncDir(dir)
}

func write(f *os.File, data []byte) error {
	_, err := f.Write(data)
	return err
}
