package progress

import (
	"fmt"
	"io"
	"strings"
	"sync"
	"time"

	"github.com/signet-dev/signet/pkg/intoto/record"
)

// Bar is a progress bar. The zero value is not usable; use New. Update is
// safe for concurrent use.
type Bar struct {
	w     io.Writer
	label string
	delay time.Duration
	every time.Duration
	now   func() time.Time
	start time.Time
	mu    sync.Mutex
	last  time.Time
	drawn bool
	width int
}

// Options tune a Bar.
type Options struct {
	// Label is printed before the bar, e.g. "materials".
	Label string
	// Delay before the bar first appears (default 700ms).
	Delay time.Duration
	// Interval between redraws (default 100ms).
	Interval time.Duration
	// Now replaces time.Now in tests.
	Now func() time.Time
}

// New returns a bar drawing to w, or nil when enabled is false (a nil
// *Bar ignores every call), so callers can write bar.Update without
// checks.
func New(w io.Writer, enabled bool, opts Options) *Bar {
	if !enabled || w == nil {
		return nil
	}
	if opts.Delay == 0 {
		opts.Delay = 700 * time.Millisecond
	}
	if opts.Interval == 0 {
		opts.Interval = 100 * time.Millisecond
	}
	if opts.Now == nil {
		opts.Now = time.Now
	}
	return &Bar{w: w, label: opts.Label, delay: opts.Delay, every: opts.Interval, now: opts.Now, start: opts.Now(), width: 30}
}

// Update reports progress in files and bytes.
func (b *Bar) Update(filesDone, filesTotal, bytesDone, bytesTotal int64) {
	if b == nil {
		return
	}
	b.mu.Lock()
	defer b.mu.Unlock()
	now := b.now()
	if now.Sub(b.start) < b.delay || now.Sub(b.last) < b.every {
		return
	}
	b.last = now
	b.drawn = true
	fmt.Fprintf(b.w, "\r%s", b.line(filesDone, filesTotal, bytesDone, bytesTotal, now))
}

// Done clears the bar's line if it was ever drawn.
func (b *Bar) Done() {
	if b == nil {
		return
	}
	b.mu.Lock()
	defer b.mu.Unlock()
	if b.drawn {
		fmt.Fprint(b.w, "\r\033[K")
		b.drawn = false
	}
}

func (b *Bar) line(filesDone, filesTotal, bytesDone, bytesTotal int64, now time.Time) string {
	frac := 0.0
	if bytesTotal > 0 {
		frac = float64(bytesDone) / float64(bytesTotal)
	} else if filesTotal > 0 {
		frac = float64(filesDone) / float64(filesTotal)
	}
	frac = min(max(frac, 0), 1)
	full := int(frac * float64(b.width))
	bar := strings.Repeat("=", full) + strings.Repeat(" ", b.width-full)
	rate := float64(bytesDone) / max(now.Sub(b.start).Seconds(), 1e-9)
	return fmt.Sprintf("%s [%s] %3.0f%% %d/%d files %s/%s %s/s\033[K", b.label, bar, frac*100,
		filesDone, filesTotal, size(bytesDone), size(bytesTotal), size(int64(rate)))
}

func size(n int64) string {
	const unit = 1024
	if n < unit {
		return fmt.Sprintf("%d B", n)
	}
	div, exp := int64(unit), 0
	for m := n / unit; m >= unit; m /= unit {
		div *= unit
		exp++
	}
	return fmt.Sprintf("%.1f %ciB", float64(n)/float64(div), "KMGTPE"[exp])
}

// Recording returns a callback for ops.RecordConfig.Progress that draws
// one bar per label (materials, products) on w, or nil when enabled is
// false.
func Recording(w io.Writer, enabled bool) func(label string, p record.Progress) {
	if !enabled {
		return nil
	}
	bars := map[string]*Bar{}
	return func(label string, p record.Progress) {
		b, ok := bars[label]
		if !ok {
			b = New(w, true, Options{Label: label})
			bars[label] = b
		}
		b.Update(p.FilesDone, p.FilesTotal, p.BytesDone, p.BytesTotal)
		if !p.Scanning && p.FilesDone == p.FilesTotal {
			b.Done()
		}
	}
}
