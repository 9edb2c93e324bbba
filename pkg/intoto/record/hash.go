package record

import (
	"context"
	"crypto/sha256"
	"crypto/sha512"
	"encoding/hex"
	"errors"
	"fmt"
	"hash"
	"io"
	"sync"

	"github.com/signet-dev/signet/pkg/intoto"
)

// bufSize is each worker's read buffer: large enough that a big file costs
// few system calls, small enough to stay in cache.
const bufSize = 256 << 10

// errStopped marks a file abandoned because hashing was cancelled; the
// cause is reported instead.
var errStopped = errors.New("stopped")

// newHash returns a new hash for an algorithm name as the reference spells
// it, or nil.
func newHash(name string) hash.Hash {
	switch name {
	case "sha224":
		return sha256.New224()
	case "sha256":
		return sha256.New()
	case "sha384":
		return sha512.New384()
	case "sha512":
		return sha512.New()
	}
	return nil
}

func checkAlgorithms(algos []string) error {
	for _, a := range algos {
		if newHash(a) == nil {
			return fmt.Errorf("%w %q: use one of sha224, sha256, sha384, sha512", ErrUnsupportedHash, a)
		}
	}
	return nil
}

// pool hashes jobs as the walker finds them, on a fixed number of
// workers. Each job's digest or error is stored in the job itself.
type pool struct {
	ctx    context.Context
	cancel context.CancelFunc
	algos  []string
	prog   *progress
	queue  chan *job
	wg     sync.WaitGroup
	mu     sync.Mutex
	failed *job // the failed job with the lowest seq
}

func startPool(ctx context.Context, algos []string, workers int, prog *progress) *pool {
	ctx, cancel := context.WithCancel(ctx)
	p := &pool{ctx: ctx, cancel: cancel, algos: algos, prog: prog, queue: make(chan *job, 4096)}
	for range workers {
		p.wg.Add(1)
		go p.work()
	}
	return p
}

// submit queues a job; it reports false once the pool has stopped.
func (p *pool) submit(j *job) bool {
	select {
	case p.queue <- j:
		return true
	case <-p.ctx.Done():
		return false
	}
}

func (p *pool) work() {
	defer p.wg.Done()
	buf := make([]byte, bufSize)
	hs := newHashers(p.algos)
	for j := range p.queue {
		if p.ctx.Err() != nil {
			continue // drain: the walker may still be sending
		}
		j.digest, j.err = hashFile(p.ctx, j, hs, buf, p.prog)
		if j.err != nil && j.err != errStopped {
			p.mu.Lock()
			if p.failed == nil || j.seq < p.failed.seq {
				p.failed = j
			}
			p.mu.Unlock()
			p.cancel()
		}
	}
}

// stop waits for the queued jobs (or, after a failure or cancellation, for
// the workers to give up) and returns the error of the first failed job in
// walk order among those that were tried.
func (p *pool) stop() error {
	close(p.queue)
	p.wg.Wait()
	p.cancel()
	if p.failed != nil {
		return p.failed.err
	}
	return nil
}

type hashers struct {
	names []string
	hs    []hash.Hash
	w     io.Writer
}

func newHashers(algos []string) *hashers {
	h := &hashers{names: algos}
	ws := make([]io.Writer, len(algos))
	for i, a := range algos {
		h.hs = append(h.hs, newHash(a))
		ws[i] = h.hs[i]
	}
	h.w = ws[0]
	if len(ws) > 1 {
		h.w = io.MultiWriter(ws...)
	}
	return h
}

// hashFile streams one file through the hashes with the worker's buffer.
func hashFile(ctx context.Context, j *job, h *hashers, buf []byte, prog *progress) (intoto.DigestSet, error) {
	for _, x := range h.hs {
		x.Reset()
	}
	stopped, err := readJob(j, buf, func(b []byte) bool {
		h.w.Write(b) // hash writes never fail
		prog.addBytes(int64(len(b)))
		return len(b) < bufSize || ctx.Err() == nil
	})
	if err != nil {
		return nil, fmt.Errorf("recording artifact %q: %w", j.path, err)
	}
	if stopped {
		return nil, errStopped
	}
	prog.fileDone()
	ds := make(intoto.DigestSet, len(h.hs))
	for i, x := range h.hs {
		ds[h.names[i]] = hex.EncodeToString(x.Sum(buf[:0]))
	}
	return ds, nil
}
