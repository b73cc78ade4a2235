package digiswitch_test

import (
	"context"
	"errors"
	"fmt"
	"log"
	"time"

	ds "github.com/kios-h2h/kios/client/digiswitch"
)

func ExampleSign() {
	// cek-saldo and deposit sign "depo", price-list "pricelist", a transaction its ref_id and a
	// PLN customer check its customer_no.
	fmt.Println(ds.Sign("tokobudi", "0123456789abcdef0123456789abcdef", ds.SuffixDeposit))
	fmt.Println(ds.Sign("tokobudi", "0123456789abcdef0123456789abcdef", "trx-1"))
	// Output:
	// 3615e20706e6185c655adaa9611ceea9
	// 3b31f2c53c4af1d46970ea73a6bc9568
}

func ExampleClient_Transaction() {
	c := ds.New("https://kios.example.com", "tokobudi", "0123456789abcdef0123456789abcdef", ds.WithTimeout(30*time.Second))
	ctx := context.Background()
	req := ds.TransactionRequest{Code: "s5", CustomerNo: "081234567890", RefID: "order-1001"}
	for {
		resp, err := c.Transaction(ctx, req)
		var refused *ds.APIError
		switch {
		case errors.Is(err, ds.ErrUnknownOutcome):
			// Maybe bought, maybe not: never buy under a new ref_id; resend this one later.
			time.Sleep(5 * time.Second)
			continue
		case errors.As(err, &refused):
			log.Printf("refused or failed: rc %s: %s", refused.RC, refused.Message)
			return
		case err != nil:
			log.Fatal(err)
		case ds.IsPending(resp.RC):
			time.Sleep(2 * time.Second) // resending the same request is the status check
			continue
		}
		fmt.Println("success, SN", resp.SN, "balance", resp.Balance)
		return
	}
}

func ExampleClient_Postpaid() {
	c := ds.New("https://kios.example.com", "tokobudi", "0123456789abcdef0123456789abcdef")
	ctx := context.Background()
	bill := ds.TransactionRequest{Code: "dspln", CustomerNo: "530000000001", RefID: "bill-2001"}
	inq, err := c.Postpaid(ctx, ds.CommandInquiry, bill)
	if err != nil {
		log.Fatal(err)
	}
	fmt.Printf("%s owes %d; you pay %d\n", inq.Name, inq.SellingPrice, inq.Price)
	// Pay with the same ref_id, the same day.
	paid, err := c.Postpaid(ctx, ds.CommandPay, bill)
	if err != nil {
		log.Fatal(err)
	}
	fmt.Println(paid.Status, paid.SN)
}

func ExampleClient_Deposit() {
	c := ds.New("https://kios.example.com", "tokobudi", "0123456789abcdef0123456789abcdef")
	t, err := c.Deposit(context.Background(), 1_000_000, "BCA", "Budi Santoso")
	if err != nil {
		log.Fatal(err)
	}
	fmt.Printf("transfer exactly %d with note %q\n", t.Amount, t.Notes)
}
