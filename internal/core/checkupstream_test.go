package core_test

import (
	"context"
	"errors"
	"testing"

	"github.com/kios-h2h/kios/internal/store"
	"github.com/kios-h2h/kios/internal/store/storetest"
)

// TestUpstreamCheckCode: an upstream Kios is asked about a product's IDs by the SKU mapped to one
// of its variants, the lowest priority number first; a product it does not sell is not found.
func TestUpstreamCheckCode(t *testing.T) {
	t.Parallel()
	storetest.Each(t, func(t *testing.T, be storetest.Backend) {
		ctx := context.Background()
		s1 := &scripted{name: "s1"}
		s2 := &scripted{name: "s2"}
		b, _ := setupPriced(t, be, 0, map[string]int64{"s1": 1000, "s2": 1100}, s1, s2)
		if code, err := b.svc.UpstreamCheckCode(ctx, "s1", "mobile-legends"); err != nil || code != "SKU-s1" {
			t.Fatalf("s1: %q %v", code, err)
		}
		if code, err := b.svc.UpstreamCheckCode(ctx, "s2", "mobile-legends"); err != nil || code != "SKU-s2" {
			t.Fatalf("s2: %q %v", code, err)
		}
		if code, err := b.svc.UpstreamCheckCode(ctx, "s1", "free-fire"); !errors.Is(err, store.ErrNotFound) {
			t.Fatalf("a product s1 does not sell: %q %v", code, err)
		}
		if _, err := b.svc.UpstreamCheckCode(ctx, "nobody", "mobile-legends"); err == nil {
			t.Fatal("an unknown supplier answered")
		}
	})
}
