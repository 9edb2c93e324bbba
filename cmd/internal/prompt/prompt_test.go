package prompt

import (
	"os"
	"path/filepath"
	"strings"
	"testing"
)

func TestFromFile(t *testing.T) {
	dir := t.TempDir()
	tests := []struct{ content, want string }{
		{"hunter2\n", "hunter2"},
		{"hunter2\r\n", "hunter2"},
		{"with space \n\n", "with space \n"},
		{"", ""},
	}
	for i, tt := range tests {
		p := filepath.Join(dir, "s"+string(rune('0'+i)))
		if err := os.WriteFile(p, []byte(tt.content), 0o600); err != nil {
			t.Fatal(err)
		}
		got, err := FromFile(p)
		if err != nil {
			t.Fatal(err)
		}
		if string(got) != tt.want {
			t.Errorf("FromFile(%q) = %q, want %q", tt.content, got, tt.want)
		}
	}
}

func TestFromFileErrorsHideContent(t *testing.T) {
	p := filepath.Join(t.TempDir(), "big")
	secret := strings.Repeat("s3cr3t", maxSecret)
	if err := os.WriteFile(p, []byte(secret), 0o600); err != nil {
		t.Fatal(err)
	}
	_, err := FromFile(p)
	if err == nil || strings.Contains(err.Error(), "s3cr3t") {
		t.Fatalf("err = %v: want an error without the content", err)
	}
}

func TestReadLine(t *testing.T) {
	got, err := readLine(strings.NewReader("pw\r\nrest"))
	if err != nil || string(got) != "pw" {
		t.Fatalf("readLine = %q, %v", got, err)
	}
}
