// Package keyuri gives the commands one place to open signing keys named
// by key store URIs (pkcs11:..., hashivault://..., file://...): it builds
// the keystore.Registry with every backend compiled in, configured from
// the environment the command runs in (VAULT_ADDR and VAULT_TOKEN are read
// here, never by the backends), and closes the backends when the command
// ends. Plain paths stay with the commands' own key file loading, which
// keeps the reference's prompts and key id rules.
package keyuri
