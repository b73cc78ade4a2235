package core_test

import (
	"context"
	"testing"

	"github.com/kios-h2h/kios/internal/core"
	"github.com/kios-h2h/kios/internal/store/storetest"
)

// TestControlCharactersRefusedAtTheEdge: text a reseller sends that reaches the operator's
// terminal and dashboard (a deposit's bank and owner, a reseller's name) may not carry control
// characters, bidi overrides or invalid UTF-8; nothing is stored.
func TestControlCharactersRefusedAtTheEdge(t *testing.T) {
	t.Parallel()
	b := ticketSetup(t, storetest.Backends()[0])
	ctx := context.Background()
	r := b.reseller(t, "budi")
	for _, bad := range []core.DepositParams{
		{Reseller: r, Amount: 100000, Bank: "BCA\x1b[2J", OwnerName: "Budi"},
		{Reseller: r, Amount: 100000, Bank: "BCA", OwnerName: "Bu\u0085di"},
		{Reseller: r, Amount: 100000, Bank: "BCA", OwnerName: "Budi\u202Eexe"},
		{Reseller: r, Amount: 100000, Bank: "B\rCA", OwnerName: "Budi"},
		{Reseller: r, Amount: 100000, Bank: "BCA\xff", OwnerName: "Budi"},
	} {
		if _, err := b.svc.OpenTicket(ctx, bad); err == nil {
			t.Errorf("ticket opened with bank %q owner %q", bad.Bank, bad.OwnerName)
		} else if fe, ok := core.IsFieldError(err); !ok || (fe.Field != "bank" && fe.Field != "owner_name") {
			t.Errorf("bank %q owner %q: %v, want a field error", bad.Bank, bad.OwnerName, err)
		}
	}
	if _, err := b.svc.CreateReseller(ctx, core.NewReseller{Name: "Toko\x1b]0;x\x07"}); err == nil {
		t.Error("reseller created with an escape sequence in its name")
	}
	if _, err := b.svc.OpenTicket(ctx, core.DepositParams{Reseller: r, Amount: 100000, Bank: "BCA", OwnerName: "Budi Santoso – Ñ"}); err != nil {
		t.Fatalf("plain text refused: %v", err)
	}
}
