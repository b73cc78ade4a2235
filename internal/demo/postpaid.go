package demo

import "github.com/kios-h2h/kios/internal/catalog"

// Postpaid returns the demo catalog's postpaid products and variants: PLN postpaid ("dspln"),
// the Aetra water utility ("aetra") and BPJS Kesehatan ("bpjs"), with the admin fees and
// commissions of the Digiswitch price-list page. Postpaid variants carry no tier prices: the
// price of each payment is the bill plus penalty plus admin, minus the commission.
func Postpaid() ([]catalog.Product, []catalog.Variant) {
	products := []catalog.Product{
		{Code: "PLN", Name: "PLN", Category: "Pascabayar", Brand: "PLN", Active: true},
		{Code: "PDAM", Name: "PDAM", Category: "Pascabayar", Brand: "PDAM", Active: true},
		{Code: "BPJS", Name: "BPJS", Category: "Pascabayar", Brand: "BPJS", Active: true},
	}
	v := func(product, code, name string, admin, commission int64) catalog.Variant {
		return catalog.Variant{ProductCode: product, Code: code, Name: name, Kind: catalog.Postpaid, Type: "Pascabayar", Description: "-",
			Active: true, UnlimitedStock: true, Multi: true, ProcessDuration: "0", Admin: admin, Commission: commission}
	}
	variants := []catalog.Variant{
		v("PLN", "dspln", "Pln Postpaid", 2500, 100),
		v("PDAM", "aetra", "Aetra", 3000, 150),
		v("BPJS", "bpjs", "BPJS Kesehatan", 2500, 500),
	}
	return products, variants
}
