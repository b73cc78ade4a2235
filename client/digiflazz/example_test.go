package digiflazz_test

import (
	"context"
	"errors"
	"fmt"
	"log"
	"net/http"

	"github.com/kios-h2h/kios/client/digiflazz"
)

// A client of a Kios server: the same code talks to Digiflazz with digiflazz.DefaultBaseURL.
func Example() {
	c := digiflazz.New("https://kios.example.com/v1", "buyer1", "your-api-key")
	ctx := context.Background()

	bal, err := c.Balance(ctx)
	if err != nil {
		log.Fatal(err)
	}
	fmt.Println("balance:", bal)

	items, err := c.PriceList(ctx, digiflazz.PriceFilter{Brand: "TELKOMSEL"})
	if err != nil {
		log.Fatal(err)
	}
	for _, it := range items {
		fmt.Println(it.BuyerSKUCode, it.ProductName, it.Price)
	}
}

// A prepaid purchase, and what to do with each kind of answer.
func ExampleClient_Transaction() {
	c := digiflazz.New("https://kios.example.com/v1", "buyer1", "your-api-key")
	req := digiflazz.TransactionRequest{BuyerSKUCode: "s5", CustomerNo: "081234567890", RefID: "order-1001", MaxPrice: 5500}
	d, err := c.Transaction(context.Background(), req)
	switch {
	case errors.Is(err, digiflazz.ErrUnknownOutcome):
		// Maybe bought, maybe not: send the SAME request again later (the status check). A new
		// ref_id could buy twice.
	case err != nil:
		if e, ok := digiflazz.AsRCError(err); ok {
			fmt.Println("refused:", e.RC, e.Message) // nothing bought under order-1001
		}
	case digiflazz.IsPending(d.RC):
		// Send the same request again later, or wait for the webhook.
	default:
		fmt.Println("delivered, SN", d.SN, "balance now", d.BuyerLastSaldo)
	}
}

// Receiving webhooks: the signature is checked with the secret set in the panel.
func ExampleReadWebhook() {
	mux := http.NewServeMux()
	mux.HandleFunc("POST /digiflazz/webhook", func(w http.ResponseWriter, r *http.Request) {
		wh, err := digiflazz.ReadWebhook(r, "webhook-secret", 1<<20)
		if err != nil {
			http.Error(w, "bad webhook", http.StatusBadRequest)
			return
		}
		fmt.Println(wh.Event, wh.Data.RefID, wh.Data.Status, wh.Data.SN)
	})
	_ = http.ListenAndServe("127.0.0.1:8080", mux)
}

func ExampleWebhookSignature() {
	body := []byte(`{"data":{"ref_id":"r1","status":"Sukses"}}`)
	fmt.Println(digiflazz.WebhookSignature("webhook-secret", body))
	// Output: sha1=2f0a622c2dd25647d40aac7fb54de991cd52dec1
}

func ExampleSign() {
	// cek-saldo is signed with "depo", price-list with "pricelist", deposit with "deposit", a
	// transaction with its ref_id and inquiry-pln with its customer_no.
	fmt.Println(digiflazz.Sign("buyer1", "secretkey", digiflazz.SuffixBalance))
	// Output: 45be9b2799ef10474124b88034b750da
}
