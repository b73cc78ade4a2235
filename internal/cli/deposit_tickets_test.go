package cli

import (
	"bytes"
	"context"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/kios-h2h/kios/internal/catalog"
	"github.com/kios-h2h/kios/internal/core"
	"github.com/kios-h2h/kios/internal/store/storetest"
)

// TestDepositTicketCommands runs the deposit ticket commands (called directly, so that they are
// tested whether or not the command table lists them yet).
func TestDepositTicketCommands(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	url := storetest.Backends()[0].URL(t)
	var out, errb bytes.Buffer
	e := &Env{Stdout: &out, Stderr: &errb, Getenv: func(string) string { return "" }, dbURL: url}
	t.Cleanup(func() { e.Close() })
	run := func(fn func(context.Context, *Env, []string) error, args ...string) (string, error) {
		out.Reset()
		errb.Reset()
		err := fn(ctx, e, args)
		return out.String(), err
	}
	svc, err := e.Service(ctx)
	if err != nil {
		t.Fatal(err)
	}
	cr, err := svc.CreateReseller(ctx, core.NewReseller{Username: "budi", Name: "Budi"})
	if err != nil {
		t.Fatal(err)
	}
	t1, err := svc.OpenTicket(ctx, core.DepositParams{Reseller: cr.Reseller, Amount: 100000, Bank: "BCA", OwnerName: "Budi"})
	if err != nil {
		t.Fatal(err)
	}
	t2, err := svc.OpenTicket(ctx, core.DepositParams{Reseller: cr.Reseller, Amount: 200000})
	if err != nil {
		t.Fatal(err)
	}
	t3, err := svc.OpenTicket(ctx, core.DepositParams{Reseller: cr.Reseller, Amount: 300000})
	if err != nil {
		t.Fatal(err)
	}

	got, err := run(runDepositTickets, "--status", "open")
	if err != nil || !strings.Contains(got, t1.Code) || !strings.Contains(got, t2.Code) || !strings.Contains(got, "BCA") {
		t.Fatalf("tickets: %v\n%s", err, got)
	}
	if _, err := run(runDepositTickets, "--status", "paid"); err == nil {
		t.Fatal("bad --status accepted")
	}
	got, err = run(runDepositApprove, t1.Code)
	if err != nil || !strings.Contains(got, fmt.Sprintf("credited %d to budi", t1.Amount)) {
		t.Fatalf("approve: %v\n%s", err, got)
	}
	got, err = run(runDepositApprove, strings.ToLower(t1.Code))
	if err != nil || !strings.Contains(got, "already approved") {
		t.Fatalf("approve again: %v\n%s", err, got)
	}
	got, err = run(runDepositReject, t3.Code)
	if err != nil || !strings.Contains(got, "rejected "+t3.Code) {
		t.Fatalf("reject: %v\n%s", err, got)
	}
	if _, err := run(runDepositApprove, t3.Code); err == nil {
		t.Fatal("approved a rejected ticket")
	}
	if _, err := run(runDepositApprove); err == nil {
		t.Fatal("approve without a ticket")
	}

	day := catalog.Day(svc.Now())
	statement := filepath.Join(t.TempDir(), "mutasi.csv")
	csv := fmt.Sprintf("date,description,amount\n%s,TRSF BUDI,%d\n%s,TRSF LAIN,%d\n%s,TRSF LAIN,777\n", day, t2.Amount, day, t1.Amount, day)
	if err := os.WriteFile(statement, []byte(csv), 0o600); err != nil {
		t.Fatal(err)
	}
	got, err = run(runDepositMatch, statement)
	if err != nil || !strings.Contains(got, "1 ticket(s) approved") || !strings.Contains(got, "no open ticket with this amount") {
		t.Fatalf("match: %v\n%s", err, got)
	}
	got, err = run(runDepositMatch, statement)
	if err != nil || !strings.Contains(got, "0 ticket(s) approved") || !strings.Contains(got, "already imported") {
		t.Fatalf("match again: %v\n%s", err, got)
	}
	if bal, _ := svc.Balance(ctx, cr.Reseller.ID); bal != t1.Amount+t2.Amount {
		t.Fatalf("balance %d, want %d", bal, t1.Amount+t2.Amount)
	}
	got, err = run(runDepositTickets, "--reseller", "budi")
	if err != nil || strings.Count(got, "approved") != 2 || !strings.Contains(got, "rejected") {
		t.Fatalf("tickets at the end: %v\n%s", err, got)
	}
}
