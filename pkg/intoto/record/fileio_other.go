//go:build !linux

package record

import (
	"errors"
	"io"
	"os"
)

func openDir(string) (int, error) { return -1, errors.New("directory descriptors not used here") }

func closeFD(int) {}

// readJob streams a job's file into consume, chunk by chunk, using buf.
// consume returns false to stop early; readJob then reports stopped.
func readJob(j *job, buf []byte, consume func([]byte) bool) (stopped bool, err error) {
	f, err := os.Open(j.open)
	if err != nil {
		return false, err
	}
	defer f.Close()
	for {
		n, err := f.Read(buf)
		if n > 0 && !consume(buf[:n]) {
			return true, nil
		}
		if err == io.EOF {
			return false, nil
		}
		if err != nil {
			return false, err
		}
	}
}
