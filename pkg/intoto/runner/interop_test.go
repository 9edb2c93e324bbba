package runner

import (
	"bytes"
	"encoding/json"
	"errors"
	"os"
	"os/exec"
	"path/filepath"
	"reflect"
	"testing"
	"time"

	"github.com/signet-dev/signet/internal/reftest"
)

// referencePython is the interpreter of the Debian in-toto package.
const referencePython = "/usr/bin/python3"

func requireReference(t *testing.T) {
	t.Helper()
	reftest.Require(t)
}

type execCase struct {
	Cmd     []string `json:"cmd"`
	Streams bool     `json:"record_streams"`
	Timeout float64  `json:"timeout"`
}

// The reference echoes the command's output on its own stdout, so results
// go to the file named by argv[1].
const execScript = `
import json, sys
import in_toto.runlib as runlib, in_toto.settings as settings
out = []
for c in json.load(sys.stdin):
    settings.LINK_CMD_EXEC_TIMEOUT = c["timeout"]
    try:
        out.append({"byproducts": runlib.execute_link(c["cmd"], c["record_streams"])})
    except Exception as e:
        out.append({"error": type(e).__name__})
with open(sys.argv[1], "w") as f:
    json.dump(out, f)
`

type execResult struct {
	Byproducts map[string]any `json:"byproducts"`
	Error      string         `json:"error"`
}

func runReferenceExec(t *testing.T, cases []execCase) []execResult {
	t.Helper()
	in, err := json.Marshal(cases)
	if err != nil {
		t.Fatal(err)
	}
	outFile := filepath.Join(t.TempDir(), "out.json")
	cmd := exec.Command(referencePython, "-c", execScript, outFile)
	cmd.Stdin = bytes.NewReader(in)
	var stderr bytes.Buffer
	cmd.Stderr = &stderr
	if err := cmd.Run(); err != nil {
		t.Fatalf("reference: %v\n%s", err, stderr.String())
	}
	raw, err := os.ReadFile(outFile)
	if err != nil {
		t.Fatal(err)
	}
	var res []execResult
	if err := json.Unmarshal(raw, &res); err != nil || len(res) != len(cases) {
		t.Fatalf("reference output (%v): %s", err, raw)
	}
	return res
}

func TestInteropExecuteLink(t *testing.T) {
	requireReference(t)
	pyErrors := map[string]error{
		"FileNotFoundError":  ErrCommandNotFound,
		"PermissionError":    ErrStart,
		"UnicodeDecodeError": ErrInvalidUTF8,
		"TimeoutExpired":     ErrTimeout,
	}
	dir := t.TempDir()
	plain := filepath.Join(dir, "plain")
	if err := os.WriteFile(plain, []byte("#!/bin/sh\n"), 0o644); err != nil {
		t.Fatal(err)
	}
	cases := []execCase{
		{Cmd: sh(`printf 'out\r\nline\rx'; printf 'é\n' >&2; exit 3`), Streams: true},
		{Cmd: sh(`printf 'out'; exit 5`), Streams: false},
		{Cmd: sh(`kill -TERM $$`), Streams: true},
		{Cmd: sh(`kill -KILL $$`), Streams: false},
		{Cmd: []string{"true"}, Streams: true},
		{Cmd: sh(`printf '\000tab\there'`), Streams: true},
		{Cmd: sh(`printf '\377'`), Streams: true},
		{Cmd: []string{"signet-no-such-command-xyz"}, Streams: false},
		{Cmd: []string{plain}, Streams: true},
		{Cmd: sh(`sleep 30`), Streams: true, Timeout: 0.5},
		{Cmd: sh(`sleep 30`), Streams: false, Timeout: 0.5},
	}
	for i := range cases {
		if cases[i].Timeout == 0 {
			cases[i].Timeout = DefaultTimeout.Seconds()
		}
	}
	want := runReferenceExec(t, cases)
	for i, c := range cases {
		res, err := Run(t.Context(), c.Cmd, RunOptions{
			RecordStreams: c.Streams,
			Timeout:       time.Duration(c.Timeout * float64(time.Second)),
		})
		w := want[i]
		if w.Error != "" {
			if wantErr := pyErrors[w.Error]; wantErr == nil || !errors.Is(err, wantErr) {
				t.Errorf("%q: Run error %v; reference raised %s", c.Cmd, err, w.Error)
			}
			continue
		}
		if err != nil {
			t.Errorf("%q: Run error %v; reference gave %v", c.Cmd, err, w.Byproducts)
			continue
		}
		raw, err := json.Marshal(res.Byproducts())
		if err != nil {
			t.Fatal(err)
		}
		var got map[string]any
		if err := json.Unmarshal(raw, &got); err != nil {
			t.Fatal(err)
		}
		if !reflect.DeepEqual(got, w.Byproducts) {
			t.Errorf("%q: byproducts %v, reference %v", c.Cmd, got, w.Byproducts)
		}
	}
}
