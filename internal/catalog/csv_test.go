package catalog_test

import (
	"bytes"
	"errors"
	"reflect"
	"strings"
	"testing"

	"github.com/kios-h2h/kios/internal/catalog"
)

func sampleCatalog() ([]catalog.Product, []catalog.Variant) {
	products := []catalog.Product{
		{Code: "telkomsel", Name: "Telkomsel", Category: "Pulsa", Brand: "TELKOMSEL", Active: true},
		{Code: "mobile-legends", Name: "Mobile Legends", Category: "Games", Brand: "MOBILE LEGENDS", Active: true,
			RequireValidID: true, DestFormat: "{user_id:User ID}({zone_id:Zone ID})", DestPattern: `^\d{6,12}\(\d{1,6}\)$`},
		{Code: "retired", Name: "Retired, \"old\" game", Category: "Games", Active: false},
	}
	variants := []catalog.Variant{
		{ProductCode: "mobile-legends", ProductName: "Mobile Legends", Code: "MLBB_ID_5", Name: "5 (5+0) Diamonds", Kind: catalog.Prepaid,
			Type: "Umum", Description: "line one\nline two", Active: true, UnlimitedStock: true, Multi: true, ProcessDuration: "0",
			Prices: map[string]int64{"default": 1450, "demo": 1389}},
		{ProductCode: "mobile-legends", ProductName: "Mobile Legends", Code: "MLBB_ID_12", Name: "12 Diamonds", Kind: catalog.Prepaid,
			Active: false, UnlimitedStock: false, Stock: 7, Multi: true, CutoffStart: 23*60 + 45, CutoffEnd: 15, ProcessDuration: "60",
			Prices: map[string]int64{"gold": 3000}},
		{ProductCode: "telkomsel", ProductName: "Telkomsel", Code: "s50", Name: "Telkomsel 50rb", Kind: catalog.Prepaid,
			Active: true, UnlimitedStock: true, Multi: false, ProcessDuration: "5", Admin: 0, Commission: 0,
			Prices: map[string]int64{"default": 50000, "demo": 49030}},
	}
	return products, variants
}

func TestCSVRoundTrip(t *testing.T) {
	t.Parallel()
	products, variants := sampleCatalog()
	var first bytes.Buffer
	if err := catalog.WriteCSV(&first, products, variants); err != nil {
		t.Fatal(err)
	}
	gotP, gotV, err := catalog.ReadCSV(bytes.NewReader(first.Bytes()))
	if err != nil {
		t.Fatalf("read back: %v\n%s", err, first.String())
	}
	wantP := []catalog.Product{products[1], products[2], products[0]} // written by code
	if !reflect.DeepEqual(gotP, wantP) {
		t.Errorf("products:\n got %+v\nwant %+v", gotP, wantP)
	}
	byCode := map[string]catalog.Variant{}
	for _, v := range variants {
		byCode[v.Code] = v
	}
	if len(gotV) != len(variants) {
		t.Fatalf("got %d variants, want %d", len(gotV), len(variants))
	}
	for _, v := range gotV {
		if !reflect.DeepEqual(v, byCode[v.Code]) {
			t.Errorf("variant %s:\n got %+v\nwant %+v", v.Code, v, byCode[v.Code])
		}
	}
	var second bytes.Buffer
	if err := catalog.WriteCSV(&second, gotP, gotV); err != nil {
		t.Fatal(err)
	}
	if first.String() != second.String() {
		t.Errorf("export of the import differs:\n%s\n---\n%s", first.String(), second.String())
	}
	header, _, _ := strings.Cut(first.String(), "\n")
	if !strings.HasSuffix(header, ",price:default,price:demo,price:gold") {
		t.Errorf("header %q: want one price column per tier, sorted", header)
	}
}

func TestCSVErrors(t *testing.T) {
	t.Parallel()
	const head = "product_code,product_name,variant_code,variant_name,stock,cutoff_start,price:default\n"
	cases := []struct {
		name, in    string
		line        int
		column, in2 string // column and a fragment of the message
	}{
		{"empty", "", 1, "", "empty file"},
		{"unknown column", "product_code,product_name,colour\n", 1, "colour", "unknown column"},
		{"missing name column", "product_code\nx\n", 1, "product_name", "missing"},
		{"duplicate column", "product_code,product_name,product_code\n", 1, "product_code", "twice"},
		{"no rows", head, 2, "", "no rows"},
		{"bad stock", head + "ml,ML,A,a,1,,100\nml,ML,B,b,-3,,100\n", 3, "stock", "-3"},
		{"bad price", head + "ml,ML,A,a,1,,12.5\n", 2, "price:default", "12.5"},
		{"bad clock", head + "ml,ML,A,a,1,25:00,100\n", 2, "cutoff_start", "25:00"},
		{"missing variant name", head + "ml,ML,A,,1,,100\n", 2, "variant_name", "required"},
		{"duplicate variant", head + "ml,ML,A,a,1,,100\nml,ML,A,a,1,,100\n", 3, "variant_code", "line 2"},
		{"product disagrees", head + "ml,ML,A,a,1,,100\nml,Other,B,b,1,,100\n", 3, "", "differs"},
		{"short row", head + "ml,ML,A\n", 2, "", "wrong number of fields"},
		{"price without variant", head + "ml,ML,,,,,100\n", 2, "variant_code", "price:default"},
		{"image not http", "product_code,product_name,image\nml,ML,ftp://cdn.example.com/ml.png\n", 2, "image", "http or https"},
		{"image with a space", "product_code,product_name,image\nml,ML,https://cdn.example.com/m l.png\n", 2, "image", "spaces"},
		{"bad dest pattern", "product_code,product_name,dest_pattern\nml,ML,^\\d(\n", 2, "dest_pattern", "destination pattern"},
		{"dest format without field", "product_code,product_name,dest_format\nml,ML,(zone)\n", 2, "dest_format", "no {field}"},
		{"dest format field twice", "product_code,product_name,dest_format\nml,ML,{a}({a})\n", 2, "dest_format", "twice"},
		{"bad require_valid_id", "product_code,product_name,require_valid_id\nml,ML,maybe\n", 2, "require_valid_id", "maybe"},
		{"dest on variant-less row disagreeing", "product_code,product_name,dest_format\nml,ML,{a}\nml,ML,{b}\n", 3, "", "differs"},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			t.Parallel()
			_, _, err := catalog.ReadCSV(strings.NewReader(c.in))
			var ce *catalog.CSVError
			if !errors.As(err, &ce) {
				t.Fatalf("want *CSVError, got %v", err)
			}
			if ce.Line != c.line || ce.Column != c.column || !strings.Contains(err.Error(), c.in2) {
				t.Errorf("got line %d column %q (%v); want line %d column %q containing %q", ce.Line, ce.Column, err, c.line, c.column, c.in2)
			}
		})
	}
}

func TestCSVDefaultsAndBOM(t *testing.T) {
	t.Parallel()
	in := "\ufeffproduct_code,product_name,variant_code,variant_name,price:demo\nml,Mobile Legends,MLBB_ID_5,5 Diamonds,1389\nff,Free Fire,,,\n"
	ps, vs, err := catalog.ReadCSV(strings.NewReader(in))
	if err != nil {
		t.Fatal(err)
	}
	if len(ps) != 2 || !ps[0].Active || len(vs) != 1 {
		t.Fatalf("products %+v variants %+v", ps, vs)
	}
	v := vs[0]
	if !v.Active || !v.UnlimitedStock || !v.Multi || v.Kind != catalog.Prepaid || v.ProcessDuration != "0" || v.Prices["demo"] != 1389 {
		t.Errorf("defaults not applied: %+v", v)
	}
}

func TestDestFormat(t *testing.T) {
	t.Parallel()
	fs, err := catalog.ParseDestFormat("{user_id:User ID}({zone_id})")
	if err != nil {
		t.Fatal(err)
	}
	want := []catalog.DestField{{Name: "user_id", Label: "User ID"}, {Name: "zone_id", Label: "zone_id"}}
	if !reflect.DeepEqual(fs, want) {
		t.Errorf("fields %+v, want %+v", fs, want)
	}
	if got := catalog.DestTemplate("{user_id:User ID}({zone_id:Zone ID})"); got != "{user_id}({zone_id})" {
		t.Errorf("template %q", got)
	}
	for _, bad := range []string{"", "plain", "{user_id", "user_id}", "}{a}", "{A}", "{a b}", "{a}{a:Again}"} {
		if _, err := catalog.ParseDestFormat(bad); err == nil {
			t.Errorf("%q: want an error", bad)
		}
	}
}
