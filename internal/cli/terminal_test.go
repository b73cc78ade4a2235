package cli

import (
	"bytes"
	"encoding/json"
	"strings"
	"testing"
)

// TestTerminalEscapesControls: what a command prints cannot drive the operator's terminal:
// escape sequences, carriage returns, C1 controls and bidi overrides are shown, not obeyed,
// also when a write splits a UTF-8 sequence; JSON stays valid.
func TestTerminalEscapesControls(t *testing.T) {
	t.Parallel()
	var out bytes.Buffer
	w := &terminal{w: &out}
	in := "BCA\x1b[2J\x1b]0;owned\x07\rOK\u0085x\u202Egnp.exe\tcol\nnext é"
	for _, chunk := range []string{in[:5], in[5:30], in[30:33], in[33:]} { // 33 splits "é"? keep any split
		if _, err := w.Write([]byte(chunk)); err != nil {
			t.Fatal(err)
		}
	}
	got := out.String()
	for _, bad := range []string{"\x1b", "\x07", "\r", "\u0085", "\u202E"} {
		if strings.Contains(got, bad) {
			t.Errorf("output holds %q: %q", bad, got)
		}
	}
	for _, want := range []string{`\u001b[2J`, `\u0007`, `\u000d`, `\u0085`, `\u202e`, "\tcol\nnext é"} {
		if !strings.Contains(got, want) {
			t.Errorf("output lacks %q: %q", want, got)
		}
	}
	// Split inside a multi-byte rune.
	out.Reset()
	e := "é\u0085"
	_, _ = w.Write([]byte(e[:1]))
	_, _ = w.Write([]byte(e[1:3]))
	_, _ = w.Write([]byte(e[3:]))
	if out.String() != `é\u0085` {
		t.Errorf("split rune: %q", out.String())
	}
	// JSON through the filter stays JSON, with the same value.
	out.Reset()
	b, _ := json.Marshal(map[string]string{"bank": "BCA\u0085\u202E"})
	_, _ = w.Write(append(b, '\n'))
	var v map[string]string
	if err := json.Unmarshal(out.Bytes(), &v); err != nil || v["bank"] != "BCA\u0085\u202E" {
		t.Errorf("JSON %q: %v %q", out.String(), err, v["bank"])
	}
	if s := sanitize("a\tb\nc\x1b"); s != `a\u0009b\u000ac\u001b` {
		t.Errorf("sanitize: %q", s)
	}
}
