package cli

import (
	"context"
	"fmt"

	"github.com/kios-h2h/kios/internal/order"
)

func runOrderList(ctx context.Context, e *Env, args []string) error {
	fs := e.flags("order list")
	status := fs.String("status", "", "only orders in this status: Pending, Success or Failed")
	username := fs.String("reseller", "", "only this reseller's orders")
	limit := fs.Int("limit", 50, "at most this many orders")
	asJSON := jsonFlag(fs)
	if _, err := parse(fs, args); err != nil {
		return err
	}
	var f order.Filter
	if *status != "" {
		st, err := order.ParseStatus(*status)
		if err != nil {
			return usagef("--status: %v", err)
		}
		f.Status = st
	}
	if *limit <= 0 {
		return usagef("--limit must be above 0")
	}
	f.Limit = *limit
	svc, err := e.Service(ctx)
	if err != nil {
		return err
	}
	names := map[int64]string{}
	rs, err := svc.ResellerList(ctx)
	if err != nil {
		return err
	}
	for _, r := range rs {
		names[r.ID] = r.Username
	}
	if f.ResellerID, err = resellerID(ctx, svc, *username); err != nil {
		return err
	}
	orders, err := svc.Orders(ctx, f)
	if err != nil {
		return err
	}
	if *asJSON {
		type row struct {
			Invoice     string `json:"invoice"`
			Reseller    string `json:"reseller"`
			Reference   string `json:"reference"`
			Variant     string `json:"variant"`
			Destination string `json:"destination"`
			Price       int64  `json:"price"`
			Status      string `json:"status"`
			SN          string `json:"sn"`
			CreatedAt   string `json:"created_at"`
		}
		out := []row{}
		for _, o := range orders {
			out = append(out, row{o.Invoice, names[o.ResellerID], o.Reference, o.VariantCode, o.Destination, o.Price, string(o.Status), o.SN,
				jsonTime(o.CreatedAt)})
		}
		return e.writeJSON(out)
	}
	tw := e.table()
	fmt.Fprintln(tw, "INVOICE\tCREATED\tRESELLER\tREFERENCE\tVARIANT\tDESTINATION\tPRICE\tSTATUS\tSN")
	for _, o := range orders {
		fmt.Fprintf(tw, "%s\t%s\t%s\t%s\t%s\t%s\t%d\t%s\t%s\n", o.Invoice, wib(o.CreatedAt),
			names[o.ResellerID], o.Reference, o.VariantCode, o.Destination, o.Price, o.Status, o.SN)
	}
	return tw.Flush()
}
