package otomax_test

import (
	"context"
	"testing"

	wire "github.com/kios-h2h/kios/client/otomax"
	"github.com/kios-h2h/kios/internal/dialect/openapitest"
	"github.com/kios-h2h/kios/internal/dialect/otomax"
	"github.com/kios-h2h/kios/internal/store/storetest"
)

// TestOpenAPI checks the dialect's OpenAPI description against the wire: a purchase, its check, a
// balance and a refusal, each request and answer validated as the client sends and reads it.
func TestOpenAPI(t *testing.T) {
	t.Parallel()
	spec := openapitest.New(t, otomax.Registration().OpenAPI)
	b := setup(t, storetest.Backends()[0])
	ctx := context.Background()
	c := wire.New(b.Server.URL+otomax.Prefix, member, pin, b.Reseller.APIKey, wire.WithHTTPClient(spec.Client(t)))
	if _, err := c.Buy(ctx, wire.Trx{Product: "mlbb_id_5", Dest: "081234567890", RefID: "oa-1"}); err != nil {
		t.Fatal(err)
	}
	b.WaitOrder(b.T, "oa-1")
	if _, err := c.Check(ctx, wire.Trx{Product: "mlbb_id_5", Dest: "081234567890", RefID: "oa-1"}); err != nil {
		t.Fatal(err)
	}
	if _, err := c.Balance(ctx); err != nil {
		t.Fatal(err)
	}
	// A refusal is an answer too (an unknown product).
	_, _ = c.Buy(ctx, wire.Trx{Product: "nope", Dest: "081234567890", RefID: "oa-2"})
	bad := wire.New(b.Server.URL+otomax.Prefix, member, "0000", "wrong", wire.WithHTTPClient(spec.Client(t)))
	_, _ = bad.Balance(ctx)
}
