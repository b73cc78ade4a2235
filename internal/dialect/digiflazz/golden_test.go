package digiflazz_test

import (
	"fmt"
	"net/http"
	"testing"

	"github.com/kios-h2h/kios/internal/dialect/digiflazz"
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
	o := f.waitFinal(t, "r1")
	f.waitFinal(t, "r2") // its hold is released, so the balance below is settled
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
	f.checkLedger(t)
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

	st, got = f.post(t, "/v1/price-list", map[string]any{"cmd": "prepaid", "username": "nobody", "sign": f.sign("pricelist")})
	assertAnswer(t, st, got, 200, `{"data":{"rc":"42","status":"Gagal","message":"Username Anda salah"}}`)

	st, got = f.post(t, "/v1/deposit", map[string]any{"username": "buyer1", "amount": 100000, "bank": "BCA", "owner_name": "Budi", "sign": f.sign("deposit")})
	assertAnswer(t, st, got, 200, `{"data":{"rc":"02","status":"Gagal","message":"Tiket deposit belum tersedia di server ini; hubungi admin untuk deposit"}}`)

	req := f.tx("s5", "081234567890", "big")
	req["max_price"] = 5000
	st, got = f.post(t, "/v1/transaction", req)
	assertAnswer(t, st, got, 200, `{"data":{"ref_id":"big","customer_no":"081234567890","buyer_sku_code":"s5","message":"Harga melebihi max_price","status":"Gagal","rc":"69","sn":"","buyer_last_saldo":100000,"price":0,"tele":"","wa":""}}`)

	// Before the caller is known there is no balance to show.
	st, got = f.post(t, "/v1/transaction", `{"username":"buyer1","buyer_sku_code":"s5","customer_no":"0812","ref_id":"x","sign":"00","testing":"yes"}`)
	assertAnswer(t, st, got, 200, `{"data":{"ref_id":"x","customer_no":"0812","buyer_sku_code":"s5","message":"Payload error: testing harus bertipe boolean","status":"Gagal","rc":"40","sn":"","buyer_last_saldo":0,"price":0,"tele":"","wa":""}}`)

	pasca := f.tx("pln", "530000000001", "p1")
	pasca["commands"] = "inq-pasca"
	st, got = f.post(t, "/v1/transaction", pasca)
	assertAnswer(t, st, got, 200, `{"data":{"ref_id":"p1","customer_no":"530000000001","customer_name":"","buyer_sku_code":"pln","admin":0,"message":"Produk pascabayar belum tersedia di server ini","status":"Gagal","rc":"43","sn":"","buyer_last_saldo":100000,"price":0,"selling_price":0}}`)

	st, got = f.post(t, "/v1/inquiry-pln", map[string]any{"username": "buyer1", "customer_no": "12345678901", "sign": f.sign("12345678901")})
	assertAnswer(t, st, got, 200, `{"data":{"message":"Cek ID pelanggan PLN belum tersedia di server ini","status":"Gagal","rc":"02","customer_no":"12345678901","meter_no":"","subscriber_id":"","name":"","segment_power":""}}`)

	if st, _ = f.post(t, "/v1/cek-saldo", ""); st != 200 {
		t.Fatalf("empty body: HTTP %d", st)
	}
	resp, err := http.Get(f.srv.URL + "/v1/cek-saldo")
	if err != nil {
		t.Fatal(err)
	}
	resp.Body.Close()
	if resp.StatusCode != http.StatusMethodNotAllowed {
		t.Fatalf("GET: HTTP %d", resp.StatusCode)
	}
}
