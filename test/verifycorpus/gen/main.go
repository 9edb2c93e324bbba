package main

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"io"
	"os"
	"os/signal"
	"path/filepath"
	"regexp"
	"sort"
	"strings"
	"sync"

	"github.com/signet-dev/signet/test/verifycorpus"
)

type config struct {
	root   string         // module root
	out    string         // corpus directory
	filter *regexp.Regexp // scenarios to (re)build; nil: all, and stale ones are removed
	jobs   int
}

func main() {
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt)
	code := run(ctx, os.Args[1:], os.Stderr)
	stop()
	os.Exit(code)
}

func run(ctx context.Context, argv []string, stderr io.Writer) int {
	fs := flag.NewFlagSet("gen", flag.ContinueOnError)
	fs.SetOutput(stderr)
	var cfg config
	var filter string
	fs.StringVar(&cfg.root, "root", ".", "module root (the directory holding go.mod)")
	fs.StringVar(&cfg.out, "out", "", "corpus directory (default <root>/test/verifycorpus/testdata)")
	fs.StringVar(&filter, "run", "", "regular expression: build only the scenarios whose names match")
	fs.IntVar(&cfg.jobs, "j", 4, "scenarios built at the same time")
	if err := fs.Parse(argv); err != nil {
		return 2
	}
	if filter != "" {
		re, err := regexp.Compile(filter)
		if err != nil {
			fmt.Fprintf(stderr, "gen: -run: %v\n", err)
			return 2
		}
		cfg.filter = re
	}
	if cfg.out == "" {
		cfg.out = filepath.Join(cfg.root, "test", "verifycorpus", "testdata")
	}
	if err := generate(ctx, cfg, stderr); err != nil {
		fmt.Fprintf(stderr, "gen: %v\n", err)
		return 1
	}
	return 0
}

// scenario is one recipe.
type scenario struct {
	name  string
	build func(b *builder)
}

func generate(ctx context.Context, cfg config, log io.Writer) error {
	script := filepath.Join(cfg.root, "test", "verifycorpus", "gen", "reflib.py")
	if _, err := os.Stat(script); err != nil {
		return fmt.Errorf("run gen from the module root (or pass -root): %w", err)
	}
	for _, p := range []string{refPython, refBin + "/in-toto-verify"} {
		if _, err := os.Stat(p); err != nil {
			return fmt.Errorf("the in-toto reference implementation is needed (apt-get install in-toto): %w", err)
		}
	}
	tmp, err := os.MkdirTemp("", "vc-")
	if err != nil {
		return err
	}
	defer os.RemoveAll(tmp)
	e, err := newEnv(ctx, tmp, script)
	if err != nil {
		return fmt.Errorf("prepare keys: %w", err)
	}
	defer e.close()
	selected, err := selectScenarios(cfg.filter)
	if err != nil {
		return err
	}
	stage := filepath.Join(tmp, "stage")
	if err := buildAll(ctx, e, stage, selected, cfg.jobs, log); err != nil {
		return err
	}
	return install(stage, cfg.out, selected, cfg.filter == nil, log)
}

func selectScenarios(filter *regexp.Regexp) ([]scenario, error) {
	seen := map[string]bool{}
	var out []scenario
	for _, s := range scenarios() {
		if seen[s.name] {
			return nil, fmt.Errorf("two recipes are named %q", s.name)
		}
		seen[s.name] = true
		if filter == nil || filter.MatchString(s.name) {
			out = append(out, s)
		}
	}
	if len(out) == 0 {
		return nil, errors.New("no scenario matches -run")
	}
	return out, nil
}

// buildAll builds and checks the scenarios, jobs at a time, and reports
// every failure.
func buildAll(ctx context.Context, e *env, stage string, list []scenario, jobs int, log io.Writer) error {
	var (
		wg   sync.WaitGroup
		mu   sync.Mutex
		errs []error
		sem  = make(chan struct{}, max(jobs, 1))
	)
	for _, s := range list {
		wg.Add(1)
		go func() {
			defer wg.Done()
			sem <- struct{}{}
			defer func() { <-sem }()
			err := buildOne(ctx, e, stage, s)
			mu.Lock()
			defer mu.Unlock()
			if err != nil {
				errs = append(errs, fmt.Errorf("scenario %s: %w", s.name, err))
				return
			}
			fmt.Fprintf(log, "ok   %s\n", s.name)
		}()
	}
	wg.Wait()
	sort.Slice(errs, func(i, j int) bool { return errs[i].Error() < errs[j].Error() })
	return errors.Join(errs...)
}

func buildOne(ctx context.Context, e *env, stage string, s scenario) error {
	b := &builder{ctx: ctx, env: e, name: s.name,
		work: filepath.Join(stage, "work", s.name), out: filepath.Join(stage, "out", s.name)}
	for _, d := range []string{b.work, b.out} {
		if err := os.MkdirAll(d, 0o755); err != nil {
			return err
		}
	}
	s.build(b)
	if b.err != nil {
		return b.err
	}
	if err := b.c.Validate(); err != nil {
		return err
	}
	kind, err := check(ctx, stage, s.name, b.out, b.c)
	if err != nil {
		return err
	}
	b.c.ReferenceError = kind
	data, err := b.c.Encode()
	if err != nil {
		return err
	}
	return os.WriteFile(filepath.Join(b.out, verifycorpus.CaseFile), data, 0o644)
}

// check runs the reference's in-toto-verify on a copy of the scenario, as
// the tests do, compares its exit code with the recipe's and returns the
// exception name of its error line when it failed verification.
func check(ctx context.Context, stage, name, dir string, c verifycorpus.Case) (string, error) {
	run := filepath.Join(stage, "check", name)
	if err := verifycorpus.CopyTree(dir, run, verifycorpus.SkipCase); err != nil {
		return "", err
	}
	out, err := runTool(ctx, run, "", refBin+"/in-toto-verify", c.Args...)
	code := exitCode(err)
	if code < 0 {
		return "", err
	}
	if code != c.ReferenceExit {
		return "", fmt.Errorf("the reference exited %d, the recipe expects %d\nstdout: %s\n%v", code, c.ReferenceExit, out, err)
	}
	if code != 1 {
		return "", nil
	}
	m := regexp.MustCompile(`\(in-toto-verify\) (\w+): `).FindStringSubmatch(err.Error())
	if m == nil {
		return "", fmt.Errorf("no \"(in-toto-verify) <Error>: \" line in the reference's output: %v", err)
	}
	return m[1], nil
}

func exitCode(err error) int {
	if err == nil {
		return 0
	}
	var ee interface{ ExitCode() int }
	if errors.As(err, &ee) {
		return ee.ExitCode()
	}
	return -1
}

// install moves the staged scenarios into the corpus; with prune, corpus
// directories no recipe made are removed.
func install(stage, out string, list []scenario, prune bool, log io.Writer) error {
	if err := os.MkdirAll(out, 0o755); err != nil {
		return err
	}
	names := map[string]bool{}
	for _, s := range list {
		names[s.name] = true
		dst := filepath.Join(out, s.name)
		if err := os.RemoveAll(dst); err != nil {
			return err
		}
		if err := verifycorpus.CopyTree(filepath.Join(stage, "out", s.name), dst, nil); err != nil {
			return err
		}
		if err := relaxModes(dst); err != nil {
			return err
		}
	}
	if prune {
		entries, err := os.ReadDir(out)
		if err != nil {
			return err
		}
		for _, en := range entries {
			if en.IsDir() && !names[en.Name()] {
				fmt.Fprintf(log, "remove stale scenario %s\n", en.Name())
				if err := os.RemoveAll(filepath.Join(out, en.Name())); err != nil {
					return err
				}
			}
		}
	}
	fmt.Fprintf(log, "wrote %d scenarios to %s\n", len(list), strings.TrimPrefix(out, "./"))
	return nil
}

// relaxModes makes the committed directories 0755 (CopyTree makes them
// 0700 for the gnupg homes of test copies).
func relaxModes(root string) error {
	return filepath.WalkDir(root, func(p string, d os.DirEntry, err error) error {
		if err != nil || !d.IsDir() {
			return err
		}
		return os.Chmod(p, 0o755)
	})
}
