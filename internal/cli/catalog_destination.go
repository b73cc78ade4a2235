package cli

import (
	"context"
	"encoding/json"
	"fmt"
)

// runCatalogDestination shows a product's destination format and pattern, or sets them (issue
// 19): the same change as PUT /admin/api/catalog/products/{code}/destination, checked the same
// way (a bad format or pattern changes nothing).
func runCatalogDestination(ctx context.Context, e *Env, args []string) error {
	fs := e.flags("catalog destination")
	format := fs.String("format", "", "the destination's fields, e.g. {user_id:User ID}({zone_id:Zone ID}); empty: one ID or number")
	pattern := fs.String("pattern", "", `what the destination must match, e.g. ^\d{6,12}\(\d{1,6}\)$; empty: no check`)
	asJSON := fs.Bool("json", false, "print JSON")
	pos, svc, err := e.start(ctx, fs, args, "PRODUCT")
	if err != nil {
		return err
	}
	code := pos[0]
	if set(fs, "format") || set(fs, "pattern") {
		if !set(fs, "format") || !set(fs, "pattern") {
			// Both at once, as the admin API takes them: setting one would clear the other.
			return usagef("give --format and --pattern together (\"\" clears one)")
		}
		if err := svc.SetProductDest(ctx, code, *format, *pattern); err != nil {
			return err
		}
	}
	p, err := svc.Product(ctx, code)
	if err != nil {
		return err
	}
	if *asJSON {
		return json.NewEncoder(e.Stdout).Encode(struct {
			Code    string `json:"code"`
			Format  string `json:"format"`
			Pattern string `json:"pattern"`
		}{p.Code, p.DestFormat, p.DestPattern})
	}
	fmt.Fprintf(e.Stdout, "%s: format %q pattern %q\n", p.Code, p.DestFormat, p.DestPattern)
	return nil
}
