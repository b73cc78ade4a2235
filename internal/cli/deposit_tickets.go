package cli

import (
	"context"
	"fmt"
	"time"

	"github.com/kios-h2h/kios/internal/catalog"
	"github.com/kios-h2h/kios/internal/deposit"
)

func runDepositTickets(ctx context.Context, e *Env, args []string) error {
	fs := e.flags("deposit tickets")
	status := fs.String("status", "", "only tickets in this status: open, approved, rejected or expired")
	username := fs.String("reseller", "", "only this reseller's tickets")
	limit := fs.Int("limit", 50, "at most this many tickets")
	asJSON := jsonFlag(fs)
	if _, err := parse(fs, args); err != nil {
		return err
	}
	var f deposit.Filter
	switch st := deposit.Status(*status); st {
	case "", deposit.Open, deposit.Approved, deposit.Rejected, deposit.Expired:
		f.Status = st
	default:
		return usagef("--status must be open, approved, rejected or expired")
	}
	if *limit <= 0 {
		return usagef("--limit must be above 0")
	}
	f.Limit = *limit
	svc, err := e.Service(ctx)
	if err != nil {
		return err
	}
	if f.ResellerID, err = resellerID(ctx, svc, *username); err != nil {
		return err
	}
	tickets, err := svc.Tickets(ctx, f)
	if err != nil {
		return err
	}
	if *asJSON {
		type row struct {
			Ticket    string `json:"ticket"`
			Reseller  string `json:"reseller"`
			Amount    int64  `json:"amount"`
			Requested int64  `json:"requested"`
			Status    string `json:"status"`
			Bank      string `json:"bank"`
			OwnerName string `json:"owner_name"`
			SettledBy string `json:"settled_by"`
			CreatedAt string `json:"created_at"`
			ExpiresAt string `json:"expires_at"`
			SettledAt string `json:"settled_at"`
		}
		out := []row{}
		for _, t := range tickets {
			out = append(out, row{t.Code, t.Username, t.Amount, t.Requested, string(t.Status), t.Bank, t.OwnerName, t.SettledBy,
				jsonTime(t.CreatedAt), jsonTime(t.ExpiresAt), jsonTime(t.SettledAt)})
		}
		return e.writeJSON(out)
	}
	tw := e.table()
	fmt.Fprintln(tw, "TICKET\tCREATED\tRESELLER\tAMOUNT\tREQUESTED\tSTATUS\tEXPIRES\tBANK\tOWNER\tSETTLED BY")
	for _, t := range tickets {
		fmt.Fprintf(tw, "%s\t%s\t%s\t%d\t%d\t%s\t%s\t%s\t%s\t%s\n", t.Code, wib(t.CreatedAt), t.Username, t.Amount, t.Requested,
			t.Status, wib(t.ExpiresAt), t.Bank, t.OwnerName, t.SettledBy)
	}
	return tw.Flush()
}

// wib formats a time in Jakarta time with its zone, as operators read bank statements and as
// every CLI time is shown.
func wib(t time.Time) string {
	if t.IsZero() {
		return "-"
	}
	return t.In(catalog.Jakarta).Format("2006-01-02 15:04:05 WIB")
}
