package core

import (
	"unicode"
	"unicode/utf8"
)

// plainText refuses, as a FieldError of the first bad field, text with control characters (C0,
// DEL, C1), bidirectional overrides or invalid UTF-8, given as (field, value) pairs. Such text
// from a reseller (a name, a deposit's bank) would reach the operator's terminal and dashboard,
// where an escape sequence can rewrite what is shown.
func plainText(pairs ...string) error {
	for i := 0; i+1 < len(pairs); i += 2 {
		if !isPlain(pairs[i+1]) {
			return &FieldError{pairs[i], "must not contain control characters"}
		}
	}
	return nil
}

func isPlain(s string) bool {
	if !utf8.ValidString(s) {
		return false
	}
	for _, r := range s {
		if unicode.IsControl(r) || unicode.Is(unicode.Bidi_Control, r) || r == '\u2028' || r == '\u2029' {
			return false
		}
	}
	return true
}
