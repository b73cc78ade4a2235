package store

import (
	"encoding/binary"
	"fmt"
	"strings"
	"time"

	"github.com/kios-h2h/kios/internal/order"
)

// An order's invoice of order.NewInvoice's form, "KIOS-261207-PFYM2EJ7PZ8Q", is stored on SQLite
// (Dialect.CompactInvoices) as 10 bytes instead of its 24 characters: two for the day (days
// since 2000-01-01) and eight for the twelve base-32 characters (60 bits), both big-endian.
// It is in the row and in the invoice's unique index, so each order saves 28 bytes (issue 22,
// fewer bytes per order). The bytes sort as the texts do (digits of a day, then Crockford's
// alphabet, which is in ASCII order), so new invoices still go at the right-hand end of the
// index. Any other text (a test's own invoice) is stored as it is, and so are the invoices
// written before this encoding: lookups name both forms, so no row is rewritten and no
// migration is needed. PostgreSQL keeps the text: its bytes
// per order are not the target, and its column is of type text.

const (
	invoicePrefix = "KIOS-"
	invoiceLen    = len(invoicePrefix) + 6 + 1 + 12 // "KIOS-" YYMMDD "-" 12 base-32 characters
	packedLen     = 2 + 8
)

// invoiceEpoch is day 0 of a packed invoice: YY is 20YY.
var invoiceEpoch = time.Date(2000, 1, 1, 0, 0, 0, 0, time.UTC)

// crockfordIdx maps a Crockford base-32 character to its value; -1 for any other byte.
var crockfordIdx = func() (t [256]int8) {
	for i := range t {
		t[i] = -1
	}
	for i, c := range order.InvoiceAlphabet {
		t[c] = int8(i)
	}
	return t
}()

// packInvoice returns inv's 10 bytes, or false when inv is not of NewInvoice's form (or would
// not read back as the same text).
func packInvoice(inv string) ([]byte, bool) {
	if len(inv) != invoiceLen || !strings.HasPrefix(inv, invoicePrefix) || inv[len(invoicePrefix)+6] != '-' {
		return nil, false
	}
	d := inv[len(invoicePrefix) : len(invoicePrefix)+6]
	var n [3]int
	for i := range n {
		hi, lo := d[2*i]-'0', d[2*i+1]-'0'
		if hi > 9 || lo > 9 {
			return nil, false
		}
		n[i] = int(hi)*10 + int(lo)
	}
	day := time.Date(2000+n[0], time.Month(n[1]), n[2], 0, 0, 0, 0, time.UTC)
	if day.Year() != 2000+n[0] || int(day.Month()) != n[1] || day.Day() != n[2] {
		return nil, false // no such day (month 13, 31 February): time.Date would have moved it
	}
	var bits uint64
	for i := len(invoicePrefix) + 7; i < len(inv); i++ {
		v := crockfordIdx[inv[i]]
		if v < 0 {
			return nil, false
		}
		bits = bits<<5 | uint64(v)
	}
	out := make([]byte, packedLen)
	binary.BigEndian.PutUint16(out, uint16(day.Sub(invoiceEpoch)/(24*time.Hour)))
	binary.BigEndian.PutUint64(out[2:], bits)
	return out, true
}

// unpackInvoice is packInvoice's inverse.
func unpackInvoice(b []byte) (string, error) {
	if len(b) != packedLen {
		return "", fmt.Errorf("invoice stored as %d bytes, want %d", len(b), packedLen)
	}
	bits := binary.BigEndian.Uint64(b[2:])
	if bits>>60 != 0 {
		return "", fmt.Errorf("invoice stored as %x: more than 60 bits after its day", b)
	}
	out := make([]byte, 0, invoiceLen)
	out = append(out, invoicePrefix...)
	day := invoiceEpoch.AddDate(0, 0, int(binary.BigEndian.Uint16(b)))
	if day.Year() > 2099 {
		return "", fmt.Errorf("invoice stored as %x: a day past 2099, which packInvoice never makes", b)
	}
	out = day.AppendFormat(out, "060102")
	out = append(out, '-')
	for shift := 55; shift >= 0; shift -= 5 {
		out = append(out, order.InvoiceAlphabet[(bits>>uint(shift))&31])
	}
	return string(out), nil
}

// invoiceKey is the value an invoice is stored as and looked up by (see packInvoice).
func (q Q) invoiceKey(inv string) any {
	if q.d.CompactInvoices {
		if b, ok := packInvoice(inv); ok {
			return b
		}
	}
	return inv
}

// invoiceIs is the condition "column col holds invoice inv" and its arguments: both of its
// stored forms where it has two (an order from before compact invoices keeps its text).
func (q Q) invoiceIs(col, inv string) (string, []any) {
	if packed, ok := q.invoiceKey(inv).([]byte); ok {
		return col + ` IN (?, ?)`, []any{packed, inv}
	}
	return col + ` = ?`, []any{inv}
}

// invoiceScan scans a stored invoice, in either form, into its text. A NULL (an outer join's
// missing order) scans as "" and, when valid is set, clears it.
type invoiceScan struct {
	inv   *string
	valid *bool
}

func (s invoiceScan) Scan(v any) error {
	if s.valid != nil {
		*s.valid = v != nil
	}
	switch x := v.(type) {
	case nil:
		if s.valid == nil {
			return fmt.Errorf("invoice: NULL")
		}
		*s.inv = ""
	case string:
		*s.inv = x
	case []byte:
		inv, err := unpackInvoice(x)
		if err != nil {
			return err
		}
		*s.inv = inv
	default:
		return fmt.Errorf("invoice: stored as %T", v)
	}
	return nil
}

// attemptRefScan makes an attempt's reference (INVOICE-N, not stored: issue 22) from its
// order's stored invoice and its number, which a query reads as two columns (attemptRef):
// Scan the first with Invoice() and the second with Number(). Either NULL (an outer join's
// missing attempt) leaves the reference "".
type attemptRefScan struct {
	ref *string
	inv string
	ok  bool
}

func newAttemptRef(ref *string) *attemptRefScan { return &attemptRefScan{ref: ref} }

func (r *attemptRefScan) Invoice() invoiceScan { return invoiceScan{inv: &r.inv, valid: &r.ok} }

func (r *attemptRefScan) Number() attemptNumberScan { return attemptNumberScan{r} }

type attemptNumberScan struct{ r *attemptRefScan }

func (s attemptNumberScan) Scan(v any) error {
	if v == nil || !s.r.ok {
		*s.r.ref = ""
		return nil
	}
	n, ok := v.(int64)
	if !ok {
		return fmt.Errorf("attempt number: stored as %T", v)
	}
	*s.r.ref = fmt.Sprintf("%s-%d", s.r.inv, n)
	return nil
}
