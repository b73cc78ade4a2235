package order

import (
	"strings"
	"testing"
	"time"
)

func TestNewInvoiceUniqueAndUnguessable(t *testing.T) {
	t.Parallel()
	now := time.Date(2026, 11, 24, 1, 2, 3, 0, time.UTC)
	seen := map[string]bool{}
	for i := 0; i < 10000; i++ {
		inv := NewInvoice(now)
		if !strings.HasPrefix(inv, "KIOS-261124-") || len(inv) != 24 {
			t.Fatalf("bad invoice %q", inv)
		}
		if seen[inv] {
			t.Fatalf("duplicate invoice %q", inv)
		}
		seen[inv] = true
	}
	// Within one tenth of a second the time part is the same and the random parts (the last
	// eight characters) share no predictable pattern.
	a, b := NewInvoice(now)[16:], NewInvoice(now)[16:]
	same := 0
	for i := range a {
		if a[i] == b[i] {
			same++
		}
	}
	if same > 4 {
		t.Fatalf("invoices %s and %s look related", a, b)
	}
}

func TestNewInvoiceSortsByTime(t *testing.T) {
	t.Parallel()
	day := time.Date(2026, 11, 24, 0, 0, 0, 0, time.UTC)
	prev := ""
	for _, d := range []time.Duration{0, 100 * time.Millisecond, time.Second, time.Hour, 24*time.Hour - 100*time.Millisecond, 24 * time.Hour} {
		inv := NewInvoice(day.Add(d))
		if inv <= prev {
			t.Fatalf("%v: %s sorts before %s", d, inv, prev)
		}
		prev = inv
	}
	if got := NewInvoice(day.Add(24*time.Hour - time.Millisecond))[12:16]; got != "TBQZ" {
		// 863,999 tenths = 26·32^3 + 11·32^2 + 23·32 + 31.
		t.Fatalf("last tenth of a day encodes as %s", got)
	}
	// The date is UTC's whatever the clock's zone.
	if inv := NewInvoice(time.Date(2026, 11, 25, 6, 0, 0, 0, time.FixedZone("WIB", 7*3600))); !strings.HasPrefix(inv, "KIOS-261124-") {
		t.Fatalf("zone: %s", inv)
	}
}

func TestValidateReference(t *testing.T) {
	t.Parallel()
	for _, ok := range []string{"abc", "REF-2026-0001", strings.Repeat("x", 64)} {
		if err := ValidateReference(ok); err != nil {
			t.Errorf("%q: %v", ok, err)
		}
	}
	for _, bad := range []string{"", "a b", strings.Repeat("x", 65), "ref\n", "réf", "a\x00"} {
		if err := ValidateReference(bad); err == nil {
			t.Errorf("%q accepted", bad)
		}
	}
}

func TestValidateDestination(t *testing.T) {
	t.Parallel()
	for _, ok := range []string{"081234567890", "12345678(1234)", "12345678|1234"} {
		if err := ValidateDestination(ok); err != nil {
			t.Errorf("%q: %v", ok, err)
		}
	}
	for _, bad := range []string{"", "   ", strings.Repeat("1", 65), "08\n12"} {
		if err := ValidateDestination(bad); err == nil {
			t.Errorf("%q accepted", bad)
		}
	}
}

func TestParseStatus(t *testing.T) {
	t.Parallel()
	for in, want := range map[string]Status{"Sukses": Success, "success": Success, "Gagal": Failed, "failed": Failed, "pending": Pending} {
		if got, err := ParseStatus(in); err != nil || got != want {
			t.Errorf("%q = %v %v", in, got, err)
		}
	}
	if _, err := ParseStatus("done"); err == nil {
		t.Error("accepted done")
	}
}
