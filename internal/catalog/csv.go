package catalog

import (
	"encoding/csv"
	"errors"
	"fmt"
	"io"
	"slices"
	"sort"
	"strconv"
	"strings"
)

// The catalog's CSV form, one row per variant with its product's columns repeated, then one
// "price:<tier>" column per tier. A product without variants is a row whose variant columns are
// empty. It is what `kios catalog export` writes and `kios catalog import` reads, so a distributor
// can edit prices in a spreadsheet and load them back.
var csvColumns = []string{
	"product_code", "product_name", "category", "brand", "product_active",
	"require_valid_id", "dest_format", "dest_pattern", "image",
	"variant_code", "variant_name", "kind", "type", "description", "active",
	"unlimited_stock", "stock", "multi", "cutoff_start", "cutoff_end", "process_duration",
	"admin", "commission",
}

// PriceColumnPrefix starts the name of a price column: "price:default", "price:gold".
const PriceColumnPrefix = "price:"

// WriteCSV writes products and their variants (matched by ProductCode) as CSV. Products are
// written by code and variants in the order given, so exporting what an import produced gives the
// same bytes.
func WriteCSV(w io.Writer, products []Product, variants []Variant) error {
	tierSet := map[string]bool{}
	byProduct := map[string][]Variant{}
	for _, v := range variants {
		byProduct[v.ProductCode] = append(byProduct[v.ProductCode], v)
		for t := range v.Prices {
			tierSet[t] = true
		}
	}
	tiers := make([]string, 0, len(tierSet))
	for t := range tierSet {
		tiers = append(tiers, t)
	}
	sort.Strings(tiers)
	ps := slices.Clone(products)
	sort.SliceStable(ps, func(i, j int) bool { return ps[i].Code < ps[j].Code })

	cw := csv.NewWriter(w)
	header := slices.Clone(csvColumns)
	for _, t := range tiers {
		header = append(header, PriceColumnPrefix+t)
	}
	if err := cw.Write(header); err != nil {
		return fmt.Errorf("write catalog csv: %w", err)
	}
	for _, p := range ps {
		prod := []string{p.Code, p.Name, p.Category, p.Brand, strconv.FormatBool(p.Active),
			strconv.FormatBool(p.RequireValidID), p.DestFormat, p.DestPattern, p.Image}
		vs := byProduct[p.Code]
		if len(vs) == 0 {
			row := append(prod, make([]string, len(header)-len(prod))...)
			if err := cw.Write(row); err != nil {
				return fmt.Errorf("write catalog csv: %w", err)
			}
			continue
		}
		for _, v := range vs {
			kind := v.Kind
			if kind == "" {
				kind = Prepaid
			}
			start, end := "", ""
			if v.CutoffStart != v.CutoffEnd {
				start, end = v.CutoffStart.Padded(), v.CutoffEnd.Padded()
			}
			row := append(slices.Clone(prod),
				v.Code, v.Name, string(kind), v.Type, v.Description, strconv.FormatBool(v.Active),
				strconv.FormatBool(v.UnlimitedStock), strconv.FormatInt(v.Stock, 10), strconv.FormatBool(v.Multi),
				start, end, v.ProcessDuration, strconv.FormatInt(v.Admin, 10), strconv.FormatInt(v.Commission, 10))
			for _, t := range tiers {
				if price, ok := v.Prices[t]; ok {
					row = append(row, strconv.FormatInt(price, 10))
				} else {
					row = append(row, "")
				}
			}
			if err := cw.Write(row); err != nil {
				return fmt.Errorf("write catalog csv: %w", err)
			}
		}
	}
	cw.Flush()
	if err := cw.Error(); err != nil {
		return fmt.Errorf("write catalog csv: %w", err)
	}
	return nil
}

// CSVError is a bad row or header of a catalog CSV.
type CSVError struct {
	Line   int    // 1-based line in the file
	Column string // "" when the whole row is wrong
	Err    error
}

func (e *CSVError) Error() string {
	if e.Column == "" {
		return fmt.Sprintf("line %d: %v", e.Line, e.Err)
	}
	return fmt.Sprintf("line %d: column %s: %v", e.Line, e.Column, e.Err)
}

func (e *CSVError) Unwrap() error { return e.Err }

// ReadCSV reads a catalog written by WriteCSV (or by hand: columns may come in any order, and
// the optional ones may be left out). It reads the whole file before returning, and fails on the
// first bad row with a *CSVError naming its line and column, so an import can refuse a file
// without changing anything.
func ReadCSV(r io.Reader) ([]Product, []Variant, error) {
	cr := csv.NewReader(r)
	cr.FieldsPerRecord = 0 // every row as wide as the header
	h, err := readCSVHeader(cr)
	if err != nil {
		return nil, nil, err
	}
	b := csvCatalog{csvHeader: h, productAt: map[string]int{}, productLine: map[string]int{}, variantLine: map[string]int{}}
	for {
		rec, err := cr.Read()
		if errors.Is(err, io.EOF) {
			break
		}
		if err != nil {
			return nil, nil, csvReadError(err)
		}
		line, _ := cr.FieldPos(0)
		if err := b.add(&csvRow{rec: rec, col: h.col, line: line}); err != nil {
			return nil, nil, err
		}
	}
	if len(b.products) == 0 {
		return nil, nil, &CSVError{Line: 2, Err: errors.New("no rows after the header")}
	}
	return b.products, b.variants, nil
}

// csvHeader is a catalog CSV's header: each column's index, and the price tiers in their order.
type csvHeader struct {
	col   map[string]int
	tiers []string
}

// readCSVHeader reads and checks the header row: no column twice, none unknown, a tier name on
// every price column, and the product's code and name present.
func readCSVHeader(cr *csv.Reader) (csvHeader, error) {
	h := csvHeader{col: map[string]int{}}
	header, err := cr.Read()
	if errors.Is(err, io.EOF) {
		return h, &CSVError{Line: 1, Err: errors.New("empty file: want a header row")}
	}
	if err != nil {
		return h, csvReadError(err)
	}
	for i, name := range header {
		name = strings.TrimSpace(name)
		if i == 0 {
			name = strings.TrimPrefix(name, "\ufeff") // spreadsheets like to add a byte order mark
		}
		if _, dup := h.col[name]; dup {
			return h, &CSVError{Line: 1, Column: name, Err: errors.New("appears twice in the header")}
		}
		h.col[name] = i
		switch {
		case strings.HasPrefix(name, PriceColumnPrefix):
			t := strings.TrimPrefix(name, PriceColumnPrefix)
			if t == "" {
				return h, &CSVError{Line: 1, Column: name, Err: errors.New("price column without a tier name")}
			}
			h.tiers = append(h.tiers, t)
		case !slices.Contains(csvColumns, name):
			return h, &CSVError{Line: 1, Column: name, Err: fmt.Errorf("unknown column (want %s and price:<tier> columns)", strings.Join(csvColumns, ", "))}
		}
	}
	for _, req := range []string{"product_code", "product_name"} {
		if _, ok := h.col[req]; !ok {
			return h, &CSVError{Line: 1, Column: req, Err: errors.New("missing from the header")}
		}
	}
	return h, nil
}

// csvCatalog is the catalog read so far, and where each of its products and variants was read.
type csvCatalog struct {
	csvHeader
	products    []Product
	variants    []Variant
	productAt   map[string]int // code -> index in products
	productLine map[string]int // code -> line that defined it
	variantLine map[string]int
}

// add reads one row: its product (the same on every row of that product) and, unless it is a
// product-only row, its variant.
func (b *csvCatalog) add(rr *csvRow) error {
	if rr.blank() {
		return nil
	}
	p, err := rowProduct(rr)
	if err != nil {
		return err
	}
	if err := b.addProduct(p, rr.line); err != nil {
		return err
	}
	code := rr.str("variant_code")
	if code == "" {
		return b.productOnly(rr)
	}
	if prev, dup := b.variantLine[code]; dup {
		return &CSVError{Line: rr.line, Column: "variant_code", Err: fmt.Errorf("%s already on line %d", code, prev)}
	}
	b.variantLine[code] = rr.line
	v, err := rowVariant(rr, p, b.tiers)
	if err != nil {
		return err
	}
	b.variants = append(b.variants, v)
	return nil
}

// addProduct records a row's product the first time it appears, and checks that a later row of
// it agrees.
func (b *csvCatalog) addProduct(p Product, line int) error {
	if i, seen := b.productAt[p.Code]; seen {
		if b.products[i] != p {
			return &CSVError{Line: line, Err: fmt.Errorf("product %s differs from its row on line %d (product columns must agree on every row of a product)", p.Code, b.productLine[p.Code])}
		}
		return nil
	}
	b.productAt[p.Code] = len(b.products)
	b.productLine[p.Code] = line
	b.products = append(b.products, p)
	return nil
}

// productOnly checks a product-only row: every variant column must be empty.
func (b *csvCatalog) productOnly(rr *csvRow) error {
	for _, c := range csvColumns[slices.Index(csvColumns, "variant_code"):] {
		if rr.str(c) != "" {
			return &CSVError{Line: rr.line, Column: "variant_code", Err: fmt.Errorf("is empty but %s is not", c)}
		}
	}
	for _, t := range b.tiers {
		if rr.str(PriceColumnPrefix+t) != "" {
			return &CSVError{Line: rr.line, Column: "variant_code", Err: fmt.Errorf("is empty but %s%s is not", PriceColumnPrefix, t)}
		}
	}
	return nil
}

// rowProduct reads a row's product columns.
func rowProduct(rr *csvRow) (Product, error) {
	p := Product{
		Code: rr.str("product_code"), Name: rr.str("product_name"),
		Category: rr.str("category"), Brand: rr.str("brand"),
	}
	p.Active = rr.boolean("product_active", true)
	p.RequireValidID = rr.boolean("require_valid_id", false)
	p.DestFormat, p.DestPattern = rr.str("dest_format"), rr.str("dest_pattern")
	if col, err := p.CheckDest(); err != nil {
		rr.fail(col, err)
	}
	p.Image = rr.str("image")
	if err := CheckImage(p.Image); err != nil {
		rr.fail("image", err)
	}
	if p.Code == "" {
		rr.fail("product_code", errors.New("is required"))
	}
	if p.Name == "" {
		rr.fail("product_name", errors.New("is required"))
	}
	return p, rr.err
}

// rowVariant reads a row's variant columns, of a variant of p, priced in tiers.
func rowVariant(rr *csvRow, p Product, tiers []string) (Variant, error) {
	v := Variant{ProductCode: p.Code, ProductName: p.Name, Code: rr.str("variant_code")}
	v.Name = rr.str("variant_name")
	if v.Name == "" {
		rr.fail("variant_name", errors.New("is required"))
	}
	switch k := Kind(strings.ToLower(rr.str("kind"))); k {
	case "", Prepaid:
		v.Kind = Prepaid
	case Postpaid:
		v.Kind = Postpaid
	default:
		rr.fail("kind", fmt.Errorf("%q: want prepaid or postpaid", k))
	}
	v.Type = rr.str("type")
	v.Description = rr.str("description")
	v.Active = rr.boolean("active", true)
	v.UnlimitedStock = rr.boolean("unlimited_stock", true)
	v.Stock = rr.amount("stock")
	v.Multi = rr.boolean("multi", true)
	v.CutoffStart = rr.clock("cutoff_start")
	v.CutoffEnd = rr.clock("cutoff_end")
	if v.CutoffStart == v.CutoffEnd {
		// An empty window is no window: stored as WriteCSV writes it, so that a catalog
		// exported and imported again is the same catalog (found by FuzzReadCSV).
		v.CutoffStart, v.CutoffEnd = 0, 0
	}
	v.ProcessDuration = rr.str("process_duration")
	if v.ProcessDuration == "" {
		v.ProcessDuration = "0"
	} else if _, err := strconv.ParseUint(v.ProcessDuration, 10, 32); err != nil {
		rr.fail("process_duration", fmt.Errorf("%q: want a whole number of seconds", v.ProcessDuration))
	}
	v.Admin = rr.amount("admin")
	v.Commission = rr.amount("commission")
	v.Prices = map[string]int64{}
	for _, t := range tiers {
		if rr.str(PriceColumnPrefix+t) == "" {
			continue
		}
		v.Prices[t] = rr.amount(PriceColumnPrefix + t)
	}
	return v, rr.err
}

func csvReadError(err error) error {
	var pe *csv.ParseError
	if errors.As(err, &pe) {
		return &CSVError{Line: pe.Line, Err: pe.Err}
	}
	return fmt.Errorf("read catalog csv: %w", err)
}

// csvRow reads typed cells of one record, keeping the first error.
type csvRow struct {
	rec  []string
	col  map[string]int
	line int
	err  error
}

func (r *csvRow) str(name string) string {
	i, ok := r.col[name]
	if !ok || i >= len(r.rec) {
		return ""
	}
	return strings.TrimSpace(r.rec[i])
}

func (r *csvRow) blank() bool {
	for _, c := range r.rec {
		if strings.TrimSpace(c) != "" {
			return false
		}
	}
	return true
}

func (r *csvRow) fail(col string, err error) {
	if r.err == nil {
		r.err = &CSVError{Line: r.line, Column: col, Err: err}
	}
}

func (r *csvRow) boolean(name string, def bool) bool {
	s := r.str(name)
	if s == "" {
		return def
	}
	switch strings.ToLower(s) {
	case "true", "yes", "y", "1":
		return true
	case "false", "no", "n", "0":
		return false
	}
	r.fail(name, fmt.Errorf("%q: want true or false", s))
	return def
}

// amount reads a non-negative whole number of rupiah (or units of stock).
func (r *csvRow) amount(name string) int64 {
	s := r.str(name)
	if s == "" {
		return 0
	}
	n, err := strconv.ParseInt(s, 10, 64)
	if err != nil || n < 0 {
		r.fail(name, fmt.Errorf("%q: want a whole number, 0 or more", s))
		return 0
	}
	return n
}

func (r *csvRow) clock(name string) Clock {
	c, err := ParseClock(r.str(name))
	if err != nil {
		r.fail(name, err)
	}
	return c
}
