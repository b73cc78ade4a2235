package digiflazz_test

import (
	"context"
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"testing"

	"github.com/kios-h2h/kios/internal/dialect/digiflazz"
	"github.com/kios-h2h/kios/internal/store"
)

// The golden answers below are byte-for-byte what a client gets: field names, field order, JSON
// types and the {"data": …} envelope, as in the public Digiflazz documentation.

func assertAnswer(t *testing.T, gotStatus int, got string, wantStatus int, want string) {
	t.Helper()
	if gotStatus != wantStatus || got != want {
		t.Fatalf("answer:\n got HTTP %d %s\nwant HTTP %d %s", gotStatus, got, wantStatus, want)
	}
}

func TestGoldenBalance(t *testing.T) {
	t.Parallel()
	f := setup(t, digiflazz.Options{})
	st, got := f.post(t, "/v1/cek-saldo", map[string]any{"cmd": "deposit", "username": "buyer1", "sign": f.sign("depo")})
	assertAnswer(t, st, got, 200, `{"data":{"deposit":100000}}`)
}

func TestGoldenPriceList(t *testing.T) {
	t.Parallel()
	f := setup(t, digiflazz.Options{})
	ml5 := `{"product_name":"Mobile Legends 5 Diamonds","category":"Games","brand":"MOBILE LEGENDS","type":"Umum","seller_name":"KIOS","price":1389,"buyer_sku_code":"ml5","buyer_product_status":true,"seller_product_status":true,"unlimited_stock":false,"stock":1,"multi":true,"start_cut_off":"0:0","end_cut_off":"0:0","desc":"Masukkan User ID dan Zone ID"}`
	s5 := `{"product_name":"Telkomsel 5.000","category":"Pulsa","brand":"TELKOMSEL","type":"Umum","seller_name":"KIOS","price":5005,"buyer_sku_code":"s5","buyer_product_status":true,"seller_product_status":true,"unlimited_stock":true,"stock":0,"multi":true,"start_cut_off":"0:0","end_cut_off":"0:0","desc":"Pulsa Telkomsel Rp 5.000"}`
	s50 := fmt.Sprintf(`{"product_name":"Telkomsel 50.000","category":"Pulsa","brand":"TELKOMSEL","type":"Umum","seller_name":"KIOS","price":49030,"buyer_sku_code":"s50","buyer_product_status":true,"seller_product_status":true,"unlimited_stock":false,"stock":3,"multi":false,"start_cut_off":%q,"end_cut_off":%q,"desc":"Pulsa Telkomsel Rp 50.000"}`, f.win[2], f.win[3])
	// s20 is inside its cut-off: the buyer may list it, the seller cannot deliver it now.
	s20 := fmt.Sprintf(`{"product_name":"Telkomsel 20.000","category":"Pulsa","brand":"TELKOMSEL","type":"Umum","seller_name":"KIOS","price":20100,"buyer_sku_code":"s20","buyer_product_status":true,"seller_product_status":false,"unlimited_stock":true,"stock":0,"multi":true,"start_cut_off":%q,"end_cut_off":%q,"desc":"Pulsa Telkomsel Rp 20.000"}`, f.win[0], f.win[1])
	s1off := `{"product_name":"Telkomsel 1.000","category":"Pulsa","brand":"TELKOMSEL","type":"Umum","seller_name":"KIOS","price":1500,"buyer_sku_code":"s1off","buyer_product_status":false,"seller_product_status":false,"unlimited_stock":true,"stock":0,"multi":true,"start_cut_off":"0:0","end_cut_off":"0:0","desc":"Pulsa Telkomsel Rp 1.000"}`
	pln := `{"product_name":"PLN Pascabayar","category":"Pascabayar","brand":"PLN","seller_name":"KIOS","admin":2500,"commission":100,"buyer_sku_code":"pln","buyer_product_status":true,"seller_product_status":true,"desc":"-"}`

	sign := f.sign("pricelist")
	for _, c := range []struct {
		name string
		req  map[string]any
		want string
	}{
		// mlgold has a price for the gold tier only: not for sale to this reseller, not listed.
		{"full prepaid", map[string]any{"cmd": "prepaid"}, `{"data":[` + ml5 + `,` + s5 + `,` + s50 + `,` + s20 + `,` + s1off + `]}`},
		{"no cmd is prepaid", map[string]any{}, `{"data":[` + ml5 + `,` + s5 + `,` + s50 + `,` + s20 + `,` + s1off + `]}`},
		{"code", map[string]any{"cmd": "prepaid", "code": "s5"}, `{"data":[` + s5 + `]}`},
		{"category", map[string]any{"cmd": "prepaid", "category": "Games"}, `{"data":[` + ml5 + `]}`},
		{"brand any case", map[string]any{"cmd": "prepaid", "brand": "telkomsel", "type": "umum"}, `{"data":[` + s5 + `,` + s50 + `,` + s20 + `,` + s1off + `]}`},
		{"nothing matches", map[string]any{"cmd": "prepaid", "type": "Membership"}, `{"data":[]}`},
		{"pasca", map[string]any{"cmd": "pasca"}, `{"data":[` + pln + `]}`},
		{"pasca code", map[string]any{"cmd": "pasca", "code": "s5"}, `{"data":[]}`},
	} {
		c.req["username"], c.req["sign"] = "buyer1", sign
		st, got := f.post(t, "/v1/price-list", c.req)
		t.Run(c.name, func(t *testing.T) { assertAnswer(t, st, got, 200, c.want) })
	}
}

func TestGoldenTransaction(t *testing.T) {
	t.Parallel()
	f := setup(t, digiflazz.Options{})
	req := f.tx("s5", "081234567890", "r1")
	st, got := f.post(t, "/v1/transaction", req)
	assertAnswer(t, st, got, 200, `{"data":{"ref_id":"r1","customer_no":"081234567890","buyer_sku_code":"s5","message":"Transaksi sedang diproses","status":"Pending","rc":"03","sn":"","buyer_last_saldo":94995,"price":5005,"tele":"","wa":""}}`)

	// The same request again is the status check: same order, charged once.
	st, got = f.post(t, "/v1/transaction", req)
	assertAnswer(t, st, got, 200, `{"data":{"ref_id":"r1","customer_no":"081234567890","buyer_sku_code":"s5","message":"Transaksi sedang diproses","status":"Pending","rc":"03","sn":"","buyer_last_saldo":94995,"price":5005,"tele":"","wa":""}}`)

	fail := f.tx("s5", "081200000000", "r2")
	if st, got = f.post(t, "/v1/transaction", fail); st != 200 {
		t.Fatal(got)
	}
	f.runWorkers(t)
	o := f.WaitOrder(t, "r1")
	f.WaitOrder(t, "r2") // its hold is released, so the balance below is settled
	if o.SN == "" {
		t.Fatal("no SN")
	}
	st, got = f.post(t, "/v1/transaction", req)
	assertAnswer(t, st, got, 200, fmt.Sprintf(`{"data":{"ref_id":"r1","customer_no":"081234567890","buyer_sku_code":"s5","message":"Transaksi sukses (simulator)","status":"Sukses","rc":"00","sn":%q,"buyer_last_saldo":94995,"price":5005,"tele":"","wa":""}}`, o.SN))

	st, got = f.post(t, "/v1/transaction", fail)
	assertAnswer(t, st, got, 200, `{"data":{"ref_id":"r2","customer_no":"081200000000","buyer_sku_code":"s5","message":"Nomor tujuan salah (simulator)","status":"Gagal","rc":"02","sn":"","buyer_last_saldo":94995,"price":5005,"tele":"","wa":""}}`)
	if len(f.orders(t)) != 2 {
		t.Fatalf("orders: %d", len(f.orders(t)))
	}
	f.CheckLedger(t)
}

func TestGoldenTransactionTesting(t *testing.T) {
	t.Parallel()
	f := setup(t, digiflazz.Options{})
	req := f.tx("s5", "081234567890", "t1")
	req["testing"], req["max_price"], req["cb_url"], req["allow_dot"], req["msg"] = true, 6000, "https://shop.example/cb", false, nil
	st, got := f.post(t, "/v1/transaction", req)
	// A testing transaction moves no money.
	assertAnswer(t, st, got, 200, `{"data":{"ref_id":"t1","customer_no":"081234567890","buyer_sku_code":"s5","message":"Transaksi sedang diproses","status":"Pending","rc":"03","sn":"","buyer_last_saldo":100000,"price":5005,"tele":"","wa":""}}`)
	o := f.orders(t)[0]
	if !o.Testing || o.CallbackURL != "https://shop.example/cb" || o.Dialect != "digiflazz" {
		t.Fatalf("order %+v", o)
	}
}

func TestGoldenRefusals(t *testing.T) {
	t.Parallel()
	f := setup(t, digiflazz.Options{})
	st, got := f.post(t, "/v1/cek-saldo", map[string]any{"cmd": "deposit", "username": "buyer1", "sign": f.sign("wrong")})
	assertAnswer(t, st, got, 200, `{"data":{"rc":"41","status":"Gagal","message":"Signature Anda salah"}}`)

	// An unknown username is answered as a wrong sign (issue 14: no username oracle).
	st, got = f.post(t, "/v1/price-list", map[string]any{"cmd": "prepaid", "username": "nobody", "sign": f.sign("pricelist")})
	assertAnswer(t, st, got, 200, `{"data":{"rc":"41","status":"Gagal","message":"Signature Anda salah"}}`)

	req := f.tx("s5", "081234567890", "big")
	req["max_price"] = 5000
	st, got = f.post(t, "/v1/transaction", req)
	assertAnswer(t, st, got, 200, `{"data":{"ref_id":"big","customer_no":"081234567890","buyer_sku_code":"s5","message":"Harga melebihi max_price","status":"Gagal","rc":"69","sn":"","buyer_last_saldo":100000,"price":0,"tele":"","wa":""}}`)

	// Before the caller is known there is no balance to show.
	st, got = f.post(t, "/v1/transaction", `{"username":"buyer1","buyer_sku_code":"s5","customer_no":"0812","ref_id":"x","sign":"00","testing":"yes"}`)
	assertAnswer(t, st, got, 200, `{"data":{"ref_id":"x","customer_no":"0812","buyer_sku_code":"s5","message":"Payload error: testing harus bertipe boolean","status":"Gagal","rc":"40","sn":"","buyer_last_saldo":0,"price":0,"tele":"","wa":""}}`)

	if st, _ = f.post(t, "/v1/cek-saldo", ""); st != 200 {
		t.Fatalf("empty body: HTTP %d", st)
	}
	// Paths and methods the API does not have are answered in its format too.
	resp, err := http.Get(f.Server.URL + "/v1/cek-saldo")
	if err != nil {
		t.Fatal(err)
	}
	raw, _ := io.ReadAll(resp.Body)
	resp.Body.Close()
	assertAnswer(t, resp.StatusCode, string(raw), 405, `{"data":{"rc":"40","status":"Gagal","message":"Gunakan metode POST dengan body JSON"}}`)
	st, got = f.post(t, "/v1/topup", map[string]any{})
	assertAnswer(t, st, got, 404, `{"data":{"rc":"40","status":"Gagal","message":"Endpoint tidak dikenal: /v1/topup"}}`)
}

func TestGoldenDeposit(t *testing.T) {
	t.Parallel()
	f := setup(t, digiflazz.Options{Banks: digiflazz.Banks{{Bank: "BCA", AccountNo: "6042888890"}, {Bank: "MANDIRI", AccountNo: "1400012345678", PaymentMethod: "Transfer Bank Mandiri"}}})
	st, got := f.post(t, "/v1/deposit", map[string]any{"username": "buyer1", "amount": 200000, "bank": "bca", "owner_name": "Budi Santoso", "sign": f.sign("deposit")})
	ts, err := f.Svc.Tickets(context.Background(), store.TicketFilter{})
	if err != nil || len(ts) != 1 {
		t.Fatalf("tickets %+v %v", ts, err)
	}
	tk := ts[0]
	if tk.Amount <= 200000 || tk.Amount > 200999 || tk.Notes == "" || tk.Requested != 200000 || tk.OwnerName != "Budi Santoso" {
		t.Fatalf("ticket %+v", tk)
	}
	assertAnswer(t, st, got, 200, fmt.Sprintf(`{"data":{"rc":"00","bank":"BCA","payment_method":"Transfer Bank","account_no":"6042888890","amount":%d,"notes":%q}}`, tk.Amount, tk.Notes))
	// Opening a ticket moves no money.
	if b := f.Balance(t); b != startBalance {
		t.Fatalf("balance %d", b)
	}
	st, got = f.post(t, "/v1/deposit", map[string]any{"username": "buyer1", "amount": 200000, "bank": "BRI", "owner_name": "Budi Santoso", "sign": f.sign("deposit")})
	assertAnswer(t, st, got, 200, `{"data":{"rc":"40","status":"Gagal","message":"Payload error: bank tidak tersedia; pilih BCA, MANDIRI"}}`)
}

func TestGoldenPostpaid(t *testing.T) {
	t.Parallel()
	f := setup(t, digiflazz.Options{})
	ctx := context.Background()
	inq := f.tx("pln", "530000000001", "p1")
	inq["commands"] = "inq-pasca"
	st, got := f.post(t, "/v1/transaction", inq)
	in, _, _ := f.Svc.BillStatus(ctx, f.Reseller.Reseller.ID, "p1")
	if in == nil || in.CustomerName == "" || in.Price != in.SellingPrice-100*int64(in.Sheets) || in.Admin != 2500*int64(in.Sheets) {
		t.Fatalf("inquiry %+v", in)
	}
	periode := periodsOf(t, in.Desc)
	assertAnswer(t, st, got, 200, fmt.Sprintf(`{"data":{"ref_id":"p1","customer_no":"530000000001","customer_name":%q,"buyer_sku_code":"pln","admin":%d,"message":"Transaksi Sukses","status":"Sukses","rc":"00","sn":"","buyer_last_saldo":100000,"price":%d,"selling_price":%d,"periode":%q,"desc":%s}}`,
		in.CustomerName, in.Admin, in.Price, in.SellingPrice, periode, in.Desc))

	pay := f.tx("pln", "530000000001", "p1")
	pay["commands"] = "pay-pasca"
	if in.Price > startBalance {
		st, got = f.post(t, "/v1/transaction", pay)
		assertAnswer(t, st, got, 200, `{"data":{"ref_id":"p1","customer_no":"530000000001","customer_name":"","buyer_sku_code":"pln","admin":0,"message":"Saldo tidak cukup","status":"Gagal","rc":"44","sn":"","buyer_last_saldo":100000,"price":0,"selling_price":0}}`)
	}
	if _, err := f.Svc.Credit(ctx, "buyer1", 1_000_000, "test"); err != nil {
		t.Fatal(err)
	}
	st, got = f.post(t, "/v1/transaction", pay)
	left := startBalance + 1_000_000 - in.Price
	assertAnswer(t, st, got, 200, fmt.Sprintf(`{"data":{"ref_id":"p1","customer_no":"530000000001","customer_name":%q,"buyer_sku_code":"pln","admin":%d,"message":"Pembayaran sedang diproses","status":"Pending","rc":"03","sn":"","buyer_last_saldo":%d,"price":%d,"selling_price":%d,"periode":%q,"desc":%s}}`,
		in.CustomerName, in.Admin, left, in.Price, in.SellingPrice, periode, in.Desc))
	// Paying again reports on the payment and charges nothing.
	if st, got2 := f.post(t, "/v1/transaction", pay); st != 200 || got2 != got {
		t.Fatalf("pay again: %s", got2)
	}

	f.runWorkers(t)
	o := f.WaitOrder(t, "p1")
	status := f.tx("pln", "530000000001", "p1")
	status["commands"] = "status-pasca"
	st, got = f.post(t, "/v1/transaction", status)
	// Once paid, PLN's detail shows the meter readings.
	assertAnswer(t, st, got, 200, fmt.Sprintf(`{"data":{"ref_id":"p1","customer_no":"530000000001","customer_name":%q,"buyer_sku_code":"pln","admin":%d,"message":%q,"status":"Sukses","rc":"00","sn":%q,"buyer_last_saldo":%d,"price":%d,"selling_price":%d,"periode":%q,"desc":%s}}`,
		in.CustomerName, in.Admin, o.Message, o.SN, left, in.Price, in.SellingPrice, periode, in.PaidDesc))
	if len(in.PaidDesc) == 0 || string(in.PaidDesc) == string(in.Desc) {
		t.Fatalf("paid desc %s", in.PaidDesc)
	}
	f.CheckLedger(t)
}

func periodsOf(t *testing.T, desc []byte) string {
	t.Helper()
	var d struct {
		Detail []struct {
			Periode string `json:"periode"`
		} `json:"detail"`
	}
	if err := json.Unmarshal(desc, &d); err != nil || len(d.Detail) == 0 {
		t.Fatalf("desc %s: %v", desc, err)
	}
	out := d.Detail[0].Periode
	for _, it := range d.Detail[1:] {
		out += "," + it.Periode
	}
	return out
}

func TestGoldenInquiryPLN(t *testing.T) {
	t.Parallel()
	f := setup(t, digiflazz.Options{})
	c, err := f.Svc.PLNCustomer(context.Background(), "12345678901")
	if err != nil {
		t.Fatal(err)
	}
	st, got := f.post(t, "/v1/inquiry-pln", map[string]any{"username": "buyer1", "customer_no": "12345678901", "sign": f.sign("12345678901")})
	assertAnswer(t, st, got, 200, fmt.Sprintf(`{"data":{"message":"Transaksi Sukses","status":"Sukses","rc":"00","customer_no":"12345678901","meter_no":%q,"subscriber_id":%q,"name":%q,"segment_power":%q}}`,
		c.MeterNo, c.SubscriberID, c.Name, c.SegmentPower))
	if c.Name == "" || c.MeterNo == "" || c.SegmentPower == "" {
		t.Fatalf("customer %+v", c)
	}
	st, got = f.post(t, "/v1/inquiry-pln", map[string]any{"username": "buyer1", "customer_no": "12345670000", "sign": f.sign("12345670000")})
	assertAnswer(t, st, got, 200, `{"data":{"message":"Nomor pelanggan salah","status":"Gagal","rc":"54","customer_no":"12345670000","meter_no":"","subscriber_id":"","name":"","segment_power":""}}`)
}
