package cli

import (
	"context"
	"fmt"
	"sort"
	"strings"

	"github.com/kios-h2h/kios/internal/store"
)

func runCatalogList(ctx context.Context, e *Env, args []string) error {
	fs := e.flags("catalog list")
	_, svc, err := e.start(ctx, fs, args)
	if err != nil {
		return err
	}
	products, rows, err := loadCatalog(ctx, svc)
	if err != nil {
		return err
	}
	byProduct := map[string][]store.VariantRow{}
	for _, r := range rows {
		byProduct[r.ProductCode] = append(byProduct[r.ProductCode], r)
	}
	tw := e.table()
	fmt.Fprintln(tw, "PRODUCT\tVARIANT\tNAME\tKIND\tACTIVE\tSTOCK\tMULTI\tCUT-OFF\tPRICES")
	for _, p := range products {
		state := ""
		if !p.Active {
			state = " (inactive)"
		}
		fmt.Fprintf(tw, "%s\t\t%s%s\t\t\t\t\t\t\n", p.Code, p.Name, state)
		for _, v := range byProduct[p.Code] {
			stock := "unlimited"
			if !v.UnlimitedStock {
				stock = fmt.Sprint(v.Stock)
			}
			cut := "-"
			if v.CutoffStart != v.CutoffEnd {
				cut = v.CutoffStart.Padded() + "-" + v.CutoffEnd.Padded()
			}
			tiers := make([]string, 0, len(v.Prices))
			for t, price := range v.Prices {
				tiers = append(tiers, fmt.Sprintf("%s=%d", t, price))
			}
			sort.Strings(tiers)
			fmt.Fprintf(tw, "\t%s\t%s\t%s\t%t\t%s\t%t\t%s\t%s\n", v.Code, v.Name, v.Kind, v.Active, stock, v.Multi, cut, strings.Join(tiers, " "))
		}
	}
	return tw.Flush()
}
