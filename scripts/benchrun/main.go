// Command benchrun times Signet's recording tools side by side with the
// in-toto reference implementation and with `openssl dgst -sha256` on the
// same data, in one run, and prints medians and ratios.
//
// It is run by `make bench` (scripts/bench.sh); it is a measuring tool,
// not part of Signet. Usage:
//
//	go run ./scripts/benchrun -bin ./bin [-rounds 5] [-dir /tmp/x] [-big-mib 1024]
package main

import (
	"context"
	"crypto/rand"
	"flag"
	"fmt"
	"io"
	"os"
	"os/exec"
	"path/filepath"
	"runtime"
	"slices"
	"strings"
	"syscall"
	"text/tabwriter"
	"time"
)

type config struct {
	bin     string
	dir     string
	rounds  int
	files   int
	fileKiB int
	bigMiB  int
	demo    string
	only    string
}

type sample struct {
	wall   time.Duration
	maxRSS int64 // KiB
}

type contender struct {
	name string
	argv []string
	dir  string
}

func main() {
	var c config
	flag.StringVar(&c.bin, "bin", "bin", "directory holding Signet's binaries")
	flag.StringVar(&c.dir, "dir", "", "work directory (default: a new temporary directory)")
	flag.IntVar(&c.rounds, "rounds", 5, "timed rounds per contender (after one warm-up)")
	flag.IntVar(&c.files, "files", 10000, "number of small files for the many-files case")
	flag.IntVar(&c.fileKiB, "file-kib", 4, "size of each small file in KiB")
	flag.IntVar(&c.bigMiB, "big-mib", 1024, "size of the big file in MiB")
	flag.StringVar(&c.demo, "demo", "", "directory of a finished demo supply chain to verify (DEMO_KEEP=1 scripts/demo.sh)")
	flag.StringVar(&c.only, "only", "", "run only 'record' or 'verify'")
	flag.Parse()
	if err := run(context.Background(), c); err != nil {
		fmt.Fprintln(os.Stderr, "benchrun:", err)
		os.Exit(1)
	}
}

func run(ctx context.Context, c config) error {
	bin, err := filepath.Abs(c.bin)
	if err != nil {
		return err
	}
	if c.dir == "" {
		if c.dir, err = os.MkdirTemp("", "signet-bench-"); err != nil {
			return err
		}
		defer os.RemoveAll(c.dir)
	}
	key := filepath.Join(c.dir, "bench-key")
	if err := execQuiet(ctx, c.dir, filepath.Join(bin, "in-toto-keygen"), "-t", "ed25519", key); err != nil {
		return fmt.Errorf("generate the benchmark key: %w", err)
	}
	small := filepath.Join(c.dir, "many")
	if err := makeSmallFiles(small, c.files, c.fileKiB*1024); err != nil {
		return err
	}
	big := filepath.Join(c.dir, "big.bin")
	if err := makeBigFile(big, int64(c.bigMiB)<<20); err != nil {
		return err
	}
	fmt.Printf("Benchmarks: %d rounds each, medians; %d CPUs\n\n", c.rounds, runtime.NumCPU())
	if c.only != "record" {
		if err := verifyBench(ctx, c, bin, key, c.demo); err != nil {
			return err
		}
	}
	if c.only == "verify" {
		return nil
	}
	cases := []struct {
		title    string
		material string
		openssl  []string
	}{
		{fmt.Sprintf("(a) %d files of %d KiB as materials", c.files, c.fileKiB), "many",
			[]string{"sh", "-c", "find many -type f -print0 | xargs -0 openssl dgst -sha256 >/dev/null"}},
		{fmt.Sprintf("(b) one %d MiB file as material", c.bigMiB), "big.bin",
			[]string{"openssl", "dgst", "-sha256", "big.bin"}},
	}
	for _, cs := range cases {
		rec := func(tool string) []string {
			return []string{tool, "--step-name", "bench", "--materials", cs.material,
				"--key", key, "--key-type", "ed25519", "--no-command", "--metadata-directory", c.dir}
		}
		contenders := []contender{
			{"signet in-toto-run", rec(filepath.Join(bin, "in-toto-run")), c.dir},
			{"reference in-toto-run 1.3.1", rec("/usr/bin/in-toto-run"), c.dir},
			{"openssl dgst -sha256", cs.openssl, c.dir},
		}
		if err := report(ctx, cs.title, contenders, c.rounds); err != nil {
			return err
		}
	}
	return nil
}

func report(ctx context.Context, title string, cs []contender, rounds int) error {
	results := make([][]sample, len(cs))
	for r := 0; r <= rounds; r++ { // round 0 warms the page cache
		for i, c := range cs {
			s, err := measure(ctx, c)
			if err != nil {
				return fmt.Errorf("%s: %w", c.name, err)
			}
			if r > 0 {
				results[i] = append(results[i], s)
			}
		}
	}
	fmt.Println(title)
	tw := tabwriter.NewWriter(os.Stdout, 2, 4, 2, ' ', tabwriter.AlignRight)
	fmt.Fprintln(tw, "tool\tmedian wall\tmax RSS\tsignet speed-up\t")
	base := median(results[0])
	for i, c := range cs {
		m := median(results[i])
		ratio := float64(m.wall) / float64(base.wall)
		fmt.Fprintf(tw, "%s\t%.3f s\t%.1f MiB\t%.2fx\t\n", c.name, m.wall.Seconds(), float64(m.maxRSS)/1024, ratio)
	}
	tw.Flush()
	fmt.Println()
	return nil
}

func measure(ctx context.Context, c contender) (sample, error) {
	cmd := exec.CommandContext(ctx, c.argv[0], c.argv[1:]...)
	cmd.Dir = c.dir
	var stderr strings.Builder
	cmd.Stdout = io.Discard
	cmd.Stderr = &stderr
	start := time.Now()
	if err := cmd.Run(); err != nil {
		return sample{}, fmt.Errorf("%v: %w: %s", c.argv, err, stderr.String())
	}
	wall := time.Since(start)
	ru, _ := cmd.ProcessState.SysUsage().(*syscall.Rusage)
	var rss int64
	if ru != nil {
		rss = ru.Maxrss
	}
	return sample{wall: wall, maxRSS: rss}, nil
}

func median(s []sample) sample {
	walls := make([]time.Duration, len(s))
	rss := make([]int64, len(s))
	for i, x := range s {
		walls[i], rss[i] = x.wall, x.maxRSS
	}
	slices.Sort(walls)
	slices.Sort(rss)
	return sample{wall: walls[len(walls)/2], maxRSS: rss[len(rss)/2]}
}

func makeSmallFiles(dir string, n, size int) error {
	if _, err := os.Stat(filepath.Join(dir, fmt.Sprintf("d%03d", (n-1)/100), fmt.Sprintf("f%05d", n-1))); err == nil {
		return nil
	}
	buf := make([]byte, size)
	for i := range n {
		sub := filepath.Join(dir, fmt.Sprintf("d%03d", i/100))
		if i%100 == 0 {
			if err := os.MkdirAll(sub, 0o755); err != nil {
				return err
			}
		}
		if _, err := rand.Read(buf); err != nil {
			return err
		}
		if err := os.WriteFile(filepath.Join(sub, fmt.Sprintf("f%05d", i)), buf, 0o644); err != nil {
			return err
		}
	}
	return nil
}

func makeBigFile(path string, size int64) error {
	if fi, err := os.Stat(path); err == nil && fi.Size() == size {
		return nil
	}
	f, err := os.Create(path)
	if err != nil {
		return err
	}
	if _, err := io.CopyN(f, rand.Reader, size); err != nil {
		f.Close()
		return err
	}
	return f.Close()
}

func execQuiet(ctx context.Context, dir, name string, args ...string) error {
	cmd := exec.CommandContext(ctx, name, args...)
	cmd.Dir = dir
	out, err := cmd.CombinedOutput()
	if err != nil {
		return fmt.Errorf("%s: %w: %s", name, err, out)
	}
	return nil
}
