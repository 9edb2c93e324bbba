// Package ops implements the operations behind Signet's recording and
// signing tools — run, record start/stop, mock, sign and keygen — once,
// for both front ends: the drop-in in-toto-* binaries (reference flags)
// and the signet subcommands (Signet's own flags). Front ends parse flags
// and environment and fill the request structs here; ops never reads
// flags or environment itself and never prints except to the writers it
// is given.
//
// Every file ops writes is written atomically (pkg/atomicfile): a failed
// run leaves no partial link file behind.
package ops
