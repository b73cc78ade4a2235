package otomax

import (
	"strings"
	"testing"
)

// Real-shaped replies, as centers document them (sources in README.md).
func TestParseReplies(t *testing.T) {
	p := DefaultPatterns()
	for _, c := range []struct {
		name, text string
		status     Status
		ref, sn    string
		price, bal int64
	}{
		// sidopulsa (Otomax response page)
		{"sidopulsa success", "TRX TT5.081299999999 BERHASIL, HRG:8000 SN: TRXHS031266584 WAKTU 2025-04-05 20:32:56. SISA SALDO:60000 CLIENTID=9932POO0",
			StatusSuccess, "", "TRXHS031266584", 8000, 60000},
		{"sidopulsa failed", "TRX TT5.081299999999 GAGAL, Dibatalkan Refund Rp.9.000 WAKTU 2025-03-27 21:23:43. SISA SALDO:287270 CLIENTID=99323879.",
			StatusFailed, "", "", 0, 287270},
		{"sidopulsa pending", "TRX TT5 ke 081298956177 segera diproses Saldo=17221364 CLIENTID=99323895.",
			StatusPending, "", "", 0, 17221364},
		// klikoo (responses to an Otomax server)
		{"klikoo success", "R#359912451 MXD17. 48429495 SUCCESS. SN: 4779928. TRXID: 5a8ae07d-c01c-48c1-b38a-20a1f7ea0200. SISA SALDO: 97.411.793 - 18.800 = 97.392.993 @15:25:39.484331 20/02/2024&refid=359912451",
			StatusSuccess, "359912451", "4779928", 18800, 97392993},
		{"klikoo failed", "R#204900199 MXD40. 151443938 FAILED. REASON: FR_NOT_SELECTED. TRXID: 3f613573-893a-418d-90ce-2b84778e1454. SISA SALDO: 31.515.657 - 0 = 31.473.857 @18:21:31.327611 16/02/2024&refid=204900199",
			StatusFailed, "204900199", "", 0, 31473857},
		{"klikoo in progress", "R#00f7ade1-68df-4d58-a7c9-297ec86e6632 DNOPEN. 081111111111 INPROGRESS. TRXID: 14430673. @15:42:50.308103 23/10/2024",
			StatusPending, "00f7ade1-68df-4d58-a7c9-297ec86e6632", "", 0, -1},
		{"klikoo PLN token", "R#13574661 PLN50. 14444941364 SUCCESS. SN: 2514-1798-8056-2280-2824/HASMALINDA/R1M/900VA/33.7. TRXID: 20356853. SISA SALDO: 13.608.663 - 50.102 = 13.558.561 @09:46:23.848418 16/12/2024&refid=13574661",
			StatusSuccess, "13574661", "2514-1798-8056-2280-2824/HASMALINDA/R1M/900VA/33.7", 50102, 13558561},
		// Digiflazz's reply formats to Otomax-style buyers
		{"digiflazz sipas success", "TRX S1.087800001230 BERHASIL, HRG:10000 SN:1234567890. SISA SALDO:990000 CLIENTID=12345678. Tele:@telegram Wa:081234512345.",
			StatusSuccess, "", "1234567890", 10000, 990000},
		{"digiflazz sipas failed", "TRX S1.087800001232 GAGAL, Nomor tujuan salah. SISA SALDO 1000000 CLIENTID=12345678. Tele:@telegram Wa:081234512345.",
			StatusFailed, "", "", 0, 1000000},
		{"digiflazz sipas pending", "Request S1 ke 087800001233 segera diproses Saldo=990000 CLIENTID=12345678. Tele:@telegram Wa:081234512345.",
			StatusPending, "", "", 0, 990000},
		// maxsi (report message)
		{"maxsi success", "TRANSAKSI LANCAR T#1 R#64525223 IP30.08575xxx724 SUKSES. SN/Ref:038xxx2443623 .",
			StatusSuccess, "64525223", "038xxx2443623", 0, -1},
		// market notes: Otomax-style callback text
		{"otomax callback", "R#77 S5. 081234567890 SUCCESS. SN: 0041002233. SISA SALDO: 100.000 - 5.500 = 94.500",
			StatusSuccess, "77", "0041002233", 5500, 94500},
		// What no pattern may guess at.
		{"two outcomes", "R#78 S5. 0812 GAGAL. Transaksi sebelumnya SUKSES", StatusUnknown, "78", "", 0, -1},
		{"empty", "", StatusUnknown, "", "", 0, -1},
		{"html error page", "<html><body>502 Bad Gateway</body></html>", StatusUnknown, "", "", 0, -1},
		{"unrelated", "Format salah. Ketik HELP", StatusUnknown, "", "", 0, -1},
	} {
		t.Run(c.name, func(t *testing.T) {
			r := p.Parse(c.text)
			if r.Status != c.status || r.RefID != c.ref || r.SN != c.sn || r.Price != c.price || r.Balance != c.bal {
				t.Fatalf("Parse(%q)\n got status=%v ref=%q sn=%q price=%d balance=%d\nwant status=%v ref=%q sn=%q price=%d balance=%d",
					c.text, r.Status, r.RefID, r.SN, r.Price, r.Balance, c.status, c.ref, c.sn, c.price, c.bal)
			}
		})
	}
}

func TestCompilePatterns(t *testing.T) {
	// An operator's own patterns for a center that answers "OK#sn#price" / "NOK#reason".
	p, err := CompilePatterns(PatternTexts{
		Success: []string{`^OK#`}, Failed: []string{`^NOK#`}, Pending: []string{`^WAIT`},
		SN: []string{`^OK#([^#]+)#`}, Price: []string{`^OK#[^#]+#(\d+)`},
	})
	if err != nil {
		t.Fatal(err)
	}
	r := p.Parse("OK#SN-9#5100")
	if r.Status != StatusSuccess || r.SN != "SN-9" || r.Price != 5100 {
		t.Fatalf("own patterns: %+v", r)
	}
	if r := p.Parse("NOK#stok kosong"); r.Status != StatusFailed {
		t.Fatalf("own failed pattern: %+v", r)
	}
	// The defaults fill what the operator left empty.
	if len(p.Balance) == 0 || len(p.RefID) == 0 {
		t.Fatal("empty lists did not take the defaults")
	}
	for name, pt := range map[string]PatternTexts{
		"bad regexp":     {Success: []string{`(`}},
		"sn no group":    {SN: []string{`SN:\S+`}},
		"price no group": {Price: []string{`HRG:\d+`}},
	} {
		if _, err := CompilePatterns(pt); err == nil {
			t.Errorf("%s: compiled", name)
		}
	}
}

func TestAmount(t *testing.T) {
	for in, want := range map[string]int64{"8000": 8000, "97.411.793": 97411793, "9.000,00": 9000, "1,500": 1500, "0": 0} {
		if got, ok := amount(in); !ok || got != want {
			t.Errorf("amount(%q) = %d, %v; want %d", in, got, ok, want)
		}
	}
	for _, in := range []string{"", "abc", strings.Repeat("9", 30)} {
		if _, ok := amount(in); ok {
			t.Errorf("amount(%q) accepted", in)
		}
	}
}

func FuzzParse(f *testing.F) {
	f.Add("R#1 S5. 0812 SUCCESS. SN: 1. SISA SALDO: 10 - 5 = 5")
	f.Add("TRX S1.0878 GAGAL, Nomor tujuan salah. SISA SALDO 1000000")
	p := DefaultPatterns()
	f.Fuzz(func(t *testing.T, s string) {
		r := p.Parse(s)
		if r.Price < 0 || r.Balance < -1 {
			t.Fatalf("negative amount from %q: %+v", s, r)
		}
		if r.Status == StatusSuccess && anyMatch(p.Failed, s) {
			t.Fatalf("success read from a reply that also says failed: %q", s)
		}
	})
}
