package record

import (
	"crypto/rand"
	"flag"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"testing"
)

// recordBig switches BenchmarkRecordLargeFile from 64 MiB to 1 GiB:
// go test -run='^$' -bench=LargeFile ./pkg/intoto/record -args -record.big
// (or set SIGNET_BENCH_BIG=1).
var recordBig = flag.Bool("record.big", false, "benchmark a 1 GiB file instead of 64 MiB")

// BenchmarkRecordSmallFiles records 10,000 files of 4 KiB in 100
// directories, the shape of a source tree.
func BenchmarkRecordSmallFiles(b *testing.B) {
	dir := b.TempDir()
	buf := make([]byte, 4096)
	for i := range 10000 {
		d := filepath.Join(dir, fmt.Sprintf("d%02d", i%100))
		if err := os.MkdirAll(d, 0o755); err != nil {
			b.Fatal(err)
		}
		rand.Read(buf)
		if err := os.WriteFile(filepath.Join(d, fmt.Sprintf("f%05d", i)), buf, 0o644); err != nil {
			b.Fatal(err)
		}
	}
	for _, workers := range []int{1, 0} {
		b.Run(fmt.Sprintf("workers=%d", workers), func(b *testing.B) {
			b.SetBytes(10000 * 4096)
			opts := Options{BasePath: dir, Workers: workers}
			for b.Loop() {
				m, err := Record(b.Context(), []string{"."}, opts)
				if err != nil || len(m) != 10000 {
					b.Fatalf("Record: %d artifacts, %v", len(m), err)
				}
			}
		})
	}
}

// BenchmarkRecordLargeFile records one large file (see recordBig).
func BenchmarkRecordLargeFile(b *testing.B) {
	size := int64(64 << 20)
	if *recordBig || os.Getenv("SIGNET_BENCH_BIG") != "" {
		size = 1 << 30
	}
	dir := b.TempDir()
	f, err := os.Create(filepath.Join(dir, "big"))
	if err != nil {
		b.Fatal(err)
	}
	if _, err := io.CopyN(f, rand.Reader, size); err != nil {
		b.Fatal(err)
	}
	if err := f.Close(); err != nil {
		b.Fatal(err)
	}
	b.SetBytes(size)
	opts := Options{BasePath: dir}
	for b.Loop() {
		m, err := Record(b.Context(), []string{"big"}, opts)
		if err != nil || len(m) != 1 {
			b.Fatalf("Record: %d artifacts, %v", len(m), err)
		}
	}
}
