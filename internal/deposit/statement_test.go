package deposit_test

import (
	"strings"
	"testing"
	"time"

	"github.com/kios-h2h/kios/internal/deposit"
)

func TestParseAmount(t *testing.T) {
	t.Parallel()
	for in, want := range map[string]struct {
		n      int64
		credit bool
	}{
		"10000123":         {10000123, true},
		"10.000.123":       {10000123, true},
		"10,000,123.00":    {10000123, true},
		"Rp 10.000.123,00": {10000123, true},
		"10,000,123.00 CR": {10000123, true},
		"IDR 250.000":      {250000, true},
		"-50.000":          {50000, false},
		"50.000 DB":        {50000, false},
		"+1,500":           {1500, true},
		"100.5":            {0, false}, // error: not whole rupiah
		"abc":              {0, false},
		"":                 {0, false},
		"1.234.567,89":     {0, false},
		"  75000  ":        {75000, true},
	} {
		n, credit, err := deposit.ParseAmount(in)
		if want.n == 0 {
			if err == nil {
				t.Errorf("%q: want an error, got %d", in, n)
			}
			continue
		}
		if err != nil || n != want.n || credit != want.credit {
			t.Errorf("%q: got %d %v %v, want %d %v", in, n, credit, err, want.n, want.credit)
		}
	}
}

func TestParseStatement(t *testing.T) {
	t.Parallel()
	now := time.Date(2025, 1, 5, 10, 0, 0, 0, time.UTC)
	csv := "\ufeffTanggal;Keterangan;Jumlah\n31/12;TRSF A;100.001\n05/01/2025 08:10;TRSF B;200.002\n05/01/2025 08:10;TRSF B;200.002\nx;y;z\n"
	lines, err := deposit.ParseStatement(strings.NewReader(csv), now)
	if err != nil {
		t.Fatal(err)
	}
	if len(lines) != 4 {
		t.Fatalf("%d lines: %+v", len(lines), lines)
	}
	if lines[0].Date != "2024-12-31" || lines[0].Amount != 100001 || !lines[0].Credit {
		t.Errorf("line 0 %+v", lines[0])
	}
	if lines[1].Date != "2025-01-05" || lines[1].Hash == lines[2].Hash || lines[1].Hash == "" {
		t.Errorf("identical lines must hash apart: %+v %+v", lines[1], lines[2])
	}
	if lines[3].Err == nil {
		t.Errorf("line 3 should be unreadable: %+v", lines[3])
	}
	again, _ := deposit.ParseStatement(strings.NewReader(csv), now)
	for i := range lines {
		if again[i].Hash != lines[i].Hash {
			t.Errorf("line %d hash differs between reads", i)
		}
	}
}
