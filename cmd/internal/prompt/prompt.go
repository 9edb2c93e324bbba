package prompt

import (
	"bufio"
	"bytes"
	"errors"
	"fmt"
	"io"
	"os"

	"golang.org/x/term"
)

// ErrNoTerminal means there is no terminal to ask on.
var ErrNoTerminal = errors.New("no terminal to ask for the secret on")

// maxSecret bounds a secret read from a file or a terminal.
const maxSecret = 64 << 10

// Secret asks for a secret on /dev/tty, writing the question to the
// terminal. It falls back to reading one line from stdin when stdin is
// not a terminal and there is no /dev/tty (as Python's getpass does).
func Secret(question string, stdin io.Reader) ([]byte, error) {
	tty, err := os.OpenFile("/dev/tty", os.O_RDWR, 0)
	if err != nil {
		if stdin == nil {
			return nil, fmt.Errorf("%w: give the secret in a file instead", ErrNoTerminal)
		}
		return readLine(stdin)
	}
	defer tty.Close()
	fmt.Fprint(tty, question)
	secret, err := term.ReadPassword(int(tty.Fd()))
	fmt.Fprintln(tty)
	if err != nil {
		return nil, fmt.Errorf("read the secret from the terminal: %w", err)
	}
	return secret, nil
}

func readLine(r io.Reader) ([]byte, error) {
	line, err := bufio.NewReader(io.LimitReader(r, maxSecret)).ReadBytes('\n')
	if err != nil && !errors.Is(err, io.EOF) {
		return nil, fmt.Errorf("read the secret from standard input: %w", err)
	}
	return bytes.TrimRight(line, "\r\n"), nil
}

// FromFile reads a secret from a file; one trailing newline (LF or CRLF)
// is removed. The file's content never appears in errors.
func FromFile(path string) ([]byte, error) {
	f, err := os.Open(path)
	if err != nil {
		return nil, fmt.Errorf("read secret file: %w", err)
	}
	defer f.Close()
	data, err := io.ReadAll(io.LimitReader(f, maxSecret+1))
	if err != nil {
		return nil, fmt.Errorf("read secret file %s: %w", path, err)
	}
	if len(data) > maxSecret {
		return nil, fmt.Errorf("secret file %s is larger than %d bytes: is it the right file?", path, maxSecret)
	}
	data = bytes.TrimSuffix(data, []byte("\n"))
	return bytes.TrimSuffix(data, []byte("\r")), nil
}
