package settings

import (
	"errors"
	"io/fs"
	"reflect"
	"testing"
	"time"
)

func TestLoad(t *testing.T) {
	tests := []struct {
		name    string
		env     []string
		files   map[string]string
		want    Settings
		wantErr error
	}{
		{name: "nothing set", want: Settings{}},
		{
			name: "environment",
			env:  []string{"IN_TOTO_ARTIFACT_EXCLUDE_PATTERNS=*.link:.gitignore", "IN_TOTO_LINK_CMD_EXEC_TIMEOUT=2.5", "IN_TOTO_=x", "PATH=/bin"},
			want: Settings{Excludes: []string{"*.link", ".gitignore"}, ExecTimeout: 2500 * time.Millisecond},
		},
		{
			name:  "rc file beats environment, later file beats earlier",
			env:   []string{"IN_TOTO_ARTIFACT_BASE_PATH=/env"},
			files: map[string]string{"/home/u/.in_totorc": "[x]\nARTIFACT_BASE_PATH = /home\n", "/w/.in_totorc": "# c\n[in-toto setting]\nARTIFACT_BASE_PATH: /cwd\n; c\n"},
			want:  Settings{BasePath: "/cwd"},
		},
		{
			name: "single exclude pattern is a list of one",
			env:  []string{"IN_TOTO_ARTIFACT_EXCLUDE_PATTERNS=*.tmp"},
			want: Settings{Excludes: []string{"*.tmp"}},
		},
		{name: "bad timeout", env: []string{"IN_TOTO_LINK_CMD_EXEC_TIMEOUT=soon"}, wantErr: ErrBadSetting},
		{name: "negative timeout", env: []string{"IN_TOTO_LINK_CMD_EXEC_TIMEOUT=-1"}, wantErr: ErrBadSetting},
		{name: "no section", files: map[string]string{"/w/.in_totorc": "ARTIFACT_BASE_PATH=/x\n"}, wantErr: ErrBadSetting},
		{name: "no separator", files: map[string]string{"/w/.in_totorc": "[s]\nARTIFACT_BASE_PATH\n"}, wantErr: ErrBadSetting},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			src := Source{Environ: tt.env, Home: "/home/u", WorkDir: "/w", ReadFile: func(p string) ([]byte, error) {
				if s, ok := tt.files[p]; ok {
					return []byte(s), nil
				}
				return nil, fs.ErrNotExist
			}}
			got, err := Load(src)
			if !errors.Is(err, tt.wantErr) {
				t.Fatalf("Load error = %v, want %v", err, tt.wantErr)
			}
			if err != nil {
				return
			}
			got.Origin = nil
			if !reflect.DeepEqual(got, tt.want) {
				t.Fatalf("Load = %+v, want %+v", got, tt.want)
			}
		})
	}
}

func FuzzParseRC(f *testing.F) {
	f.Add([]byte("[s]\nARTIFACT_BASE_PATH = /x\nLINK_CMD_EXEC_TIMEOUT: 3\n"))
	f.Add([]byte("# only comments\n;x\n"))
	f.Fuzz(func(t *testing.T, data []byte) {
		raw, origin := map[string]string{}, map[string]string{}
		if err := parseRC(data, "rc", raw, origin); err != nil {
			return
		}
		for k := range raw {
			if origin[k] == "" {
				t.Fatalf("setting %q has no origin", k)
			}
		}
		_, _ = resolve(raw, origin)
	})
}
