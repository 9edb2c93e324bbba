// Package dropin implements Signet's drop-in replacements for the in-toto
// reference implementation's command-line tools: in-toto-run,
// in-toto-record, in-toto-mock, in-toto-sign and in-toto-keygen. Each tool
// is one function, Run, Record, Mock, Sign and Keygen, that takes the
// command line (without the program name) and an Env describing the
// process, and returns the exit code; the binaries under cmd/in-toto-* only
// build the Env and call it.
//
// # Compatibility
//
// The tools accept exactly the command lines of in-toto 1.3.1 (parsed with
// Python argparse's rules by cmd/internal/argparse) plus the flags newer
// upstream releases added: --signing-key (PKCS#8 PEM, with in-toto 2.x key
// ids), --use-dsse and --run-timeout. Exit codes, file names, file bytes,
// the streams output goes to, the post-parse usage errors and the -v log
// lines follow the reference (see notes/cli-spec.md). A runtime failure is
// one line on stderr, "(<tool>) <Kind>: <message>", where Kind names the
// kind of problem (KeyError, CommandNotFoundError, TimeoutError, ...) and
// the message says what to do; in-toto-sign keeps the reference's
// "The following error occurred while ..." lines.
//
// # Deliberate differences
//
//   - -q hides informational lines and warnings but never the error line
//     of a failure (the reference's -q makes failures silent).
//   - A password given on the command line (-P <password>) is accepted but
//     draws a warning; SIGNET_PASSWORD_FILE names a file holding the
//     password instead, and is used whenever a key is encrypted and the
//     command line neither gives a password nor asks for a prompt.
//     Passwords are asked for only when a key is encrypted.
//   - GPG (-g/--gpg, --gpg-home) runs gpg as the reference does (pkg/gpg;
//     $GNUPG names another program), but checks before recording or
//     running anything that gpg holds the secret key; -g "" is an error
//     (1.3.1's in-toto-run then writes no link at all). GPG with
//     --use-dsse is refused before anything runs (the reference fails
//     after running the command). in-toto-record stop -g takes the one
//     preliminary link named .<step>.<8 hex digits>.link-unfinished (the
//     reference globs .<step>.*.link-unfinished, which also matches other
//     steps whose names start with <step>.).
//   - Without -t/--key-type the key type is read from the key file (the
//     reference assumes rsa).
//   - The wrapped command's timeout is --run-timeout if given, else
//     LINK_CMD_EXEC_TIMEOUT from the rc files or environment, else 10 s. A
//     bad LINK_CMD_EXEC_TIMEOUT is reported before anything runs, and only
//     when a command would run with it.
//   - A missing -d/--metadata-directory is reported before the command
//     runs, not after.
//   - Error messages never contain private keys or passwords (in-toto-sign
//     --verify of the reference prints a private key given by mistake).
//   - --version prints "<tool> 1.3.1 (signet <version>)".
package dropin
