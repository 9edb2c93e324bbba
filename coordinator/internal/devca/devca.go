package devca

import (
	"crypto/ecdsa"
	"crypto/elliptic"
	"crypto/rand"
	"crypto/tls"
	"crypto/x509"
	"crypto/x509/pkix"
	"errors"
	"fmt"
	"io"
	"math/big"
	"net"
	"net/url"
	"path/filepath"
	"strings"
	"time"
)

// URI SAN prefixes of the certificates this CA issues.
const (
	NodeURIPrefix = "urn:signet:node:"
	UserURIPrefix = "urn:signet:user:"
)

// Default validity periods.
const (
	DefaultCAValidity   = 10 * 365 * 24 * time.Hour
	DefaultLeafValidity = 2 * 365 * 24 * time.Hour
)

// Errors; test them with errors.Is.
var (
	// ErrExists means a client certificate with that name was issued
	// already; pick another name (files are never overwritten).
	ErrExists = errors.New("already exists")
	// ErrInvalidName means a node id or client name is empty, too long or
	// has characters outside [A-Za-z0-9.-].
	ErrInvalidName = errors.New("invalid name")
	// ErrCorrupt means a file in the CA directory cannot be read as what
	// it should be (a PEM key and certificate signed by this CA).
	ErrCorrupt = errors.New("corrupt CA file")
)

// Options configure Open. The zero value is usable.
type Options struct {
	// Now is the clock for validity periods; time.Now by default.
	Now func() time.Time
	// Rand is the randomness for keys and serial numbers; crypto/rand
	// by default.
	Rand io.Reader
	// CAValidity and LeafValidity default to DefaultCAValidity and
	// DefaultLeafValidity.
	CAValidity   time.Duration
	LeafValidity time.Duration
}

func (o *Options) fill() {
	if o.Now == nil {
		o.Now = time.Now
	}
	if o.Rand == nil {
		o.Rand = rand.Reader
	}
	if o.CAValidity <= 0 {
		o.CAValidity = DefaultCAValidity
	}
	if o.LeafValidity <= 0 {
		o.LeafValidity = DefaultLeafValidity
	}
}

// CA is a development CA rooted in a directory.
type CA struct {
	dir  string
	opts Options
	cert *x509.Certificate
	key  *ecdsa.PrivateKey
}

// Pair is an issued certificate with its key and where they are stored.
type Pair struct {
	Cert     *x509.Certificate
	TLS      tls.Certificate
	KeyFile  string // PEM private key followed by the certificate (0600)
	CertFile string // PEM certificate
}

// Open loads the CA in dir, creating it first when dir holds none.
func Open(dir string, opts Options) (*CA, error) {
	opts.fill()
	if err := mkdirs(dir); err != nil {
		return nil, err
	}
	ca := &CA{dir: dir, opts: opts}
	tc, err := ca.ensure(filepath.Join(dir, "ca.key"), filepath.Join(dir, "ca.crt"), ca.newCA)
	if err != nil {
		return nil, err
	}
	k, ok := tc.PrivateKey.(*ecdsa.PrivateKey)
	if !ok || !tc.Leaf.IsCA {
		return nil, fmt.Errorf("%w: %s is not an ECDSA CA key and certificate; move it away to start a new CA", ErrCorrupt, filepath.Join(dir, "ca.key"))
	}
	ca.cert, ca.key = tc.Leaf, k
	return ca, nil
}

// Dir returns the CA directory.
func (ca *CA) Dir() string { return ca.dir }

// Cert returns the CA certificate.
func (ca *CA) Cert() *x509.Certificate { return ca.cert }

// CertFile returns the path of the CA certificate (ca.crt).
func (ca *CA) CertFile() string { return filepath.Join(ca.dir, "ca.crt") }

// Pool returns a pool holding the CA certificate only.
func (ca *CA) Pool() *x509.CertPool {
	p := x509.NewCertPool()
	p.AddCert(ca.cert)
	return p
}

// EnsureNode returns node id's certificate, issuing it on first use with
// the default SANs plus hosts (DNS names or IP addresses). An existing
// certificate is returned as it is, whatever hosts say.
func (ca *CA) EnsureNode(id string, hosts ...string) (*Pair, error) {
	if err := checkName("node id", id); err != nil {
		return nil, err
	}
	for _, h := range hosts {
		if h == "" || len(h) > 253 || strings.ContainsAny(h, " /:\x00") && net.ParseIP(h) == nil {
			return nil, fmt.Errorf("%w: host %q for node %s: give a DNS name or an IP address", ErrInvalidName, h, id)
		}
	}
	keyFile, certFile := ca.paths("nodes", id)
	tc, err := ca.ensure(keyFile, certFile, func() (*x509.Certificate, *ecdsa.PrivateKey, error) {
		return ca.issue(nodeTemplate(id, hosts))
	})
	if err != nil {
		return nil, err
	}
	return &Pair{Cert: tc.Leaf, TLS: *tc, KeyFile: keyFile, CertFile: certFile}, nil
}

// IssueClient issues an API client certificate for name. It fails with
// ErrExists if one was issued before.
func (ca *CA) IssueClient(name string) (*Pair, error) {
	if err := checkName("client name", name); err != nil {
		return nil, err
	}
	keyFile, certFile := ca.paths("clients", name)
	created := false
	tc, err := ca.ensure(keyFile, certFile, func() (*x509.Certificate, *ecdsa.PrivateKey, error) {
		created = true
		return ca.issue(clientTemplate(name))
	})
	if err != nil {
		return nil, err
	}
	if !created {
		return nil, fmt.Errorf("client certificate %s: %w (%s); choose another name", name, ErrExists, keyFile)
	}
	return &Pair{Cert: tc.Leaf, TLS: *tc, KeyFile: keyFile, CertFile: certFile}, nil
}

// LoadClient loads a client certificate issued before.
func (ca *CA) LoadClient(name string) (*Pair, error) {
	if err := checkName("client name", name); err != nil {
		return nil, err
	}
	keyFile, certFile := ca.paths("clients", name)
	tc, err := ca.load(keyFile)
	if err != nil {
		return nil, err
	}
	return &Pair{Cert: tc.Leaf, TLS: *tc, KeyFile: keyFile, CertFile: certFile}, nil
}

func (ca *CA) paths(sub, name string) (string, string) {
	base := filepath.Join(ca.dir, sub, name)
	return base + ".key", base + ".crt"
}

// checkName accepts [A-Za-z0-9.-], 1..63 characters, not starting with a
// dot or dash: usable as a file name and a DNS label sequence.
func checkName(field, s string) error {
	if s == "" || len(s) > 63 || s[0] == '.' || s[0] == '-' {
		return fmt.Errorf("%w: %s %q must be 1 to 63 characters and not start with '.' or '-'", ErrInvalidName, field, s)
	}
	for _, c := range s {
		if !(c >= 'a' && c <= 'z' || c >= 'A' && c <= 'Z' || c >= '0' && c <= '9' || c == '.' || c == '-') {
			return fmt.Errorf("%w: %s %q: only letters, digits, '.' and '-' are allowed", ErrInvalidName, field, s)
		}
	}
	return nil
}

func (ca *CA) newCA() (*x509.Certificate, *ecdsa.PrivateKey, error) {
	key, err := ecdsa.GenerateKey(elliptic.P256(), ca.opts.Rand)
	if err != nil {
		return nil, nil, fmt.Errorf("generating the CA key: %w", err)
	}
	now := ca.opts.Now()
	tmpl := &x509.Certificate{
		Subject:               pkix.Name{CommonName: "Signet development CA", Organization: []string{"Signet (dev mode)"}},
		NotBefore:             now.Add(-time.Hour),
		NotAfter:              now.Add(ca.opts.CAValidity),
		IsCA:                  true,
		BasicConstraintsValid: true,
		MaxPathLenZero:        true,
		KeyUsage:              x509.KeyUsageCertSign | x509.KeyUsageCRLSign,
	}
	return ca.sign(tmpl, tmpl, key, key)
}

func nodeTemplate(id string, hosts []string) *x509.Certificate {
	t := &x509.Certificate{
		Subject:     pkix.Name{CommonName: id, OrganizationalUnit: []string{"signet-node"}},
		ExtKeyUsage: []x509.ExtKeyUsage{x509.ExtKeyUsageServerAuth, x509.ExtKeyUsageClientAuth},
		DNSNames:    []string{"localhost", id},
		IPAddresses: []net.IP{net.IPv4(127, 0, 0, 1), net.IPv6loopback},
		URIs:        []*url.URL{{Scheme: "urn", Opaque: "signet:node:" + id}},
	}
	for _, h := range hosts {
		if ip := net.ParseIP(h); ip != nil {
			t.IPAddresses = append(t.IPAddresses, ip)
		} else {
			t.DNSNames = append(t.DNSNames, h)
		}
	}
	return t
}

func clientTemplate(name string) *x509.Certificate {
	return &x509.Certificate{
		Subject:     pkix.Name{CommonName: name, OrganizationalUnit: []string{"signet-user"}},
		ExtKeyUsage: []x509.ExtKeyUsage{x509.ExtKeyUsageClientAuth},
		URIs:        []*url.URL{{Scheme: "urn", Opaque: "signet:user:" + name}},
	}
}

// issue completes a leaf template and signs it with the CA.
func (ca *CA) issue(tmpl *x509.Certificate) (*x509.Certificate, *ecdsa.PrivateKey, error) {
	key, err := ecdsa.GenerateKey(elliptic.P256(), ca.opts.Rand)
	if err != nil {
		return nil, nil, fmt.Errorf("generating a key for %s: %w", tmpl.Subject.CommonName, err)
	}
	now := ca.opts.Now()
	tmpl.NotBefore, tmpl.NotAfter = now.Add(-time.Hour), now.Add(ca.opts.LeafValidity)
	if tmpl.NotAfter.After(ca.cert.NotAfter) {
		tmpl.NotAfter = ca.cert.NotAfter
	}
	tmpl.KeyUsage = x509.KeyUsageDigitalSignature
	return ca.sign(tmpl, ca.cert, key, ca.key)
}

func (ca *CA) sign(tmpl, parent *x509.Certificate, key, parentKey *ecdsa.PrivateKey) (*x509.Certificate, *ecdsa.PrivateKey, error) {
	serial, err := rand.Int(ca.opts.Rand, new(big.Int).Lsh(big.NewInt(1), 127))
	if err != nil {
		return nil, nil, fmt.Errorf("serial number: %w", err)
	}
	tmpl.SerialNumber = serial
	der, err := x509.CreateCertificate(ca.opts.Rand, tmpl, parent, &key.PublicKey, parentKey)
	if err != nil {
		return nil, nil, fmt.Errorf("signing the certificate for %s: %w", tmpl.Subject.CommonName, err)
	}
	cert, err := x509.ParseCertificate(der)
	if err != nil {
		return nil, nil, fmt.Errorf("parsing the new certificate: %w", err)
	}
	return cert, key, nil
}

// NodeTLS returns a mutual-TLS configuration for node p, as both server
// and client: it presents p and trusts only this CA, and requires a
// client certificate from callers.
func (ca *CA) NodeTLS(p *Pair) *tls.Config {
	return &tls.Config{
		Certificates: []tls.Certificate{p.TLS},
		RootCAs:      ca.Pool(),
		ClientCAs:    ca.Pool(),
		ClientAuth:   tls.RequireAndVerifyClientCert,
		MinVersion:   tls.VersionTLS13,
	}
}

// ClientTLS returns a client configuration presenting p (nil for none) and
// trusting only this CA.
func (ca *CA) ClientTLS(p *Pair) *tls.Config {
	c := &tls.Config{RootCAs: ca.Pool(), MinVersion: tls.VersionTLS13}
	if p != nil {
		c.Certificates = []tls.Certificate{p.TLS}
	}
	return c
}
