package deposit

import (
	"crypto/sha256"
	"encoding/csv"
	"encoding/hex"
	"errors"
	"fmt"
	"io"
	"strconv"
	"strings"
	"time"
)

// Line is one line of a bank statement: a transfer in (Credit) or out.
type Line struct {
	N           int    // line number in the file, from 1
	Date        string // Jakarta day, "2006-01-02"
	Description string
	Amount      int64
	Credit      bool
	Hash        string // identifies the line across imports (see ParseStatement)
	Err         error  // why the line could not be read; such lines match nothing
}

// ParseStatement reads a bank statement export as CSV: date, description, amount (further
// columns are ignored; a header line is skipped). Dates may be 2006-01-02, 02/01/2006,
// 02-01-2006 or 02/01 (this year, by now). Amounts may carry "Rp", thousands separators ("." or
// ","), a zero decimal part, and a "CR"/"DB" mark or a minus sign; debits are kept with Credit
// false. Semicolon-separated files are accepted too.
//
// Each line's Hash is a digest of its date, description, amount and how many identical lines came
// before it in the file, so that the same statement imported twice yields the same hashes while
// two identical transfers on one day stay distinct.
func ParseStatement(r io.Reader, now time.Time) ([]Line, error) {
	data, err := io.ReadAll(io.LimitReader(r, 64<<20))
	if err != nil {
		return nil, fmt.Errorf("read statement: %w", err)
	}
	text := strings.TrimPrefix(string(data), "\ufeff")
	cr := csv.NewReader(strings.NewReader(text))
	cr.FieldsPerRecord = -1
	cr.TrimLeadingSpace = true
	if first, _, _ := strings.Cut(text, "\n"); strings.Count(first, ";") > strings.Count(first, ",") {
		cr.Comma = ';'
	}
	var out []Line
	seen := map[string]int{}
	for n := 1; ; n++ {
		rec, err := cr.Read()
		if errors.Is(err, io.EOF) {
			break
		}
		if err != nil {
			return nil, fmt.Errorf("statement line %d: %w", n, err)
		}
		if len(rec) == 0 || (len(rec) == 1 && strings.TrimSpace(rec[0]) == "") {
			continue
		}
		l := Line{N: n}
		if len(rec) < 3 {
			l.Err = errors.New("want date, description, amount")
			out = append(out, l)
			continue
		}
		l.Description = strings.TrimSpace(rec[1])
		day, derr := parseDay(rec[0], now)
		amount, credit, aerr := ParseAmount(rec[2])
		if n == 1 && (derr != nil || aerr != nil) {
			continue // a header
		}
		l.Date, l.Amount, l.Credit = day, amount, credit
		switch {
		case derr != nil:
			l.Err = derr
		case aerr != nil:
			l.Err = aerr
		}
		key := l.Date + "\x00" + l.Description + "\x00" + strconv.FormatInt(l.Amount, 10) + "\x00" + strconv.FormatBool(l.Credit)
		seen[key]++
		sum := sha256.Sum256([]byte(key + "\x00" + strconv.Itoa(seen[key])))
		l.Hash = hex.EncodeToString(sum[:16])
		out = append(out, l)
	}
	return out, nil
}

func parseDay(s string, now time.Time) (string, error) {
	s = strings.TrimSpace(s)
	if i := strings.IndexAny(s, " T"); i > 0 {
		s = s[:i] // a time of day follows
	}
	for _, layout := range []string{"2006-01-02", "02/01/2006", "2/1/2006", "02-01-2006", "2006/01/02", "02.01.2006"} {
		if t, err := time.Parse(layout, s); err == nil {
			return t.Format("2006-01-02"), nil
		}
	}
	if t, err := time.Parse("02/01", s); err == nil {
		year := now.Year()
		d := time.Date(year, t.Month(), t.Day(), 0, 0, 0, 0, time.UTC)
		if d.After(now.AddDate(0, 0, 1)) {
			d = d.AddDate(-1, 0, 0) // a December line read in January
		}
		return d.Format("2006-01-02"), nil
	}
	return "", fmt.Errorf("date %q: want 2006-01-02 or 02/01/2006", s)
}

// ParseAmount reads a statement amount: "10000123", "10.000.123", "10,000,123.00", "Rp 10.000.123,00",
// "10,000,123.00 CR", "-50.000" or "50.000 DB". Credit is false for a debit.
func ParseAmount(s string) (amount int64, credit bool, err error) {
	orig := s
	s = strings.ToUpper(strings.TrimSpace(s))
	credit = true
	switch {
	case strings.HasSuffix(s, "DB"), strings.HasSuffix(s, "DR"), strings.HasSuffix(s, "D"):
		credit = false
		s = strings.TrimRight(s, "DBR ")
	case strings.HasSuffix(s, "CR"), strings.HasSuffix(s, "K"):
		s = strings.TrimRight(s, "CRK ")
	}
	s = strings.TrimSpace(strings.TrimPrefix(strings.TrimSpace(strings.TrimPrefix(s, "IDR")), "RP"))
	s = strings.TrimSpace(strings.TrimPrefix(s, "."))
	if strings.HasPrefix(s, "-") {
		credit = false
		s = strings.TrimSpace(s[1:])
	} else if strings.HasPrefix(s, "+") {
		s = strings.TrimSpace(s[1:])
	}
	s = strings.ReplaceAll(s, " ", "")
	// A separator followed by one or two digits at the end is the decimal mark; all others group
	// thousands.
	if i := strings.LastIndexAny(s, ".,"); i >= 0 && (len(s)-i-1 == 1 || len(s)-i-1 == 2) {
		frac := s[i+1:]
		if strings.Trim(frac, "0") != "" {
			return 0, false, fmt.Errorf("amount %q: not a whole number of rupiah", orig)
		}
		s = s[:i]
	}
	s = strings.NewReplacer(".", "", ",", "").Replace(s)
	if s == "" {
		return 0, false, fmt.Errorf("amount %q: not a number", orig)
	}
	n, perr := strconv.ParseInt(s, 10, 64)
	if perr != nil || n < 0 {
		return 0, false, fmt.Errorf("amount %q: not a number", orig)
	}
	return n, credit, nil
}
