package keystore

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"io"
	"io/fs"
	"os"
	"strings"
)

// MaxSecretSize bounds a PIN or passphrase read from a *-source file.
const MaxSecretSize = 4096

// SecretKind says what a secret is for.
type SecretKind int

const (
	// SecretPassphrase decrypts a key file.
	SecretPassphrase SecretKind = iota
	// SecretPIN unlocks a token or PIV device.
	SecretPIN
)

// String names the kind in messages ("passphrase", "PIN").
func (k SecretKind) String() string {
	if k == SecretPIN {
		return "PIN"
	}
	return "passphrase"
}

// SecretRequest describes a secret a backend needs.
type SecretRequest struct {
	Kind SecretKind
	// Source is the value of the URI's *-source attribute, "" if none.
	Source string
	// For names what the secret unlocks, for prompts and errors (a file
	// path, a token label, a PIV slot); never a secret.
	For string
}

// SecretReader reads a secret from a *-source reference (a file path or
// file: URI). ReadSecretFile is the default.
type SecretReader func(ctx context.Context, source string) ([]byte, error)

// PromptFunc asks a person for a secret, for example on a terminal with
// echo off. It is called only when the URI names no source.
type PromptFunc func(ctx context.Context, req SecretRequest) ([]byte, error)

// ReadSecretFile reads the secret in a *-source file: source is a path or
// a file: URI. One trailing "\n" or "\r\n" is removed; the file must hold
// 1 to MaxSecretSize bytes. Errors wrap ErrSecretSource (or ErrBadURI for
// a malformed file: URI) and name the file, never its contents.
func ReadSecretFile(ctx context.Context, source string) ([]byte, error) {
	if err := ctx.Err(); err != nil {
		return nil, err
	}
	path, err := sourcePath(source)
	if err != nil {
		return nil, fmt.Errorf("%w: %w", ErrBadURI, err)
	}
	f, err := os.Open(path)
	if err != nil {
		if errors.Is(err, fs.ErrNotExist) {
			return nil, fmt.Errorf("%w: %s does not exist; create it (mode 0600) or fix the *-source attribute", ErrSecretSource, path)
		}
		return nil, fmt.Errorf("%w: %w", ErrSecretSource, err)
	}
	defer f.Close()
	data, err := io.ReadAll(io.LimitReader(f, MaxSecretSize+3))
	if err != nil {
		return nil, fmt.Errorf("%w: reading %s: %w", ErrSecretSource, path, err)
	}
	secret := trimNewline(data)
	switch {
	case len(secret) > MaxSecretSize:
		clear(data)
		return nil, fmt.Errorf("%w: %s is larger than %d bytes", ErrSecretSource, path, MaxSecretSize)
	case len(secret) == 0:
		return nil, fmt.Errorf("%w: %s is empty", ErrSecretSource, path)
	}
	return secret, nil
}

func trimNewline(b []byte) []byte {
	if t, ok := bytes.CutSuffix(b, []byte("\r\n")); ok {
		return t
	}
	t, _ := bytes.CutSuffix(b, []byte("\n"))
	return t
}

// sourcePath turns a *-source value into a file path.
func sourcePath(source string) (string, error) {
	if source == "" {
		return "", errors.New("empty secret source")
	}
	if !strings.HasPrefix(strings.ToLower(source), "file:") {
		return source, nil
	}
	if err := checkURIChars(source[len("file:"):]); err != nil {
		return "", fmt.Errorf("secret source: %w", err)
	}
	u, err := parseFileURI(source[len("file:"):])
	if err != nil {
		return "", fmt.Errorf("secret source: %w", err)
	}
	if len(u.Query) > 0 {
		return "", errors.New("a secret source file: URI takes no query")
	}
	return u.Path, nil
}

// Secret returns the secret req asks for: read from req.Source when the
// URI names one, else asked through o.Prompt. Without either it fails
// with ErrPassphraseRequired or ErrPINRequired and says how to give one.
// Callers should clear the returned bytes when done.
func (o Options) Secret(ctx context.Context, req SecretRequest) ([]byte, error) {
	if req.Source != "" {
		read := o.SecretReader
		if read == nil {
			read = ReadSecretFile
		}
		s, err := read(ctx, req.Source)
		if err != nil {
			return nil, fmt.Errorf("reading the %s for %s: %w", req.Kind, req.For, err)
		}
		return s, nil
	}
	if o.Prompt == nil {
		sentinel, attr := ErrPassphraseRequired, "passphrase-source"
		if req.Kind == SecretPIN {
			sentinel, attr = ErrPINRequired, "pin-source"
		}
		return nil, fmt.Errorf("%w: %s needs a %s; add %s=FILE to the key URI (or run interactively)",
			sentinel, req.For, req.Kind, attr)
	}
	s, err := o.Prompt(ctx, req)
	if err != nil {
		return nil, fmt.Errorf("asking for the %s for %s: %w", req.Kind, req.For, err)
	}
	return s, nil
}
