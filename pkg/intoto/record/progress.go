package record

import (
	"sync"
	"sync/atomic"
	"time"
)

// progress holds the counters shared by the walker, the hash workers and
// the reporting goroutine. A nil *progress counts nothing.
type progress struct {
	filesDone, filesTotal atomic.Int64
	bytesDone, bytesTotal atomic.Int64
	scanning              atomic.Bool

	report   func(Progress)
	interval time.Duration
	stop     chan struct{}
	wg       sync.WaitGroup
}

func newProgress(report func(Progress), interval time.Duration) *progress {
	if report == nil {
		return nil
	}
	if interval <= 0 {
		interval = DefaultProgressInterval
	}
	p := &progress{report: report, interval: interval, stop: make(chan struct{})}
	p.scanning.Store(true)
	return p
}

func (p *progress) addFile(size int64) {
	if p != nil {
		p.filesTotal.Add(1)
		p.bytesTotal.Add(size)
	}
}

func (p *progress) addBytes(n int64) {
	if p != nil {
		p.bytesDone.Add(n)
	}
}

func (p *progress) fileDone() {
	if p != nil {
		p.filesDone.Add(1)
	}
}

func (p *progress) scanDone() {
	if p != nil {
		p.scanning.Store(false)
	}
}

func (p *progress) snapshot() Progress {
	return Progress{
		FilesDone: p.filesDone.Load(), FilesTotal: p.filesTotal.Load(),
		BytesDone: p.bytesDone.Load(), BytesTotal: p.bytesTotal.Load(),
		Scanning: p.scanning.Load(),
	}
}

// start reports once, then every interval from one goroutine until finish.
func (p *progress) start() {
	if p == nil {
		return
	}
	p.report(p.snapshot())
	p.wg.Add(1)
	go func() {
		defer p.wg.Done()
		t := time.NewTicker(p.interval)
		defer t.Stop()
		for {
			select {
			case <-p.stop:
				return
			case <-t.C:
				p.report(p.snapshot())
			}
		}
	}()
}

// finish stops the reporting goroutine; after a success it reports the
// final counts once more. Nothing is reported after finish returns.
func (p *progress) finish(ok bool) {
	if p == nil {
		return
	}
	close(p.stop)
	p.wg.Wait()
	if ok {
		p.report(p.snapshot())
	}
}
