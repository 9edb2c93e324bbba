package devca

import (
	"crypto/x509"
	"errors"
	"os"
	"path/filepath"
	"slices"
	"sync"
	"testing"
)

func TestOpenCreatesOnceAndReloads(t *testing.T) {
	dir := filepath.Join(t.TempDir(), "tls")
	ca, err := Open(dir, Options{})
	if err != nil {
		t.Fatal(err)
	}
	for _, f := range []struct {
		name string
		perm os.FileMode
	}{{"ca.key", 0o600}, {"ca.crt", 0o644}, {".", 0o700}, {"nodes", 0o700}} {
		fi, err := os.Stat(filepath.Join(dir, f.name))
		if err != nil {
			t.Fatal(err)
		}
		if got := fi.Mode().Perm(); got != f.perm {
			t.Errorf("%s mode %v, want %v", f.name, got, f.perm)
		}
	}
	again, err := Open(dir, Options{})
	if err != nil {
		t.Fatal(err)
	}
	if !again.Cert().Equal(ca.Cert()) {
		t.Error("reopening created a new CA instead of loading the existing one")
	}
	if !ca.Cert().IsCA || ca.Cert().PublicKeyAlgorithm != x509.ECDSA {
		t.Errorf("CA certificate: IsCA=%v alg=%v", ca.Cert().IsCA, ca.Cert().PublicKeyAlgorithm)
	}
}

func TestConcurrentOpenAgreesOnOneCA(t *testing.T) {
	dir := t.TempDir()
	var wg sync.WaitGroup
	cas := make([]*CA, 8)
	errs := make([]error, 8)
	for i := range cas {
		wg.Add(1)
		go func() {
			defer wg.Done()
			cas[i], errs[i] = Open(dir, Options{})
		}()
	}
	wg.Wait()
	for i := range cas {
		if errs[i] != nil {
			t.Fatal(errs[i])
		}
		if !cas[i].Cert().Equal(cas[0].Cert()) {
			t.Fatalf("opener %d got another CA", i)
		}
	}
}

func TestEnsureNode(t *testing.T) {
	ca, err := Open(t.TempDir(), Options{})
	if err != nil {
		t.Fatal(err)
	}
	p, err := ca.EnsureNode("n1", "coord1.example.org", "10.0.0.7")
	if err != nil {
		t.Fatal(err)
	}
	c := p.Cert
	if _, err := c.Verify(x509.VerifyOptions{Roots: ca.Pool(), DNSName: "n1",
		KeyUsages: []x509.ExtKeyUsage{x509.ExtKeyUsageServerAuth, x509.ExtKeyUsageClientAuth}}); err != nil {
		t.Fatalf("node certificate does not verify for server and client use: %v", err)
	}
	for _, name := range []string{"localhost", "n1", "coord1.example.org"} {
		if !slices.Contains(c.DNSNames, name) {
			t.Errorf("DNS SANs %v lack %s", c.DNSNames, name)
		}
	}
	if err := c.VerifyHostname("127.0.0.1"); err != nil {
		t.Error(err)
	}
	if err := c.VerifyHostname("10.0.0.7"); err != nil {
		t.Error(err)
	}
	if len(c.URIs) != 1 || c.URIs[0].String() != NodeURIPrefix+"n1" {
		t.Errorf("URIs %v, want %sn1", c.URIs, NodeURIPrefix)
	}
	if fi, err := os.Stat(p.KeyFile); err != nil || fi.Mode().Perm() != 0o600 {
		t.Errorf("key file: %v %v", fi, err)
	}
	again, err := ca.EnsureNode("n1", "other.example.org")
	if err != nil {
		t.Fatal(err)
	}
	if !again.Cert.Equal(c) {
		t.Error("EnsureNode replaced an existing node certificate")
	}
}

func TestIssueClient(t *testing.T) {
	ca, err := Open(t.TempDir(), Options{})
	if err != nil {
		t.Fatal(err)
	}
	p, err := ca.IssueClient("alice")
	if err != nil {
		t.Fatal(err)
	}
	if p.Cert.Subject.CommonName != "alice" || len(p.Cert.URIs) != 1 || p.Cert.URIs[0].String() != UserURIPrefix+"alice" {
		t.Errorf("client certificate names: CN %q URIs %v", p.Cert.Subject.CommonName, p.Cert.URIs)
	}
	if _, err := p.Cert.Verify(x509.VerifyOptions{Roots: ca.Pool(), KeyUsages: []x509.ExtKeyUsage{x509.ExtKeyUsageServerAuth}}); err == nil {
		t.Error("a client certificate is valid for server use")
	}
	if _, err := ca.IssueClient("alice"); !errors.Is(err, ErrExists) {
		t.Errorf("second IssueClient: %v, want ErrExists", err)
	}
	loaded, err := ca.LoadClient("alice")
	if err != nil || !loaded.Cert.Equal(p.Cert) {
		t.Errorf("LoadClient: %v", err)
	}
}

func TestNames(t *testing.T) {
	ca, err := Open(t.TempDir(), Options{})
	if err != nil {
		t.Fatal(err)
	}
	for _, tc := range []struct {
		name    string
		wantErr error
	}{
		{"n1", nil}, {"node-2.dc1", nil}, {"", ErrInvalidName}, {"../x", ErrInvalidName},
		{".hidden", ErrInvalidName}, {"a/b", ErrInvalidName}, {"a b", ErrInvalidName},
		{string(make([]byte, 64)), ErrInvalidName},
	} {
		_, err := ca.EnsureNode(tc.name)
		if !errors.Is(err, tc.wantErr) {
			t.Errorf("EnsureNode(%q) = %v, want %v", tc.name, err, tc.wantErr)
		}
	}
	if _, err := ca.EnsureNode("n9", "bad host/"); !errors.Is(err, ErrInvalidName) {
		t.Errorf("bad host: %v", err)
	}
}

func TestCorruptFiles(t *testing.T) {
	for _, tc := range []struct {
		name   string
		damage func(t *testing.T, dir string)
	}{
		{"garbage CA key", func(t *testing.T, dir string) { replace(t, filepath.Join(dir, "ca.key"), "not pem") }},
		{"CA certificate differs", func(t *testing.T, dir string) {
			other, err := Open(t.TempDir(), Options{})
			if err != nil {
				t.Fatal(err)
			}
			data, _ := os.ReadFile(other.CertFile())
			replace(t, filepath.Join(dir, "ca.crt"), string(data))
		}},
		{"node certificate from another CA", func(t *testing.T, dir string) {
			other, err := Open(t.TempDir(), Options{})
			if err != nil {
				t.Fatal(err)
			}
			p, _ := other.EnsureNode("n1")
			data, _ := os.ReadFile(p.KeyFile)
			replace(t, filepath.Join(dir, "nodes", "n1.key"), string(data))
		}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			dir := t.TempDir()
			if _, err := Open(dir, Options{}); err != nil {
				t.Fatal(err)
			}
			tc.damage(t, dir)
			ca, err := Open(dir, Options{})
			if err == nil {
				_, err = ca.EnsureNode("n1")
			}
			if !errors.Is(err, ErrCorrupt) {
				t.Errorf("got %v, want ErrCorrupt", err)
			}
		})
	}
}

func TestMissingCertCopyIsRewritten(t *testing.T) {
	dir := t.TempDir()
	ca, err := Open(dir, Options{})
	if err != nil {
		t.Fatal(err)
	}
	if err := os.Remove(ca.CertFile()); err != nil {
		t.Fatal(err)
	}
	again, err := Open(dir, Options{})
	if err != nil {
		t.Fatal(err)
	}
	if _, err := os.Stat(again.CertFile()); err != nil || !again.Cert().Equal(ca.Cert()) {
		t.Errorf("ca.crt not written again from ca.key: %v", err)
	}
}

func replace(t *testing.T, path, data string) {
	t.Helper()
	if err := os.Remove(path); err != nil && !os.IsNotExist(err) {
		t.Fatal(err)
	}
	if err := os.WriteFile(path, []byte(data), 0o600); err != nil {
		t.Fatal(err)
	}
}
