package cli

import (
	"context"
	"fmt"
	"time"

	"github.com/kios-h2h/kios/internal/catalog"
)

func runOrderShow(ctx context.Context, e *Env, args []string) error {
	fs := e.flags("order show")
	asJSON := jsonFlag(fs)
	pos, svc, err := e.start(ctx, fs, args, "INVOICE")
	if err != nil {
		return err
	}
	o, err := svc.Order(ctx, 0, pos[0])
	if err != nil {
		return fmt.Errorf("%s: %w", pos[0], err)
	}
	who := fmt.Sprint(o.ResellerID)
	if r, err := svc.ResellerByID(ctx, o.ResellerID); err == nil {
		who = r.Username
	}
	ts := func(t time.Time) string { return t.In(catalog.Jakarta).Format("2006-01-02 15:04:05.000 WIB") }
	attempts, err := svc.Attempts(ctx, o.ID)
	if err != nil {
		return err
	}
	log, err := svc.AttemptLog(ctx, o.ID)
	if err != nil {
		return err
	}
	postings, err := svc.PostingsByTxnPrefix(ctx, "order:"+o.Invoice+":")
	if err != nil {
		return err
	}
	if *asJSON {
		type attempt struct {
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
		type answer struct {
			Reference string `json:"reference"`
			State     string `json:"state"`
			Message   string `json:"message"`
			At        string `json:"at"`
		}
		type posting struct {
			Txn    string `json:"txn"`
			From   string `json:"from"`
			To     string `json:"to"`
			Amount int64  `json:"amount"`
			Memo   string `json:"memo"`
			At     string `json:"at"`
		}
		out := struct {
			Invoice     string    `json:"invoice"`
			Status      string    `json:"status"`
			Reseller    string    `json:"reseller"`
			Reference   string    `json:"reference"`
			Variant     string    `json:"variant"`
			Product     string    `json:"product"`
			Destination string    `json:"destination"`
			Price       int64     `json:"price"`
			Cost        int64     `json:"cost"`
			SN          string    `json:"sn"`
			Message     string    `json:"message"`
			Dialect     string    `json:"dialect"`
			Testing     bool      `json:"testing"`
			CreatedAt   string    `json:"created_at"`
			UpdatedAt   string    `json:"updated_at"`
			Attempts    []attempt `json:"attempts"`
			Answers     []answer  `json:"answers"`
			Postings    []posting `json:"postings"`
		}{o.Invoice, string(o.Status), who, o.Reference, o.VariantCode, o.ProductName, o.Destination, o.Price, o.Cost, o.SN, o.Message,
			o.Dialect, o.Testing, jsonTime(o.CreatedAt), jsonTime(o.UpdatedAt), []attempt{}, []answer{}, []posting{}}
		for _, a := range attempts {
			out.Attempts = append(out.Attempts, attempt{a.Supplier, a.SKU, a.Reference, a.UpstreamRef, a.State, a.Polls, a.Cost, a.SN, a.Message,
				jsonTime(a.CreatedAt), jsonTime(a.UpdatedAt)})
		}
		for _, l := range log {
			out.Answers = append(out.Answers, answer{l.Reference, l.State, l.Message, jsonTime(l.At)})
		}
		for _, p := range postings {
			out.Postings = append(out.Postings, posting{p.Txn, p.SourceCode, p.DestCode, p.Amount, p.Memo, jsonTime(time.UnixMicro(p.CreatedAt))})
		}
		return e.writeJSON(out)
	}
	tw := e.table()
	for _, kv := range [][2]string{
		{"Invoice", o.Invoice},
		{"Status", string(o.Status)},
		{"Reseller", who},
		{"Reference", o.Reference},
		{"Variant", o.VariantCode + " (" + o.ProductName + ")"},
		{"Destination", o.Destination},
		{"Price", fmt.Sprint(o.Price)},
		{"Cost", fmt.Sprint(o.Cost)},
		{"SN", o.SN},
		{"Message", o.Message},
		{"Dialect", o.Dialect},
		{"Testing", fmt.Sprint(o.Testing)},
		{"Created", ts(o.CreatedAt)},
		{"Updated", ts(o.UpdatedAt)},
	} {
		fmt.Fprintf(tw, "%s:\t%s\n", kv[0], kv[1])
	}
	if err := tw.Flush(); err != nil {
		return err
	}

	fmt.Fprintf(e.Stdout, "\nAttempts (%d):\n", len(attempts))
	if len(attempts) > 0 {
		tw = e.table()
		fmt.Fprintln(tw, "  SENT\tSUPPLIER\tSKU\tREFERENCE\tUPSTREAM\tSTATE\tPOLLS\tCOST\tSN\tMESSAGE")
		for _, a := range attempts {
			fmt.Fprintf(tw, "  %s\t%s\t%s\t%s\t%s\t%s\t%d\t%d\t%s\t%s\n", ts(a.CreatedAt), a.Supplier, a.SKU, a.Reference, a.UpstreamRef, a.State, a.Polls, a.Cost, a.SN, a.Message)
		}
		if err := tw.Flush(); err != nil {
			return err
		}
	}
	if len(log) > 0 {
		fmt.Fprintf(e.Stdout, "\nUpstream answers (%d):\n", len(log))
		tw = e.table()
		fmt.Fprintln(tw, "  AT\tREFERENCE\tSTATE\tMESSAGE")
		for _, l := range log {
			fmt.Fprintf(tw, "  %s\t%s\t%s\t%s\n", ts(l.At), l.Reference, l.State, l.Message)
		}
		if err := tw.Flush(); err != nil {
			return err
		}
	}

	fmt.Fprintf(e.Stdout, "\nPostings (%d):\n", len(postings))
	if len(postings) > 0 {
		tw = e.table()
		fmt.Fprintln(tw, "  AT\tTXN\tFROM\tTO\tAMOUNT\tMEMO")
		for _, p := range postings {
			fmt.Fprintf(tw, "  %s\t%s\t%s\t%s\t%d\t%s\n", ts(time.UnixMicro(p.CreatedAt)), p.Txn, p.SourceCode, p.DestCode, p.Amount, p.Memo)
		}
		return tw.Flush()
	}
	return nil
}
