package main

import (
	"context"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"sort"
	"strings"

	"github.com/signet-dev/signet/test/verifycorpus"
)

// Far-future and past expiry dates.
const (
	future = "2099-01-01T00:00:00Z"
	past   = "2020-01-01T00:00:00Z"
)

// builder builds one scenario. Its methods keep the first error and do
// nothing after it, so that scenario recipes read as straight lists of
// steps; build checks b.err once at the end.
type builder struct {
	ctx  context.Context
	env  *env
	name string
	work string // scratch directory where steps run
	out  string // the scenario directory being written
	c    verifycorpus.Case
	err  error
	// aliases put copies of keys under made-up key ids in the next layout
	// ({"of": key name, "keyid": id}).
	aliases []map[string]string
}

func (b *builder) fail(err error) {
	if b.err == nil && err != nil {
		b.err = err
	}
}

func (b *builder) failf(format string, args ...any) { b.fail(fmt.Errorf(format, args...)) }

// expect sets the scenario's case.
func (b *builder) expect(args []string, ref, signet int, why string) {
	b.c = verifycorpus.Case{Args: args, ReferenceExit: ref, SignetExit: signet, Why: why}
}

// deviate records why Signet's verdict differs from the reference's.
func (b *builder) deviate(signet int, deviation string) {
	b.c.SignetExit, b.c.Deviation = signet, deviation
}

// verifyArgs is the usual command line: the layout and the owner keys with
// their types.
func (b *builder) verifyArgs(owners ...string) []string {
	args := []string{"--layout", "root.layout", "--layout-keys"}
	var types []string
	for _, o := range owners {
		args = append(args, o+".pub")
		types = append(types, b.env.keys[o].typ)
	}
	return append(append(args, "--key-types"), types...)
}

// write writes a file below root (b.work or b.out).
func (b *builder) write(root, rel, content string) {
	if b.err != nil {
		return
	}
	path := filepath.Join(root, filepath.FromSlash(rel))
	if err := os.MkdirAll(filepath.Dir(path), 0o755); err != nil {
		b.fail(err)
		return
	}
	b.fail(os.WriteFile(path, []byte(content), 0o644))
}

// tree replaces the contents of dir with files (path -> content).
func (b *builder) tree(dir string, files map[string]string) {
	if b.err != nil {
		return
	}
	b.fail(os.RemoveAll(dir))
	b.fail(os.MkdirAll(dir, 0o755))
	for _, p := range sortedKeys(files) {
		b.write(dir, p, files[p])
	}
}

// pub copies the public key files of the named keys into the scenario.
func (b *builder) pub(names ...string) {
	for _, n := range names {
		if b.err != nil {
			return
		}
		data, err := os.ReadFile(b.env.pubPath(n))
		b.fail(err)
		b.write(b.out, n+".pub", string(data))
	}
}

// keyid is the reference's key id of a key name.
func (b *builder) keyid(name string) string {
	if b.err != nil {
		return strings.Repeat("0", 64)
	}
	id, err := b.env.keyid(b.ctx, name)
	b.fail(err)
	if len(id) < 8 {
		b.failf("key id %q of %s is too short", id, name)
		return strings.Repeat("0", 64)
	}
	return id
}

// linkName is the reference's file name of a step's link by a key.
func (b *builder) linkName(step, key string) string {
	return fmt.Sprintf("%s.%s.link", step, b.keyid(key)[:8])
}

// signArgs are the reference's arguments for signing with a key.
func (b *builder) signArgs(key string) []string {
	if fpr, ok := b.env.gpg[key]; ok {
		return []string{"-g", fpr, "--gpg-home", b.env.gpgHome}
	}
	k := b.env.keys[key]
	args := []string{"-k", b.env.privPath(key), "-t", k.typ}
	if k.encrypted {
		args = append(args, "-P", password)
	}
	return args
}

// tool runs a reference program in dir.
func (b *builder) tool(dir, stdin, prog string, args ...string) {
	if b.err != nil {
		return
	}
	_, err := runTool(b.ctx, dir, stdin, filepath.Join(refBin, prog), args...)
	b.fail(err)
}

// exec runs a program other than the reference's in b.work.
func (b *builder) exec(prog string, args ...string) {
	if b.err != nil {
		return
	}
	_, err := runTool(b.ctx, b.work, "", prog, args...)
	b.fail(err)
}

// py runs a reflib.py operation.
func (b *builder) py(req map[string]any, out any) {
	if b.err != nil {
		return
	}
	b.fail(b.env.python(b.ctx, req, out))
}

// run records a step with in-toto-run in b.work (command, or -x when cmd is
// empty), writing the link into linkDir (relative to b.out).
func (b *builder) run(step, key, linkDir string, mats, prods []string, cmd ...string) {
	args := append([]string{"-n", step}, b.signArgs(key)...)
	args = append(args, "-d", b.mkdir(linkDir))
	if len(mats) > 0 {
		args = append(append(args, "-m"), mats...)
	}
	if len(prods) > 0 {
		args = append(append(args, "-p"), prods...)
	}
	if len(cmd) == 0 {
		args = append(args, "-x")
	} else {
		args = append(append(args, "--"), cmd...)
	}
	b.tool(b.work, "", "in-toto-run", args...)
}

// mkdir creates a directory below b.out and returns its path.
func (b *builder) mkdir(rel string) string {
	dir := filepath.Join(b.out, filepath.FromSlash(rel))
	if b.err == nil {
		b.fail(os.MkdirAll(dir, 0o755))
	}
	return dir
}

// record makes a step's link with in-toto-record start/stop in its own
// directory below b.work: materials are the files of mats, products those
// of prods (nil: none recorded).
func (b *builder) record(step, key, linkDir string, mats, prods map[string]string) {
	dir := filepath.Join(b.work, "rec-"+step+"-"+key)
	b.tree(dir, mats)
	start := append([]string{"start", "-n", step}, b.signArgs(key)...)
	if mats != nil {
		start = append(start, "-m", ".")
	}
	b.tool(dir, "", "in-toto-record", start...)
	if b.err == nil {
		b.keepUnfinished(dir, func() { b.tree(dir, prods) })
	}
	stop := append([]string{"stop", "-n", step}, b.signArgs(key)...)
	if prods != nil {
		stop = append(stop, "-p", ".")
	}
	b.tool(dir, "", "in-toto-record", append(stop, "-d", b.mkdir(linkDir))...)
}

// keepUnfinished runs replace (which empties dir) without losing the
// preliminary link in-toto-record start left there.
func (b *builder) keepUnfinished(dir string, replace func()) {
	files, err := filepath.Glob(filepath.Join(dir, ".*.link-unfinished"))
	if err != nil || len(files) != 1 {
		b.fail(errors.Join(err, fmt.Errorf("in-toto-record start left %d preliminary links in %s", len(files), dir)))
		return
	}
	data, err := os.ReadFile(files[0])
	b.fail(err)
	replace()
	b.write(dir, filepath.Base(files[0]), string(data))
}

// layout writes a layout made by the reference's model to rel (below
// b.out) and signs it with in-toto-sign by each owner.
func (b *builder) layout(rel string, signed map[string]any, owners ...string) {
	path := filepath.Join(b.out, filepath.FromSlash(rel))
	b.py(map[string]any{"op": "layout", "out": path, "signed": signed, "keys": b.keyRefs(signed), "aliases": b.aliases}, nil)
	for i, o := range owners {
		args := append([]string{"-f", path, "-o", path}, b.signArgs(o)...)
		if i > 0 {
			args = append(args, "-a")
		}
		stdin := ""
		if b.env.keys[o].encrypted {
			args, stdin = dropPassword(args), password+"\n"
			args = append(args, "-p")
		}
		b.tool(b.out, stdin, "in-toto-sign", args...)
	}
}

// rawLayout writes signed as it is (no validation) and signs it in Python
// over the raw dict or over the reference's model of it (signOver "raw" or
// "model").
func (b *builder) rawLayout(rel string, signed map[string]any, signOver string, owners ...string) {
	var sign []any
	for _, o := range owners {
		sign = append(sign, map[string]string{"path": b.env.privPath(o), "type": b.env.keys[o].typ})
	}
	b.py(map[string]any{
		"op": "layout", "out": filepath.Join(b.out, filepath.FromSlash(rel)), "signed": signed,
		"keys": b.keyRefs(signed), "raw": true, "sign": sign, "sign_over": signOver,
	}, nil)
}

// keyRefs finds the key names used as step pubkeys in a layout document.
func (b *builder) keyRefs(signed map[string]any) map[string]any {
	refs := map[string]any{}
	steps, _ := signed["steps"].([]any)
	for _, s := range steps {
		step, _ := s.(map[string]any)
		keys, _ := step["pubkeys"].([]string)
		for _, k := range keys {
			if _, known := b.env.keys[k]; known || b.env.gpg[k] != "" {
				refs[k] = b.env.keyRef(k)
			}
		}
	}
	return refs
}

// patch edits a metadata file below b.out without re-signing it.
func (b *builder) patch(rel string, set [][2]any, del ...[]any) {
	b.py(map[string]any{"op": "patch", "file": filepath.Join(b.out, rel), "set": set, "delete": del}, nil)
}

// flipSig breaks the first signature of a metadata file below b.out.
func (b *builder) flipSig(rel string) {
	b.py(map[string]any{"op": "flipsig", "file": filepath.Join(b.out, rel), "index": 0}, nil)
}

// rename moves a file below b.out.
func (b *builder) rename(from, to string) {
	if b.err == nil {
		b.fail(os.Rename(filepath.Join(b.out, from), filepath.Join(b.out, to)))
	}
}

// remove deletes a file below b.out.
func (b *builder) remove(rel string) {
	if b.err == nil {
		b.fail(os.Remove(filepath.Join(b.out, rel)))
	}
}

// copyOut copies a file from b.work into b.out.
func (b *builder) copyOut(from, to string) {
	if b.err != nil {
		return
	}
	data, err := os.ReadFile(filepath.Join(b.work, from))
	b.fail(err)
	b.write(b.out, to, string(data))
}

func dropPassword(args []string) []string {
	var out []string
	for i := 0; i < len(args); i++ {
		if args[i] == "-P" {
			i++
			continue
		}
		out = append(out, args[i])
	}
	return out
}

func sortedKeys(m map[string]string) []string {
	keys := make([]string, 0, len(m))
	for k := range m {
		keys = append(keys, k)
	}
	sort.Strings(keys)
	return keys
}
