package otomax

import (
	"encoding/json"
	"fmt"
	"regexp"
	"strconv"
	"strings"
)

// Status is what a reply says of a transaction.
type Status int

const (
	// StatusUnknown: the reply names no outcome the patterns can read, or names two. Ask again.
	StatusUnknown Status = iota
	// StatusPending: accepted, no outcome yet.
	StatusPending
	// StatusSuccess: delivered.
	StatusSuccess
	// StatusFailed: refused or failed, nothing charged (or the charge given back).
	StatusFailed
)

func (s Status) String() string {
	switch s {
	case StatusPending:
		return "pending"
	case StatusSuccess:
		return "success"
	case StatusFailed:
		return "failed"
	}
	return "unknown"
}

// Reply is what Parse read from one reply text.
type Reply struct {
	Status  Status
	RefID   string // the reference the reply echoes ("R#…"), if any
	SN      string
	Price   int64 // 0: not stated
	Balance int64 // -1: not stated
	// Customer marks a failure the order itself caused (a wrong or blocked number, the multi
	// rule), as the customer patterns read it: not the center's fault.
	Customer bool
	Text     string
}

// Patterns read the free-text replies of one center. Each status pattern only has to match; SN,
// price, balance and reference patterns are tried in order and the first one's first group is
// taken. An Otomax operator configures exactly these per supplier.
type Patterns struct {
	Success []*regexp.Regexp
	Failed  []*regexp.Regexp
	Pending []*regexp.Regexp
	SN      []*regexp.Regexp
	Price   []*regexp.Regexp
	Balance []*regexp.Regexp
	RefID   []*regexp.Regexp
	// Customer patterns tell, of a failure, that the order caused it.
	Customer []*regexp.Regexp
}

// DefaultPatternTexts are the patterns that read the common reply shapes of Otomax and IRS
// centers (README.md cites them), as text an operator can see, copy and adjust. Each call returns
// fresh slices.
func DefaultPatternTexts() PatternTexts {
	return PatternTexts{
		Success: []string{`(?i)\b(?:SUKSES|SUCCESS|BERHASIL|SUCCEED)\b`},
		Failed:  []string{`(?i)\b(?:GAGAL|FAILED|DIBATALKAN|BATAL)\b`},
		Pending: []string{`(?i)\b(?:segera diproses|sedang diproses|akan diproses|INPROGRESS|IN PROGRESS|PENDING|PROSES|MENUNGGU)\b`},
		// An SN runs to the first ". " (a dot inside it, as in a PLN token's "33.7", stays) or to
		// a following label such as WAKTU or TRXID.
		SN: []string{`(?i)\bSN(?:/Ref)?\s*[:=]\s*(.+?)\s*(?:\.\s|\.?$|\s(?:WAKTU|TRXID|SISA|SALDO|HRG|HARGA)\b)`},
		// "HRG:8000", "Harga:5500", or the deduction of "SISA SALDO: a - b = c".
		Price: []string{`(?i)\b(?:HRG|HARGA|PRICE)\s*[:=]?\s*(?:Rp\.?\s*)?(\d(?:[\d.,]*\d)?)`,
			`(?i)\bSALDO\s*[:=]?\s*(?:Rp\.?\s*)?[\d.,]+\s*-\s*(?:Rp\.?\s*)?(\d(?:[\d.,]*\d)?)\s*=`},
		Balance: []string{`(?i)\bSALDO\s*[:=]?\s*(?:Rp\.?\s*)?[\d.,]+\s*-\s*(?:Rp\.?\s*)?[\d.,]+\s*=\s*(?:Rp\.?\s*)?(\d(?:[\d.,]*\d)?)`,
			`(?i)\b(?:SISA SALDO|SALDO)(?:\s+ANDA)?\s*[:=]?\s*(?:Rp\.?\s*)?(\d(?:[\d.,]*\d)?)`,
			// A balance request's answer naming the member: "Saldo M01: 1.000.000" (Kios's, its
			// text channel's SAL answer). Last, so an order's own "Saldo: …" wins.
			`(?i)\bSALDO\s+[A-Za-z0-9_.-]+\s*:\s*(?:Rp\.?\s*)?(\d(?:[\d.,]*\d)?)`},
		RefID: []string{`(?i)(?:^|\s)R#([A-Za-z0-9_.-]+?)(?:\s|$)`, `(?i)[&?]refid=([A-Za-z0-9_.-]+)`},
		// Failures the number or the order caused, in the words centers (and Kios) use.
		Customer: []string{`(?i)\b(?:nomor|no\.?|tujuan|id pelanggan)(?:\s+tujuan)?\s+(?:salah|tidak (?:valid|aktif|terdaftar|dikenal|ditemukan)|diblokir|beda operator)\b`,
			`(?i)\b(?:sudah ada transaksi|transaksi ganda|double transaksi|wrong number|invalid number)\b`},
	}
}

// DefaultPatterns reads the common reply shapes of Otomax and IRS centers.
func DefaultPatterns() Patterns {
	p, err := CompilePatterns(DefaultPatternTexts())
	if err != nil {
		panic(err) // the defaults are constants; a test compiles them
	}
	return p
}

// PatternTexts are Patterns as an operator writes them. An empty list takes the default.
type PatternTexts struct {
	Success []string `json:"success,omitempty"`
	Failed  []string `json:"failed,omitempty"`
	Pending []string `json:"pending,omitempty"`
	SN      []string `json:"sn,omitempty"`
	Price   []string `json:"price,omitempty"`
	Balance []string `json:"balance,omitempty"`
	RefID   []string `json:"ref_id,omitempty"`
	// Customer: of a failure, the order caused it (not counted against the center's health).
	Customer []string `json:"customer,omitempty"`
}

// ParsePatternTexts reads patterns as JSON (the form Kios stores them in). Unknown keys are
// refused: a misspelt "succes" would otherwise silently keep the default.
func ParsePatternTexts(raw string) (PatternTexts, error) {
	var t PatternTexts
	dec := json.NewDecoder(strings.NewReader(raw))
	dec.DisallowUnknownFields()
	if err := dec.Decode(&t); err != nil {
		return PatternTexts{}, fmt.Errorf("otomax patterns: %w", err)
	}
	return t, nil
}

// JSON is the patterns as ParsePatternTexts reads them.
func (t PatternTexts) JSON() string {
	b, _ := json.Marshal(t) // string slices always marshal
	return string(b)
}

// WithDefaults is t with each empty list given its default: the patterns in effect.
func (t PatternTexts) WithDefaults() PatternTexts {
	d := DefaultPatternTexts()
	for _, f := range []struct{ dst, def *[]string }{{&t.Success, &d.Success}, {&t.Failed, &d.Failed}, {&t.Pending, &d.Pending},
		{&t.SN, &d.SN}, {&t.Price, &d.Price}, {&t.Balance, &d.Balance}, {&t.RefID, &d.RefID}, {&t.Customer, &d.Customer}} {
		if len(*f.dst) == 0 {
			*f.dst = *f.def
		}
	}
	return t
}

// Empty reports whether no pattern is given (every list takes the default).
func (t PatternTexts) Empty() bool {
	return len(t.Success)+len(t.Failed)+len(t.Pending)+len(t.SN)+len(t.Price)+len(t.Balance)+len(t.RefID)+len(t.Customer) == 0
}

// CompilePatterns compiles an operator's patterns, taking the default for each empty list. A
// pattern for SN, price, balance or reference must have a group: its first group is the value.
func CompilePatterns(t PatternTexts) (Patterns, error) {
	var p Patterns
	d := DefaultPatternTexts()
	for _, f := range []struct {
		name  string
		texts []string
		def   []string
		dst   *[]*regexp.Regexp
		group bool
	}{
		{"success", t.Success, d.Success, &p.Success, false},
		{"failed", t.Failed, d.Failed, &p.Failed, false},
		{"pending", t.Pending, d.Pending, &p.Pending, false},
		{"sn", t.SN, d.SN, &p.SN, true},
		{"price", t.Price, d.Price, &p.Price, true},
		{"balance", t.Balance, d.Balance, &p.Balance, true},
		{"ref_id", t.RefID, d.RefID, &p.RefID, true},
		{"customer", t.Customer, d.Customer, &p.Customer, false},
	} {
		texts := f.texts
		if len(texts) == 0 {
			texts = f.def
		}
		for _, s := range texts {
			re, err := regexp.Compile(s)
			if err != nil {
				return Patterns{}, fmt.Errorf("otomax %s pattern %q: %w", f.name, s, err)
			}
			if f.group && re.NumSubexp() < 1 {
				return Patterns{}, fmt.Errorf("otomax %s pattern %q: needs a group ( … ) around the value", f.name, s)
			}
			*f.dst = append(*f.dst, re)
		}
	}
	return p, nil
}

// Parse reads a reply. The status is the one outcome whose patterns match; none, or more than
// one (a "GAGAL" next to a "SUKSES"), is StatusUnknown, because a guess either way could refund
// a delivered product or deliver twice. A success is never demoted for lacking an SN: whether
// that is acceptable is the caller's rule.
func (p Patterns) Parse(text string) Reply {
	text = strings.TrimSpace(text)
	r := Reply{Text: text, Balance: -1}
	var found []Status
	for _, c := range []struct {
		st  Status
		res []*regexp.Regexp
	}{{StatusSuccess, p.Success}, {StatusFailed, p.Failed}, {StatusPending, p.Pending}} {
		if anyMatch(c.res, text) {
			found = append(found, c.st)
		}
	}
	if len(found) == 1 {
		r.Status = found[0]
	}
	r.Customer = r.Status == StatusFailed && anyMatch(p.Customer, text)
	r.SN = first(p.SN, text)
	r.RefID = first(p.RefID, text)
	if v, ok := amount(first(p.Price, text)); ok {
		r.Price = v
	}
	if v, ok := amount(first(p.Balance, text)); ok {
		r.Balance = v
	}
	return r
}

func anyMatch(res []*regexp.Regexp, s string) bool {
	for _, re := range res {
		if re.MatchString(s) {
			return true
		}
	}
	return false
}

func first(res []*regexp.Regexp, s string) string {
	for _, re := range res {
		if m := re.FindStringSubmatch(s); len(m) > 1 && strings.TrimSpace(m[1]) != "" {
			return strings.TrimSpace(m[1])
		}
	}
	return ""
}

// amount reads a rupiah amount written the Indonesian way: "97.411.793", "8000", "9.000,00".
func amount(s string) (int64, bool) {
	if s == "" {
		return 0, false
	}
	if i := strings.LastIndexByte(s, ','); i >= 0 && len(s)-i <= 3 {
		s = s[:i] // decimals of a rupiah amount
	}
	s = strings.NewReplacer(".", "", ",", "").Replace(s)
	v, err := strconv.ParseInt(s, 10, 64)
	if err != nil || v < 0 {
		return 0, false
	}
	return v, true
}
