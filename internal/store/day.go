package store

import (
	"fmt"
	"time"
)

// An order's day (the Jakarta day it was accepted on, "2006-01-02" everywhere outside the store)
// is stored as the number of days since 1970-01-01 (migration 00264): two or three bytes instead
// of ten, in the row and in orders_day (issue 22, fewer bytes per order). Numbers order as the
// texts did, so the day ranges and groupings of the reports read the same rows.

// dayNumber is day's number, for a query's argument or a row.
func dayNumber(day string) (int64, error) {
	t, err := time.Parse(time.DateOnly, day)
	if err != nil {
		return 0, fmt.Errorf("day %q: want YYYY-MM-DD", day)
	}
	return t.Unix() / 86400, nil
}

// dayText is the day of number n, as the rest of Kios writes it.
func dayText(n int64) string {
	return time.Unix(n*86400, 0).UTC().Format(time.DateOnly)
}

// dayScan scans a stored day number into a text day.
type dayScan struct{ day *string }

func (d dayScan) Scan(v any) error {
	switch x := v.(type) {
	case int64:
		*d.day = dayText(x)
	case int32:
		*d.day = dayText(int64(x))
	default:
		return fmt.Errorf("day: stored as %T, want an integer", v)
	}
	return nil
}
