package supplier

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"strconv"
	"strings"
)

// BillRequest asks a biller for a customer's unpaid bill (a postpaid inquiry).
type BillRequest struct {
	Reference  string // the inquiry's reference upstream, unique across Kios; its payment's BillRef
	SKU        string // the supplier's product code
	Product    string // the product's code in Kios's catalog ("PLN", "PDAM", "BPJS"): which desc shape to give
	CustomerNo string
	// AdminPerSheet is Kios's admin fee per bill sheet, for billers whose desc shows it per month.
	AdminPerSheet int64
}

// Bill is a customer's unpaid bill as a biller reports it.
type Bill struct {
	CustomerNo   string
	CustomerName string
	Sheets       int   // months billed (lembar tagihan)
	Amount       int64 // sum of the months' amounts, without penalties or admin
	Penalty      int64 // sum of late-payment penalties
	// Desc is the bill's detail in the Digiflazz desc shape of its biller (PLN, PDAM, BPJS), as
	// shown at inquiry. PaidDesc is the same once paid (PLN adds meter readings); empty means Desc.
	Desc     json.RawMessage
	PaidDesc json.RawMessage
}

// Biller is a supplier that can look bills up. Paying one is a Purchase of the bill's SKU to the
// customer number, like any order.
type Biller interface {
	Inquire(ctx context.Context, req BillRequest) (Bill, error)
}

// PLNCustomer is a PLN prepaid customer, checked before a token is sold.
type PLNCustomer struct {
	CustomerNo   string
	MeterNo      string
	SubscriberID string
	Name         string
	SegmentPower string // e.g. "R1 /000001300"
}

// PLNChecker is a supplier that can look PLN prepaid customers up.
type PLNChecker interface {
	PLNCustomer(ctx context.Context, customerNo string) (PLNCustomer, error)
}

// Errors of bill and customer lookups: definite answers, unlike a lookup that timed out.
var (
	ErrNoBill          = errors.New("no unpaid bill for this customer")
	ErrUnknownCustomer = errors.New("unknown customer number")
)

// BillFromAnswer reads a bill out of a Digiflazz-family inquiry answer (inq-pasca): its customer
// name, the desc as given (shown to resellers as is), the months billed (desc.lembar_tagihan, else
// the number of desc.detail entries, else one), and the amount and penalty as the sums of the
// months' nilai_tagihan and denda; an answer without months' amounts (BPJS) gives its selling
// price less its admin as the amount. The upstream's admin and price are not Kios's: Kios quotes
// its own.
func BillFromAnswer(customerNo, customerName string, desc json.RawMessage, sellingPrice, admin int64) (Bill, error) {
	b := Bill{CustomerNo: customerNo, CustomerName: customerName, Desc: desc}
	var d struct {
		LembarTagihan int `json:"lembar_tagihan"`
		Detail        []struct {
			NilaiTagihan json.RawMessage `json:"nilai_tagihan"`
			Denda        json.RawMessage `json:"denda"`
		} `json:"detail"`
	}
	if len(desc) > 0 {
		if err := json.Unmarshal(desc, &d); err != nil {
			return Bill{}, fmt.Errorf("bill desc: %w", err)
		}
	}
	b.Sheets = d.LembarTagihan
	if b.Sheets <= 0 {
		b.Sheets = max(len(d.Detail), 1)
	}
	amounts := false
	for i, m := range d.Detail {
		if len(m.NilaiTagihan) > 0 {
			v, err := rupiahField(m.NilaiTagihan)
			if err != nil {
				return Bill{}, fmt.Errorf("bill desc detail %d nilai_tagihan: %w", i, err)
			}
			b.Amount += v
			amounts = true
		}
		if len(m.Denda) > 0 {
			v, err := rupiahField(m.Denda)
			if err != nil {
				return Bill{}, fmt.Errorf("bill desc detail %d denda: %w", i, err)
			}
			b.Penalty += v
		}
	}
	if !amounts {
		b.Amount = sellingPrice - admin
	}
	return b, nil
}

// rupiahField reads an amount sent as a JSON number or a string of digits ("125000").
func rupiahField(raw json.RawMessage) (int64, error) {
	var s string
	if err := json.Unmarshal(raw, &s); err != nil {
		var n int64
		if err := json.Unmarshal(raw, &n); err != nil {
			return 0, fmt.Errorf("not an amount: %s", raw)
		}
		return n, nil
	}
	s = strings.TrimSpace(s)
	if s == "" {
		return 0, nil
	}
	n, err := strconv.ParseInt(s, 10, 64)
	if err != nil {
		return 0, fmt.Errorf("not an amount: %q", s)
	}
	return n, nil
}
