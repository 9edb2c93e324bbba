// Package runner runs the command a link describes, the way the in-toto
// reference implementation 1.3.1 does (in_toto.runlib.execute_link), and
// returns what goes into the link's byproducts.
//
// # What the reference does, and what Run does
//
//   - The command is a program and its arguments, never a shell line; the
//     program is looked up in PATH unless it contains a '/'. It inherits the
//     environment and the working directory (RunOptions.Env and Dir can
//     change them) and, in the reference, standard input (pass os.Stdin as
//     RunOptions.Stdin for that; nil gives the command an empty input).
//   - A non-zero exit is not an error: it is recorded as "return-value".
//     A command killed by a signal is recorded with the negated signal
//     number (-9 for SIGKILL, -15 for SIGTERM), as Python reports it.
//   - A program that does not exist is ErrCommandNotFound; one that exists
//     but cannot be executed (no permission, bad format) is ErrStart. The
//     reference raises in both cases and writes no link. Unlike the
//     reference, a program found only through "." in PATH is refused (Go's
//     exec.ErrDot): name it as "./prog".
//   - With RecordStreams, standard output and error are captured, echoed to
//     RunOptions.Stdout and Stderr while the command runs, and recorded the
//     way the reference reads them back: decoded as UTF-8 (output that is
//     not UTF-8 makes the reference fail; Run returns ErrInvalidUTF8 unless
//     RunOptions.ReplaceInvalidUTF8 is set) with universal newlines ("\r\n"
//     and a lone "\r" become "\n"). The echo is the raw bytes. Without
//     RecordStreams the reference sends both streams to /dev/null and
//     records empty strings; Run records empty strings too but still echoes
//     to the writers given (pass nil writers to match the reference).
//   - Captured output is bounded by RunOptions.MaxStreamBytes per stream
//     (default DefaultMaxStreamBytes; the reference has no bound). Past the
//     bound the command keeps running and its output is still echoed, but
//     no more is kept: Run then returns the Result with what was kept and an
//     error wrapping ErrStreamTooLarge, so a truncated stream is never
//     recorded by accident.
//   - Timeout: the reference kills the command after LINK_CMD_EXEC_TIMEOUT
//     seconds (default 10, see DefaultTimeout), sends SIGKILL to the command
//     process only (its children live on), raises TimeoutExpired and writes
//     no link. Run returns ErrTimeout and no Result. By default Run starts
//     the command in a process group of its own and kills the whole group,
//     so no child is left behind; RunOptions.InheritProcessGroup keeps the
//     command in Signet's group (needed for commands that read from the
//     terminal, which a background group may not do) and then only the
//     command itself is killed. Cancelling ctx kills the same way and
//     returns ctx's error. RunOptions.Timeout <= 0 means no timeout: the
//     caller (the CLI) decides the value.
//   - After the command exits, output still arriving from children that
//     inherited its streams is read for at most a short grace period
//     (the reference reads once more and stops).
//
// The package never reads the environment: the reference's
// IN_TOTO_LINK_CMD_EXEC_TIMEOUT is for the CLI to interpret.
package runner
