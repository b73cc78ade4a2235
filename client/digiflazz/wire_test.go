package digiflazz_test

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"io"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"
	"time"

	"github.com/kios-h2h/kios/client/digiflazz"
)

// Vectors computed independently (Python's hashlib and hmac).
func TestSign(t *testing.T) {
	t.Parallel()
	if got := digiflazz.Sign("buyer1", "secretkey", digiflazz.SuffixBalance); got != "45be9b2799ef10474124b88034b750da" {
		t.Fatalf("sign depo: %s", got)
	}
	if got := digiflazz.Sign("buyer1", "secretkey", "ref-123"); got != "a8dbccc9c7799c8ab7fcba0b7b5679bc" {
		t.Fatalf("sign ref_id: %s", got)
	}
	if !digiflazz.SignMatches("45BE9B2799EF10474124B88034B750DA", "buyer1", "secretkey", "depo") {
		t.Fatal("upper-case hex refused")
	}
	if digiflazz.SignMatches("45be9b2799ef10474124b88034b750db", "buyer1", "secretkey", "depo") ||
		digiflazz.SignMatches("", "buyer1", "secretkey", "depo") {
		t.Fatal("wrong sign accepted")
	}
}

const webhookBody = `{"data":{"ref_id":"r1","customer_no":"0812","buyer_sku_code":"s5","message":"Transaksi Sukses","status":"Sukses","rc":"00","sn":"123","buyer_last_saldo":94995,"price":5005,"tele":"","wa":"","trx_id":"KIOS-1"}}`

func TestWebhookShape(t *testing.T) {
	t.Parallel()
	d := digiflazz.WebhookData{TransactionData: digiflazz.TransactionData{RefID: "r1", CustomerNo: "0812", BuyerSKUCode: "s5",
		Message: "Transaksi Sukses", Status: "Sukses", RC: "00", SN: "123", BuyerLastSaldo: 94995, Price: 5005}, TrxID: "KIOS-1"}
	b, err := json.Marshal(digiflazz.Envelope[digiflazz.WebhookData]{Data: d})
	if err != nil {
		t.Fatal(err)
	}
	if string(b) != webhookBody {
		t.Fatalf("webhook body\n got %s\nwant %s", b, webhookBody)
	}
	if got := digiflazz.WebhookSignature("whsecret", b); got != "sha1=64d29fcc6250e272764e73e8bbeae513a99851ca" {
		t.Fatalf("signature %s", got)
	}
}

func TestReadWebhook(t *testing.T) {
	t.Parallel()
	newReq := func(body, sig string, postpaid bool) *http.Request {
		r := httptest.NewRequest(http.MethodPost, "/hook", strings.NewReader(body))
		digiflazz.WebhookHeaders(r.Header, digiflazz.EventUpdate, "d-1", postpaid, "1.0", "", []byte(body))
		if sig != "" {
			r.Header.Set(digiflazz.HeaderSignature, sig)
		}
		return r
	}
	good := digiflazz.WebhookSignature("whsecret", []byte(webhookBody))
	wh, err := digiflazz.ReadWebhook(newReq(webhookBody, good, false), "whsecret", 0)
	if err != nil {
		t.Fatal(err)
	}
	if wh.Event != "update" || wh.Delivery != "d-1" || wh.Postpaid || wh.Data.TrxID != "KIOS-1" || wh.Data.SN != "123" || wh.Data.BuyerLastSaldo != 94995 {
		t.Fatalf("webhook %+v", wh)
	}
	if wh, err := digiflazz.ReadWebhook(newReq(webhookBody, "", true), "", 0); err != nil || !wh.Postpaid {
		t.Fatalf("postpaid without secret: %+v %v", wh, err)
	}
	tampered := strings.Replace(webhookBody, `"price":5005`, `"price":5`, 1)
	if _, err := digiflazz.ReadWebhook(newReq(tampered, good, false), "whsecret", 0); !errors.Is(err, digiflazz.ErrWebhookSignature) {
		t.Fatalf("tampered body: %v", err)
	}
	if _, err := digiflazz.ReadWebhook(newReq(webhookBody, "", false), "whsecret", 0); !errors.Is(err, digiflazz.ErrWebhookSignature) {
		t.Fatalf("missing signature: %v", err)
	}
	if _, err := digiflazz.ReadWebhook(newReq(webhookBody, good, false), "whsecret", 10); err == nil {
		t.Fatal("oversized body accepted")
	}
	h := http.Header{}
	digiflazz.WebhookHeaders(h, digiflazz.EventCreate, "d-2", true, "1.0", "whsecret", []byte(webhookBody))
	if h.Get("User-Agent") != "DigiFlazz-Pasca-Hookshot/1.0" || h.Get("X-Digiflazz-Event") != "create" || h.Get("X-Digiflazz-Delivery") != "d-2" || h.Get("X-Hub-Signature") != good {
		t.Fatalf("headers %v", h)
	}
}

// TestClientErrors checks how the client tells a definite refusal from an unknown outcome.
func TestClientErrors(t *testing.T) {
	t.Parallel()
	var answer string
	var status int
	var got map[string]any
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		b, _ := io.ReadAll(r.Body)
		got = nil
		_ = json.Unmarshal(b, &got)
		got["_path"] = r.URL.Path
		w.WriteHeader(status)
		io.WriteString(w, answer)
	}))
	defer srv.Close()
	c := digiflazz.New(srv.URL+"/v1/", "buyer1", "secretkey", digiflazz.WithTimeout(time.Second))
	ctx := context.Background()

	status, answer = 200, `{"data":{"deposit":12345}}`
	if bal, err := c.Balance(ctx); err != nil || bal != 12345 || got["_path"] != "/v1/cek-saldo" || got["cmd"] != "deposit" || got["sign"] != "45be9b2799ef10474124b88034b750da" {
		t.Fatalf("balance %d %v, request %v", bal, err, got)
	}
	status, answer = 200, `{"data":{"rc":"41","status":"Gagal","message":"Signature Anda salah"}}`
	if _, err := c.Balance(ctx); !isRC(err, "41") {
		t.Fatalf("refused balance: %v", err)
	}
	if _, err := c.PriceList(ctx, digiflazz.PriceFilter{}); !isRC(err, "41") {
		t.Fatalf("refused price list: %v", err)
	}
	// Digiflazz sends some refusals with HTTP 400: still definite.
	status, answer = 400, `{"data":{"ref_id":"r1","rc":"44","status":"Gagal","message":"Saldo tidak cukup"}}`
	if d, err := c.Transaction(ctx, digiflazz.TransactionRequest{BuyerSKUCode: "s5", CustomerNo: "0812", RefID: "r1"}); !isRC(err, "44") || d.RefID != "r1" {
		t.Fatalf("refused transaction: %+v %v", d, err)
	}
	for _, rc := range []string{"03", "99", "00"} {
		status, answer = 200, `{"data":{"ref_id":"r1","rc":"`+rc+`","status":"x","message":"m"}}`
		if d, err := c.Transaction(ctx, digiflazz.TransactionRequest{BuyerSKUCode: "s5", CustomerNo: "0812", RefID: "r1"}); err != nil || d.RC != rc {
			t.Fatalf("rc %s: %+v %v", rc, d, err)
		}
		if got["sign"] != digiflazz.Sign("buyer1", "secretkey", "r1") || got["username"] != "buyer1" {
			t.Fatalf("transaction request %v", got)
		}
	}
	for _, c2 := range []struct {
		status int
		body   string
	}{{500, `{"data":{"rc":"02"}}`}, {502, "bad gateway"}, {200, "not json"}, {200, `{"data":{}}`}, {200, `{}`}, {403, "forbidden"}} {
		status, answer = c2.status, c2.body
		if _, err := c.Transaction(ctx, digiflazz.TransactionRequest{RefID: "r"}); !errors.Is(err, digiflazz.ErrUnknownOutcome) {
			t.Errorf("HTTP %d %q: %v", c2.status, c2.body, err)
		}
	}
	srv.Close()
	if _, err := c.Balance(ctx); !errors.Is(err, digiflazz.ErrUnknownOutcome) {
		t.Fatalf("server down: %v", err)
	}
}

func isRC(err error, rc string) bool {
	e, ok := digiflazz.AsRCError(err)
	return ok && e.RC == rc && e.Message != ""
}

func TestRequestShapes(t *testing.T) {
	t.Parallel()
	for _, c := range []struct {
		v    any
		want string
	}{
		{digiflazz.BalanceRequest{Cmd: "deposit", Username: "u", Sign: "s"}, `{"cmd":"deposit","username":"u","sign":"s"}`},
		{digiflazz.PriceListRequest{Cmd: "prepaid", Username: "u", Sign: "s"}, `{"cmd":"prepaid","username":"u","sign":"s"}`},
		{digiflazz.DepositRequest{Username: "u", Amount: 200000, Bank: "BCA", OwnerName: "Budi", Sign: "s"}, `{"username":"u","amount":200000,"bank":"BCA","owner_name":"Budi","sign":"s"}`},
		{digiflazz.TransactionRequest{Username: "u", BuyerSKUCode: "xld10", CustomerNo: "087800001230", RefID: "r", Sign: "s", Testing: true, MaxPrice: 11000, CbURL: "https://x/cb", AllowDot: true},
			`{"username":"u","buyer_sku_code":"xld10","customer_no":"087800001230","ref_id":"r","sign":"s","testing":true,"max_price":11000,"cb_url":"https://x/cb","allow_dot":true}`},
		{digiflazz.TransactionRequest{Username: "u", Commands: "inq-pasca", BuyerSKUCode: "pln", CustomerNo: "530000000001", RefID: "r", Sign: "s"},
			`{"username":"u","commands":"inq-pasca","buyer_sku_code":"pln","customer_no":"530000000001","ref_id":"r","sign":"s"}`},
		{digiflazz.InquiryPLNRequest{Username: "u", CustomerNo: "12345678901", Sign: "s"}, `{"username":"u","customer_no":"12345678901","sign":"s"}`},
		{digiflazz.DepositData{RC: "00", Bank: "BCA", PaymentMethod: "transfer", AccountNo: "123", Amount: 200123, Notes: "KIOS 1"},
			`{"rc":"00","bank":"BCA","payment_method":"transfer","account_no":"123","amount":200123,"notes":"KIOS 1"}`},
		{digiflazz.PascaData{RefID: "r", CustomerNo: "5300", CustomerName: "Budi", BuyerSKUCode: "pln", Admin: 2500, Message: "m", Status: "Sukses", RC: "00",
			BuyerLastSaldo: 1, Price: 10000, SellingPrice: 10500, Periode: "202611", Desc: json.RawMessage(`{"tarif":"R1","daya":1300,"lembar_tagihan":1,"detail":[]}`)},
			`{"ref_id":"r","customer_no":"5300","customer_name":"Budi","buyer_sku_code":"pln","admin":2500,"message":"m","status":"Sukses","rc":"00","sn":"","buyer_last_saldo":1,"price":10000,"selling_price":10500,"periode":"202611","desc":{"tarif":"R1","daya":1300,"lembar_tagihan":1,"detail":[]}}`},
	} {
		b, err := json.Marshal(c.v)
		if err != nil {
			t.Fatal(err)
		}
		if !bytes.Equal(b, []byte(c.want)) {
			t.Errorf("%T\n got %s\nwant %s", c.v, b, c.want)
		}
	}
}
