package cli

import (
	"context"
	"fmt"
	"time"

	"github.com/kios-h2h/kios/internal/catalog"
	"github.com/kios-h2h/kios/internal/core"
)

func runReportMargin(ctx context.Context, e *Env, args []string) error {
	fs := e.flags("report margin")
	today := catalog.Day(time.Now())
	from := fs.String("from", today, "first Jakarta day, 2006-01-02")
	to := fs.String("to", today, "last Jakarta day, 2006-01-02")
	asJSON := jsonFlag(fs)
	_, svc, err := e.start(ctx, fs, args)
	if err != nil {
		return err
	}
	rows, err := svc.MarginReport(ctx, *from, *to)
	if err != nil {
		if fe, ok := core.IsFieldError(err); ok {
			return usagef("--%s %s", fe.Field, fe.Reason)
		}
		return err
	}
	if *asJSON {
		type row struct {
			Day      string `json:"day"`
			Supplier string `json:"supplier"` // "" for orders settled without a supplier attempt
			Variant  string `json:"variant"`
			Product  string `json:"product"`
			Orders   int64  `json:"orders"`
			Price    int64  `json:"price"`
			Cost     int64  `json:"cost"`
			Margin   int64  `json:"margin"`
		}
		type total struct {
			Orders int64 `json:"orders"`
			Price  int64 `json:"price"`
			Cost   int64 `json:"cost"`
			Margin int64 `json:"margin"`
		}
		out := struct {
			From  string `json:"from"`
			To    string `json:"to"`
			Rows  []row  `json:"rows"`
			Total total  `json:"total"`
		}{From: *from, To: *to, Rows: []row{}}
		for _, r := range rows {
			out.Rows = append(out.Rows, row{r.Day, r.Supplier, r.VariantCode, r.ProductName, r.Orders, r.Price, r.Cost, r.Margin()})
			out.Total.Orders, out.Total.Price, out.Total.Cost = out.Total.Orders+r.Orders, out.Total.Price+r.Price, out.Total.Cost+r.Cost
		}
		out.Total.Margin = out.Total.Price - out.Total.Cost
		return e.writeJSON(out)
	}
	tw := e.table()
	fmt.Fprintln(tw, "DAY\tSUPPLIER\tVARIANT\tPRODUCT\tORDERS\tPRICE\tCOST\tMARGIN")
	var orders, price, cost int64
	for _, r := range rows {
		sup := r.Supplier
		if sup == "" {
			sup = "-"
		}
		fmt.Fprintf(tw, "%s\t%s\t%s\t%s\t%d\t%d\t%d\t%d\n", r.Day, sup, r.VariantCode, r.ProductName, r.Orders, r.Price, r.Cost, r.Margin())
		orders, price, cost = orders+r.Orders, price+r.Price, cost+r.Cost
	}
	fmt.Fprintf(tw, "TOTAL\t\t\t\t%d\t%d\t%d\t%d\n", orders, price, cost, price-cost)
	return tw.Flush()
}
