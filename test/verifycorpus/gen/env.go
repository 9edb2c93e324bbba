package main

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"sync"
	"syscall"
	"time"
)

// The reference's programs and interpreter (Debian's in-toto 1.3.1).
const (
	refBin    = "/usr/bin"
	refPython = "/usr/bin/python3"
	password  = "corpus-password"
)

// keySpec describes one throw-away key made with in-toto-keygen.
type keySpec struct {
	name, typ string
	encrypted bool
}

// keySpecs lists every file key the scenarios use. Private halves stay in
// the generator's temporary directory; scenarios get the .pub files (or the
// keys embedded in layouts).
func keySpecs() []keySpec {
	return []keySpec{
		{name: "alice", typ: "ed25519"}, {name: "bob", typ: "ed25519"},
		{name: "carl", typ: "ed25519"}, {name: "dan", typ: "ed25519"},
		{name: "erin", typ: "ed25519"}, {name: "mallory", typ: "ed25519"},
		{name: "alice-rsa", typ: "rsa"}, {name: "bob-rsa", typ: "rsa"}, {name: "carl-rsa", typ: "rsa"},
		{name: "alice-ecdsa", typ: "ecdsa"}, {name: "bob-ecdsa", typ: "ecdsa"}, {name: "carl-ecdsa", typ: "ecdsa"},
		{name: "alice-enc", typ: "ed25519", encrypted: true},
		{name: "bob-enc", typ: "rsa", encrypted: true},
		{name: "carl-enc", typ: "ecdsa", encrypted: true},
	}
}

// env is what every scenario shares: the keys, the GnuPG home with the
// throw-away OpenPGP keys, and the reference helper script.
type env struct {
	script  string // gen/reflib.py
	keyDir  string // private and public key files
	gpgHome string // secret keyring (temporary, never committed)
	gpgPub  string // exported public keys, for the scenarios' keyrings
	keys    map[string]keySpec
	gpg     map[string]string // "gpg:owner", "gpg:func" -> fingerprint

	mu  sync.Mutex
	ids map[string]string // key name -> key id (reference's view)
}

func newEnv(ctx context.Context, tmp, script string) (*env, error) {
	e := &env{
		script: script, keyDir: filepath.Join(tmp, "keys"), gpgHome: filepath.Join(tmp, "g"),
		gpgPub: filepath.Join(tmp, "gpg-public.key"), keys: map[string]keySpec{},
		gpg: map[string]string{}, ids: map[string]string{},
	}
	if err := os.MkdirAll(e.keyDir, 0o700); err != nil {
		return nil, err
	}
	if err := e.makeKeys(ctx); err != nil {
		return nil, err
	}
	if err := e.makeGPG(ctx); err != nil {
		return nil, err
	}
	return e, nil
}

// makeKeys runs in-toto-keygen for every key, a few at a time.
func (e *env) makeKeys(ctx context.Context) error {
	var wg sync.WaitGroup
	errs := make(chan error, len(keySpecs()))
	sem := make(chan struct{}, 4)
	for _, k := range keySpecs() {
		e.keys[k.name] = k
		wg.Add(1)
		go func() {
			defer wg.Done()
			sem <- struct{}{}
			defer func() { <-sem }()
			args := []string{"-t", k.typ}
			if k.typ == "rsa" {
				args = append(args, "-b", "2048") // small keys keep the corpus small
			}
			var stdin string
			if k.encrypted {
				args, stdin = append(args, "-p"), password+"\n"+password+"\n"
			}
			_, err := runTool(ctx, e.keyDir, stdin, refBin+"/in-toto-keygen", append(args, k.name)...)
			errs <- err
		}()
	}
	wg.Wait()
	close(errs)
	for err := range errs {
		if err != nil {
			return err
		}
	}
	return nil
}

// makeGPG creates two passphrase-less OpenPGP keys (an owner and a
// functionary) in a temporary home and exports their public halves.
func (e *env) makeGPG(ctx context.Context) error {
	if err := os.MkdirAll(e.gpgHome, 0o700); err != nil {
		return err
	}
	for _, who := range []string{"owner", "func"} {
		uid := fmt.Sprintf("Corpus %s <%s@corpus.invalid>", who, who)
		if _, err := gpgRun(ctx, e.gpgHome, "--passphrase", "", "--quick-gen-key", uid, "rsa2048", "sign", "never"); err != nil {
			return err
		}
		out, err := gpgRun(ctx, e.gpgHome, "--with-colons", "--list-keys", who+"@corpus.invalid")
		if err != nil {
			return err
		}
		fpr := firstFingerprint(out)
		if fpr == "" {
			return fmt.Errorf("no fingerprint for %s in gpg's listing:\n%s", uid, out)
		}
		e.gpg["gpg:"+who] = fpr
	}
	out, err := gpgRun(ctx, e.gpgHome, "--export", e.gpg["gpg:owner"], e.gpg["gpg:func"])
	if err != nil {
		return err
	}
	return os.WriteFile(e.gpgPub, []byte(out), 0o644)
}

// close stops the gpg-agent the signing runs started in the temporary home.
func (e *env) close() {
	_ = exec.Command("gpgconf", "--homedir", e.gpgHome, "--kill", "gpg-agent").Run()
}

func firstFingerprint(listing string) string {
	for _, line := range strings.Split(listing, "\n") {
		if f := strings.Split(line, ":"); len(f) > 9 && f[0] == "fpr" {
			return strings.ToLower(f[9])
		}
	}
	return ""
}

func gpgRun(ctx context.Context, home string, args ...string) (string, error) {
	return runTool(ctx, home, "", "gpg", append([]string{"--homedir", home, "--batch", "--pinentry-mode", "loopback"}, args...)...)
}

// keyid returns the key id the reference computes for a key name (a file
// key, or "gpg:owner"/"gpg:func").
func (e *env) keyid(ctx context.Context, name string) (string, error) {
	if fpr, ok := e.gpg[name]; ok {
		return fpr, nil
	}
	e.mu.Lock()
	id, ok := e.ids[name]
	e.mu.Unlock()
	if ok {
		return id, nil
	}
	var out struct {
		KeyIDs []string `json:"keyids"`
	}
	err := e.python(ctx, map[string]any{"op": "keyids", "keys": []any{e.keyRef(name)}}, &out)
	if err != nil {
		return "", err
	}
	if len(out.KeyIDs) != 1 {
		return "", fmt.Errorf("reflib keyids: got %d ids for %s", len(out.KeyIDs), name)
	}
	e.mu.Lock()
	e.ids[name] = out.KeyIDs[0]
	e.mu.Unlock()
	return out.KeyIDs[0], nil
}

// keyRef is how reflib.py finds a public key.
func (e *env) keyRef(name string) map[string]string {
	if fpr, ok := e.gpg[name]; ok {
		return map[string]string{"gpg": fpr, "home": e.gpgHome}
	}
	return map[string]string{"path": e.pubPath(name), "type": e.keys[name].typ}
}

func (e *env) pubPath(name string) string  { return filepath.Join(e.keyDir, name+".pub") }
func (e *env) privPath(name string) string { return filepath.Join(e.keyDir, name) }

// python runs one reflib.py operation.
func (e *env) python(ctx context.Context, req map[string]any, out any) error {
	data, err := json.Marshal(req)
	if err != nil {
		return err
	}
	stdout, err := runTool(ctx, "", string(data), refPython, e.script)
	if err != nil {
		return fmt.Errorf("reflib %v: %w", req["op"], err)
	}
	if out == nil {
		return nil
	}
	if err := json.Unmarshal([]byte(stdout), out); err != nil {
		return fmt.Errorf("reflib %v: decode %q: %w", req["op"], stdout, err)
	}
	return nil
}

// runTool runs a program in dir with stdin, in a new session so that the
// reference's password prompts read standard input instead of the
// terminal, and returns its standard output; a failure carries both
// streams.
func runTool(ctx context.Context, dir, stdin, prog string, args ...string) (string, error) {
	ctx, cancel := context.WithTimeout(ctx, 2*time.Minute)
	defer cancel()
	cmd := exec.CommandContext(ctx, prog, args...)
	cmd.Dir = dir
	cmd.Stdin = strings.NewReader(stdin)
	cmd.SysProcAttr = &syscall.SysProcAttr{Setsid: true}
	cmd.Env = append(os.Environ(), "COLUMNS=80", "PYTHONDONTWRITEBYTECODE=1")
	var stdout, stderr bytes.Buffer
	cmd.Stdout, cmd.Stderr = &stdout, &stderr
	if err := cmd.Run(); err != nil {
		return stdout.String(), fmt.Errorf("%s %s (in %s): %w\nstdout: %s\nstderr: %s",
			filepath.Base(prog), strings.Join(args, " "), dir, err, stdout.String(), stderr.String())
	}
	return stdout.String(), nil
}
