package digiswitch_test

import (
	"encoding/json"
	"net/http"
	"regexp"
	"testing"

	ds "github.com/kios-h2h/kios/client/digiswitch"
)

// TestGolden drives every endpoint once in sequence and compares each answer's exact JSON with
// its golden file.
func TestGolden(t *testing.T) {
	t.Parallel()
	b := setup(t, setupOpts{})
	b.Run()
	ok := func(name, path string, body any) []byte {
		t.Helper()
		status, raw := b.post(path, body)
		if status != http.StatusOK {
			t.Fatalf("%s: HTTP %d: %s", name, status, raw)
		}
		golden(t, name, raw)
		return raw
	}
	pl := b.sign(ds.SuffixPriceList)
	ok("price-list-prepaid", ds.PathPriceList, ds.PriceListRequest{Command: "prepaid", Username: b.user(), Sign: pl})
	ok("price-list-prepaid-code", ds.PathPriceList, ds.PriceListRequest{Command: "prepaid", Username: b.user(), Code: "s5", Sign: pl})
	ok("price-list-pasca", ds.PathPriceList, ds.PriceListRequest{Command: "pasca", Username: b.user(), Sign: pl})
	ok("cek-saldo", ds.PathBalance, ds.BalanceRequest{Cmd: "deposit", Username: b.user(), Sign: b.sign(ds.SuffixDeposit)})

	// The deposit's amount has a random tail: check it, then normalize it.
	status, raw := b.post(ds.PathDeposit, ds.DepositRequest{Username: b.user(), Amount: 100000, Bank: "BCA", OwnerName: "Budi", Sign: b.sign(ds.SuffixDeposit)})
	var dep ds.Envelope[ds.DepositResponse]
	if status != http.StatusOK || json.Unmarshal(raw, &dep) != nil || dep.Data.Amount <= 100000 || dep.Data.Amount > 100999 {
		t.Fatalf("deposit: HTTP %d %s", status, raw)
	}
	golden(t, "deposit", regexp.MustCompile(`"amount":100\d\d\d`).ReplaceAll(raw, []byte(`"amount":100123`)))

	ok("transaction-pending", ds.PathTransaction, b.trx("", "s5", "081234567890", "trx-1"))
	b.WaitOrder(b.T, "trx-1")
	ok("transaction-success", ds.PathTransaction, b.trx("", "s5", "081234567890", "trx-1"))

	test := b.trx("", "s5", "081234567891", "trx-test")
	test.Testing = true
	ok("transaction-testing", ds.PathTransaction, test)

	b.data(ds.PathTransaction, b.trx("", "s5", "081200000000", "trx-fail"))
	b.WaitOrder(b.T, "trx-fail")
	ok("transaction-failed", ds.PathTransaction, b.trx("", "s5", "081200000000", "trx-fail"))

	ok("inq-pasca-pln", ds.PathTransaction, b.trx(ds.CommandInquiry, "dspln", "530000000001", "pln-1"))
	ok("inq-pasca-pdam", ds.PathTransaction, b.trx(ds.CommandInquiry, "aetra", "1234567", "pdam-1"))
	ok("inq-pasca-bpjs", ds.PathTransaction, b.trx(ds.CommandInquiry, "bpjs", "8888801234567890", "bpjs-1"))
	ok("pay-pasca-pending", ds.PathTransaction, b.trx(ds.CommandPay, "dspln", "530000000001", "pln-1"))
	b.WaitOrder(b.T, "pln-1")
	ok("pay-pasca-success", ds.PathTransaction, b.trx(ds.CommandPay, "dspln", "530000000001", "pln-1"))
	ok("status-pasca-success", ds.PathTransaction, b.trx(ds.CommandStatus, "dspln", "530000000001", "pln-1"))

	ok("token", ds.PathToken, ds.TokenRequest{Username: b.user(), CustomerNo: "530000000001", Sign: b.sign("530000000001")})

	// Refusals: the bare error and a transaction's, which echoes the request.
	ok("error-sign", ds.PathBalance, ds.BalanceRequest{Username: b.user(), Sign: "0123456789abcdef0123456789abcdef"})
	ok("error-transaction-product", ds.PathTransaction, b.trx("", "nope", "081234567890", "trx-x"))
	ok("error-malformed", ds.PathTransaction, `{"username": "tokobudi", "ref_id": 12}`)
	ok("error-pay-pasca-not-inquired", ds.PathTransaction, b.trx(ds.CommandPay, "dspln", "530000000002", "pln-none"))
	b.CheckLedger(b.T)
}
