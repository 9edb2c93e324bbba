package runner

import (
	"bytes"
	"context"
	"errors"
	"io/fs"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"syscall"
	"testing"
	"time"
)

func sh(script string) []string { return []string{"sh", "-c", script} }

func TestRunResults(t *testing.T) {
	t.Parallel()
	tests := []struct {
		name       string
		cmd        []string
		opts       RunOptions
		want       Result
		wantErr    error
		wantStdout string // echoed, raw
	}{
		{name: "success", cmd: sh("exit 0"), want: Result{}},
		{name: "non-zero exit is not an error", cmd: sh("exit 3"), want: Result{ReturnValue: 3}},
		{name: "SIGTERM is -15", cmd: sh("kill -TERM $$"), want: Result{ReturnValue: -15}},
		{name: "SIGKILL is -9", cmd: sh("kill -KILL $$"), want: Result{ReturnValue: -9}},
		{name: "streams not recorded", cmd: sh("echo out; echo err >&2; exit 2"), want: Result{ReturnValue: 2}},
		{name: "streams recorded", cmd: sh("echo out; echo err >&2; exit 2"), opts: RunOptions{RecordStreams: true},
			want: Result{ReturnValue: 2, Stdout: "out\n", Stderr: "err\n"}},
		{name: "universal newlines", cmd: sh(`printf 'a\r\nb\rc\n'; printf 'x\r' >&2`), opts: RunOptions{RecordStreams: true},
			want: Result{Stdout: "a\nb\nc\n", Stderr: "x\n"}, wantStdout: "a\r\nb\rc\n"},
		{name: "unicode and NUL", cmd: sh(`printf 'h\303\251\000!'`), opts: RunOptions{RecordStreams: true},
			want: Result{Stdout: "hé\x00!"}},
		{name: "invalid UTF-8", cmd: sh(`printf 'a\377b'; exit 4`), opts: RunOptions{RecordStreams: true},
			want: Result{ReturnValue: 4, Stdout: "a\uFFFDb"}, wantErr: ErrInvalidUTF8},
		{name: "invalid UTF-8 replaced", cmd: sh(`printf 'a\377b' >&2`), opts: RunOptions{RecordStreams: true, ReplaceInvalidUTF8: true},
			want: Result{Stderr: "a\uFFFDb"}},
		{name: "truncated", cmd: sh(`printf 'abcdef'`), opts: RunOptions{RecordStreams: true, MaxStreamBytes: 4},
			want: Result{Stdout: "abcd"}, wantErr: ErrStreamTooLarge, wantStdout: "abcdef"},
		{name: "truncated inside a rune", cmd: sh(`printf 'ab\303\251'`), opts: RunOptions{RecordStreams: true, MaxStreamBytes: 3},
			want: Result{Stdout: "ab"}, wantErr: ErrStreamTooLarge},
		{name: "stdin", cmd: []string{"cat"}, opts: RunOptions{RecordStreams: true, Stdin: strings.NewReader("in\n")},
			want: Result{Stdout: "in\n"}},
		{name: "no stdin", cmd: []string{"cat"}, opts: RunOptions{RecordStreams: true}, want: Result{}},
		{name: "env", cmd: sh(`printf "$FOO"`), opts: RunOptions{RecordStreams: true, Env: []string{"FOO=bar"}},
			want: Result{Stdout: "bar"}},
		{name: "dir", cmd: []string{"pwd"}, opts: RunOptions{RecordStreams: true, Dir: "/"}, want: Result{Stdout: "/\n"}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			var echo bytes.Buffer
			opts := tt.opts
			opts.Stdout = &echo
			got, err := Run(t.Context(), tt.cmd, opts)
			if !errors.Is(err, tt.wantErr) || (tt.wantErr == nil) != (err == nil) {
				t.Fatalf("Run error = %v, want %v", err, tt.wantErr)
			}
			if got != tt.want {
				t.Errorf("Run = %+v, want %+v", got, tt.want)
			}
			if tt.wantStdout != "" && echo.String() != tt.wantStdout {
				t.Errorf("echoed %q, want %q", echo.String(), tt.wantStdout)
			}
		})
	}
}

func TestRunStartErrors(t *testing.T) {
	t.Parallel()
	dir := t.TempDir()
	plain := filepath.Join(dir, "plain")
	if err := os.WriteFile(plain, []byte("#!/bin/sh\n"), 0o644); err != nil {
		t.Fatal(err)
	}
	tests := []struct {
		name    string
		cmd     []string
		wantErr error
	}{
		{"empty", nil, ErrEmptyCommand},
		{"not in PATH", []string{"signet-no-such-command-xyz"}, ErrCommandNotFound},
		{"missing path", []string{filepath.Join(dir, "missing")}, ErrCommandNotFound},
		{"not executable", []string{plain}, ErrStart},
		{"a directory", []string{dir}, ErrStart},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			_, err := Run(t.Context(), tt.cmd, RunOptions{})
			if !errors.Is(err, tt.wantErr) {
				t.Fatalf("Run error = %v, want %v", err, tt.wantErr)
			}
		})
	}
	if _, err := Run(t.Context(), []string{plain}, RunOptions{}); !errors.Is(err, fs.ErrPermission) {
		t.Errorf("not executable: %v does not wrap fs.ErrPermission", err)
	}
}

// A program found only through a relative PATH entry is refused.
func TestRunRelativePathEntry(t *testing.T) {
	dir := t.TempDir()
	if err := os.WriteFile(filepath.Join(dir, "prog"), []byte("#!/bin/sh\nexit 0\n"), 0o755); err != nil {
		t.Fatal(err)
	}
	wd, err := os.Getwd()
	if err != nil {
		t.Fatal(err)
	}
	rel, err := filepath.Rel(wd, dir)
	if err != nil {
		t.Fatal(err)
	}
	t.Setenv("PATH", rel)
	_, err = Run(t.Context(), []string{"prog"}, RunOptions{})
	if !errors.Is(err, ErrCommandNotFound) || !strings.Contains(err.Error(), "./prog") {
		t.Fatalf("Run error = %v, want ErrCommandNotFound suggesting ./prog", err)
	}
}

func TestRunLargeOutput(t *testing.T) {
	t.Parallel()
	const n = 5 << 20
	script := "head -c " + strconv.Itoa(n) + " /dev/zero | tr '\\000' a; head -c 1000 /dev/zero | tr '\\000' b >&2"
	var echo bytes.Buffer
	got, err := Run(t.Context(), sh(script), RunOptions{RecordStreams: true, MaxStreamBytes: -1, Stdout: &echo, Stderr: &echo})
	if err != nil {
		t.Fatal(err)
	}
	if len(got.Stdout) != n || strings.Trim(got.Stdout, "a") != "" || got.Stderr != strings.Repeat("b", 1000) {
		t.Fatalf("stdout %d bytes, stderr %q...", len(got.Stdout), got.Stderr[:min(10, len(got.Stderr))])
	}
	if echo.Len() != n+1000 {
		t.Fatalf("echoed %d bytes, want %d", echo.Len(), n+1000)
	}
	got, err = Run(t.Context(), sh(script), RunOptions{RecordStreams: true, MaxStreamBytes: 1 << 20})
	if !errors.Is(err, ErrStreamTooLarge) || len(got.Stdout) != 1<<20 || got.ReturnValue != 0 {
		t.Fatalf("bounded: error %v, %d bytes kept, return value %d", err, len(got.Stdout), got.ReturnValue)
	}
}

// pidAlive reports whether pid exists and is not a zombie.
func pidAlive(pid int) bool {
	stat, err := os.ReadFile("/proc/" + strconv.Itoa(pid) + "/stat")
	if err != nil {
		return false
	}
	fields := strings.Fields(string(stat[bytes.LastIndexByte(stat, ')')+1:]))
	return len(fields) > 0 && fields[0] != "Z"
}

// startBackground runs a command that leaves a `sleep` child behind and
// returns the Run error and the child's pid.
func startBackground(t *testing.T, opts RunOptions) (int, error) {
	t.Helper()
	pidFile := filepath.Join(t.TempDir(), "pid")
	_, err := Run(t.Context(), sh("sleep 60 & echo $! > "+pidFile+"; wait"), opts)
	raw, rerr := os.ReadFile(pidFile)
	if rerr != nil {
		t.Fatal(rerr)
	}
	pid, perr := strconv.Atoi(strings.TrimSpace(string(raw)))
	if perr != nil {
		t.Fatal(perr)
	}
	t.Cleanup(func() { syscall.Kill(pid, syscall.SIGKILL) })
	return pid, err
}

// waitGone polls (bounded) until pid has been killed and reaped or turned
// into a zombie.
func waitGone(pid int) bool {
	for range 200 {
		if !pidAlive(pid) {
			return true
		}
		time.Sleep(10 * time.Millisecond)
	}
	return false
}

func TestRunTimeoutKillsProcessGroup(t *testing.T) {
	t.Parallel()
	pid, err := startBackground(t, RunOptions{Timeout: 300 * time.Millisecond, RecordStreams: true})
	if !errors.Is(err, ErrTimeout) {
		t.Fatalf("Run error = %v, want ErrTimeout", err)
	}
	if !waitGone(pid) {
		t.Fatalf("background child %d survived the timeout", pid)
	}
}

// Like the reference, InheritProcessGroup kills only the command itself.
func TestRunTimeoutInheritGroupKillsOnlyCommand(t *testing.T) {
	t.Parallel()
	pid, err := startBackground(t, RunOptions{Timeout: 300 * time.Millisecond, InheritProcessGroup: true})
	if !errors.Is(err, ErrTimeout) {
		t.Fatalf("Run error = %v, want ErrTimeout", err)
	}
	if !pidAlive(pid) {
		t.Fatalf("background child %d was killed; only the command should be", pid)
	}
}

func TestRunCancelled(t *testing.T) {
	t.Parallel()
	ctx, cancel := context.WithCancel(t.Context())
	time.AfterFunc(200*time.Millisecond, cancel)
	_, err := Run(ctx, sh("sleep 60"), RunOptions{Timeout: time.Hour})
	if !errors.Is(err, context.Canceled) || errors.Is(err, ErrTimeout) {
		t.Fatalf("Run error = %v, want context.Canceled and not ErrTimeout", err)
	}
}

// A child that keeps stdout open after the command exits does not keep Run
// waiting for it.
func TestRunDoesNotWaitForOrphans(t *testing.T) {
	t.Parallel()
	pidFile := filepath.Join(t.TempDir(), "pid")
	got, err := Run(t.Context(), sh("sleep 60 & echo $! > "+pidFile+"; echo done"), RunOptions{RecordStreams: true, Timeout: time.Minute})
	if raw, rerr := os.ReadFile(pidFile); rerr == nil {
		if pid, perr := strconv.Atoi(strings.TrimSpace(string(raw))); perr == nil {
			syscall.Kill(pid, syscall.SIGKILL)
		}
	}
	if err != nil || got.Stdout != "done\n" {
		t.Fatalf("Run = %+v, %v; want stdout \"done\\n\"", got, err)
	}
}

func TestByproducts(t *testing.T) {
	t.Parallel()
	got := Result{ReturnValue: -9, Stdout: "o", Stderr: "e"}.Byproducts()
	if len(got) != 3 || got["return-value"] != -9 || got["stdout"] != "o" || got["stderr"] != "e" {
		t.Fatalf("Byproducts() = %v", got)
	}
}
