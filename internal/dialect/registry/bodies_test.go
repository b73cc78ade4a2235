package registry_test

import (
	"io"
	"net/http"
	"strconv"
	"strings"
	"testing"

	"github.com/kios-h2h/kios/internal/kiostest"
	"github.com/kios-h2h/kios/internal/store/storetest"
)

// TestBodyAnswers pins each JSON dialect's answer, byte for byte, to each way a body cannot be
// read (package request reads them all; each dialect words its own answer), and that every one of
// them closes the connection after a body over the limit. None of them changes the database.
func TestBodyAnswers(t *testing.T) {
	t.Parallel()
	const limit = 256
	over := `{"customer_no":"` + strings.Repeat("9", limit) + `"}`
	type answer struct {
		status int
		body   string
	}
	basstore := func(status int, msg string) answer {
		return answer{status, `{"error":true,"code":` + strconv.Itoa(status) + `,"message":"` + msg + `","data":null}` + "\n"}
	}
	// Digiswitch echoes the request's fields it could read before its rc; Digiflazz names every
	// field of a transaction.
	digiswitch := func(echo, msg string) answer {
		return answer{200, `{"data":{` + echo + `"rc":"40","status":"Gagal","message":"` + msg + `"}}`}
	}
	digiflazz := func(ref, customer, msg string) answer {
		return answer{200, `{"data":{"ref_id":"` + ref + `","customer_no":"` + customer + `","buyer_sku_code":"","message":"` + msg +
			`","status":"Gagal","rc":"40","sn":"","buyer_last_saldo":0,"price":0,"tele":"","wa":""}}`}
	}
	cases := []struct {
		name                            string
		body                            string
		basstore, digiswitch, digiflazz answer
	}{
		{"empty", ``,
			basstore(400, "Invalid request: body must be a JSON object"),
			digiswitch(``, "Body harus berupa objek JSON"),
			digiflazz("", "", "Payload error: body bukan JSON yang valid")},
		{"white space", " \n",
			basstore(400, "Invalid request: body must be a JSON object"),
			digiswitch(``, "Body harus berupa objek JSON"),
			digiflazz("", "", "Payload error: body bukan JSON yang valid")},
		{"null", `null`,
			basstore(400, "code is required"),
			digiswitch(``, "Body harus berupa objek JSON"),
			digiflazz("", "", "Payload error: username wajib diisi")},
		{"array", `[{"ref_id":"r1"}]`,
			basstore(400, "Invalid request: body must be a JSON object"),
			digiswitch(``, "Body harus berupa objek JSON"),
			digiflazz("", "", "Payload error: body bukan JSON yang valid")},
		{"truncated", `{"ref_id":"r1",`,
			basstore(400, "Invalid request: malformed JSON body"),
			digiswitch(``, "JSON tidak valid"),
			digiflazz("", "", "Payload error: body bukan JSON yang valid")},
		{"trailing data", `{"ref_id":"r1","customer_no":"0812"} x`,
			basstore(400, "Invalid request: malformed JSON body"),
			digiswitch(``, "JSON tidak valid"),
			digiflazz("", "", "Payload error: body bukan JSON yang valid")},
		{"form encoded", `ref_id=r1&customer_no=0812`,
			basstore(400, "Invalid request: malformed JSON body"),
			digiswitch(``, "Body harus berupa objek JSON"),
			digiflazz("", "", "Payload error: body bukan JSON yang valid")},
		// The other fields are echoed where the dialect echoes them.
		{"wrong type", `{"ref_id":1,"customer_no":"0812","code":5,"data":1}`,
			basstore(400, "code must be a string"),
			digiswitch(`"customer_no":"0812",`, "Field ref_id harus bertipe string"),
			digiflazz("", "0812", "Payload error: ref_id harus bertipe string")},
		{"number as string", `{"ref_id":"r1","max_price":"5000"}`,
			basstore(400, "code is required"),
			digiswitch(`"ref_id":"r1",`, "Field max_price harus bertipe integer"),
			digiflazz("r1", "", "Payload error: max_price harus bertipe number")},
		{"over the limit", over,
			basstore(413, "Request body too large (limit 256 bytes)"),
			digiswitch(``, "Body melebihi 256 byte"),
			digiflazz("", "", "Payload error: body lebih dari 256 byte")},
		// Decided on the whole body since the shared decoder: BASSTORE named the first value's
		// fault, or read on only as far as that value.
		{"trailing data after a wrong type", `{"code":5} x`,
			basstore(400, "Invalid request: malformed JSON body"),
			digiswitch(``, "JSON tidak valid"),
			digiflazz("", "", "Payload error: body bukan JSON yang valid")},
		{"over the limit in trailing white space", `{"code":"s5"}` + strings.Repeat(" ", limit),
			basstore(413, "Request body too large (limit 256 bytes)"),
			digiswitch(``, "Body melebihi 256 byte"),
			digiflazz("", "", "Payload error: body lebih dari 256 byte")},
	}
	kiostest.Each(t, kiostest.Options{MaxBody: limit}, func(t *testing.T, k *kiostest.Kit) {
		before := storetest.Dump(t, k.DB)
		for _, c := range cases {
			for _, d := range []struct {
				name, path string
				want       answer
			}{
				{"basstore", "/api/v1/order", c.basstore},
				{"digiswitch", "/v1/user/api/transaction", c.digiswitch},
				{"digiflazz", "/v1/transaction", c.digiflazz},
			} {
				req, err := http.NewRequest(http.MethodPost, k.Server.URL+d.path, strings.NewReader(c.body))
				if err != nil {
					t.Fatal(err)
				}
				req.Header.Set("Content-Type", "application/json")
				req.Header.Set("Authorization", "Bearer "+k.Reseller.Token)
				resp, err := http.DefaultClient.Do(req)
				if err != nil {
					t.Fatal(err)
				}
				raw, _ := io.ReadAll(resp.Body)
				resp.Body.Close()
				if resp.StatusCode != d.want.status || string(raw) != d.want.body {
					t.Errorf("%s, %s: %d %s\nwant %d %s", c.name, d.name, resp.StatusCode, raw, d.want.status, d.want.body)
				}
				if tooLarge := len(c.body) > limit; resp.Close != tooLarge {
					t.Errorf("%s, %s: connection closed %v", c.name, d.name, resp.Close)
				}
			}
		}
		if after := storetest.Dump(t, k.DB); after != before {
			t.Fatalf("a body changed the database:\nbefore:\n%s\nafter:\n%s", before, after)
		}
	})
}
