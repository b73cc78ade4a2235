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

// TestDepositTicketCommands runs the deposit ticket commands, found through the command table.
func TestDepositTicketCommands(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	url := storetest.Backends()[0].URL(t)
	var out, errb bytes.Buffer
	e := &Env{Stdout: &out, Stderr: &errb, Getenv: func(string) string { return "" }, dbURL: url}
	t.Cleanup(func() { e.Close() })
	run := func(name string, args ...string) (string, error) {
		t.Helper()
		out.Reset()
		errb.Reset()
		cmd, rest, ok := lookup(append(strings.Fields(name), args...))
		if !ok || cmd.name != name {
			t.Fatalf("kios %s is not in the command table", name)
		}
		err := cmd.run(ctx, e, rest)
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

	got, err := run("deposit tickets", "--status", "open")
	if err != nil || !strings.Contains(got, t1.Code) || !strings.Contains(got, t2.Code) || !strings.Contains(got, "BCA") {
		t.Fatalf("tickets: %v\n%s", err, got)
	}
	if _, err := run("deposit tickets", "--status", "paid"); err == nil {
		t.Fatal("bad --status accepted")
	}
	got, err = run("deposit approve", t1.Code)
	if err != nil || !strings.Contains(got, fmt.Sprintf("credited %d to budi", t1.Amount)) {
		t.Fatalf("approve: %v\n%s", err, got)
	}
	got, err = run("deposit approve", strings.ToLower(t1.Code))
	if err != nil || !strings.Contains(got, "already approved") {
		t.Fatalf("approve again: %v\n%s", err, got)
	}
	got, err = run("deposit reject", t3.Code)
	if err != nil || !strings.Contains(got, "rejected "+t3.Code) {
		t.Fatalf("reject: %v\n%s", err, got)
	}
	if _, err := run("deposit approve", t3.Code); err == nil {
		t.Fatal("approved a rejected ticket")
	}
	if _, err := run("deposit approve"); err == nil {
		t.Fatal("approve without a ticket")
	}

	day := catalog.Day(svc.Now())
	statement := filepath.Join(t.TempDir(), "mutasi.csv")
	csv := fmt.Sprintf("date,description,amount\n%s,TRSF BUDI,%d\n%s,TRSF LAIN,%d\n%s,TRSF LAIN,777\n", day, t2.Amount, day, t1.Amount, day)
	if err := os.WriteFile(statement, []byte(csv), 0o600); err != nil {
		t.Fatal(err)
	}
	got, err = run("deposit match", statement)
	if err != nil || !strings.Contains(got, "1 ticket(s) approved") || !strings.Contains(got, "no open ticket with this amount") {
		t.Fatalf("match: %v\n%s", err, got)
	}
	got, err = run("deposit match", statement)
	if err != nil || !strings.Contains(got, "0 ticket(s) approved") || !strings.Contains(got, "already imported") {
		t.Fatalf("match again: %v\n%s", err, got)
	}
	if bal, _ := svc.Balance(ctx, cr.Reseller.ID); bal != t1.Amount+t2.Amount {
		t.Fatalf("balance %d, want %d", bal, t1.Amount+t2.Amount)
	}
	got, err = run("deposit tickets", "--reseller", "budi")
	if err != nil || strings.Count(got, "approved") != 2 || !strings.Contains(got, "rejected") {
		t.Fatalf("tickets at the end: %v\n%s", err, got)
	}
}
