package admin

import (
	"context"
	"errors"
	"fmt"
	"io"

	"github.com/kios-h2h/kios/internal/audit"
	"github.com/kios-h2h/kios/internal/catalog"
)

// VariantEdit changes some fields of a variant; nil fields stay as they are.
type VariantEdit struct {
	Code           string           `json:"code"`
	Name           *string          `json:"name,omitempty"`
	Prices         map[string]int64 `json:"prices,omitempty"` // replaces the given tiers only
	Active         *bool            `json:"active,omitempty"`
	Stock          *int64           `json:"stock,omitempty"`
	UnlimitedStock *bool            `json:"unlimited_stock,omitempty"`
}

// VariantView is a variant as admins see it.
type VariantView struct {
	Code           string           `json:"code"`
	Name           string           `json:"name"`
	ProductCode    string           `json:"product_code"`
	ProductName    string           `json:"product_name"`
	Kind           string           `json:"kind"`
	Active         bool             `json:"active"`
	ProductActive  bool             `json:"product_active"`
	UnlimitedStock bool             `json:"unlimited_stock"`
	Stock          int64            `json:"stock"`
	Multi          bool             `json:"multi"`
	Prices         map[string]int64 `json:"prices"`
}

// VariantViewOf is the admin view of a stored variant.
func VariantViewOf(v *catalog.VariantRow) VariantView {
	return VariantView{Code: v.Code, Name: v.Name, ProductCode: v.ProductCode, ProductName: v.ProductName, Kind: string(v.Kind),
		Active: v.Active, ProductActive: v.ProductActive, UnlimitedStock: v.UnlimitedStock, Stock: v.Stock, Multi: v.Multi, Prices: v.Prices}
}

// EditVariants applies edits to variants in one transaction with their audit rows: a bulk edit
// lands whole or not at all.
func (s *Service) EditVariants(ctx context.Context, by Actor, edits []VariantEdit) ([]VariantView, error) {
	for i, e := range edits {
		if e.Code == "" {
			return nil, fieldErr(fmt.Sprintf("edits[%d].code", i), "is required")
		}
		for t, p := range e.Prices {
			if t == "" || p < 0 {
				return nil, fieldErr(fmt.Sprintf("edits[%d].prices", i), "must map tier names to prices of 0 or more")
			}
		}
		if e.Stock != nil && *e.Stock < 0 {
			return nil, fieldErr(fmt.Sprintf("edits[%d].stock", i), "must be 0 or more")
		}
		if e.Name != nil && *e.Name == "" {
			return nil, fieldErr(fmt.Sprintf("edits[%d].name", i), "must not be empty")
		}
	}
	codes := make([]string, len(edits))
	for i, e := range edits {
		codes[i] = e.Code
	}
	var out []VariantView
	err := s.svc.EditVariants(ctx, codes, func(i int, v *catalog.VariantRow) func() audit.Entry {
		if i == 0 {
			out = out[:0] // the transaction may run again
		}
		e := edits[i]
		before := VariantViewOf(v)
		before.Prices = copyPrices(v.Prices)
		if e.Name != nil {
			v.Name = *e.Name
		}
		for t, p := range e.Prices {
			v.Prices[t] = p
		}
		if e.Active != nil {
			v.Active = *e.Active
		}
		if e.UnlimitedStock != nil {
			v.UnlimitedStock = *e.UnlimitedStock
		}
		if e.Stock != nil {
			v.Stock = *e.Stock
		}
		return func() audit.Entry {
			after := VariantViewOf(v)
			out = append(out, after)
			return audit.Entry{Actor: by.Name, IP: by.IP, Action: "catalog.edit", Target: "variant:" + v.Code,
				Before: jsonOf(before), After: jsonOf(after)}
		}
	})
	if err != nil {
		return nil, err
	}
	return out, nil
}

func copyPrices(m map[string]int64) map[string]int64 {
	c := make(map[string]int64, len(m))
	for k, v := range m {
		c[k] = v
	}
	return c
}

// Variants lists the catalog's variants, optionally of one product.
func (s *Service) Variants(ctx context.Context, product string) ([]VariantView, error) {
	rows, err := s.svc.Variants(ctx, catalog.VariantFilter{ProductCode: product})
	if err != nil {
		return nil, err
	}
	out := make([]VariantView, 0, len(rows))
	for i := range rows {
		out = append(out, VariantViewOf(&rows[i]))
	}
	return out, nil
}

// Products lists the catalog's products.
func (s *Service) Products(ctx context.Context) ([]catalog.Product, error) {
	return s.svc.Products(ctx)
}

// ImportCatalog loads a catalog CSV (catalog.ReadCSV's format) all or nothing, and returns how
// many products and variants it saved. The audit row keeps, per variant code, its prices and
// switches before and after.
func (s *Service) ImportCatalog(ctx context.Context, by Actor, r io.Reader) (products, variants int, err error) {
	ps, vs, err := catalog.ReadCSV(r)
	if err != nil {
		var ce *catalog.CSVError
		if errors.As(err, &ce) {
			field := "csv"
			if ce.Column != "" {
				field = ce.Column
			}
			return 0, 0, fieldErr(field, ce.Error())
		}
		return 0, 0, err
	}
	before := map[string]VariantView{}
	for _, v := range vs {
		if old, err := s.svc.VariantRow(ctx, v.Code); err == nil {
			before[v.Code] = VariantViewOf(old)
		} else if !errors.Is(err, catalog.ErrVariantNotFound) {
			return 0, 0, err
		}
	}
	if err := s.svc.SaveCatalog(ctx, ps, vs); err != nil {
		return 0, 0, err
	}
	after := map[string]VariantView{}
	for _, v := range vs {
		if nv, err := s.svc.VariantRow(ctx, v.Code); err == nil {
			after[v.Code] = VariantViewOf(nv)
		}
	}
	s.audit(ctx, by, "catalog.import", "catalog", before, after)
	return len(ps), len(vs), nil
}
