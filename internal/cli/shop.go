package cli

import (
	"context"
	"fmt"

	"github.com/kios-h2h/kios/internal/shop"
)

func runShopInvoices(ctx context.Context, e *Env, args []string) error {
	fs := e.flags("shop invoices")
	status := fs.String("status", "", "only invoices in this status: unpaid, expired, pending, success, failed (a refund owed) or refunded")
	limit := fs.Int("limit", 50, "at most this many invoices")
	asJSON := jsonFlag(fs)
	if _, err := parse(fs, args); err != nil {
		return err
	}
	switch *status {
	case "", shop.Unpaid, shop.Expired, shop.Pending, shop.Success, shop.Failed, shop.Refunded:
	default:
		return usagef("--status must be unpaid, expired, pending, success, failed or refunded")
	}
	if *limit <= 0 {
		return usagef("--limit must be above 0")
	}
	svc, err := e.Service(ctx)
	if err != nil {
		return err
	}
	list, err := svc.ShopInvoices(ctx, shop.Filter{Status: *status, Limit: *limit})
	if err != nil {
		return err
	}
	if *asJSON {
		type row struct {
			Invoice   string `json:"invoice"`
			Status    string `json:"status"`
			Variant   string `json:"variant"`
			Data      string `json:"data"`
			Amount    int64  `json:"amount"`
			Paid      int64  `json:"paid_amount"`
			Phone     string `json:"phone"`
			Email     string `json:"email"`
			Order     string `json:"order"`
			SN        string `json:"sn"`
			Reason    string `json:"reason"`
			Flag      string `json:"flag"`
			CreatedAt string `json:"created_at"`
			PaidAt    string `json:"paid_at"`
		}
		out := []row{}
		for _, v := range list {
			out = append(out, row{v.Code, v.Status, v.VariantCode, v.Destination, v.Amount, v.PaidAmount, v.Phone, v.Email, v.OrderInvoice, v.SN,
				v.Reason, v.Flag, jsonTime(v.CreatedAt), jsonTime(v.PaidAt)})
		}
		return e.writeJSON(out)
	}
	tw := e.table()
	fmt.Fprintln(tw, "INVOICE\tCREATED\tSTATUS\tVARIANT\tDATA\tAMOUNT\tPAID\tPHONE\tEMAIL\tORDER\tREASON")
	for _, v := range list {
		fmt.Fprintf(tw, "%s\t%s\t%s\t%s\t%s\t%d\t%d\t%s\t%s\t%s\t%s\n", v.Code, wib(v.CreatedAt), v.Status, v.VariantCode, v.Destination,
			v.Amount, v.PaidAmount, v.Phone, v.Email, v.OrderInvoice, v.Reason)
	}
	return tw.Flush()
}

func runShopRefund(ctx context.Context, e *Env, args []string) error {
	fs := e.flags("shop refund")
	note := fs.String("note", "", "how the money went back (e.g. \"BCA transfer 0123\"), kept on the invoice")
	pos, svc, err := e.start(ctx, fs, args, "INVOICE")
	if err != nil {
		return err
	}
	if *note == "" {
		return usagef("--note is required: say how the money went back")
	}
	v, err := svc.ShopRefund(ctx, pos[0], *note)
	if err != nil {
		return err
	}
	fmt.Fprintf(e.Stdout, "refunded %s: %d to %s\n", v.Code, v.PaidAmount, v.Phone)
	return nil
}
