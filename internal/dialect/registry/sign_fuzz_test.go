package registry_test

import (
	"encoding/json"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"

	dfz "github.com/kios-h2h/kios/client/digiflazz"
	ds "github.com/kios-h2h/kios/client/digiswitch"
	"github.com/kios-h2h/kios/internal/kiostest"
)

// signedDialect is one row of the signed dialects' shared suite: the Digiflazz family's
// transaction, as each dialect words it.
type signedDialect struct {
	name string
	path string
	// body is a transaction of s5 to a number, as username signs it for ref.
	body func(username, sign, ref string) any
	// signed says whether sign is the reseller's own for ref: such a request is judged on its
	// merits, not refused for its sign.
	signed func(username, sign, ref, user, key string) bool
	// sign is the reseller's sign for ref.
	sign func(user, key, ref string) string
	// refused are the rcs of a refusal for the caller's name or sign.
	refused []string
	// extra seeds, beyond the rows' shared ones.
	extra func(user, key string) [][3]string
}

var signedDialects = []signedDialect{
	{
		name: "digiflazz", path: "/v1/transaction",
		body: func(username, sign, ref string) any {
			return dfz.TransactionRequest{Username: username, BuyerSKUCode: "s5", CustomerNo: "081234567890", RefID: ref, Sign: sign}
		},
		signed: func(username, sign, ref, user, key string) bool {
			return username == user && dfz.SignMatches(sign, user, key, ref)
		},
		sign:    dfz.Sign,
		refused: []string{dfz.RCPayload, dfz.RCSign, dfz.RCUsername},
	},
	{
		name: "digiswitch", path: ds.PathTransaction,
		body: func(username, sign, ref string) any {
			return ds.TransactionRequest{Username: username, Code: "s5", CustomerNo: "081234567890", RefID: ref, Sign: sign}
		},
		signed: func(username, sign, ref, user, key string) bool {
			return username == user && strings.EqualFold(strings.TrimSpace(sign), ds.Sign(user, key, ref)) && strings.TrimSpace(ref) != ""
		},
		sign:    ds.Sign,
		refused: []string{ds.RCPayload, ds.RCSign, ds.RCUsername},
		extra: func(user, key string) [][3]string {
			return [][3]string{{strings.ToUpper(user), ds.Sign(user, key, "ref-6"), "ref-6"}}
		},
	},
}

// FuzzTransactionSign sends transactions with arbitrary usernames, signs and ref_ids through each
// signed dialect's real handler (the kit's server, as `kios serve` mounts it): unless the sign is
// the reseller's own for that ref_id, the answer is a refusal (rc 40, 41 or 42) and no order is
// placed. One table for the Digiflazz and Digiswitch dialects, which had a copy each.
func FuzzTransactionSign(f *testing.F) {
	k := kiostest.Setup(f, kiostest.Options{})
	h := k.Server.Config.Handler
	user, key := k.Reseller.Reseller.Username, k.Reseller.APIKey
	for i, d := range signedDialects {
		n := uint8(i)
		f.Add(n, user, d.sign(user, key, "ref-1"), "ref-1")
		f.Add(n, user, strings.ToUpper(d.sign(user, key, "ref-2")), "ref-2")
		f.Add(n, user, d.sign(user, key, "ref-3"), "ref-4")
		f.Add(n, user, "", "ref-5")
		if d.extra != nil {
			for _, s := range d.extra(user, key) {
				f.Add(n, s[0], s[1], s[2])
			}
		}
		f.Add(n, user+"' OR '1'='1", d.sign(user, key, "x"), "x")
	}
	f.Fuzz(func(t *testing.T, which uint8, username, sign, ref string) {
		d := signedDialects[int(which)%len(signedDialects)]
		body, _ := json.Marshal(d.body(username, sign, ref))
		r := httptest.NewRequest(http.MethodPost, d.path, strings.NewReader(string(body)))
		r.RemoteAddr = "127.0.0.1:40000"
		w := httptest.NewRecorder()
		before := k.OrderCount(t)
		h.ServeHTTP(w, r)
		var env struct {
			Data struct {
				RC string `json:"rc"`
			} `json:"data"`
		}
		if err := json.Unmarshal(w.Body.Bytes(), &env); err != nil {
			t.Fatalf("%s: answer is not the envelope: %d %s", d.name, w.Code, w.Body.Bytes())
		}
		if d.signed(username, sign, ref, user, key) {
			return // a signed order: placed or refused on its merits
		}
		refused := false
		for _, rc := range d.refused {
			refused = refused || env.Data.RC == rc
		}
		if !refused {
			t.Fatalf("%s: unsigned transaction (user %q sign %q ref %q) answered %d %s", d.name, username, sign, ref, w.Code, w.Body.Bytes())
		}
		if after := k.OrderCount(t); after != before {
			t.Fatalf("%s: a refused transaction changed the orders: %d -> %d", d.name, before, after)
		}
	})
}
