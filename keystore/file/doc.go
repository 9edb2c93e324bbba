// Package file is the key store backend for private key files: "file:"
// URIs and plain paths.
//
//	/etc/signet/keys/alice                                 plain path
//	file:///etc/signet/keys/bob.pem?passphrase-source=/run/secrets/pp
//
// Open reads every format package keys reads (securesystemslib JSON and
// its encrypted format, PEM RSA/EC with or without legacy OpenSSL
// encryption, PKCS#8 plain and encrypted), bounded by keys.MaxKeyFileSize.
//
// A private key file must be readable and writable by its owner only: a
// file with any group or other permission bit (for example 0644) is
// refused with keystore.ErrInsecurePermissions and told to run
// "chmod 600 FILE", as ssh does. The mode is checked on the opened file,
// so the file cannot be swapped between the check and the read.
//
// An encrypted file's passphrase comes from the file named by the URI's
// passphrase-source attribute (one trailing newline removed; see
// keystore.ReadSecretFile) or, when there is none, from
// keystore.Options.Prompt. Without either, Open fails with
// keystore.ErrPassphraseRequired. The file's bytes and the passphrase are
// cleared after parsing; the private key then lives in memory until the
// process ends (Go offers no way to wipe it reliably), and Close only
// stops further signing.
//
// Register the backend in main:
//
//	reg := keystore.NewRegistry()
//	file.Register(reg)
package file
