package record

import (
	"sync"
	"sync/atomic"
)

// dirRef is a directory whose files are hashed relative to one open
// descriptor. The descriptor is opened by the first job that needs it and
// closed once every job in the directory has opened its file, so only a
// few directories are open at any time (a directory's jobs are adjacent in
// walk order).
type dirRef struct {
	path string       // with the base path applied
	left atomic.Int32 // jobs that have not opened their file yet (set before any is sent)

	once   sync.Once
	fd     int
	ok     bool
	closed atomic.Bool
}

func (d *dirRef) acquire() (int, bool) {
	d.once.Do(func() {
		fd, err := openDir(d.path)
		d.fd, d.ok = fd, err == nil
	})
	return d.fd, d.ok
}

// release is called once per job after acquire.
func (d *dirRef) release() {
	if d.left.Add(-1) == 0 {
		d.close()
	}
}

// close closes the descriptor if it was opened; it is safe to call again.
func (d *dirRef) close() {
	d.once.Do(func() {}) // no later acquire may open it
	if d.ok && d.closed.CompareAndSwap(false, true) {
		closeFD(d.fd)
	}
}
