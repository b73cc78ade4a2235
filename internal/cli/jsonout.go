package cli

import (
	"encoding/json"
	"flag"
	"time"

	"github.com/kios-h2h/kios/internal/catalog"
)

// Every list, show and check command takes --json and then prints one JSON document instead of
// its table: a list as an array (empty: []), anything else as an object. Keys are snake_case and
// stable (scripts read them); amounts are integer rupiah; times are RFC 3339 in WIB (+07:00), ""
// when there is none.

// jsonFlag adds --json to a command's flags.
func jsonFlag(fs *flag.FlagSet) *bool {
	return fs.Bool("json", false, "print one JSON document instead of the table")
}

// writeJSON prints v as one JSON document.
func (e *Env) writeJSON(v any) error { return json.NewEncoder(e.Stdout).Encode(v) }

// jsonTime is a time as JSON output shows it.
func jsonTime(t time.Time) string {
	if t.IsZero() {
		return ""
	}
	return t.In(catalog.Jakarta).Format(time.RFC3339)
}
