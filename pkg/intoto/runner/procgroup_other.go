//go:build !unix

package runner

import (
	"os/exec"
	"sync/atomic"
)

// setProcessGroup: without process groups only the command is killed.
func setProcessGroup(c *exec.Cmd, _ bool, killed *atomic.Bool) {
	c.Cancel = func() error {
		killed.Store(true)
		return c.Process.Kill()
	}
}
