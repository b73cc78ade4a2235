package store_test

import (
	"context"
	"testing"

	"github.com/kios-h2h/kios/internal/store/storetest"
)

// Size and TableSizes answer on both backends, and the orders table is among the tables.
func TestSize(t *testing.T) {
	t.Parallel()
	storetest.Each(t, func(t *testing.T, be storetest.Backend) {
		db := be.Open(t)
		n, err := db.Size(context.Background())
		if err != nil || n <= 0 {
			t.Fatalf("size %d %v", n, err)
		}
		ts, err := db.TableSizes(context.Background())
		if err != nil {
			t.Fatal(err)
		}
		if _, ok := ts["orders"]; !ok {
			t.Fatalf("table sizes lack orders: %v", ts)
		}
	})
}
