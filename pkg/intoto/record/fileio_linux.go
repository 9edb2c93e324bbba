package record

import (
	"io/fs"
	"syscall"
)

// On Linux files are opened with raw system calls, relative to an open
// descriptor of their directory: an *os.File would add an fcntl and a
// poller registration to each of thousands of small files, and a full path
// makes the kernel look up every component again.

func openDir(path string) (int, error) {
	return retryEINTR(func() (int, error) {
		return syscall.Open(path, syscall.O_RDONLY|syscall.O_DIRECTORY|syscall.O_CLOEXEC, 0)
	})
}

func closeFD(fd int) { syscall.Close(fd) }

// openJob opens a job's file, relative to its directory when it has one.
// If that fails, the full path is tried, so errors name the whole path.
func openJob(j *job) (int, error) {
	const flags = syscall.O_RDONLY | syscall.O_CLOEXEC | syscall.O_NOCTTY
	if j.dir != nil {
		if dfd, ok := j.dir.acquire(); ok {
			fd, err := retryEINTR(func() (int, error) { return syscall.Openat(dfd, j.name, flags, 0) })
			j.dir.release()
			if err == nil {
				return fd, nil
			}
		}
	}
	fd, err := retryEINTR(func() (int, error) { return syscall.Open(j.open, flags, 0) })
	if err != nil {
		return -1, &fs.PathError{Op: "open", Path: j.open, Err: err}
	}
	return fd, nil
}

// readJob streams a job's file into consume, chunk by chunk, using buf.
// consume returns false to stop early; readJob then reports stopped.
// (Reading ahead on a second goroutine was tried for large files and was
// slower: the chunks then have to move between the cores' caches.)
func readJob(j *job, buf []byte, consume func([]byte) bool) (stopped bool, err error) {
	fd, err := openJob(j)
	if err != nil {
		return false, err
	}
	defer syscall.Close(fd)
	for {
		n, err := retryEINTR(func() (int, error) { return syscall.Read(fd, buf) })
		switch {
		case err != nil:
			return false, &fs.PathError{Op: "read", Path: j.open, Err: err}
		case n == 0:
			return false, nil
		case !consume(buf[:n]):
			return true, nil
		}
	}
}

func retryEINTR(f func() (int, error)) (int, error) {
	for {
		n, err := f()
		if err != syscall.EINTR {
			return n, err
		}
	}
}
