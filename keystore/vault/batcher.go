package vault

import (
	"context"
	"fmt"
	"sync"

	"github.com/signet-dev/signet/keystore"
)

// maxBatchBytes bounds the inputs of one request (they travel base64
// encoded; Vault refuses requests over 32 MiB). A larger single input is
// sent alone.
const maxBatchBytes = 8 << 20

// minSplit is the smallest part a queue is split into over free slots.
// Each request costs Vault several times what one input does, so a
// SignBatch of 64 goes out as two requests rather than four: in one run
// of BenchmarkBatch parts of 11 to 32 inputs signed at the same rate
// (within noise) and a single request of 64 about 20% slower, since the
// caller then verifies only after Vault has signed everything.
const minSplit = 32

// sendFunc performs one transit sign request for inputs.
type sendFunc func(ctx context.Context, inputs [][]byte) ([]signResult, error)

// batcher coalesces concurrent sign requests into batch_input requests.
//
// It never waits for company: an input is sent at once when fewer than
// maxInFlight requests are running. Only while all slots are busy do new
// inputs queue; each time a request finishes, everything queued (up to
// maxBatch inputs and maxBatchBytes) goes out as the next batch. A queue
// meeting several free slots (SignBatch) is split evenly over them, in
// parts of at least minSplit inputs, so that Vault signs on several cores
// while the caller verifies. A lone caller therefore pays no added
// latency, and under load the batch size grows by itself to match the
// arrival rate (group commit).
type batcher struct {
	send        sendFunc
	maxBatch    int
	maxInFlight int

	ctx    context.Context // for requests; cancelled by close
	cancel context.CancelFunc
	wg     sync.WaitGroup

	mu       sync.Mutex
	queue    []*pending
	inFlight int
	closed   bool
}

type pending struct {
	ctx   context.Context
	input []byte
	done  chan signResult // buffered: the sender never blocks
}

func newBatcher(send sendFunc, maxBatch, maxInFlight int) *batcher {
	ctx, cancel := context.WithCancel(context.Background())
	return &batcher{send: send, maxBatch: maxBatch, maxInFlight: maxInFlight, ctx: ctx, cancel: cancel}
}

// submit queues inputs and returns one channel per input.
func (b *batcher) submit(ctx context.Context, inputs [][]byte) ([]chan signResult, error) {
	ps := make([]*pending, len(inputs))
	chans := make([]chan signResult, len(inputs))
	for i, in := range inputs {
		chans[i] = make(chan signResult, 1)
		ps[i] = &pending{ctx: ctx, input: in, done: chans[i]}
	}
	b.mu.Lock()
	defer b.mu.Unlock()
	if b.closed {
		return nil, keystore.ErrClosed
	}
	b.queue = append(b.queue, ps...)
	b.dispatchLocked()
	return chans, nil
}

// do signs one input, waiting for its result or ctx. When nothing is
// queued and a slot is free, the request is sent from the caller's
// goroutine: on a busy machine, handing it to another goroutine and back
// cost a lone caller two scheduler wake-ups per signature.
func (b *batcher) do(ctx context.Context, input []byte) ([]byte, error) {
	b.mu.Lock()
	if !b.closed && len(b.queue) == 0 && b.inFlight < b.maxInFlight {
		b.inFlight++
		b.wg.Add(1)
		b.mu.Unlock()
		return b.inline(ctx, input)
	}
	b.mu.Unlock()
	chans, err := b.submit(ctx, [][]byte{input})
	if err != nil {
		return nil, err
	}
	return wait(ctx, chans[0])
}

func wait(ctx context.Context, ch chan signResult) ([]byte, error) {
	select {
	case r := <-ch:
		return r.sig, r.err
	case <-ctx.Done():
		return nil, ctx.Err()
	}
}

// dispatchLocked starts requests while slots are free. Inputs whose
// caller has given up are dropped here rather than signed.
func (b *batcher) dispatchLocked() {
	for b.inFlight < b.maxInFlight && len(b.queue) > 0 {
		// Spread the queue over the free slots, so that Vault can sign
		// on several cores while the caller verifies finished batches.
		free := b.maxInFlight - b.inFlight
		parts := max(1, min(free, len(b.queue)/minSplit))
		limit := min(b.maxBatch, (len(b.queue)+parts-1)/parts)
		var batch []*pending
		size := 0
		n := 0
		for ; n < len(b.queue) && len(batch) < limit; n++ {
			p := b.queue[n]
			if p.ctx.Err() != nil {
				p.done <- signResult{err: p.ctx.Err()}
				continue
			}
			if len(batch) > 0 && size+len(p.input) > maxBatchBytes {
				break
			}
			batch = append(batch, p)
			size += len(p.input)
		}
		b.queue = append([]*pending(nil), b.queue[n:]...)
		if len(batch) == 0 {
			continue
		}
		b.inFlight++
		b.wg.Add(1)
		go b.run(batch)
	}
}

// inline sends a request for input alone from the caller's goroutine. It
// holds a slot like run; the request ends with ctx or with close.
func (b *batcher) inline(ctx context.Context, input []byte) ([]byte, error) {
	defer b.wg.Done()
	rctx, cancel := context.WithCancel(ctx)
	stop := context.AfterFunc(b.ctx, cancel)
	results, err := b.send(rctx, [][]byte{input})
	stop()
	cancel()
	if err != nil && ctx.Err() == nil && b.ctx.Err() != nil {
		err = fmt.Errorf("signing: %w", keystore.ErrClosed)
	}
	b.mu.Lock()
	b.inFlight--
	b.dispatchLocked()
	b.mu.Unlock()
	if err != nil {
		return nil, err
	}
	return results[0].sig, results[0].err
}

func (b *batcher) run(batch []*pending) {
	defer b.wg.Done()
	inputs := make([][]byte, len(batch))
	for i, p := range batch {
		inputs[i] = p.input
	}
	results, err := b.send(b.ctx, inputs)
	if err != nil && b.ctx.Err() != nil {
		err = fmt.Errorf("signing: %w", keystore.ErrClosed)
	}
	for i, p := range batch {
		if err != nil {
			p.done <- signResult{err: err}
		} else {
			p.done <- results[i]
		}
	}
	b.mu.Lock()
	b.inFlight--
	b.dispatchLocked()
	b.mu.Unlock()
}

// close refuses new inputs, fails queued ones, cancels running requests
// and waits for them.
func (b *batcher) close() {
	b.mu.Lock()
	b.closed = true
	for _, p := range b.queue {
		p.done <- signResult{err: keystore.ErrClosed}
	}
	b.queue = nil
	b.mu.Unlock()
	b.cancel()
	b.wg.Wait()
}
