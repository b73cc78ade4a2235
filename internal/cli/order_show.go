package cli

import (
	"context"
	"fmt"
	"time"

	"github.com/kios-h2h/kios/internal/catalog"
	"github.com/kios-h2h/kios/internal/core"
	"github.com/kios-h2h/kios/internal/ledger"
	"github.com/kios-h2h/kios/internal/order"
)

func runOrderShow(ctx context.Context, e *Env, args []string) error {
	fs := e.flags("order show")
	asJSON := jsonFlag(fs)
	pos, svc, err := e.start(ctx, fs, args, "INVOICE")
	if err != nil {
		return err
	}
	rec, err := readOrderRecord(ctx, svc, pos[0])
	if err != nil {
		return err
	}
	if *asJSON {
		return e.writeJSON(rec.json())
	}
	return e.writeOrderRecord(rec)
}

// orderRecord is everything `order show` prints about one order. It is read whole before
// anything is printed, so a failed read prints no half of an order.
type orderRecord struct {
	o        *order.Order
	who      string // the reseller's username, or its id when the reseller cannot be read
	attempts []order.Attempt
	log      []order.AttemptLogEntry
	postings []ledger.Posting
}

func readOrderRecord(ctx context.Context, svc *core.Service, invoice string) (*orderRecord, error) {
	o, err := svc.Order(ctx, 0, invoice)
	if err != nil {
		return nil, fmt.Errorf("%s: %w", invoice, err)
	}
	rec := &orderRecord{o: o, who: fmt.Sprint(o.ResellerID)}
	if r, err := svc.ResellerByID(ctx, o.ResellerID); err == nil {
		rec.who = r.Username
	}
	if rec.attempts, err = svc.Attempts(ctx, o.ID); err != nil {
		return nil, err
	}
	if rec.log, err = svc.AttemptLog(ctx, o.ID); err != nil {
		return nil, err
	}
	if rec.postings, err = svc.PostingsByTxnPrefix(ctx, "order:"+o.Invoice+":"); err != nil {
		return nil, err
	}
	return rec, nil
}

type orderShowAttempt struct {
	Supplier    string `json:"supplier"`
	SKU         string `json:"sku"`
	Reference   string `json:"reference"`
	UpstreamRef string `json:"upstream_ref"`
	State       string `json:"state"`
	Polls       int    `json:"polls"`
	Cost        int64  `json:"cost"`
	SN          string `json:"sn"`
	Message     string `json:"message"`
	CreatedAt   string `json:"created_at"`
	UpdatedAt   string `json:"updated_at"`
}

type orderShowAnswer struct {
	Reference string `json:"reference"`
	State     string `json:"state"`
	Message   string `json:"message"`
	At        string `json:"at"`
}

type orderShowPosting struct {
	Txn    string `json:"txn"`
	From   string `json:"from"`
	To     string `json:"to"`
	Amount int64  `json:"amount"`
	Memo   string `json:"memo"`
	At     string `json:"at"`
}

// orderShowJSON is `order show --json`'s one object; its field order is its wire format.
type orderShowJSON struct {
	Invoice     string             `json:"invoice"`
	Status      string             `json:"status"`
	Reseller    string             `json:"reseller"`
	Reference   string             `json:"reference"`
	Variant     string             `json:"variant"`
	Product     string             `json:"product"`
	Destination string             `json:"destination"`
	Price       int64              `json:"price"`
	Cost        int64              `json:"cost"`
	SN          string             `json:"sn"`
	Message     string             `json:"message"`
	Dialect     string             `json:"dialect"`
	Testing     bool               `json:"testing"`
	CreatedAt   string             `json:"created_at"`
	UpdatedAt   string             `json:"updated_at"`
	Attempts    []orderShowAttempt `json:"attempts"`
	Answers     []orderShowAnswer  `json:"answers"`
	Postings    []orderShowPosting `json:"postings"`
}

// json shapes the record for --json; empty lists are [] rather than null, so scripts can
// range over them without a check.
func (rec *orderRecord) json() orderShowJSON {
	o := rec.o
	out := orderShowJSON{o.Invoice, string(o.Status), rec.who, o.Reference, o.VariantCode, o.ProductName, o.Destination, o.Price, o.Cost, o.SN, o.Message,
		o.Dialect, o.Testing, jsonTime(o.CreatedAt), jsonTime(o.UpdatedAt), []orderShowAttempt{}, []orderShowAnswer{}, []orderShowPosting{}}
	for _, a := range rec.attempts {
		out.Attempts = append(out.Attempts, orderShowAttempt{a.Supplier, a.SKU, a.Reference, a.UpstreamRef, a.State, a.Polls, a.Cost, a.SN, a.Message,
			jsonTime(a.CreatedAt), jsonTime(a.UpdatedAt)})
	}
	for _, l := range rec.log {
		out.Answers = append(out.Answers, orderShowAnswer{l.Reference, l.State, l.Message, jsonTime(l.At)})
	}
	for _, p := range rec.postings {
		out.Postings = append(out.Postings, orderShowPosting{p.Txn, p.SourceCode, p.DestCode, p.Amount, p.Memo, jsonTime(time.UnixMicro(p.CreatedAt))})
	}
	return out
}

// orderShowTime is a time as `order show` prints it: to the millisecond, because attempts and
// answers of one order often fall within the same second.
func orderShowTime(t time.Time) string {
	return t.In(catalog.Jakarta).Format("2006-01-02 15:04:05.000 WIB")
}

// writeOrderRecord prints the order's fields, then its attempts, upstream answers and postings.
func (e *Env) writeOrderRecord(rec *orderRecord) error {
	if err := e.writeOrderFields(rec); err != nil {
		return err
	}
	if err := e.writeOrderAttempts(rec.attempts); err != nil {
		return err
	}
	if err := e.writeOrderAnswers(rec.log); err != nil {
		return err
	}
	return e.writeOrderPostings(rec.postings)
}

func (e *Env) writeOrderFields(rec *orderRecord) error {
	o := rec.o
	tw := e.table()
	for _, kv := range [][2]string{
		{"Invoice", o.Invoice},
		{"Status", string(o.Status)},
		{"Reseller", rec.who},
		{"Reference", o.Reference},
		{"Variant", o.VariantCode + " (" + o.ProductName + ")"},
		{"Destination", o.Destination},
		{"Price", fmt.Sprint(o.Price)},
		{"Cost", fmt.Sprint(o.Cost)},
		{"SN", o.SN},
		{"Message", o.Message},
		{"Dialect", o.Dialect},
		{"Testing", fmt.Sprint(o.Testing)},
		{"Created", orderShowTime(o.CreatedAt)},
		{"Updated", orderShowTime(o.UpdatedAt)},
	} {
		fmt.Fprintf(tw, "%s:\t%s\n", kv[0], kv[1])
	}
	return tw.Flush()
}

// writeOrderAttempts always prints its heading: "Attempts (0)" tells the operator the order
// never reached a supplier.
func (e *Env) writeOrderAttempts(attempts []order.Attempt) error {
	fmt.Fprintf(e.Stdout, "\nAttempts (%d):\n", len(attempts))
	if len(attempts) == 0 {
		return nil
	}
	tw := e.table()
	fmt.Fprintln(tw, "  SENT\tSUPPLIER\tSKU\tREFERENCE\tUPSTREAM\tSTATE\tPOLLS\tCOST\tSN\tMESSAGE")
	for _, a := range attempts {
		fmt.Fprintf(tw, "  %s\t%s\t%s\t%s\t%s\t%s\t%d\t%d\t%s\t%s\n", orderShowTime(a.CreatedAt), a.Supplier, a.SKU, a.Reference, a.UpstreamRef, a.State, a.Polls, a.Cost, a.SN, a.Message)
	}
	return tw.Flush()
}

// writeOrderAnswers prints nothing for an order with no logged upstream answer.
func (e *Env) writeOrderAnswers(log []order.AttemptLogEntry) error {
	if len(log) == 0 {
		return nil
	}
	fmt.Fprintf(e.Stdout, "\nUpstream answers (%d):\n", len(log))
	tw := e.table()
	fmt.Fprintln(tw, "  AT\tREFERENCE\tSTATE\tMESSAGE")
	for _, l := range log {
		fmt.Fprintf(tw, "  %s\t%s\t%s\t%s\n", orderShowTime(l.At), l.Reference, l.State, l.Message)
	}
	return tw.Flush()
}

func (e *Env) writeOrderPostings(postings []ledger.Posting) error {
	fmt.Fprintf(e.Stdout, "\nPostings (%d):\n", len(postings))
	if len(postings) == 0 {
		return nil
	}
	tw := e.table()
	fmt.Fprintln(tw, "  AT\tTXN\tFROM\tTO\tAMOUNT\tMEMO")
	for _, p := range postings {
		fmt.Fprintf(tw, "  %s\t%s\t%s\t%s\t%d\t%s\n", orderShowTime(time.UnixMicro(p.CreatedAt)), p.Txn, p.SourceCode, p.DestCode, p.Amount, p.Memo)
	}
	return tw.Flush()
}
