// Package prompt asks a person for a secret (a key passphrase or PIN) on
// the controlling terminal without echoing it, and reads secrets from
// files, so that secrets never travel in argv or the environment.
package prompt
