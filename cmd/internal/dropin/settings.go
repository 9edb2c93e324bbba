package dropin

import (
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"time"

	"github.com/signet-dev/signet/cmd/internal/argparse"
	"github.com/signet-dev/signet/cmd/internal/ops"
	"github.com/signet-dev/signet/cmd/internal/progress"
	"github.com/signet-dev/signet/cmd/internal/settings"
	"github.com/signet-dev/signet/pkg/intoto/record"
	"github.com/signet-dev/signet/pkg/intoto/runner"
)

// loadSettings reads the IN_TOTO_* environment and the rc files, as
// in-toto-run and in-toto-record 1.3.1 do, and logs each setting at -v.
// needTimeout false means LINK_CMD_EXEC_TIMEOUT will not be used
// (in-toto-record, and in-toto-run when no command runs or --run-timeout is
// given): a bad value of it is then ignored, as the reference ignores it.
func loadSettings(e Env, log *logger, needTimeout bool) (settings.Settings, error) {
	src := settings.Source{Environ: e.Environ, Home: e.Home, WorkDir: e.Dir}
	s, err := settings.Load(src)
	if err != nil && !needTimeout {
		s, err = settings.Load(withoutSetting(src, settings.ExecTimeout))
	}
	if err != nil {
		return s, err
	}
	logSetting(log, settings.ExcludePatterns, s.Excludes != nil, pyList(s.Excludes), pyList(record.DefaultExcludes()))
	logSetting(log, settings.BasePath, s.BasePath != "", s.BasePath, "None")
	secs := strconv.FormatFloat(s.ExecTimeout.Seconds(), 'f', -1, 64)
	logSetting(log, settings.ExecTimeout, s.ExecTimeout != 0, secs, "10")
	return s, nil
}

func logSetting(log *logger, name string, user bool, value, def string) {
	if user {
		log.info("Setting (user): %s=%s", name, value)
		return
	}
	log.info("Setting (default): %s=%s", name, def)
}

// withoutSetting hides one setting from the environment and the rc files.
func withoutSetting(src settings.Source, name string) settings.Source {
	env := make([]string, 0, len(src.Environ))
	for _, kv := range src.Environ {
		if !strings.HasPrefix(kv, "IN_TOTO_"+name+"=") {
			env = append(env, kv)
		}
	}
	src.Environ = env
	src.ReadFile = func(path string) ([]byte, error) {
		data, err := os.ReadFile(path)
		if err != nil {
			return nil, err
		}
		lines := strings.Split(string(data), "\n")
		for i, line := range lines {
			if k, _, ok := strings.Cut(line, "="); ok && strings.TrimSpace(k) == name {
				lines[i] = "" // blank, so that line numbers in messages stay right
			} else if k, _, ok := strings.Cut(line, ":"); ok && strings.TrimSpace(k) == name {
				lines[i] = ""
			}
		}
		return []byte(strings.Join(lines, "\n")), nil
	}
	return src
}

// pyList formats a list as Python's repr does (the reference logs
// settings that way); a single value is shown bare, as the reference keeps
// a setting without a colon as a string.
func pyList(items []string) string {
	if len(items) == 1 {
		return items[0]
	}
	quoted := make([]string, len(items))
	for i, s := range items {
		q := "'"
		if strings.Contains(s, "'") && !strings.Contains(s, `"`) {
			q = `"`
		}
		s = strings.ReplaceAll(s, `\`, `\\`)
		if q == "'" {
			s = strings.ReplaceAll(s, "'", `\'`)
		}
		quoted[i] = q + s + q
	}
	return "[" + strings.Join(quoted, ", ") + "]"
}

// recordFlags are the recording options of a parsed command line.
type recordFlags struct {
	excludes    []string
	basePath    string
	lstripPaths []string
}

func recordFlagsOf(r *argparse.Result) recordFlags {
	return recordFlags{
		excludes: r.Strings("exclude_patterns"), basePath: r.String("base_path"),
		lstripPaths: r.Strings("lstrip_paths"),
	}
}

// recordConfig combines flags, settings and Env: flags beat settings,
// which beat the reference's defaults.
func (e Env) recordConfig(f recordFlags, s settings.Settings, quiet bool) ops.RecordConfig {
	cfg := ops.RecordConfig{Excludes: s.Excludes, BasePath: s.BasePath, LStripPaths: f.lstripPaths}
	if f.excludes != nil {
		cfg.Excludes = f.excludes
	}
	if f.basePath != "" {
		cfg.BasePath = f.basePath
	}
	if cfg.BasePath == "" {
		cfg.BasePath = e.Dir
	} else {
		cfg.BasePath = e.path(cfg.BasePath)
	}
	if !quiet {
		cfg.Progress = e.progressFunc()
	}
	return cfg
}

// runTimeout: --run-timeout if given, else LINK_CMD_EXEC_TIMEOUT from the
// rc files or environment, else 10 s.
func runTimeout(r *argparse.Result, s settings.Settings) time.Duration {
	switch {
	case r.Given("run_timeout"):
		return time.Duration(r.Int("run_timeout")) * time.Second
	case s.ExecTimeout > 0:
		return s.ExecTimeout
	}
	return runner.DefaultTimeout
}

// progressFunc draws one bar per label (materials, products) when stderr
// is a terminal.
func (e Env) progressFunc() func(string, record.Progress) {
	return progress.Recording(e.Stderr, e.StderrIsTerminal)
}

// missingPaths lists the given artifact paths that do not exist (the
// reference logs "path: ... does not exist, skipping.." for each).
func missingPaths(base string, paths []string) []string {
	var out []string
	for _, p := range paths {
		clean := filepath.Clean(p)
		full := clean
		if base != "" && !filepath.IsAbs(clean) {
			full = filepath.Join(base, clean)
		}
		if _, err := os.Stat(full); err != nil {
			out = append(out, clean)
		}
	}
	return out
}

// settingsNone is "no user settings" (in-toto-mock reads none).
func settingsNone() settings.Settings { return settings.Settings{} }
