package catalog

import (
	"testing"
	"time"
)

func TestParseClock(t *testing.T) {
	t.Parallel()
	for in, want := range map[string]Clock{"0:0": 0, "00:00": 0, "23:45": 23*60 + 45, "7:5": 7*60 + 5, "": 0} {
		got, err := ParseClock(in)
		if err != nil || got != want {
			t.Errorf("ParseClock(%q) = %v, %v; want %v", in, got, err, want)
		}
	}
	for _, bad := range []string{"24:00", "12", "a:b", "-1:00", "12:60"} {
		if _, err := ParseClock(bad); err == nil {
			t.Errorf("ParseClock(%q) accepted", bad)
		}
	}
	if s := Clock(23*60 + 45).String(); s != "23:45" {
		t.Errorf("String = %q", s)
	}
	if s := Clock(0).String(); s != "0:0" {
		t.Errorf("String = %q, want the price list's 0:0", s)
	}
}

func jakarta(h, m int) time.Time {
	return time.Date(2026, 11, 24, h, m, 0, 0, Jakarta)
}

func TestCutoffWindow(t *testing.T) {
	t.Parallel()
	wrap := Variant{CutoffStart: 23*60 + 45, CutoffEnd: 15} // 23:45 to 0:15
	day := Variant{CutoffStart: 9 * 60, CutoffEnd: 10 * 60}
	none := Variant{}
	cases := []struct {
		v    Variant
		t    time.Time
		want bool
	}{
		{wrap, jakarta(23, 44), false},
		{wrap, jakarta(23, 45), true},
		{wrap, jakarta(0, 0), true},
		{wrap, jakarta(0, 14), true},
		{wrap, jakarta(0, 15), false},
		{day, jakarta(9, 0), true},
		{day, jakarta(10, 0), false},
		{none, jakarta(0, 0), false},
		// 16:50 UTC is 23:50 in Jakarta: the window is Jakarta time whatever the server's zone.
		{wrap, time.Date(2026, 11, 24, 16, 50, 0, 0, time.UTC), true},
	}
	for i, c := range cases {
		if got := c.v.InCutoff(c.t); got != c.want {
			t.Errorf("case %d: InCutoff(%s) = %v", i, c.t, got)
		}
	}
}

func TestDayIsJakarta(t *testing.T) {
	t.Parallel()
	// 18:00 UTC on the 24th is 01:00 on the 25th in Jakarta.
	if d := Day(time.Date(2026, 11, 24, 18, 0, 0, 0, time.UTC)); d != "2026-11-25" {
		t.Fatalf("Day = %s", d)
	}
}

func TestPriceForFallsBackToDefault(t *testing.T) {
	t.Parallel()
	v := Variant{Prices: map[string]int64{"default": 1500, "Gold": 1389}}
	if p, _ := v.PriceFor("Gold"); p != 1389 {
		t.Errorf("Gold = %d", p)
	}
	if p, _ := v.PriceFor("Silver"); p != 1500 {
		t.Errorf("Silver = %d", p)
	}
	if _, ok := (&Variant{Prices: map[string]int64{"Gold": 1}}).PriceFor("Silver"); ok {
		t.Error("no default price must mean not sellable to that tier")
	}
}

func TestSellable(t *testing.T) {
	t.Parallel()
	v := Variant{Active: true}
	if err := v.Sellable(true, jakarta(12, 0)); err != nil {
		t.Fatal(err)
	}
	if err := v.Sellable(false, jakarta(12, 0)); err != ErrInactive {
		t.Fatalf("inactive product: %v", err)
	}
	v.CutoffStart, v.CutoffEnd = 11*60, 13*60
	if err := v.Sellable(true, jakarta(12, 0)); err != ErrCutoff {
		t.Fatalf("cut-off: %v", err)
	}
}
