package otomax_test

import (
	"context"
	"errors"
	"net/http"
	"net/http/httptest"
	"net/url"
	"sync/atomic"
	"testing"

	"github.com/kios-h2h/kios/internal/supplier"
	"github.com/kios-h2h/kios/internal/supplier/otomax"
)

// center answers every request with the reply in *text (and HTTP status *code, 200 if 0).
func center(t *testing.T) (url string, text *atomic.Value, code *atomic.Int32) {
	text, code = &atomic.Value{}, &atomic.Int32{}
	text.Store("")
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if c := code.Load(); c != 0 {
			w.WriteHeader(int(c))
		}
		_, _ = w.Write([]byte(text.Load().(string)))
	}))
	t.Cleanup(srv.Close)
	return srv.URL, text, code
}

// TestReplies: real-shaped replies of Otomax/IRS centers (client/otomax/README.md cites them) and
// of Kios, read by the connector for a purchase and for a status check. Unknown is an error
// wrapping supplier.ErrUnknownOutcome: asked again, never bought elsewhere, never refunded.
func TestReplies(t *testing.T) {
	t.Parallel()
	base, text, _ := center(t)
	s, err := otomax.New(otomax.Config{Name: "pusat", BaseURL: base, MemberID: "M1", PIN: "1234", Password: "pw"})
	if err != nil {
		t.Fatal(err)
	}
	const unknown = supplier.Unknown
	cases := []struct {
		name, reply string
		ref, dest   string
		buy, check  supplier.State // what a purchase and a status check read
		sn          string
		cost        int64
		unreachable bool // of the purchase's failure
	}{
		{"sidopulsa success", "TRX TT5.081299999999 BERHASIL, HRG:8000 SN: TRXHS031266584 WAKTU 2025-04-05 20:32:56. SISA SALDO:60000 CLIENTID=9932POO0",
			"r1", "081299999999", supplier.Success, supplier.Success, "TRXHS031266584", 8000, false},
		{"sidopulsa failed names the destination", "TRX TT5.081299999999 GAGAL, Dibatalkan Refund Rp.9.000 WAKTU 2025-03-27 21:23:43. SISA SALDO:287270 CLIENTID=99323879.",
			"r1", "081299999999", supplier.Failed, supplier.Failed, "", 0, false},
		{"sidopulsa pending", "TRX TT5 ke 081298956177 segera diproses Saldo=17221364 CLIENTID=99323895.",
			"r1", "081298956177", supplier.Pending, supplier.Pending, "", 0, false},
		{"klikoo success", "R#359912451 MXD17. 48429495 SUCCESS. SN: 4779928. TRXID: 5a8ae07d. SISA SALDO: 97.411.793 - 18.800 = 97.392.993 @15:25:39 20/02/2024&refid=359912451",
			"359912451", "48429495", supplier.Success, supplier.Success, "4779928", 18800, false},
		{"klikoo failed", "R#204900199 MXD40. 151443938 FAILED. REASON: FR_NOT_SELECTED. TRXID: 3f61. SISA SALDO: 31.515.657 - 0 = 31.473.857 @18:21:31 16/02/2024&refid=204900199",
			"204900199", "151443938", supplier.Failed, supplier.Failed, "", 0, false},
		{"klikoo in progress", "R#00f7ade1 DNOPEN. 081111111111 INPROGRESS. TRXID: 14430673. @15:42:50 23/10/2024",
			"00f7ade1", "081111111111", supplier.Pending, supplier.Pending, "", 0, false},
		{"klikoo PLN token", "R#13574661 PLN50. 14444941364 SUCCESS. SN: 2514-1798-8056-2280-2824/HASMALINDA/R1M/900VA/33.7. TRXID: 20356853. SISA SALDO: 13.608.663 - 50.102 = 13.558.561 @09:46:23 16/12/2024&refid=13574661",
			"13574661", "14444941364", supplier.Success, supplier.Success, "2514-1798-8056-2280-2824/HASMALINDA/R1M/900VA/33.7", 50102, false},
		{"digiflazz sipas success", "TRX S1.087800001230 BERHASIL, HRG:10000 SN:1234567890. SISA SALDO:990000 CLIENTID=12345678.",
			"r2", "087800001230", supplier.Success, supplier.Success, "1234567890", 10000, false},
		{"digiflazz sipas failed", "TRX S1.087800001232 GAGAL, Nomor tujuan salah. SISA SALDO 1000000 CLIENTID=12345678.",
			"r2", "087800001232", supplier.Failed, supplier.Failed, "", 0, false},
		{"maxsi report", "TRANSAKSI LANCAR T#1 R#64525223 IP30.08575xxx724 SUKSES. SN/Ref:038xxx2443623 .",
			"64525223", "08575000724", supplier.Success, supplier.Success, "038xxx2443623", 0, false},
		{"kios taken", "R#k1 MLBB_ID_12.081234560001 sedang diproses. Harga: 3.330. Saldo: 996.670",
			"k1", "081234560001", supplier.Pending, supplier.Pending, "", 3330, false},
		{"kios success", "R#k1 MLBB_ID_12.081234560001 BERHASIL. SN: 7F3A2B. Harga: 3.330. Saldo: 996.670",
			"k1", "081234560001", supplier.Success, supplier.Success, "7F3A2B", 3330, false},
		{"kios success without SN", "R#k1 MLBB_ID_12.081234560001 BERHASIL. SN: -. Harga: 3.330. Saldo: 996.670",
			"k1", "081234560001", supplier.Success, supplier.Success, "", 3330, false},
		{"kios failed", "R#k1 MLBB_ID_12.081234560000 GAGAL. Saldo dikembalikan: 3.330. Saldo: 1.000.000. Ket: nomor tidak aktif",
			"k1", "081234560000", supplier.Failed, supplier.Failed, "", 0, false},
		{"kios refused product", "R#k1 NOPE.081234560001 GAGAL. Produk NOPE tidak dikenal. Saldo: 1.000.000",
			"k1", "081234560001", supplier.Failed, supplier.Failed, "", 0, false},
		{"kios wrong sign: no order named", "GAGAL. memberID, PIN, password atau sign salah",
			"k1", "081234560001", supplier.Failed, unknown, "", 0, true},
		{"format error naming nothing", "GAGAL. Format salah: parameter wajib tidak ada: dest",
			"k1", "081234560001", supplier.Failed, unknown, "", 0, true},
		{"kios check of an unknown refID", "R#k1 MLBB_ID_12.081234560001 tidak ditemukan. Saldo: 1.000.000",
			"k1", "081234560001", unknown, unknown, "", 0, false},
		{"another reference", "R#other MLBB_ID_12.081234560001 BERHASIL. SN: 1. Harga: 3.330",
			"k1", "081234560001", unknown, unknown, "", 0, false},
		{"two outcomes", "R#k1 S5. 081234560001 GAGAL. Transaksi sebelumnya SUKSES", "k1", "081234560001", unknown, unknown, "", 0, false},
		{"destination inside a longer number", "TRX S5.6281234560001 GAGAL, nomor salah", "k1", "81234560001", supplier.Failed, unknown, "", 0, true},
		{"empty reply", "", "k1", "081234560001", unknown, unknown, "", 0, false},
		{"html page", "<html><body>502 Bad Gateway</body></html>", "k1", "081234560001", unknown, unknown, "", 0, false},
		{"help text", "Format salah. Ketik HELP", "k1", "081234560001", unknown, unknown, "", 0, false},
	}
	if len(cases) < 15 {
		t.Fatalf("%d replies, the issue asks for at least 15", len(cases))
	}
	for _, c := range cases {
		text.Store(c.reply)
		req := supplier.Request{Reference: c.ref, SKU: "S5", Destination: c.dest}
		for _, op := range []struct {
			name string
			call func(context.Context, supplier.Request) (supplier.Result, error)
			want supplier.State
		}{{"purchase", s.Purchase, c.buy}, {"status", s.Status, c.check}} {
			res, err := op.call(context.Background(), req)
			if op.want == unknown {
				if !errors.Is(err, supplier.ErrUnknownOutcome) {
					t.Errorf("%s, %s: %+v %v, want unknown", c.name, op.name, res, err)
				}
				continue
			}
			if err != nil || res.State != op.want {
				t.Errorf("%s, %s: %+v %v, want %s", c.name, op.name, res, err, op.want)
				continue
			}
			if res.State == supplier.Success && (res.SN != c.sn || res.Cost != c.cost) {
				t.Errorf("%s, %s: sn %q cost %d, want %q %d", c.name, op.name, res.SN, res.Cost, c.sn, c.cost)
			}
			if res.State == supplier.Failed && op.name == "purchase" && res.Unreachable != c.unreachable {
				t.Errorf("%s: unreachable %v, want %v", c.name, res.Unreachable, c.unreachable)
			}
			if res.Raw != c.reply {
				t.Errorf("%s: raw %q", c.name, res.Raw)
			}
		}
	}
}

// TestTransport: what the HTTP exchange itself says. A refused connection is a purchase that
// never left (failed, unreachable) but proves nothing to a status check; any status other than
// 200 is unknown.
func TestTransport(t *testing.T) {
	t.Parallel()
	base, text, code := center(t)
	s, err := otomax.New(otomax.Config{Name: "pusat", BaseURL: base, MemberID: "M1", PIN: "1234", Password: "pw"})
	if err != nil {
		t.Fatal(err)
	}
	req := supplier.Request{Reference: "k1", SKU: "S5", Destination: "0812"}
	text.Store("R#k1 S5.0812 BERHASIL. SN: 1")
	code.Store(http.StatusBadGateway)
	if _, err := s.Purchase(context.Background(), req); !errors.Is(err, supplier.ErrUnknownOutcome) {
		t.Fatalf("502: %v", err)
	}
	down, err := otomax.New(otomax.Config{Name: "down", BaseURL: "http://127.0.0.1:1", MemberID: "M1", PIN: "1", Password: "p"})
	if err != nil {
		t.Fatal(err)
	}
	if res, err := down.Purchase(context.Background(), req); err != nil || res.State != supplier.Failed || !res.Unreachable {
		t.Fatalf("refused purchase: %+v %v", res, err)
	}
	if _, err := down.Status(context.Background(), req); !errors.Is(err, supplier.ErrUnknownOutcome) {
		t.Fatalf("refused status check: %v", err)
	}
}

// TestOwnPatterns: an operator's patterns for a center with its own words.
func TestOwnPatterns(t *testing.T) {
	t.Parallel()
	base, text, _ := center(t)
	s, err := otomax.New(otomax.Config{Name: "pusat", BaseURL: base, MemberID: "M1", PIN: "1234", Password: "pw",
		Patterns: `{"success":["^OK#"],"failed":["^NOK#"],"pending":["^WAIT"],"sn":["^OK#([^#]+)#"],"price":["^OK#[^#]+#(\\d+)"]}`})
	if err != nil {
		t.Fatal(err)
	}
	text.Store("OK#SN-9#5100")
	res, err := s.Purchase(context.Background(), supplier.Request{Reference: "k1", SKU: "S5", Destination: "0812"})
	if err != nil || res.State != supplier.Success || res.SN != "SN-9" || res.Cost != 5100 {
		t.Fatalf("own success: %+v %v", res, err)
	}
	text.Store("BERHASIL SN: 1") // the defaults' words mean nothing to this center's patterns
	if _, err := s.Status(context.Background(), supplier.Request{Reference: "k1", SKU: "S5", Destination: "0812"}); !errors.Is(err, supplier.ErrUnknownOutcome) {
		t.Fatalf("default words under own patterns: %v", err)
	}
	if _, err := otomax.New(otomax.Config{Name: "bad", Patterns: `{"sn":["SN: \\d+"]}`}); err == nil {
		t.Fatal("an SN pattern without a group accepted")
	}
	if _, err := otomax.New(otomax.Config{Name: "bad", Patterns: `{"succes":["x"]}`}); err == nil {
		t.Fatal("a misspelt key accepted")
	}
}

// TestReportQuery: the center's report-back, checked by its key.
func TestReportQuery(t *testing.T) {
	t.Parallel()
	s, err := otomax.New(otomax.Config{Name: "pusat", BaseURL: "http://127.0.0.1:1", MemberID: "M1", PIN: "1", Password: "p", CallbackSecret: "kunci"})
	if err != nil {
		t.Fatal(err)
	}
	q := url.Values{"serverid": {"INV1"}, "clientid": {"k1"}, "statuscode": {"1"}, "kp": {"S5"}, "msisdn": {"0812"}, "sn": {"777"},
		"msg": {"R#k1 S5.0812 BERHASIL. SN: 777. Harga: 5.100. Saldo: 1"}, "key": {"kunci"}}
	ref, res, err := s.ReadCallbackQuery(q)
	if err != nil || ref != "k1" || res.State != supplier.Success || res.SN != "777" || res.Cost != 5100 || res.UpstreamRef != "INV1" {
		t.Fatalf("report: %q %+v %v", ref, res, err)
	}
	if strings := res.Raw; containsKey(strings) {
		t.Fatalf("the key recorded: %s", res.Raw)
	}
	for name, mod := range map[string]func(url.Values){
		"no key":           func(q url.Values) { q.Del("key") },
		"wrong key":        func(q url.Values) { q.Set("key", "kunc") },
		"bad statuscode":   func(q url.Values) { q.Set("statuscode", "3") },
		"no clientid":      func(q url.Values) { q.Del("clientid") },
		"msg of another":   func(q url.Values) { q.Set("msg", "R#k2 S5.0812 BERHASIL") },
		"clientid twice":   func(q url.Values) { q.Add("clientid", "k2") },
		"statuscode words": func(q url.Values) { q.Set("statuscode", "sukses") },
	} {
		bad := url.Values{}
		for k, v := range q {
			bad[k] = append([]string(nil), v...)
		}
		mod(bad)
		if _, _, err := s.ReadCallbackQuery(bad); err == nil {
			t.Errorf("%s: accepted", name)
		}
	}
	q.Set("statuscode", "2")
	if _, res, err := s.ReadCallbackQuery(q); err != nil || res.State != supplier.Failed {
		t.Fatalf("failed report: %+v %v", res, err)
	}
	none, _ := otomax.New(otomax.Config{Name: "none"})
	if _, _, err := none.ReadCallbackQuery(q); !errors.Is(err, supplier.ErrBadSignature) {
		t.Fatalf("a supplier without a key took a report: %v", err)
	}
}

func containsKey(raw string) bool {
	v, _ := url.ParseQuery(raw)
	return v.Has("key")
}

// TestCustomerFailures: a failure the order caused (a wrong number, the multi rule), in the
// customer patterns' words and naming the purchase, is marked Customer: routing does not count
// it against the center.
func TestCustomerFailures(t *testing.T) {
	t.Parallel()
	base, text, _ := center(t)
	s, err := otomax.New(otomax.Config{Name: "pusat", BaseURL: base, MemberID: "M1", PIN: "1234", Password: "pw"})
	if err != nil {
		t.Fatal(err)
	}
	for _, c := range []struct {
		reply    string
		customer bool
	}{
		{"TRX S1.087800001232 GAGAL, Nomor tujuan salah. SISA SALDO 1000000 CLIENTID=12345678.", true},
		{"R#k1 ONCE_5.087800001232 GAGAL. Sudah ada transaksi ONCE_5 ke 087800001232 hari ini; produk ini hanya sekali sehari per nomor. Saldo: 1", true},
		{"R#k1 S5.087800001232 GAGAL. Saldo dikembalikan: 5.100. Saldo: 9. Ket: Nomor tidak aktif", true},
		{"R#k1 S5.087800001232 GAGAL. Stok habis. Saldo: 1.000", false},
		{"GAGAL. Nomor tujuan salah", false}, // names no purchase: a refusal of the request
	} {
		text.Store(c.reply)
		res, err := s.Purchase(context.Background(), supplier.Request{Reference: "k1", SKU: "S5", Destination: "087800001232"})
		if err != nil || res.State != supplier.Failed || res.Customer != c.customer {
			t.Errorf("%q: %+v %v, want customer %v", c.reply, res, err, c.customer)
		}
	}
}
