package digiflazz_test

import (
	"bytes"
	"context"
	"fmt"
	"net/http/httptest"
	"testing"

	wire "github.com/kios-h2h/kios/client/digiflazz"
	"github.com/kios-h2h/kios/internal/dialect/digiflazz"
)

// TestWebhook builds the webhook of a final order and reads it back with the public client's
// ReadWebhook, as a reseller's receiver written for Digiflazz would.
func TestWebhook(t *testing.T) {
	t.Parallel()
	f := setup(t, digiflazz.Options{})
	ctx := context.Background()
	req := f.tx("s5", "081234567890", "w1")
	req["cb_url"] = "https://shop.example/cb"
	if st, got := f.post(t, "/v1/transaction", req); st != 200 {
		t.Fatal(got)
	}
	f.runWorkers(t)
	o := f.WaitOrder(t, "w1")
	wh, err := digiflazz.WebhookFor(ctx, f.Svc, o, f.Reseller.APIKey, "dlv-1")
	if err != nil {
		t.Fatal(err)
	}
	want := fmt.Sprintf(`{"data":{"ref_id":"w1","customer_no":"081234567890","buyer_sku_code":"s5","message":"Transaksi sukses (simulator)","status":"Sukses","rc":"00","sn":%q,"buyer_last_saldo":94995,"price":5005,"tele":"","wa":"","trx_id":%q}}`, o.SN, o.Invoice)
	if string(wh.Body) != want {
		t.Fatalf("body\n got %s\nwant %s", wh.Body, want)
	}
	if wh.Header.Get("X-Digiflazz-Event") != "update" || wh.Header.Get("X-Digiflazz-Delivery") != "dlv-1" ||
		wh.Header.Get("User-Agent") != "DigiFlazz-Hookshot/kios" || wh.Header.Get("X-Hub-Signature") != wire.WebhookSignature(f.Reseller.APIKey, wh.Body) {
		t.Fatalf("headers %v", wh.Header)
	}
	r := httptest.NewRequest("POST", "/cb", bytes.NewReader(wh.Body))
	r.Header = wh.Header.Clone()
	got, err := wire.ReadWebhook(r, f.Reseller.APIKey, 0)
	if err != nil || got.Data.SN != o.SN || got.Data.TrxID != o.Invoice || got.Postpaid {
		t.Fatalf("read back: %+v %v", got, err)
	}

	// A bill payment's webhook has the postpaid shape and hookshot.
	if _, err := f.Svc.Credit(ctx, "buyer1", 1_000_000, "test"); err != nil {
		t.Fatal(err)
	}
	for _, cmd := range []string{"inq-pasca", "pay-pasca"} {
		p := f.tx("pln", "530000000001", "b1")
		p["commands"] = cmd
		if st, got := f.post(t, "/v1/transaction", p); st != 200 {
			t.Fatal(got)
		}
	}
	bo := f.WaitOrder(t, "b1")
	wh, err = digiflazz.WebhookFor(ctx, f.Svc, bo, "", "dlv-2")
	if err != nil {
		t.Fatal(err)
	}
	if wh.Header.Get("User-Agent") != "DigiFlazz-Pasca-Hookshot/kios" || wh.Header.Get("X-Hub-Signature") != "" ||
		!bytes.Contains(wh.Body, []byte(`"customer_name":`)) || !bytes.Contains(wh.Body, []byte(`"selling_price":`)) || !bytes.Contains(wh.Body, []byte(`"trx_id":"`+bo.Invoice+`"`)) {
		t.Fatalf("postpaid webhook %v %s", wh.Header, wh.Body)
	}
}
