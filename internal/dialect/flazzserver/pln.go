package flazzserver

import "strings"

// MeterNumber reports whether s looks like a PLN meter number (11 digits) or customer id (12).
func MeterNumber(s string) bool {
	if len(s) != 11 && len(s) != 12 {
		return false
	}
	return strings.Trim(s, "0123456789") == ""
}
