package pyjson

import "testing"

// Expected values are what Python 3.11's json.dumps(s) prints.
func TestAppendString(t *testing.T) {
	tests := []struct{ in, want string }{
		{"plain ~", `"plain ~"`},
		{"q\"b\\", `"q\"b\\"`},
		{"\b\f\n\r\t\x00\x1f\x7f", `"\b\f\n\r\t\u0000\u001f\u007f"`},
		{"é日", `"\u00e9\u65e5"`},
		{"😀", `"\ud83d\ude00"`},
		{"/", `"/"`},
		{"\xff", `"\ufffd"`},
	}
	for _, tt := range tests {
		if got := string(AppendString(nil, tt.in)); got != tt.want {
			t.Errorf("AppendString(%q) = %s, want %s", tt.in, got, tt.want)
		}
	}
}
