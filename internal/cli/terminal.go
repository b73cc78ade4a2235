package cli

import (
	"fmt"
	"io"
	"strings"
	"unicode"
	"unicode/utf8"
)

// terminal wraps a command's output so that nothing it prints is obeyed by the operator's
// terminal instead of shown: text a reseller or a supplier chose (a deposit's bank, a name, a
// product's name from a catalog sync) could otherwise carry escape sequences that rewrite the
// screen. Control characters other than newline and tab (C0, DEL, C1), bidirectional overrides
// and line separators are written as \uXXXX (also valid inside a JSON string), invalid UTF-8 as
// U+FFFD. Every table and message goes through it, so no command can forget.
type terminal struct {
	w     io.Writer
	carry []byte // the start of a UTF-8 sequence split between writes
}

func (t *terminal) Write(p []byte) (int, error) {
	buf := append(t.carry, p...)
	out := make([]byte, 0, len(buf))
	i := 0
	for i < len(buf) {
		c := buf[i]
		if c < utf8.RuneSelf {
			if (c < 0x20 && c != '\n' && c != '\t') || c == 0x7f {
				out = fmt.Appendf(out, `\u%04x`, c)
			} else {
				out = append(out, c)
			}
			i++
			continue
		}
		if !utf8.FullRune(buf[i:]) {
			break
		}
		r, n := utf8.DecodeRune(buf[i:])
		switch {
		case r == utf8.RuneError && n == 1:
			out = append(out, "\uFFFD"...)
		case unsafeRune(r):
			out = fmt.Appendf(out, `\u%04x`, r)
		default:
			out = append(out, buf[i:i+n]...)
		}
		i += n
	}
	t.carry = append([]byte(nil), buf[i:]...)
	if _, err := t.w.Write(out); err != nil {
		return 0, err
	}
	return len(p), nil
}

// unsafeRune is a rune a terminal acts on or that reorders what follows it.
func unsafeRune(r rune) bool {
	return unicode.IsControl(r) || unicode.Is(unicode.Bidi_Control, r) || r == '\u2028' || r == '\u2029'
}

// sanitize is one value for a table cell or a message: as terminal writes it, and with newline
// and tab escaped too, so the value cannot break a table's rows and columns.
func sanitize(s string) string {
	if strings.IndexFunc(s, func(r rune) bool { return r == '\n' || r == '\t' || r == utf8.RuneError || unsafeRune(r) }) < 0 && utf8.ValidString(s) {
		return s
	}
	var b strings.Builder
	for i, r := range s {
		switch {
		case r == utf8.RuneError && !strings.HasPrefix(s[i:], "\uFFFD"):
			b.WriteString("\uFFFD")
		case r == '\n' || r == '\t' || unsafeRune(r):
			fmt.Fprintf(&b, `\u%04x`, r)
		default:
			b.WriteRune(r)
		}
	}
	return b.String()
}
