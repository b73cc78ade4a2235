package basstore_test

import (
	"context"
	"errors"
	"fmt"
	"log"
	"net/http"
	"net/http/httptest"
	"strings"
	"time"

	"github.com/kios-h2h/kios/client/basstore"
)

// reference answers each path with the sample answer of BASSTORE's v1.9.0 documentation, so the
// examples run without a Kios server.
func reference() *httptest.Server {
	answers := map[string]string{
		basstore.PathBalance:                          `{"error":false,"code":200,"message":"Success","data":{"name":"Cishop Indo","email":"support@cishopindo.co.id","telp":"6282113064552","membership":"Gold","balance":0}}`,
		basstore.PathProduct:                          `{"error":false,"code":200,"message":"Success","data":[{"code":"mobile-legends","name":"Mobile Legends","is_active":true}]}`,
		basstore.PathVariant:                          `{"error":false,"code":200,"message":"Success","data":[{"id":4090,"code":"MLBB_ID_5","name":"5 (5+0) Diamonds","is_active":"active","price":1389,"processDuration":"0"}]}`,
		basstore.PathOrder:                            `{"error":false,"code":200,"message":"Success","data":{"invoiceNumber":"RZ-RAPIXXXXXXXXX"}}`,
		basstore.PathStatusOrder + "RZ-RAPIXXXXXXXXX": `{"error":false,"code":200,"message":"Success","data":{"invoiceNumber":"RZ-RAPIXXXXXXXXX","productName":"string","userData":"string","statusCode":"Success"}}`,
	}
	return httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("Content-Type", "application/json")
		if r.Header.Get("Authorization") != "Bearer API_TOKEN" {
			w.WriteHeader(http.StatusUnauthorized)
			fmt.Fprint(w, `{"error":true,"code":401,"message":"Unauthorized: invalid API token","data":null}`)
			return
		}
		if a, ok := answers[r.URL.Path]; ok {
			fmt.Fprint(w, a)
			return
		}
		w.WriteHeader(http.StatusNotFound)
		fmt.Fprint(w, `{"error":true,"code":404,"message":"Invoice not found","data":null}`)
	}))
}

func ExampleNewClient() {
	c := basstore.NewClient("https://h2h.example.com", "API_TOKEN", basstore.Options{
		Timeout:    15 * time.Second, // per call, on top of the context's deadline
		HTTPClient: &http.Client{Transport: &http.Transport{MaxIdleConnsPerHost: 16}},
	})
	_ = c
}

func ExampleClient_Balance() {
	srv := reference()
	defer srv.Close()
	c := basstore.NewClient(srv.URL, "API_TOKEN", basstore.Options{})

	b, err := c.Balance(context.Background())
	if err != nil {
		log.Fatal(err)
	}
	fmt.Printf("%s (%s): Rp%d\n", b.Name, b.Membership, b.Balance)
	// Output: Cishop Indo (Gold): Rp0
}

func ExampleClient_Products() {
	srv := reference()
	defer srv.Close()
	c := basstore.NewClient(srv.URL, "API_TOKEN", basstore.Options{})

	ps, err := c.Products(context.Background())
	if err != nil {
		log.Fatal(err)
	}
	for _, p := range ps {
		fmt.Println(p.Code, p.Name, p.IsActive)
	}
	// Output: mobile-legends Mobile Legends true
}

func ExampleClient_Variants() {
	srv := reference()
	defer srv.Close()
	c := basstore.NewClient(srv.URL, "API_TOKEN", basstore.Options{})

	vs, err := c.Variants(context.Background(), "mobile-legends")
	if err != nil {
		log.Fatal(err)
	}
	for _, v := range vs {
		fmt.Println(v.ID, v.Code, v.Name, v.IsActive, v.Price)
	}
	// Output: 4090 MLBB_ID_5 5 (5+0) Diamonds active 1389
}

// An order whose outcome is unknown (a timeout, a 5xx) is sent again under the same
// referenceNumber: the server answers with the first order's invoice and charges once.
func ExampleClient_Order() {
	srv := reference()
	defer srv.Close()
	c := basstore.NewClient(srv.URL, "API_TOKEN", basstore.Options{})
	ctx := context.Background()

	req := basstore.OrderRequest{Code: "MLBB_ID_5", ReferenceNumber: "TRX-0001", Data: "12345678(1234)"}
	for attempt := 1; attempt <= 5; attempt++ {
		ans, err := c.Order(ctx, req)
		var refused *basstore.APIError
		switch {
		case err == nil:
			fmt.Println("accepted:", ans.InvoiceNumber)
			return
		case errors.As(err, &refused):
			fmt.Println("refused:", refused.Code, refused.Message) // nothing was charged
			return
		case errors.Is(err, basstore.ErrUnknownOutcome):
			time.Sleep(time.Duration(attempt) * time.Second) // same reference: never charged twice
		default:
			log.Fatal(err) // never sent: fix the configuration
		}
	}
	// Output: accepted: RZ-RAPIXXXXXXXXX
}

func ExampleClient_Status() {
	srv := reference()
	defer srv.Close()
	c := basstore.NewClient(srv.URL, "API_TOKEN", basstore.Options{})

	st, err := c.Status(context.Background(), "RZ-RAPIXXXXXXXXX")
	if err != nil {
		log.Fatal(err)
	}
	switch st.StatusCode {
	case basstore.StatusSuccess:
		fmt.Println("delivered", st.InvoiceNumber, st.SN)
	case basstore.StatusFailed:
		fmt.Println("failed, refunded:", st.Message)
	default:
		fmt.Println("still pending")
	}
	// Output: delivered RZ-RAPIXXXXXXXXX
}

func ExampleAPIError() {
	srv := reference()
	defer srv.Close()
	c := basstore.NewClient(srv.URL, "WRONG_TOKEN", basstore.Options{})

	_, err := c.Balance(context.Background())
	var refused *basstore.APIError
	if errors.As(err, &refused) {
		fmt.Println(refused.Code, strings.HasPrefix(refused.Message, "Unauthorized"))
	}
	// Output: 401 true
}
