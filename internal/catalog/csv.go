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
	"require_valid_id", "dest_format", "dest_pattern",
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
			strconv.FormatBool(p.RequireValidID), p.DestFormat, p.DestPattern}
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
	header, err := cr.Read()
	if errors.Is(err, io.EOF) {
		return nil, nil, &CSVError{Line: 1, Err: errors.New("empty file: want a header row")}
	}
	if err != nil {
		return nil, nil, csvReadError(err)
	}
	col := map[string]int{}
	var tiers []string
	tierCol := map[string]int{}
	for i, h := range header {
		h = strings.TrimSpace(h)
		if i == 0 {
			h = strings.TrimPrefix(h, "\ufeff") // spreadsheets like to add a byte order mark
		}
		if _, dup := col[h]; dup {
			return nil, nil, &CSVError{Line: 1, Column: h, Err: errors.New("appears twice in the header")}
		}
		col[h] = i
		switch {
		case strings.HasPrefix(h, PriceColumnPrefix):
			t := strings.TrimPrefix(h, PriceColumnPrefix)
			if t == "" {
				return nil, nil, &CSVError{Line: 1, Column: h, Err: errors.New("price column without a tier name")}
			}
			tiers = append(tiers, t)
			tierCol[t] = i
		case !slices.Contains(csvColumns, h):
			return nil, nil, &CSVError{Line: 1, Column: h, Err: fmt.Errorf("unknown column (want %s and price:<tier> columns)", strings.Join(csvColumns, ", "))}
		}
	}
	for _, req := range []string{"product_code", "product_name"} {
		if _, ok := col[req]; !ok {
			return nil, nil, &CSVError{Line: 1, Column: req, Err: errors.New("missing from the header")}
		}
	}

	var products []Product
	var variants []Variant
	productAt := map[string]int{}   // code -> index in products
	productLine := map[string]int{} // code -> line that defined it
	variantLine := map[string]int{}
	for {
		rec, err := cr.Read()
		if errors.Is(err, io.EOF) {
			break
		}
		if err != nil {
			return nil, nil, csvReadError(err)
		}
		line, _ := cr.FieldPos(0)
		rr := csvRow{rec: rec, col: col, line: line}
		if rr.blank() {
			continue
		}
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
		if p.Code == "" {
			rr.fail("product_code", errors.New("is required"))
		}
		if p.Name == "" {
			rr.fail("product_name", errors.New("is required"))
		}
		if rr.err != nil {
			return nil, nil, rr.err
		}
		if i, seen := productAt[p.Code]; seen {
			if products[i] != p {
				return nil, nil, &CSVError{Line: line, Err: fmt.Errorf("product %s differs from its row on line %d (product columns must agree on every row of a product)", p.Code, productLine[p.Code])}
			}
		} else {
			productAt[p.Code] = len(products)
			productLine[p.Code] = line
			products = append(products, p)
		}

		v := Variant{ProductCode: p.Code, ProductName: p.Name, Code: rr.str("variant_code")}
		if v.Code == "" {
			// A product-only row: every variant column must be empty.
			for _, c := range csvColumns[slices.Index(csvColumns, "variant_code"):] {
				if rr.str(c) != "" {
					return nil, nil, &CSVError{Line: line, Column: "variant_code", Err: fmt.Errorf("is empty but %s is not", c)}
				}
			}
			for _, t := range tiers {
				if rr.str(PriceColumnPrefix+t) != "" {
					return nil, nil, &CSVError{Line: line, Column: "variant_code", Err: fmt.Errorf("is empty but %s%s is not", PriceColumnPrefix, t)}
				}
			}
			continue
		}
		if prev, dup := variantLine[v.Code]; dup {
			return nil, nil, &CSVError{Line: line, Column: "variant_code", Err: fmt.Errorf("%s already on line %d", v.Code, prev)}
		}
		variantLine[v.Code] = line
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
		if rr.err != nil {
			return nil, nil, rr.err
		}
		variants = append(variants, v)
	}
	if len(products) == 0 {
		return nil, nil, &CSVError{Line: 2, Err: errors.New("no rows after the header")}
	}
	return products, variants, nil
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
