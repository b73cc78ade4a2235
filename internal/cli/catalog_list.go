package cli

import (
	"context"
	"fmt"
	"sort"
	"strings"

	"github.com/kios-h2h/kios/internal/catalog"
)

func runCatalogList(ctx context.Context, e *Env, args []string) error {
	fs := e.flags("catalog list")
	asJSON := jsonFlag(fs)
	_, svc, err := e.start(ctx, fs, args)
	if err != nil {
		return err
	}
	products, rows, err := loadCatalog(ctx, svc)
	if err != nil {
		return err
	}
	byProduct := map[string][]catalog.VariantRow{}
	for _, r := range rows {
		byProduct[r.ProductCode] = append(byProduct[r.ProductCode], r)
	}
	if *asJSON {
		return e.writeJSON(catalogJSON(products, byProduct))
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

// catalogJSON is the catalog as `catalog list --json` prints it: products with their variants.
func catalogJSON(products []catalog.Product, byProduct map[string][]catalog.VariantRow) any {
	type variant struct {
		Code           string           `json:"code"`
		Name           string           `json:"name"`
		Kind           string           `json:"kind"`
		Type           string           `json:"type"`
		Active         bool             `json:"active"`
		UnlimitedStock bool             `json:"unlimited_stock"`
		Stock          int64            `json:"stock"`
		Multi          bool             `json:"multi"`
		CutoffStart    string           `json:"cutoff_start"` // hh:mm, Asia/Jakarta; equal to cutoff_end: none
		CutoffEnd      string           `json:"cutoff_end"`
		Prices         map[string]int64 `json:"prices"` // by membership tier
	}
	type product struct {
		Code     string    `json:"code"`
		Name     string    `json:"name"`
		Category string    `json:"category"`
		Brand    string    `json:"brand"`
		Active   bool      `json:"active"`
		Variants []variant `json:"variants"`
	}
	out := []product{}
	for _, p := range products {
		jp := product{p.Code, p.Name, p.Category, p.Brand, p.Active, []variant{}}
		for _, v := range byProduct[p.Code] {
			prices := v.Prices
			if prices == nil {
				prices = map[string]int64{}
			}
			jp.Variants = append(jp.Variants, variant{v.Code, v.Name, string(v.Kind), v.Type, v.Active, v.UnlimitedStock, int64(v.Stock), v.Multi,
				v.CutoffStart.Padded(), v.CutoffEnd.Padded(), prices})
		}
		out = append(out, jp)
	}
	return out
}
