package catalog_test

import (
	"bytes"
	"errors"
	"reflect"
	"slices"
	"strings"
	"testing"

	"github.com/kios-h2h/kios/internal/catalog"
)

// FuzzReadCSV: any file either is refused with a *CSVError naming a line, or reads into a
// catalog that writes back and reads again to the same catalog.
func FuzzReadCSV(f *testing.F) {
	products, variants := sampleCatalog()
	var buf bytes.Buffer
	if err := catalog.WriteCSV(&buf, products, variants); err != nil {
		f.Fatal(err)
	}
	f.Add(buf.Bytes())
	f.Fuzz(func(t *testing.T, data []byte) {
		ps, vs, err := catalog.ReadCSV(bytes.NewReader(data))
		if err != nil {
			var ce *catalog.CSVError
			if !errors.As(err, &ce) || ce.Line < 1 || err.Error() == "" {
				t.Fatalf("refusal is not a *CSVError with a line: %T %v", err, err)
			}
			return
		}
		var out bytes.Buffer
		if err := catalog.WriteCSV(&out, ps, vs); err != nil {
			t.Fatalf("a catalog read from CSV does not write back: %v", err)
		}
		ps2, vs2, err := catalog.ReadCSV(bytes.NewReader(out.Bytes()))
		if err != nil {
			t.Fatalf("written catalog does not read back: %v\n%s", err, out.Bytes())
		}
		// WriteCSV orders rows its own way; the catalog is the same set of rows.
		sortCatalog(ps, vs)
		sortCatalog(ps2, vs2)
		if !reflect.DeepEqual(ps, ps2) || !reflect.DeepEqual(vs, vs2) {
			t.Fatalf("round trip changed the catalog:\n%+v\n%+v\n%+v\n%+v", ps, ps2, vs, vs2)
		}
	})
}

func sortCatalog(ps []catalog.Product, vs []catalog.Variant) {
	slices.SortStableFunc(ps, func(a, b catalog.Product) int { return strings.Compare(a.Code, b.Code) })
	slices.SortStableFunc(vs, func(a, b catalog.Variant) int { return strings.Compare(a.Code, b.Code) })
}
