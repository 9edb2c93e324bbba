package progress

import (
	"strings"
	"testing"
	"time"

	"github.com/signet-dev/signet/pkg/intoto/record"
)

type clock struct{ t time.Time }

func (c *clock) now() time.Time { return c.t }

func TestBarStaysSilentForQuickWork(t *testing.T) {
	var out strings.Builder
	c := &clock{t: time.Unix(0, 0)}
	b := New(&out, true, Options{Label: "materials", Now: c.now})
	c.t = c.t.Add(100 * time.Millisecond)
	b.Update(5, 10, 50, 100)
	b.Done()
	if out.Len() != 0 {
		t.Fatalf("bar drew %q for work shorter than the delay", out.String())
	}
}

func TestBarDrawsAndClears(t *testing.T) {
	var out strings.Builder
	c := &clock{t: time.Unix(0, 0)}
	b := New(&out, true, Options{Label: "materials", Now: c.now})
	c.t = c.t.Add(2 * time.Second)
	b.Update(5, 10, 512<<20, 1<<30)
	got := out.String()
	for _, want := range []string{"materials [", " 50%", "5/10 files", "512.0 MiB/1.0 GiB", "256.0 MiB/s"} {
		if !strings.Contains(got, want) {
			t.Errorf("bar %q lacks %q", got, want)
		}
	}
	b.Update(6, 10, 600<<20, 1<<30) // within the redraw interval: no output
	if out.String() != got {
		t.Errorf("bar redrew within the interval")
	}
	b.Done()
	if !strings.HasSuffix(out.String(), "\r\033[K") {
		t.Errorf("Done did not clear the line: %q", out.String())
	}
}

func TestNilBarIsInert(t *testing.T) {
	b := New(nil, true, Options{})
	b.Update(1, 1, 1, 1)
	b.Done()
	if New(&strings.Builder{}, false, Options{}) != nil {
		t.Fatal("disabled bar is not nil")
	}
}

func TestRecordingDrawsPerLabel(t *testing.T) {
	if Recording(&strings.Builder{}, false) != nil {
		t.Fatal("a disabled recording progress is not nil")
	}
	var out strings.Builder
	f := Recording(&out, true)
	f("materials", record.Progress{FilesDone: 1, FilesTotal: 2})
	f("materials", record.Progress{FilesDone: 2, FilesTotal: 2})
	// Quick work stays silent (below the delay), and finishing clears nothing.
	if out.Len() != 0 {
		t.Fatalf("quick recording drew %q", out.String())
	}
}
