package dropin

import (
	"fmt"
	"io"
	"path/filepath"
	"strings"
)

// level is how much a tool prints, like the reference's in_toto logger.
type level int

const (
	levelInfo  level = iota // -v, and always for in-toto-mock
	levelWarn               // the default
	levelError              // -q: only the error line of a failure
)

// logger prints the reference's log lines ("%(message)s" to stderr).
type logger struct {
	w     io.Writer
	level level
	// dir is Env.Dir with a trailing separator: it is cut from the paths
	// in messages, so that they show paths as the user gave them.
	dir string
}

func newLogger(env Env, verbose, quiet bool) *logger {
	l := &logger{w: env.Stderr, level: levelWarn}
	if env.Dir != "" {
		l.dir = filepath.Clean(env.Dir) + string(filepath.Separator)
	}
	switch {
	case verbose:
		l.level = levelInfo
	case quiet:
		l.level = levelError
	}
	return l
}

func (l *logger) print(lv level, format string, args ...any) {
	if lv < l.level {
		return
	}
	msg := fmt.Sprintf(format, args...)
	if l.dir != "" {
		msg = strings.ReplaceAll(msg, l.dir, "")
	}
	_, _ = io.WriteString(l.w, msg+"\n")
}

func (l *logger) info(format string, args ...any) { l.print(levelInfo, format, args...) }
func (l *logger) warn(format string, args ...any) { l.print(levelWarn, format, args...) }

// error is never hidden, not even by -q (a deliberate difference from the
// reference, whose -q makes failures silent).
func (l *logger) error(format string, args ...any) { l.print(levelError, format, args...) }
