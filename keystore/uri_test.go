package keystore

import (
	"errors"
	"reflect"
	"strings"
	"testing"
)

func TestParseURIValid(t *testing.T) {
	tests := []struct {
		in   string
		want URI
		str  string // canonical String(); "" means in
	}{
		{in: "/etc/signet/keys/alice", want: URI{Scheme: "file", Path: "/etc/signet/keys/alice"}, str: "file:///etc/signet/keys/alice"},
		{in: "alice.pem", want: URI{Scheme: "file", Path: "alice.pem"}},
		{in: "./a:b.pem", want: URI{Scheme: "file", Path: "./a:b.pem"}},
		{in: "keys/my key é.pem", want: URI{Scheme: "file", Path: "keys/my key é.pem"}},
		{in: "/tmp/a b?c", want: URI{Scheme: "file", Path: "/tmp/a b?c"}, str: "file:///tmp/a%20b%3Fc"},
		{
			in:   "file:///etc/signet/keys/bob.pem?passphrase-source=/run/secrets/pp",
			want: URI{Scheme: "file", Path: "/etc/signet/keys/bob.pem", Query: []Attr{{"passphrase-source", "/run/secrets/pp"}}},
		},
		{in: "FILE://localhost/k%20ey.pem", want: URI{Scheme: "file", Path: "/k ey.pem"}, str: "file:///k%20ey.pem"},
		{in: "file:/k.pem", want: URI{Scheme: "file", Path: "/k.pem"}, str: "file:///k.pem"},
		{
			in:   "file:///k.pem?passphrase-source=file:///run/pp",
			want: URI{Scheme: "file", Path: "/k.pem", Query: []Attr{{"passphrase-source", "file:///run/pp"}}},
		},
		{
			in: "pkcs11:token=release;object=owner-1?module-path=/usr/lib/softhsm/libsofthsm2.so&pin-source=/run/secrets/pin",
			want: URI{Scheme: "pkcs11",
				PathAttrs: []Attr{{"token", "release"}, {"object", "owner-1"}},
				Query:     []Attr{{"module-path", "/usr/lib/softhsm/libsofthsm2.so"}, {"pin-source", "/run/secrets/pin"}}},
		},
		{
			in:   "pkcs11:token=My%20Token;id=%01%FF;type=private;slot-id=0;library-version=2.40",
			want: URI{Scheme: "pkcs11", PathAttrs: []Attr{{"token", "My Token"}, {"id", "\x01\xff"}, {"type", "private"}, {"slot-id", "0"}, {"library-version", "2.40"}}},
		},
		{
			in:   "pkcs11:object=a%3Bb%3Dc;x-vendor=v?module-name=softhsm2",
			want: URI{Scheme: "pkcs11", PathAttrs: []Attr{{"object", "a;b=c"}, {"x-vendor", "v"}}, Query: []Attr{{"module-name", "softhsm2"}}},
		},
		{
			in:   "yubikey:slot-id=9c;serial=13371337?pin-source=/run/secrets/piv-pin",
			want: URI{Scheme: "yubikey", PathAttrs: []Attr{{"slot-id", "9c"}, {"serial", "13371337"}}, Query: []Attr{{"pin-source", "/run/secrets/piv-pin"}}},
		},
		{in: "yubikey:slot-id=82", want: URI{Scheme: "yubikey", PathAttrs: []Attr{{"slot-id", "82"}}}},
		{in: "hashivault://transit/release-key?version=3", want: URI{Scheme: "hashivault", Path: "transit/release-key", Query: []Attr{{"version", "3"}}}},
		{in: "hashivault://team/transit/k.1", want: URI{Scheme: "hashivault", Path: "team/transit/k.1"}},
		{in: "mem://some/key?x=1", want: URI{Scheme: "mem", Path: "some/key", Query: []Attr{{"x", "1"}}}},
		{in: "mem:name=a;b=%2F", want: URI{Scheme: "mem", PathAttrs: []Attr{{"name", "a"}, {"b", "/"}}}, str: "mem:name=a;b=%2F"},
		{in: "mem:", want: URI{Scheme: "mem"}},
	}
	for _, tc := range tests {
		t.Run(tc.in, func(t *testing.T) {
			u, err := ParseURI(tc.in)
			if err != nil {
				t.Fatalf("ParseURI: %v", err)
			}
			if !reflect.DeepEqual(*u, tc.want) {
				t.Fatalf("ParseURI = %#v, want %#v", *u, tc.want)
			}
			want := tc.str
			if want == "" {
				want = tc.in
			}
			if got := u.String(); got != want {
				t.Fatalf("String() = %q, want %q", got, want)
			}
		})
	}
}

func TestParseURIInvalid(t *testing.T) {
	tests := []struct {
		name, in string
		wantErr  error
		wantMsg  string
	}{
		{"empty", "", ErrBadURI, "empty"},
		{"too long", "file:///" + strings.Repeat("a", MaxURILength), ErrBadURI, "limit"},
		{"control char", "/tmp/a\nb", ErrBadURI, "control"},
		{"invalid utf8", "/tmp/\xff", ErrBadURI, "UTF-8"},
		{"fragment", "file:///k.pem#x", ErrBadURI, "fragment"},
		{"raw space", "file:///a b", ErrBadURI, "percent-encode"},
		{"bad escape", "file:///a%zz", ErrBadURI, "%XX"},
		{"file relative", "file:k.pem", ErrBadURI, "absolute"},
		{"file remote host", "file://server/k.pem", ErrBadURI, `host "server"`},
		{"file no path", "file://localhost", ErrBadURI, "no path"},
		{"file unknown attr", "file:///k?scheme=ed25519", ErrBadURI, `unknown attribute "scheme"`},
		{"file passphrase literal", "file:///k?passphrase=hunter2", ErrSecretInURI, "passphrase-source=FILE"},
		{"file passphrase raw space", "file:///k?passphrase=a b", ErrSecretInURI, "passphrase-source=FILE"},
		{"file password literal", "file:///k?password=hunter2", ErrSecretInURI, "passphrase-source=FILE"},
		{"file empty source", "file:///k?passphrase-source=", ErrBadURI, "empty value"},
		{"file duplicate", "file:///k?passphrase-source=/a&passphrase-source=/b", ErrBadURI, "more than once"},
		{"file empty attr", "file:///k?passphrase-source=/a&", ErrBadURI, "NAME=VALUE"},
		{"pkcs11 pin-value", "pkcs11:object=k?pin-value=1234", ErrSecretInURI, "pin-source=FILE"},
		{"pkcs11 vendor pin", "pkcs11:object=k;x-pin=1234", ErrSecretInURI, "pin-source=FILE"},
		{"pkcs11 no object", "pkcs11:token=t", ErrBadURI, "object=LABEL or id="},
		{"pkcs11 unknown", "pkcs11:object=k;colour=red", ErrBadURI, `unknown attribute "colour"`},
		{"pkcs11 uppercase name", "pkcs11:Object=k", ErrBadURI, "lowercase"},
		{"pkcs11 duplicate", "pkcs11:object=a;object=b", ErrBadURI, `"object" appears more than once`},
		{"pkcs11 query in path", "pkcs11:object=a;module-path=/x.so", ErrBadURI, "after the '?'"},
		{"pkcs11 path in query", "pkcs11:id=%01?object=a", ErrBadURI, "before the '?'"},
		{"pkcs11 bad type", "pkcs11:object=a;type=key", ErrBadURI, "object type"},
		{"pkcs11 bad slot-id", "pkcs11:object=a;slot-id=x1", ErrBadURI, `"slot-id"`},
		{"pkcs11 relative module", "pkcs11:object=a?module-path=lib.so", ErrBadURI, "absolute"},
		{"pkcs11 module name path", "pkcs11:object=a?module-name=/x/lib.so", ErrBadURI, "module-path"},
		{"pkcs11 bad version", "pkcs11:object=a;library-version=1.x", ErrBadURI, "M.N"},
		{"pkcs11 control decoded", "pkcs11:object=a%0A", ErrBadURI, "control"},
		{"pkcs11 no equals", "pkcs11:object", ErrBadURI, "NAME=VALUE"},
		{"pkcs11 slashes", "pkcs11://object=a", ErrBadURI, `without "//"`},
		{"pkcs11 too many", "pkcs11:object=a" + strings.Repeat(";x-a=1", maxAttributes), ErrBadURI, "more than"},
		{"yubikey no slot", "yubikey:serial=1", ErrBadURI, "slot-id is required"},
		{"yubikey bad slot", "yubikey:slot-id=9b", ErrBadURI, "PIV key slot"},
		{"yubikey upper slot", "yubikey:slot-id=9C", ErrBadURI, "lowercase"},
		{"yubikey bad serial", "yubikey:slot-id=9c;serial=-1", ErrBadURI, `"serial"`},
		{"yubikey pin", "yubikey:slot-id=9c?pin=123456", ErrSecretInURI, "pin-source"},
		{"yubikey vendor", "yubikey:slot-id=9c;x-a=1", ErrBadURI, "unknown attribute"},
		{"vault no mount", "hashivault://key", ErrBadURI, "MOUNT/KEYNAME"},
		{"vault no slashes", "hashivault:transit/key", ErrBadURI, "MOUNT/KEYNAME"},
		{"vault empty segment", "hashivault://transit//key", ErrBadURI, "path segment"},
		{"vault dotdot", "hashivault://transit/..", ErrBadURI, "path segment"},
		{"vault version zero", "hashivault://t/k?version=0", ErrBadURI, "positive"},
		{"vault version text", "hashivault://t/k?version=latest", ErrBadURI, "positive"},
		{"vault token", "hashivault://t/k?token=s.abc", ErrSecretInURI, "-source"},
		{"generic secret", "mem:api-secret=xyz", ErrSecretInURI, "-source"},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			u, err := ParseURI(tc.in)
			if !errors.Is(err, tc.wantErr) {
				t.Fatalf("ParseURI(%q) = %v, %v; want error %v", tc.in, u, err, tc.wantErr)
			}
			if !errors.Is(err, ErrBadURI) {
				t.Errorf("error %v does not wrap ErrBadURI", err)
			}
			if !strings.Contains(err.Error(), tc.wantMsg) {
				t.Errorf("error %q does not mention %q", err, tc.wantMsg)
			}
		})
	}
}

// TestSecretsNeverInErrors: refused secret values never appear in errors.
func TestSecretsNeverInErrors(t *testing.T) {
	const secret = "Sup3rS3cretValue"
	for _, in := range []string{
		"file:///k?passphrase=" + secret,
		"pkcs11:object=k?pin-value=" + secret,
		"pkcs11:object=k;x-token-pass=" + secret,
		"yubikey:slot-id=9c?pin=" + secret,
		"hashivault://t/k?vault-token=" + secret,
		"mem:secret=" + secret + "%",
		"file:///k?passphrase=" + secret + " x",
	} {
		_, err := ParseURI(in)
		if err == nil {
			t.Fatalf("ParseURI(%q) succeeded", in)
		}
		if strings.Contains(err.Error(), secret) {
			t.Errorf("error for %q contains the secret: %v", in, err)
		}
	}
}

func TestRedacted(t *testing.T) {
	u := &URI{
		Scheme:    "pkcs11",
		PathAttrs: []Attr{{"token", "release"}, {"object", "k"}, {"x-pin", "1234"}},
		Query:     []Attr{{"pin-value", "5678"}, {"pin-source", "/run/pin"}},
	}
	want := "pkcs11:token=release;object=k;x-pin=REDACTED?pin-value=REDACTED&pin-source=%2Frun%2Fpin"
	want = strings.ReplaceAll(want, "%2F", "/")
	if got := u.Redacted(); got != want {
		t.Fatalf("Redacted() = %q, want %q", got, want)
	}
	if got := u.String(); strings.Contains(got, "1234") || strings.Contains(got, "5678") {
		t.Fatalf("String() = %q leaks a secret", got)
	}
	g := &URI{Scheme: "mem", Path: "k", Query: []Attr{{"password", "pw"}, {"name", "pw"}}}
	if got, want := g.String(), "mem://k?password=REDACTED&name=pw"; got != want {
		t.Fatalf("String() = %q, want %q", got, want)
	}
}

func TestURIGet(t *testing.T) {
	u, err := ParseURI("pkcs11:object=k;id=%02?pin-source=/p")
	if err != nil {
		t.Fatal(err)
	}
	for name, want := range map[string]string{"object": "k", "id": "\x02", "pin-source": "/p"} {
		if v, ok := u.Get(name); !ok || v != want {
			t.Errorf("Get(%q) = %q, %v; want %q", name, v, ok, want)
		}
	}
	if v, ok := u.Get("token"); ok || v != "" || u.Value("token") != "" {
		t.Errorf("Get(token) = %q, %v; want absent", v, ok)
	}
}
