package settings

import (
	"bufio"
	"bytes"
	"errors"
	"fmt"
	"io/fs"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"syscall"
	"time"
)

// Setting names the reference honours.
const (
	ExcludePatterns = "ARTIFACT_EXCLUDE_PATTERNS"
	BasePath        = "ARTIFACT_BASE_PATH"
	ExecTimeout     = "LINK_CMD_EXEC_TIMEOUT"
)

const envPrefix = "IN_TOTO_"

// maxRCFile bounds the size of an rc file.
const maxRCFile = 1 << 20

// ErrBadSetting means a setting's value could not be used.
var ErrBadSetting = errors.New("invalid in-toto setting")

// Source is where settings come from: the process environment (as
// os.Environ returns it), the home directory and the working directory.
type Source struct {
	Environ []string
	Home    string
	WorkDir string
	// ReadFile reads an rc file; nil means os.ReadFile.
	ReadFile func(string) ([]byte, error)
}

// Settings are the resolved values; the zero value means "not set".
type Settings struct {
	Excludes    []string // nil when not set
	BasePath    string
	ExecTimeout time.Duration // 0 when not set
	// Origin names where each set value came from, for error messages.
	Origin map[string]string
}

// rcPaths lists the reference's rc files in the order it reads them;
// later files override earlier ones.
func (s Source) rcPaths() []string {
	return []string{
		"/etc/in_toto/config",
		"/etc/in_totorc",
		filepath.Join(s.Home, ".config", "in_toto", "config"),
		filepath.Join(s.Home, ".config", "in_toto"),
		filepath.Join(s.Home, ".in_toto", "config"),
		filepath.Join(s.Home, ".in_totorc"),
		filepath.Join(s.WorkDir, ".in_totorc"),
	}
}

// Load resolves the settings from the environment and the rc files.
func Load(src Source) (Settings, error) {
	raw := map[string]string{}
	origin := map[string]string{}
	for _, kv := range src.Environ {
		name, value, ok := strings.Cut(kv, "=")
		if ok && strings.HasPrefix(name, envPrefix) && len(name) > len(envPrefix) {
			key := name[len(envPrefix):]
			raw[key], origin[key] = value, "environment variable "+name
		}
	}
	read := src.ReadFile
	if read == nil {
		read = os.ReadFile
	}
	for _, p := range src.rcPaths() {
		data, err := read(p)
		if errors.Is(err, fs.ErrNotExist) || errors.Is(err, syscall.EISDIR) {
			continue
		}
		if err != nil {
			return Settings{}, fmt.Errorf("read in-toto rc file %s: %w", p, err)
		}
		if len(data) > maxRCFile {
			return Settings{}, fmt.Errorf("%w: rc file %s is larger than %d bytes", ErrBadSetting, p, maxRCFile)
		}
		if err := parseRC(data, p, raw, origin); err != nil {
			return Settings{}, err
		}
	}
	return resolve(raw, origin)
}

func resolve(raw, origin map[string]string) (Settings, error) {
	s := Settings{Origin: map[string]string{}}
	if v := raw[ExcludePatterns]; v != "" {
		s.Excludes = strings.Split(v, ":")
		s.Origin[ExcludePatterns] = origin[ExcludePatterns]
	}
	if v := raw[BasePath]; v != "" {
		s.BasePath = v
		s.Origin[BasePath] = origin[BasePath]
	}
	if v := raw[ExecTimeout]; v != "" {
		secs, err := strconv.ParseFloat(strings.TrimSpace(v), 64)
		if err != nil || secs <= 0 || secs > 1e9 {
			return Settings{}, fmt.Errorf("%w: %s=%q (from %s): want a positive number of seconds, e.g. 10",
				ErrBadSetting, ExecTimeout, v, origin[ExecTimeout])
		}
		s.ExecTimeout = time.Duration(secs * float64(time.Second))
		s.Origin[ExecTimeout] = origin[ExecTimeout]
	}
	return s, nil
}

// parseRC reads the subset of Python's configparser syntax the reference's
// rc files use: [sections], "name = value" or "name: value" lines, and
// comments starting with # or ;. Section names are ignored, as in the
// reference. Names are case-sensitive.
func parseRC(data []byte, path string, raw, origin map[string]string) error {
	sc := bufio.NewScanner(bytes.NewReader(data))
	sc.Buffer(make([]byte, 0, 4096), maxRCFile)
	inSection := false
	for n := 1; sc.Scan(); n++ {
		line := strings.TrimSpace(sc.Text())
		switch {
		case line == "" || line[0] == '#' || line[0] == ';':
			continue
		case line[0] == '[' && strings.HasSuffix(line, "]"):
			inSection = true
			continue
		}
		if !inSection {
			return fmt.Errorf("%w: %s:%d: a setting appears before any [section] header; start the file with e.g. [settings]",
				ErrBadSetting, path, n)
		}
		i := strings.IndexAny(line, "=:")
		if i <= 0 {
			return fmt.Errorf("%w: %s:%d: expected 'NAME = value'", ErrBadSetting, path, n)
		}
		name := strings.TrimSpace(line[:i])
		raw[name], origin[name] = strings.TrimSpace(line[i+1:]), fmt.Sprintf("%s:%d", path, n)
	}
	return sc.Err()
}
