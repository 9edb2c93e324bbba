//go:build unix

package runner

import (
	"os/exec"
	"sync/atomic"
	"syscall"
)

// setProcessGroup makes cancellation kill the command with SIGKILL: the
// whole process group it leads when own is set, else the command alone.
// killed is set when the kill was sent.
func setProcessGroup(c *exec.Cmd, own bool, killed *atomic.Bool) {
	if !own {
		c.Cancel = func() error {
			killed.Store(true)
			return c.Process.Kill()
		}
		return
	}
	c.SysProcAttr = &syscall.SysProcAttr{Setpgid: true}
	c.Cancel = func() error {
		killed.Store(true)
		if err := syscall.Kill(-c.Process.Pid, syscall.SIGKILL); err != nil {
			return c.Process.Kill()
		}
		return nil
	}
}
