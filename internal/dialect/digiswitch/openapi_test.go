package digiswitch_test

import (
	"encoding/json"
	"net/http"
	"os"
	"path/filepath"
	"strings"
	"testing"

	ds "github.com/kios-h2h/kios/client/digiswitch"
	"github.com/kios-h2h/kios/internal/dialect/digiswitch"
	"github.com/kios-h2h/kios/internal/dialect/openapitest"
)

// TestOpenAPI checks the dialect's OpenAPI description against the wire: every golden answer is a
// valid answer of the endpoint it came from, and every request of the golden test is a valid request.
func TestOpenAPI(t *testing.T) {
	t.Parallel()
	spec := openapitest.New(t, digiswitch.Registration().OpenAPI)
	files, err := filepath.Glob("testdata/golden/*.json")
	if err != nil || len(files) == 0 {
		t.Fatalf("goldens: %v %d", err, len(files))
	}
	for _, f := range files {
		answer, err := os.ReadFile(f)
		if err != nil {
			t.Fatal(err)
		}
		name := strings.TrimSuffix(filepath.Base(f), ".json")
		spec.Answer(t, openapitest.Call{Method: http.MethodPost, Target: goldenPath(name), Body: []byte(`{}`),
			Status: http.StatusOK, Answer: answer})
	}
	const user, sign = "tokobudi", "0123456789abcdef0123456789abcdef"
	trx := func(command, code, customer, ref string) ds.TransactionRequest {
		return ds.TransactionRequest{Username: user, Command: command, Code: code, CustomerNo: customer, RefID: ref, Sign: sign}
	}
	test := trx("", "s5", "081234567891", "trx-test")
	test.Testing = true
	for _, c := range []struct {
		path string
		body any
	}{
		{ds.PathPriceList, ds.PriceListRequest{Command: "prepaid", Username: user, Sign: sign}},
		{ds.PathPriceList, ds.PriceListRequest{Command: "prepaid", Username: user, Code: "s5", Sign: sign}},
		{ds.PathPriceList, ds.PriceListRequest{Command: "pasca", Username: user, Sign: sign}},
		{ds.PathBalance, ds.BalanceRequest{Cmd: "deposit", Username: user, Sign: sign}},
		{ds.PathBalance, ds.BalanceRequest{Username: user, Sign: sign}},
		{ds.PathDeposit, ds.DepositRequest{Username: user, Amount: 100000, Bank: "BCA", OwnerName: "Budi", Sign: sign}},
		{ds.PathTransaction, trx("", "s5", "081234567890", "trx-1")},
		{ds.PathTransaction, test},
		{ds.PathTransaction, trx(ds.CommandInquiry, "dspln", "530000000001", "pln-1")},
		{ds.PathTransaction, trx(ds.CommandPay, "dspln", "530000000001", "pln-1")},
		{ds.PathTransaction, trx(ds.CommandStatus, "dspln", "530000000001", "pln-1")},
		{ds.PathToken, ds.TokenRequest{Username: user, CustomerNo: "530000000001", Sign: sign}},
	} {
		body, err := json.Marshal(c.body)
		if err != nil {
			t.Fatal(err)
		}
		spec.Request(t, openapitest.Call{Method: http.MethodPost, Target: c.path, Body: body})
	}
}

// goldenPath is the endpoint a golden answer's name says it came from.
func goldenPath(name string) string {
	switch {
	case strings.HasPrefix(name, "price-list"):
		return ds.PathPriceList
	case name == "cek-saldo" || name == "error-sign":
		return ds.PathBalance
	case name == "deposit":
		return ds.PathDeposit
	case name == "token":
		return ds.PathToken
	}
	return ds.PathTransaction
}
