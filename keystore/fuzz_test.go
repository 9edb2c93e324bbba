package keystore

import (
	"reflect"
	"testing"
)

// FuzzParseURI: ParseURI never panics, and every URI it accepts prints as
// a string that parses back to the same URI and prints the same again.
func FuzzParseURI(f *testing.F) {
	for _, s := range []string{
		"/etc/signet/keys/alice", "alice.pem", "./a:b", "file:///k.pem?passphrase-source=/run/pp",
		"file://localhost/a%20b", "pkcs11:token=t;object=o;id=%01?module-path=/x.so&pin-source=/p",
		"pkcs11:object=a%3Bb;x-v=1", "yubikey:slot-id=9c;serial=1?pin-source=/p",
		"hashivault://transit/key?version=3", "mem://a/b?x=1", "mem:a=b;c=d?e=f", "mem:",
		"pkcs11:object=k?pin-value=1", "file:///a#b", "//x", "/%41",
	} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		u, err := ParseURI(s)
		if err != nil {
			return
		}
		printed := u.String()
		u2, err := ParseURI(printed)
		if err != nil {
			t.Fatalf("ParseURI(%q) ok, but its String %q does not parse: %v", s, printed, err)
		}
		if !reflect.DeepEqual(u, u2) {
			t.Fatalf("round trip changed the URI: %q -> %#v, %q -> %#v", s, u, printed, u2)
		}
		if again := u2.String(); again != printed {
			t.Fatalf("String not stable: %q then %q", printed, again)
		}
	})
}
